//! Corrections end to end, on both APIs and both databases: editors and
//! admins append them to public articles (public at once, audited with the
//! actor), retract them with a reason (still shown, marked), and every public
//! read shows the change at once: the article (`corrections`, a new ETag),
//! its JSON-LD (`correction`, `dateModified`), the feeds (the note on top, a
//! later `updated`) and the site-wide list, newest first. Bad requests are
//! refused with the field or status that says why.

use crate::openapi_conformance::Conformance;
use crate::support;

use masthead_domain::{Article, Lifecycle, Role};
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::content::{self, published};
use support::{Session, TestApp};

const ADD: &str = "/admin/articles/{id}/corrections";
const RETRACT: &str = "/admin/articles/{id}/corrections/{correction_id}/retract";

async fn public_article(app: &TestApp, article: &Article) -> (String, Value) {
    let response = app.get(&format!("/api/v1/articles/{}", article.slug)).await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (etag, response.json().await.unwrap())
}

fn json_ld(view: &Value) -> Value {
    serde_json::from_str(view["structured_data"].as_str().unwrap()).unwrap()
}

async fn atom_entry(app: &TestApp) -> feed_rs::model::Entry {
    let body = app.get("/feeds/atom.xml").await.bytes().await.unwrap();
    feed_rs::parser::parse(&body[..]).unwrap().entries.remove(0)
}

async fn story(app: &TestApp) -> (Article, Session, Session) {
    let editor = app.sign_in_new(Role::Editor).await;
    let admin = app.sign_in_new(Role::Admin).await;
    let author: masthead_domain::UserId = editor.user_id.parse().unwrap();
    let article = content::article(
        &app.store,
        "Bridge story",
        &[author],
        &[],
        "Engineer",
        published(3),
    )
    .await;
    (article, editor, admin)
}

