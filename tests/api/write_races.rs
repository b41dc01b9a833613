//! A hostile author races an editor's publish: while the editor publishes the
//! author's draft, the author fires edits, restores, deletes and submissions
//! that name the version the publish will produce (`current + 1`) as well as
//! the current one. Whatever the interleaving, no write of the author's may
//! land after the publish: the permission is decided on one version and the
//! write is a compare-and-swap on that same version. Thirty rounds per
//! operation, over REST and GraphQL, on SQLite and PostgreSQL. (With the old
//! rule — write against whatever version the client named — the edit, restore
//! and delete races fail within the first rounds.)

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::workflow::json;
use support::{Session, TestApp};

const ROUNDS: usize = 30;

#[derive(Debug, Clone, Copy)]
enum Api {
    Rest,
    Graphql,
}

#[derive(Debug, Clone, Copy)]
enum Write {
    Update,
    Restore,
    Delete,
    Submit,
    Unpublish,
    Archive,
}

/// One attempt of the author's, naming `version`; true when it landed.
async fn attempt(
    app: &TestApp,
    author: &Session,
    api: Api,
    write: Write,
    id: &str,
    version: i64,
) -> bool {
    match api {
        Api::Rest => {
            let (method, path, body) = match write {
                Write::Update => (
                    Method::PUT,
                    format!("/api/v1/admin/articles/{id}"),
                    Some(json!({
                        "title": "Unreviewed claims",
                        "authors": [author.user_id],
                        "sections": [{ "blocks": [{ "type": "paragraph", "markdown": "Never checked." }] }],
                    })),
                ),
                Write::Restore => (
                    Method::POST,
                    format!("/api/v1/admin/articles/{id}/revisions/1/restore"),
                    None,
                ),
                Write::Delete => (Method::DELETE, format!("/api/v1/admin/articles/{id}"), None),
                Write::Submit => (
                    Method::POST,
                    format!("/api/v1/admin/articles/{id}/submit"),
                    None,
                ),
                Write::Unpublish => (
                    Method::POST,
                    format!("/api/v1/admin/articles/{id}/unpublish"),
                    None,
                ),
                Write::Archive => (
                    Method::POST,
                    format!("/api/v1/admin/articles/{id}/archive"),
                    None,
                ),
            };
            let mut request = app
                .client
                .request(method, format!("{}{path}", app.address))
                .bearer_auth(&author.access_token)
                .header("If-Match", format!("\"{version}\""));
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.expect("send");
            let status = response.status().as_u16();
            assert!(
                matches!(status, 200 | 204 | 403 | 404 | 409 | 412),
                "{}: {write:?} over REST answered {status}: {}",
                app.backend,
                response.text().await.unwrap_or_default()
            );
            matches!(status, 200 | 204)
        }
        Api::Graphql => {
            let (query, variables) = match write {
                Write::Update => (
                    "mutation($id: ID!, $v: Int!) { updateArticle(id: $id, expectedVersion: $v, input: { title: \"Unreviewed claims\", sections: [{ blocks: [{ paragraph: { text: \"Never checked.\" } }] }] }) { version } }",
                    json!({ "id": id, "v": version }),
                ),
                Write::Restore => (
                    "mutation($id: ID!, $v: Int) { restoreRevision(articleId: $id, number: 1, expectedVersion: $v) { version } }",
                    json!({ "id": id, "v": version }),
                ),
                Write::Delete => (
                    "mutation($id: ID!, $v: Int) { deleteArticle(id: $id, expectedVersion: $v) }",
                    json!({ "id": id, "v": version }),
                ),
                Write::Submit => (
                    "mutation($id: ID!, $v: Int) { submitArticle(id: $id, expectedVersion: $v) { version } }",
                    json!({ "id": id, "v": version }),
                ),
                Write::Unpublish => (
                    "mutation($id: ID!, $v: Int) { unpublishArticle(id: $id, expectedVersion: $v) { version } }",
                    json!({ "id": id, "v": version }),
                ),
                Write::Archive => (
                    "mutation($id: ID!, $v: Int) { archiveArticle(id: $id, expectedVersion: $v) { version } }",
                    json!({ "id": id, "v": version }),
                ),
            };
            let answer = app.graphql_by(Some(author), query, variables).await;
            match answer["errors"][0]["extensions"]["code"].as_str() {
                None => true,
                Some("FORBIDDEN" | "VERSION_CONFLICT" | "INVALID_TRANSITION" | "NOT_FOUND") => {
                    false
                }
                Some(other) => panic!("{}: {write:?} over GraphQL: {other}: {answer}", app.backend),
            }
        }
    }
}

