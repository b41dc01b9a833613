//! Preview links on both databases and both APIs: a token opens its one
//! article as it stands now (drafts included), read-only, and nothing else;
//! it stops at expiry, revocation or the article's deletion; answers are
//! never cached (`private, no-store`, `noindex`, and a second anonymous read
//! after revocation does not see the first); who may hand links out follows
//! the policy table; bad input is refused with the field that says why.

use crate::support;

use masthead_domain::{Article, Lifecycle, Role, UserId};
use masthead_test_macros::each_database;
use reqwest::{Method, Response};
use serde_json::{json, Value};
use sha2::Digest;
use support::content;
use support::rest::{error_fields, problem};
use support::{Session, TestApp};

const TEMPLATE: &str = "https://site.example/api/preview?secret={token}";

async fn spawn_all() -> Vec<TestApp> {
    TestApp::spawn_all_empty_with(|settings| settings.preview_url = TEMPLATE.to_owned()).await
}

async fn draft(app: &TestApp, title: &str, author: &Session) -> Article {
    let author: UserId = author.user_id.parse().unwrap();
    content::article(
        &app.store,
        title,
        &[author],
        &[],
        "Mayor",
        Lifecycle::draft(),
    )
    .await
}

fn links_path(article: &Article) -> String {
    format!("/admin/articles/{}/preview-links", article.id)
}

async fn create(
    app: &TestApp,
    session: Option<&Session>,
    article: &Article,
    body: Value,
) -> Response {
    app.request(Method::POST, &links_path(article), session)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Hands out a link as `session`, asserting 201; the created link.
async fn link(app: &TestApp, session: &Session, article: &Article, seconds: i64) -> Value {
    let response = create(
        app,
        Some(session),
        article,
        json!({ "expires_in": seconds }),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", app.backend);
    response.json().await.unwrap()
}

async fn preview(app: &TestApp, token: &str) -> Response {
    app.get(&format!("/api/v1/preview/{token}")).await
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

fn assert_uncacheable(response: &Response, context: &str) {
    assert_eq!(
        header(response, "cache-control"),
        Some("private, no-store"),
        "{context}"
    );
    assert_eq!(
        header(response, "x-robots-tag"),
        Some("noindex"),
        "{context}"
    );
    assert_eq!(header(response, "etag"), None, "{context}");
}

#[each_database]
async fn a_token_opens_its_one_draft_as_it_stands_until_revoked() {
    for app in spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let article = draft(&app, "Harbour plan", &author).await;
        let other = draft(&app, "Secret budget", &author).await;
        let before = masthead_persistence::now();
        let created = link(&app, &author, &article, 3_600).await;
        let token = created["token"].as_str().unwrap().to_owned();
        assert_eq!(token.len(), 43, "{created}");
        assert_eq!(created["url"], TEMPLATE.replace("{token}", &token));
        let expires: chrono::DateTime<chrono::Utc> =
            created["expires_at"].as_str().unwrap().parse().unwrap();
        let lifetime = (expires - before).num_seconds();
        assert!((3_599..=3_601).contains(&lifetime), "{lifetime}");

        let response = preview(&app, &token).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        assert_uncacheable(&response, "REST preview");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["preview"], true);
        assert_eq!(body["id"], article.id.to_string());
        assert_eq!(body["status"], "draft");
        assert_eq!(body["title"], "Harbour plan");
        assert!(
            body["sections"].as_array().is_some_and(|s| s.len() == 2),
            "{body}"
        );

        // The current content, not a snapshot.
        let content = support::workflow::content(
            author.user_id.parse().unwrap(),
            "Harbour plan, revised",
            "New lede.",
        );
        app.store
            .articles()
            .update(article.id, article.version, content)
            .await
            .unwrap();
        let body: Value = preview(&app, &token).await.json().await.unwrap();
        assert_eq!(body["title"], "Harbour plan, revised");

        // The token opens nothing else: the other draft stays unreachable.
        let public = app.get(&format!("/api/v1/articles/{}", other.slug)).await;
        assert_eq!(public.status(), 404);
        let answer = app
            .graphql(
                "query($t: String!, $s: String!) { preview(token: $t) { article { databaseId title } } article(slug: $s) { title } }",
                json!({ "t": token, "s": other.slug.as_str() }),
            )
            .await;
        assert_eq!(
            answer["data"]["preview"]["article"]["databaseId"],
            article.id.to_string()
        );
        assert_eq!(answer["data"]["article"], Value::Null, "{answer}");

        // Listed without the token; revoked at once.
        let list: Value = app
            .request(Method::GET, &links_path(&article), Some(&author))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["data"][0]["active"], true);
        assert!(list["data"][0].get("token").is_none(), "{list}");
        assert!(!list.to_string().contains(&token));
        let revoke = format!(
            "{}/{}",
            links_path(&article),
            created["id"].as_str().unwrap()
        );
        let response = app
            .request(Method::DELETE, &revoke, Some(&author))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        let response = preview(&app, &token).await;
        problem(response, 404, "revoked").await;
        let list: Value = app
            .request(Method::GET, &links_path(&article), Some(&author))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(list["data"][0]["active"], false);
        assert!(list["data"][0]["revoked_at"].is_string(), "{list}");
        // Revoking again changes nothing.
        let again = app
            .request(Method::DELETE, &revoke, Some(&author))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 204);

        // Both writes are in the audit log with their actor.
        let admin = app.sign_in_new(Role::Admin).await;
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
            .map(|entry| {
                (
                    entry["action"].as_str().unwrap(),
                    entry["actor_id"].as_str().unwrap_or(""),
                )
            })
            .collect();
        for action in ["share_preview", "revoke_preview"] {
            let entries: Vec<_> = actions.iter().filter(|(a, _)| *a == action).collect();
            assert_eq!(entries.len(), 1, "{action}: {audit}");
            assert_eq!(entries[0].1, author.user_id, "{action}: {audit}");
        }
    }
}

