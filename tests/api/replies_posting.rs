//! Posting replies over REST and GraphQL: each reply policy, the honeypot,
//! spam signals under open articles, staff replies, and fields readers may
//! not set.

use crate::reply_support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::{json, Value};

#[each_database]
async fn each_reply_policy_decides_what_happens_to_a_reply() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;

        let (status, open) =
            post_reply_json(&app, &articles.open, &reader(&unique("Open reply")), None).await;
        assert_eq!(status, 201, "open policy: public at once ({})", app.backend);
        assert_eq!(open["status"], "approved");
        assert_eq!(open["depth"], 1);
        assert_eq!(open["is_staff"], false);

        let (status, moderated) = post_reply_json(
            &app,
            &articles.moderated,
            &reader(&unique("Moderated reply")),
            None,
        )
        .await;
        assert_eq!(status, 202, "moderated policy: waits ({})", app.backend);
        assert_eq!(moderated["status"], "pending");
        assert!(moderated["id"].is_string());

        let response = post_reply(
            &app,
            &articles.closed,
            &reader(&unique("Closed reply")),
            None,
        )
        .await;
        assert_eq!(response.status(), 403, "closed policy ({})", app.backend);
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "FORBIDDEN");
        assert!(problem["detail"].as_str().unwrap().contains("closed"));

        let (_, threads) = public_threads(&app, &articles.open).await;
        let ids = thread_ids(&threads["data"]);
        assert!(ids.contains(&open["id"].as_str().unwrap().to_owned()));
        let (_, threads) = public_threads(&app, &articles.moderated).await;
        let ids = thread_ids(&threads["data"]);
        assert!(
            !ids.contains(&moderated["id"].as_str().unwrap().to_owned()),
            "pending replies are not public ({})",
            app.backend
        );
    }
}

#[each_database]
async fn posting_under_an_unknown_article_is_not_found() {
    for app in spawn_all_generous().await {
        let response = post_reply(&app, "no-such-article", &reader("Hello"), None).await;
        assert_eq!(response.status(), 404, "{}", app.backend);
    }
}

#[each_database]
async fn a_filled_honeypot_looks_accepted_but_is_stored_as_spam() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let mut body = reader(&unique("Buy followers"));
        body["website"] = json!("https://spam.example");
        let (status, reply) = post_reply_json(&app, &articles.open, &body, None).await;
        assert_eq!(status, 202, "{}", app.backend);
        assert_eq!(reply["status"], "pending", "the robot is not told");
        let id = reply["id"].as_str().unwrap();

        let (_, threads) = public_threads(&app, &articles.open).await;
        assert!(!thread_ids(&threads["data"]).contains(&id.to_owned()));
        let queue: Value = admin(
            &app,
            reqwest::Method::GET,
            "?status=spam",
            None,
            Some(&editor.access_token),
        )
        .await
        .json()
        .await
        .unwrap();
        assert!(
            queue["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == id && r["status"] == "spam"),
            "stored as spam ({}): {queue}",
            app.backend
        );
        // An empty honeypot is just a normal reply.
        let mut body = reader(&unique("A real reader"));
        body["website"] = json!("  ");
        let (status, _) = post_reply_json(&app, &articles.open, &body, None).await;
        assert_eq!(status, 201, "{}", app.backend);
    }
}

#[each_database]
async fn spam_looking_replies_under_open_articles_wait_for_a_moderator() {
    let apps = spawn_all_with(|settings| {
        settings.replies.reply_rate_limit = 10_000;
        settings.replies.reply_daily_limit = 10_000;
        settings.replies.reply_blocked_words = vec!["casino".into(), "miracle pills".into()];
    })
    .await;
    for app in apps {
        let open = demo_articles(&app).await.open;
        let two_links = unique("See https://a.example/one and https://b.example/two");
        let (status, _) = post_reply_json(&app, &open, &reader(&two_links), None).await;
        assert_eq!(status, 201, "two links are fine ({})", app.backend);

        let three_links = unique("https://a.example/1 https://b.example/2 https://c.example/3");
        let (status, reply) = post_reply_json(&app, &open, &reader(&three_links), None).await;
        assert_eq!(status, 202, "three links wait ({})", app.backend);
        assert_eq!(reply["status"], "pending");

        for text in [
            "Best CASINO bonus",
            "Try these Miracle  Pills",
            "ｃａｓｉｎｏ night",
            "cas\u{200B}ino",
            "MIRACLE\u{200B}PILLS",
            "miracle\u{2060}\u{200D}pills now",
        ] {
            let (status, _) = post_reply_json(&app, &open, &reader(&unique(text)), None).await;
            assert_eq!(status, 202, "blocked word in {text:?} ({})", app.backend);
        }
        let mut blocked_name = reader(&unique("An innocent text"));
        blocked_name["author_name"] = json!("Casino King");
        let (status, _) = post_reply_json(&app, &open, &blocked_name, None).await;
        assert_eq!(status, 202, "blocked word in the name ({})", app.backend);
        let (status, _) =
            post_reply_json(&app, &open, &reader(&unique("Occasionally I agree")), None).await;
        assert_eq!(status, 201, "whole words only ({})", app.backend);

        let text = unique("Same words twice");
        let (status, _) = post_reply_json(&app, &open, &reader(&text), None).await;
        assert_eq!(status, 201, "{}", app.backend);
        let (status, _) = post_reply_json(
            &app,
            &open,
            &reader(&format!("  {}  ", text.to_uppercase())),
            None,
        )
        .await;
        assert_eq!(
            status, 202,
            "a repeat from the same client waits ({})",
            app.backend
        );
    }
}