#[each_database]
async fn a_correction_shows_everywhere_at_once_and_a_retraction_stays_visible_over_rest() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (article, editor, admin) = story(&app).await;
        let mut api = Conformance::new(&app).await;
        let (etag_before, before) = public_article(&app, &article).await;
        assert_eq!(before["corrections"], json!([]));
        let modified_before = json_ld(&before)["dateModified"].clone();
        let updated_before = atom_entry(&app).await.updated;
        // Feeds and JSON-LD give times to the second: let one pass.
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;

        let path = format!("/admin/articles/{}/corrections", article.id);
        let added = api
            .expect(
                "post",
                ADD,
                api.request(Method::POST, &path, Some(&editor)).json(
                    &json!({ "text": "The bridge opened in 1931, not 1913.", "kind": "correction" }),
                ),
                201,
            )
            .await;
        assert_eq!(added["kind"], "correction");
        assert_eq!(added["retracted"], false);
        let update = api
            .expect(
                "post",
                ADD,
                api.request(Method::POST, &path, Some(&admin))
                    .json(&json!({ "text": "Traffic resumed at noon.", "kind": "update" })),
                201,
            )
            .await;

        // The article: a new ETag at once, both notes newest first.
        let (etag_after, after) = public_article(&app, &article).await;
        assert_ne!(etag_after, etag_before);
        let kinds: Vec<&str> = after["corrections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds, ["update", "correction"]);
        let ld = json_ld(&after);
        assert_eq!(ld["correction"][1]["@type"], "CorrectionComment");
        assert_eq!(
            ld["correction"][1]["text"],
            "The bridge opened in 1931, not 1913."
        );
        assert!(ld["correction"][1]["datePublished"].is_string());
        assert!(
            ld["dateModified"].as_str() > modified_before.as_str(),
            "{ld}"
        );

        // The feeds: the note on top, a later `updated`.
        let entry = atom_entry(&app).await;
        assert!(
            entry.updated > updated_before,
            "the item's updated time moves"
        );
        let html = entry.content.unwrap().body.unwrap();
        assert!(
            html.starts_with("<aside class=\"correction\"><p><strong>Update</strong>"),
            "{html}"
        );
        assert!(
            html.contains("The bridge opened in 1931, not 1913."),
            "{html}"
        );

        // The site-wide list, newest first, with the article.
        let list = api
            .expect(
                "get",
                "/corrections",
                api.request(Method::GET, "/corrections", None),
                200,
            )
            .await;
        assert_eq!(list["data"][0]["id"], update["id"]);
        assert_eq!(list["data"][1]["id"], added["id"]);
        assert_eq!(list["data"][1]["article"]["slug"], article.slug.as_str());
        let first = api
            .expect(
                "get",
                "/corrections",
                api.request(Method::GET, "/corrections?limit=1", None),
                200,
            )
            .await;
        let next = first["next_cursor"].as_str().unwrap();
        let second = api
            .expect(
                "get",
                "/corrections",
                api.request(
                    Method::GET,
                    &format!("/corrections?limit=1&cursor={next}"),
                    None,
                ),
                200,
            )
            .await;
        assert_eq!(second["data"][0]["id"], added["id"]);
        assert_eq!(second["next_cursor"], Value::Null);

        // A retraction: still listed, marked, with its reason; out of the JSON-LD.
        let retract = format!(
            "/admin/articles/{}/corrections/{}/retract",
            article.id,
            added["id"].as_str().unwrap()
        );
        let retracted = api
            .expect(
                "post",
                RETRACT,
                api.request(Method::POST, &retract, Some(&editor))
                    .json(&json!({ "reason": "The original date was right." })),
                200,
            )
            .await;
        assert_eq!(retracted["retracted"], true);
        assert_eq!(
            retracted["retraction_reason"],
            "The original date was right."
        );
        let again = api
            .expect(
                "post",
                RETRACT,
                api.request(Method::POST, &retract, Some(&admin))
                    .json(&json!({ "reason": "A second reason." })),
                200,
            )
            .await;
        assert_eq!(
            again["retraction_reason"], "The original date was right.",
            "kept"
        );
        let (_, view) = public_article(&app, &article).await;
        assert_eq!(view["corrections"][1]["retracted"], true);
        assert_eq!(json_ld(&view)["correction"].as_array().unwrap().len(), 1);
        let html = atom_entry(&app).await.content.unwrap().body.unwrap();
        assert!(
            !html.contains("1931"),
            "a retracted note leaves the feed: {html}"
        );

        // The audit log names the actors.
        let audit: Value = app
            .request(
                Method::GET,
                &format!("/admin/audit?article_id={}", article.id),
                Some(&admin),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let actions: Vec<(&str, &str)> = audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["action"] != "create")
            .map(|entry| {
                (
                    entry["action"].as_str().unwrap(),
                    entry["actor_id"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            actions,
            [
                ("retract", editor.user_id.as_str()),
                ("correct", admin.user_id.as_str()),
                ("correct", editor.user_id.as_str()),
            ],
            "{audit}"
        );
    }
}

const ADD_GQL: &str = "mutation($id: ID!, $text: String!, $kind: CorrectionKind) {
  addCorrection(articleId: $id, text: $text, kind: $kind) { id kind text retracted publishedAt }
}";
const RETRACT_GQL: &str = "mutation($id: ID!, $reason: String!) {
  retractCorrection(id: $id, reason: $reason) { id retracted retractionReason retractedAt }
}";

#[each_database]
async fn corrections_are_added_retracted_and_listed_over_graphql() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (article, editor, _) = story(&app).await;
        let token = Some(editor.access_token.as_str());
        let id = article.id.to_string();
        let added = app
            .graphql_as(
                token,
                ADD_GQL,
                json!({ "id": id, "text": "A name was misspelled.", "kind": "CLARIFICATION" }),
            )
            .await;
        let correction = &added["data"]["addCorrection"];
        assert_eq!(correction["kind"], "CLARIFICATION", "{added}");
        assert_eq!(correction["retracted"], false);

        let read = app
            .graphql(
                "query($slug: String!) { article(slug: $slug) { corrections { id text } structuredData } }",
                json!({ "slug": article.slug.as_str() }),
            )
            .await;
        let node = &read["data"]["article"];
        assert_eq!(
            node["corrections"][0]["text"], "A name was misspelled.",
            "{read}"
        );
        let ld = &node["structuredData"];
        assert_eq!(
            ld["correction"][0]["text"], "A name was misspelled.",
            "{read}"
        );

        let retracted = app
            .graphql_as(
                token,
                RETRACT_GQL,
                json!({ "id": correction["id"], "reason": "It was spelled right." }),
            )
            .await;
        assert_eq!(
            retracted["data"]["retractCorrection"]["retracted"], true,
            "{retracted}"
        );
        assert!(retracted["data"]["retractCorrection"]["retractedAt"].is_string());

        let list = app
            .graphql(
                "{ corrections(first: 5) { nodes { id retracted retractionReason article { title } } pageInfo { hasNextPage } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            list["data"]["corrections"],
            json!({
                "nodes": [{ "id": correction["id"], "retracted": true,
                            "retractionReason": "It was spelled right.",
                            "article": { "title": "Bridge story" } }],
                "pageInfo": { "hasNextPage": false }
            }),
            "{list}"
        );
    }
}