/// Stores a link whose token is `token` directly, handed out by the
/// article's first author, expiring at `expires_at`.
async fn stored_link(
    app: &TestApp,
    article: &Article,
    token: &str,
    expires_at: chrono::DateTime<chrono::Utc>,
) {
    let hash: String = sha2::Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    app.store
        .preview_links()
        .create(article.id, article.authors[0].id, hash, expires_at)
        .await
        .unwrap();
}

#[each_database]
async fn a_token_stops_at_expiry_and_with_its_article() {
    for app in spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let article = draft(&app, "Ferry timetable", &author).await;
        let now = masthead_persistence::now();
        let expired = "e".repeat(43);
        stored_link(&app, &article, &expired, now - chrono::Duration::seconds(1)).await;
        let live = "l".repeat(43);
        stored_link(&app, &article, &live, now + chrono::Duration::hours(1)).await;
        problem(preview(&app, &expired).await, 404, "expired").await;
        assert_eq!(preview(&app, &live).await.status(), 200);
        let answer = app
            .graphql(
                "query($t: String!) { preview(token: $t) { article { title } } }",
                json!({ "t": expired }),
            )
            .await;
        assert_eq!(answer["data"]["preview"], Value::Null, "{answer}");

        app.store.articles().delete(article.id, None).await.unwrap();
        problem(preview(&app, &live).await, 404, "deleted article").await;
    }
}

#[each_database]
async fn previews_are_never_cached_nor_served_from_the_cache() {
    for app in spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let author: UserId = editor.user_id.parse().unwrap();
        let article = content::article(
            &app.store,
            "Published tale",
            &[author],
            &[],
            "Clerk",
            content::published(1),
        )
        .await;
        let created = link(&app, &editor, &article, 600).await;
        let token = created["token"].as_str().unwrap();
        let query = format!("{{ preview(token: \"{token}\") {{ article {{ title }} }} }}");
        let get = || {
            app.client
                .get(format!("{}/graphql", app.address))
                .query(&[("query", query.as_str())])
                .send()
        };
        for _ in 0..2 {
            let response = get().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_uncacheable(&response, "GraphQL GET preview");
            let body: Value = response.json().await.unwrap();
            assert_eq!(
                body["data"]["preview"]["article"]["title"],
                "Published tale"
            );
            let rest = preview(&app, token).await;
            assert_uncacheable(&rest, "REST preview");
            assert_eq!(rest.status(), 200);
        }
        let revoke = format!(
            "{}/{}",
            links_path(&article),
            created["id"].as_str().unwrap()
        );
        app.request(Method::DELETE, &revoke, Some(&editor))
            .send()
            .await
            .unwrap();
        // The next anonymous reads, same URLs, see the revocation at once.
        let body: Value = get().await.unwrap().json().await.unwrap();
        assert_eq!(body["data"]["preview"], Value::Null, "{body}");
        assert_eq!(preview(&app, token).await.status(), 404);
    }
}