#[each_database]
async fn fields_readers_may_not_set_are_refused() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        for (field, value) in [
            ("status", json!("approved")),
            ("is_staff", json!(true)),
            ("user_id", json!("00000000-0000-0000-0000-000000000000")),
        ] {
            let mut body = reader(&unique("Sneaky"));
            body[field] = value;
            let response = post_reply(&app, &open, &body, None).await;
            assert_eq!(response.status(), 422, "{field} ({})", app.backend);
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "BAD_USER_INPUT");
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        let response = app
            .client
            .post(format!("{}/api/v1/articles/{open}/replies", app.address))
            .header("content-type", "application/json")
            .body("{\"author_name\": ")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "malformed JSON ({})", app.backend);
    }
}

#[each_database]
async fn staff_replying_while_signed_in_are_public_at_once_and_marked() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let author = app.sign_in_new(Role::Author).await;
        // Name and address come from the account; reader fields are optional.
        let (status, reply) = post_reply_json(
            &app,
            &articles.moderated,
            &json!({ "body": unique("Thanks, we corrected the date.") }),
            Some(&author.access_token),
        )
        .await;
        assert_eq!(status, 201, "{} {reply}", app.backend);
        assert_eq!(reply["status"], "approved");
        assert_eq!(reply["is_staff"], true);
        assert_eq!(reply["author_name"], "Test author");
        let (text, threads) = public_threads(&app, &articles.moderated).await;
        let node = find_node(&threads["data"], reply["id"].as_str().unwrap()).unwrap();
        assert_eq!(node["is_staff"], true);
        assert!(!text.contains(&author.email), "{}", app.backend);

        let response = post_reply(
            &app,
            &articles.closed,
            &json!({ "body": "Even staff" }),
            Some(&author.access_token),
        )
        .await;
        assert_eq!(
            response.status(),
            403,
            "closed means closed ({})",
            app.backend
        );

        let response = post_reply(&app, &articles.open, &reader("x"), Some("not-a-token")).await;
        assert_eq!(
            response.status(),
            401,
            "a bad token is refused ({})",
            app.backend
        );
    }
}

#[each_database]
async fn graphql_post_reply_follows_the_same_rules() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let vars = |slug: &str, body: &str| json!({ "slug": slug, "name": "Ana Reader", "email": READER_EMAIL, "body": body });
        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            vars(&articles.open, &unique("Over GraphQL")),
        )
        .await;
        let reply = &answer["data"]["postReply"];
        assert_eq!(reply["status"], "APPROVED", "{} {answer}", app.backend);
        assert_eq!(reply["depth"], 1);

        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            vars(&articles.moderated, &unique("Over GraphQL")),
        )
        .await;
        assert_eq!(answer["data"]["postReply"]["status"], "PENDING", "{answer}");

        let answer = graphql_as(&app, None, POST_REPLY, vars(&articles.closed, "No")).await;
        assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");

        // By id instead of slug.
        let article: Value = app
            .get(&format!("/api/v1/articles/{}", articles.open))
            .await
            .json()
            .await
            .unwrap();
        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            json!({ "id": article["id"], "name": "Ana", "email": READER_EMAIL,
                    "body": unique("By id"), "parent": reply["id"] }),
        )
        .await;
        assert_eq!(answer["data"]["postReply"]["depth"], 2, "{answer}");

        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            json!({ "name": "Ana", "email": READER_EMAIL, "body": "Which article?" }),
        )
        .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");

        let mut with_trap = vars(&articles.open, &unique("Robot"));
        with_trap["website"] = json!("http://spam.example");
        let answer = graphql_as(&app, None, POST_REPLY, with_trap).await;
        assert_eq!(answer["data"]["postReply"]["status"], "PENDING", "{answer}");

        let editor = app.sign_in_new(Role::Editor).await;
        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            POST_REPLY,
            json!({ "slug": articles.moderated, "body": unique("Staff over GraphQL") }),
        )
        .await;
        let reply = &answer["data"]["postReply"];
        assert_eq!(reply["status"], "APPROVED", "{answer}");
        assert_eq!(reply["isStaff"], true);
    }
}

#[each_database]
async fn a_retried_post_with_an_idempotency_key_creates_one_reply() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.open;
        let url = app.api(&format!("/articles/{slug}/replies"));
        let body = reader(&unique("Posted over a flaky network"));
        let send = |body: &Value, key: &str| {
            app.client
                .post(&url)
                .header("Idempotency-Key", key)
                .json(body)
                .send()
        };
        let key = format!("retry-{}", uuid::Uuid::now_v7());

        let first = send(&body, &key).await.expect("first attempt");
        assert_eq!(first.status(), 201, "{}", app.backend);
        let first: Value = first.json().await.unwrap();

        let retry = send(&body, &key).await.expect("retry");
        assert_eq!(retry.status(), 201, "the first answer again");
        assert_eq!(retry.headers()["idempotent-replayed"], "true");
        let retry: Value = retry.json().await.unwrap();
        assert_eq!(retry, first, "same reply, same id");

        let (_, threads) = public_threads(&app, &slug).await;
        let text = body["body"].as_str().unwrap();
        let copies = threads["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|thread| thread["body"] == text)
            .count();
        assert_eq!(copies, 1, "one reply, not two ({})", app.backend);

        let other = reader(&unique("Another reply under the same key"));
        let reused = send(&other, &key).await.expect("reused key");
        assert_eq!(reused.status(), 422, "{}", app.backend);
        let problem: Value = reused.json().await.unwrap();
        assert_eq!(problem["code"], "IDEMPOTENCY_KEY_REUSED");

        let bad_key = send(&other, "").await.expect("empty key");
        assert_eq!(bad_key.status(), 400, "an empty key is malformed");
    }
}