#[each_database]
async fn only_editors_and_admins_correct_public_articles_with_valid_input() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (article, editor, _) = story(&app).await;
        let author = app.sign_in_new(Role::Author).await;
        let draft = content::article(
            &app.store,
            "Draft story",
            &[author.user_id.parse().unwrap()],
            &[],
            "Nobody",
            Lifecycle::draft(),
        )
        .await;
        let path = format!("/admin/articles/{}/corrections", article.id);
        let good = json!({ "text": "A fix." });
        let cases: Vec<(Option<&Session>, String, Value, u16, &str)> = vec![
            (None, path.clone(), good.clone(), 401, "UNAUTHENTICATED"),
            (Some(&author), path.clone(), good.clone(), 403, "FORBIDDEN"),
            (
                Some(&editor),
                format!("/admin/articles/{}/corrections", draft.id),
                good.clone(),
                409,
                "",
            ),
            (
                Some(&editor),
                format!("/admin/articles/{}/corrections", uuid::Uuid::now_v7()),
                good.clone(),
                404,
                "NOT_FOUND",
            ),
            (
                Some(&editor),
                "/admin/articles/not-an-id/corrections".into(),
                good.clone(),
                404,
                "NOT_FOUND",
            ),
            (
                Some(&editor),
                path.clone(),
                json!({ "text": "x", "kind": "retraction" }),
                422,
                "kind",
            ),
            (
                Some(&editor),
                path.clone(),
                json!({ "text": "   " }),
                422,
                "text",
            ),
            (
                Some(&editor),
                path.clone(),
                json!({ "text": "x".repeat(2_001) }),
                422,
                "text",
            ),
            (
                Some(&editor),
                path.clone(),
                json!({ "text": "x", "author": "me" }),
                422,
                "author",
            ),
            (
                Some(&editor),
                format!(
                    "/admin/articles/{}/corrections/{}/retract",
                    article.id,
                    uuid::Uuid::now_v7()
                ),
                json!({ "reason": "r" }),
                404,
                "NOT_FOUND",
            ),
        ];
        for (session, path, body, status, mention) in cases {
            let response = app
                .request(Method::POST, &path, session)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), status, "{path} {body} ({})", app.backend);
            let problem: Value = response.json().await.unwrap();
            assert!(problem["code"].is_string(), "{problem}");
            assert!(problem.to_string().contains(mention), "{path}: {problem}");
        }
        // A correction under another article's path is not there; an empty reason is refused.
        let added: Value = app
            .request(Method::POST, &path, Some(&editor))
            .json(&good)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let wrong = format!(
            "/admin/articles/{}/corrections/{}/retract",
            draft.id,
            added["id"].as_str().unwrap()
        );
        let right = format!(
            "/admin/articles/{}/corrections/{}/retract",
            article.id,
            added["id"].as_str().unwrap()
        );
        let reason = json!({ "reason": "" });
        let empty = app
            .request(Method::POST, &right, Some(&editor))
            .json(&reason)
            .send()
            .await
            .unwrap();
        assert_eq!(empty.status(), 422);
        let response = app
            .request(Method::POST, &wrong, Some(&editor))
            .json(&json!({ "reason": "r" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        // GraphQL refuses the same way.
        let anonymous = app
            .graphql(
                ADD_GQL,
                json!({ "id": article.id.to_string(), "text": "x" }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&anonymous),
            Some("UNAUTHENTICATED"),
            "{anonymous}"
        );
        let by_author = app
            .graphql_as(
                Some(&author.access_token),
                ADD_GQL,
                json!({ "id": article.id.to_string(), "text": "x" }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&by_author),
            Some("FORBIDDEN"),
            "{by_author}"
        );
    }
}