#[each_database]
async fn who_may_hand_out_and_revoke_links_follows_the_policy() {
    for app in spawn_all().await {
        let owner = app.sign_in_new(Role::Author).await;
        let stranger = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let article = draft(&app, "Council vote", &owner).await;
        problem(
            create(&app, None, &article, json!({})).await,
            401,
            "anonymous",
        )
        .await;
        problem(
            create(&app, Some(&stranger), &article, json!({})).await,
            403,
            "another author",
        )
        .await;
        let by_editor = link(&app, &editor, &article, 60).await;
        // Any staff member may list (they may read drafts), never see tokens.
        let list = app
            .request(Method::GET, &links_path(&article), Some(&stranger))
            .send()
            .await
            .unwrap();
        assert_eq!(list.status(), 200);
        let anonymous_list = app
            .request(Method::GET, &links_path(&article), None)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous_list.status(), 401);
        let revoke = format!(
            "{}/{}",
            links_path(&article),
            by_editor["id"].as_str().unwrap()
        );
        let response = app
            .request(Method::DELETE, &revoke, Some(&stranger))
            .send()
            .await
            .unwrap();
        problem(response, 403, "another author revokes").await;
        let response = app
            .request(Method::DELETE, &revoke, Some(&owner))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);

        // GraphQL: the same rules and operations.
        let create_link = "mutation($id: ID!, $s: Int) { createPreviewLink(articleId: $id, expiresIn: $s) { id token url expiresAt link { active } } }";
        let id = article.id.to_string();
        let refused = app
            .graphql_as(
                Some(&stranger.access_token),
                create_link,
                json!({ "id": id, "s": 60 }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&refused),
            Some("FORBIDDEN"),
            "{refused}"
        );
        let anonymous = app.graphql(create_link, json!({ "id": id, "s": 60 })).await;
        assert_eq!(
            support::graphql_error_code(&anonymous),
            Some("UNAUTHENTICATED")
        );
        let created = app
            .graphql_as(
                Some(&owner.access_token),
                create_link,
                json!({ "id": id, "s": 60 }),
            )
            .await;
        let created = &created["data"]["createPreviewLink"];
        let token = created["token"].as_str().unwrap();
        assert_eq!(created["url"], TEMPLATE.replace("{token}", token));
        assert_eq!(created["link"]["active"], true);
        let listed = app
            .graphql_as(
                Some(&editor.access_token),
                "query($id: ID!) { previewLinks(articleId: $id) { id active } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            listed["data"]["previewLinks"].as_array().unwrap().len(),
            2,
            "{listed}"
        );
        let revoked = app
            .graphql_as(
                Some(&editor.access_token),
                "mutation($id: ID!) { revokePreviewLink(id: $id) { active revokedAt } }",
                json!({ "id": created["id"] }),
            )
            .await;
        assert_eq!(
            revoked["data"]["revokePreviewLink"]["active"], false,
            "{revoked}"
        );
        assert_eq!(preview(&app, token).await.status(), 404);
    }
}

#[each_database]
async fn bad_input_is_refused_with_the_field_that_says_why() {
    for app in spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let article = draft(&app, "Tram line", &editor).await;
        for bad in [
            json!(0),
            json!(604_801),
            json!(-1),
            json!("3600"),
            json!(1.5),
        ] {
            let response =
                create(&app, Some(&editor), &article, json!({ "expires_in": bad })).await;
            let problem = problem(response, 422, &format!("expires_in {bad}")).await;
            assert_eq!(error_fields(&problem), vec!["expires_in"], "{problem}");
        }
        let response = create(
            &app,
            Some(&editor),
            &article,
            json!({ "expires_in": 604_800 }),
        )
        .await;
        assert_eq!(response.status(), 201, "seven days exactly");
        let response = create(&app, Some(&editor), &article, json!({ "expires": 60 })).await;
        assert!(response.status().is_client_error(), "unknown field");
        let missing = format!("/admin/articles/{}/preview-links", uuid::Uuid::now_v7());
        let response = app
            .request(Method::POST, &missing, Some(&editor))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        problem(response, 404, "unknown article").await;
        let response = app
            .request(
                Method::DELETE,
                &format!("{}/not-a-uuid", links_path(&article)),
                Some(&editor),
            )
            .send()
            .await
            .unwrap();
        problem(response, 404, "malformed link id").await;

        for malformed in ["short", &"a".repeat(44), &format!("{}%2B", "a".repeat(40))] {
            let problem = problem(preview(&app, malformed).await, 422, malformed).await;
            assert_eq!(error_fields(&problem), vec!["token"], "{problem}");
        }
        problem(preview(&app, &"x".repeat(43)).await, 404, "unknown token").await;
        let answer = app
            .graphql(
                "{ preview(token: \"nope\") { article { title } } }",
                json!({}),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{answer}"
        );
        let answer = app
            .graphql_as(
                Some(&editor.access_token),
                "mutation($id: ID!) { createPreviewLink(articleId: $id, expiresIn: 0) { id } }",
                json!({ "id": article.id.to_string() }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{answer}"
        );
        assert_eq!(answer["errors"][0]["extensions"]["field"], "expiresIn");
        let answer = app
            .graphql_as(
                Some(&editor.access_token),
                "mutation($id: ID!) { createPreviewLink(articleId: $id, expiresIn: \"soon\") { id } }",
                json!({ "id": article.id.to_string() }),
            )
            .await;
        assert!(answer["errors"].is_array(), "not a number: {answer}");
    }
}
