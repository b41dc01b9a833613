//! Every bound on a posted reply, just inside and just outside, over REST
//! (and the same refusals over GraphQL), plus the rules on parents and depth.

use crate::reply_support;
use crate::support;

use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::{json, Value};
use support::TestApp;

/// The 254-character address from the domain tests, and one a character longer.
fn emails() -> (String, String) {
    let local = "a".repeat(64);
    let label = "d".repeat(61);
    let longest = format!("{local}@{label}.{label}.{label}.org");
    let too_long = format!("{local}@{label}.{label}.{}.org", "d".repeat(62));
    assert_eq!((longest.len(), too_long.len()), (254, 255));
    (longest, too_long)
}

async fn refused_on(app: &TestApp, slug: &str, body: &Value, field: &str) {
    let response = post_reply(app, slug, body, None).await;
    assert_eq!(response.status(), 422, "{field} ({})", app.backend);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "BAD_USER_INPUT");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&field), "{field} named in {problem}");
}

#[each_database]
async fn every_bound_holds_just_inside_and_refuses_just_outside() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        let with = |field: &str, value: Value| {
            let mut body = reader(&unique("Bounds"));
            body[field] = value;
            body
        };
        let (longest, too_long) = emails();
        let accepted = [
            with("author_name", json!("n".repeat(80))),
            with("author_email", json!(longest)),
            with("body", json!(format!("  \n{}\t  ", "b".repeat(5_000)))),
            with("body", json!("x")),
        ];
        for body in &accepted {
            let (status, reply) = post_reply_json(&app, &slug, body, None).await;
            assert_eq!(status, 202, "{} {reply}", app.backend);
        }
        // The body is stored exactly as given, spaces and all.
        let (_, reply) = post_reply_json(&app, &slug, &accepted[2], None).await;
        assert_eq!(reply["body"], accepted[2]["body"]);

        refused_on(
            &app,
            &slug,
            &with("author_name", json!("n".repeat(81))),
            "author_name",
        )
        .await;
        refused_on(
            &app,
            &slug,
            &with("author_name", json!("   ")),
            "author_name",
        )
        .await;
        refused_on(
            &app,
            &slug,
            &with("author_email", json!(too_long)),
            "author_email",
        )
        .await;
        refused_on(
            &app,
            &slug,
            &with("author_email", json!("not-an-address")),
            "author_email",
        )
        .await;
        refused_on(&app, &slug, &with("body", json!("b".repeat(5_001))), "body").await;
        refused_on(&app, &slug, &with("body", json!(" \n\t \r\n ")), "body").await;
        // NUL characters are malformed text (400), as everywhere in the REST API.
        let nul = post_reply(&app, &slug, &with("body", json!("nul\u{0}byte")), None).await;
        assert_eq!(nul.status(), 400, "{}", app.backend);
        let problem: Value = nul.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
        refused_on(
            &app,
            &slug,
            &with("parent_id", json!("not-a-uuid")),
            "parent_id",
        )
        .await;

        // Missing fields are named, all at once.
        let response = post_reply(&app, &slug, &json!({}), None).await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["author_name", "author_email", "body"], "{problem}");
    }
}

#[each_database]
async fn invisible_characters_alone_count_as_empty_in_the_name_and_the_text() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let mut body = reader("\u{200B}\u{200B}\u{200B}");
        body["author_name"] = json!("\u{200B}\u{200D}\u{2060}");
        let response = post_reply(&app, &open, &body, None).await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert!(fields.contains(&"body"), "{problem}");
        assert!(fields.contains(&"author_name"), "{problem}");
        for blank in [
            " \u{FEFF}\u{00AD} ",
            "\u{3164}\u{2800}",
            "\u{202E}\n\u{2060}",
        ] {
            refused_on(&app, &open, &reader(blank), "body").await;
        }
        // Visible words around an invisible character are still a reply.
        let (status, reply) =
            post_reply_json(&app, &open, &reader(&unique("ok\u{200B}ay")), None).await;
        assert_eq!(status, 201, "{} {reply}", app.backend);
    }
}

#[each_database]
async fn the_request_body_is_limited_to_16_kb() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        // 5,000 three-byte characters: within the character bound and about 15 KB.
        let inside = reader(&"€".repeat(5_000));
        assert!(serde_json::to_vec(&inside).unwrap().len() < 16 * 1024);
        let (status, _) = post_reply_json(&app, &slug, &inside, None).await;
        assert_eq!(status, 202, "{}", app.backend);

        let outside = reader(&"b".repeat(16 * 1024));
        let response = post_reply(&app, &slug, &outside, None).await;
        assert_eq!(response.status(), 413, "{}", app.backend);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "PAYLOAD_TOO_LARGE");
    }
}

#[each_database]
async fn a_parent_must_be_an_approved_reply_of_the_same_article() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let elsewhere = post_ok(&app, &articles.open, "Under the open article", None, 201).await;
        let mut body = reader(&unique("Answering elsewhere"));
        body["parent_id"] = json!(elsewhere);
        refused_on(&app, &articles.moderated, &body, "parent_id").await;

        let pending = post_ok(&app, &articles.moderated, "Still pending", None, 202).await;
        let mut body = reader(&unique("Answering a pending reply"));
        body["parent_id"] = json!(pending);
        refused_on(&app, &articles.moderated, &body, "parent_id").await;

        let mut body = reader(&unique("Answering nobody"));
        body["parent_id"] = json!(uuid::Uuid::now_v7().to_string());
        refused_on(&app, &articles.open, &body, "parent_id").await;
    }
}

#[each_database]
async fn threads_stop_at_five_levels_with_a_clear_error() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let mut parent: Option<String> = None;
        for depth in 1..=5 {
            let id = post_ok(
                &app,
                &open,
                &format!("Level {depth}"),
                parent.as_deref(),
                201,
            )
            .await;
            parent = Some(id);
        }
        let mut body = reader(&unique("Level 6"));
        body["parent_id"] = json!(parent.clone().unwrap());
        let response = post_reply(&app, &open, &body, None).await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "parent_id", "{problem}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("5 levels"),
            "{problem}"
        );
        let (_, threads) = public_threads(&app, &open).await;
        let deepest = find_node(&threads["data"], parent.as_deref().unwrap()).unwrap();
        assert_eq!(deepest["depth"], 5, "{}", app.backend);
    }
}

#[each_database]
async fn graphql_names_the_offending_arguments() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        let (_, too_long) = emails();
        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            json!({ "slug": slug, "name": "n".repeat(81), "email": too_long, "body": " " }),
        )
        .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
        let fields: Vec<&str> = answer["errors"][0]["extensions"]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["authorName", "authorEmail", "body"], "{answer}");
        assert!(answer["data"].is_null() || answer["data"]["postReply"].is_null());
    }
}