/// Races `write` against a publish `ROUNDS` times and checks the audit log of
/// every round: nothing by the author at or after the publish's version.
async fn race(app: &TestApp, write: Write, api: Api) {
    let author = app.sign_in_new(Role::Author).await;
    let editor = app.sign_in_new(Role::Editor).await;
    let admin = app.sign_in_new(Role::Admin).await;
    let mut published_rounds = 0;
    for round in 0..ROUNDS {
        let story = app.draft_by(&author, &format!("Race {round}")).await;
        let publish_path = format!("/api/v1/admin/articles/{}/publish", story.id);
        let publish = app.post_as(Some(&editor), &publish_path, None, None);
        let hostile = async {
            for version in [2, 1, 2, 3] {
                attempt(app, &author, api, write, &story.id, version).await;
            }
        };
        let (published, ()) = tokio::join!(publish, hostile);
        let published = published.status().as_u16() == 200;
        published_rounds += usize::from(published);

        let log = json(
            app.get_as(
                Some(&admin),
                &format!("/api/v1/admin/audit?article_id={}&limit=100", story.id),
            )
            .await,
            200,
            "audit log",
        )
        .await;
        let entries = log["data"].as_array().expect("entries");
        let publish_version = entries
            .iter()
            .find(|entry| entry["action"] == "publish")
            .and_then(|entry| entry["version"].as_i64());
        if published {
            assert!(
                publish_version.is_some(),
                "{}: a 200 publish left no entry: {log}",
                app.backend
            );
        }
        if let Some(publish_version) = publish_version {
            let late: Vec<&Value> = entries
                .iter()
                .filter(|entry| entry["actor_id"] == author.user_id.as_str())
                .filter(|entry| entry["version"].as_i64() >= Some(publish_version))
                .collect();
            assert!(
                late.is_empty(),
                "{}: round {round}, {write:?} over {api:?}: the author wrote after the publish: {late:?}",
                app.backend
            );
        }
        for entry in entries {
            assert!(
                !entry["actor_id"].is_null(),
                "{}: an audit entry names no actor: {entry}",
                app.backend
            );
        }
    }
    assert!(
        published_rounds > 0,
        "{}: {write:?} over {api:?}: the publish never won, so nothing was raced",
        app.backend
    );
}

async fn race_everywhere(write: Write) {
    for app in TestApp::spawn_all().await {
        for api in [Api::Rest, Api::Graphql] {
            race(&app, write, api).await;
        }
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn an_author_edit_never_lands_on_a_published_article() {
    race_everywhere(Write::Update).await;
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn an_author_restore_never_lands_on_a_published_article() {
    race_everywhere(Write::Restore).await;
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn an_author_delete_never_removes_a_published_article() {
    race_everywhere(Write::Delete).await;
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn an_author_submission_never_moves_a_published_article() {
    race_everywhere(Write::Submit).await;
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn an_author_never_unpublishes_or_archives_a_published_article() {
    race_everywhere(Write::Unpublish).await;
    race_everywhere(Write::Archive).await;
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn ten_concurrent_creates_with_one_title_give_ten_articles() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let creates = (0..10).map(|n| {
            let body = json!({
                "title": "Harbour Bridge Reopens",
                "sections": [{ "blocks": [{ "type": "paragraph", "markdown": format!("Report {n}.") }] }],
            });
            app.client
                .post(format!("{}/api/v1/admin/articles", app.address))
                .bearer_auth(&editor.access_token)
                .json(&body)
                .send()
        });
        let mut slugs = Vec::new();
        for response in futures_util::future::join_all(creates).await {
            let created = json(response.expect("send"), 201, "create").await;
            slugs.push(created["slug"].as_str().expect("a slug").to_owned());
        }
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 10, "{}: {slugs:?}", app.backend);
        assert!(
            slugs
                .iter()
                .all(|slug| slug.starts_with("harbour-bridge-reopens")),
            "{}: {slugs:?}",
            app.backend
        );
        let explicit = json!({ "title": "Another", "slug": slugs[0] });
        let taken = app
            .send(
                Method::POST,
                "/api/v1/admin/articles",
                Some(&editor.access_token),
                Some(&explicit),
            )
            .await;
        assert_eq!(
            taken.status().as_u16(),
            409,
            "{}: an explicit taken slug",
            app.backend
        );
    }
}
