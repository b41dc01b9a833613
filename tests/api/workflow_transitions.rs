//! The publishing state machine over REST and GraphQL, per role: every legal
//! move succeeds for those allowed to make it, every illegal one is a 409
//! `INVALID_TRANSITION`, and the roles are kept apart. SQLite and PostgreSQL.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::workflow::json;
use support::{Session, TestApp};

async fn act(
    app: &TestApp,
    who: Option<&Session>,
    id: &str,
    action: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.post_as(
        who,
        &format!("/api/v1/admin/articles/{id}/{action}"),
        None,
        body,
    )
    .await
}

/// A round time about a year ahead (within the five-year scheduling horizon).
fn next_year_at_ten() -> String {
    (chrono::Utc::now() + chrono::Duration::days(400))
        .format("%Y-%m-%dT10:00:00Z")
        .to_string()
}

fn in_an_hour() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339()
}

#[each_database]
async fn every_legal_transition_succeeds_for_editors_and_admins() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        for role in [Role::Editor, Role::Admin] {
            let staff = app.sign_in_new(role).await;
            let story = app
                .draft_by(&author, &format!("Legal moves by {}", role.as_str()))
                .await;
            let later = in_an_hour();
            // (action, body, status afterwards)
            let path: [(&str, Option<Value>, &str); 10] = [
                ("submit", None, "in_review"),
                ("publish", Some(json!({ "at": later })), "scheduled"),
                ("publish", Some(json!({ "at": in_an_hour() })), "scheduled"),
                ("publish", None, "published"),
                ("unpublish", None, "draft"),
                ("publish", Some(json!({})), "published"),
                ("archive", None, "archived"),
                ("unpublish", None, "draft"),
                ("archive", None, "archived"),
                ("unpublish", None, "draft"),
            ];
            for (version, (action, body, status)) in (story.version..).zip(path) {
                let context = format!("{} {} {action} -> {status}", app.backend, role.as_str());
                let response = act(&app, Some(&staff), &story.id, action, body).await;
                let etag = response.headers()["etag"].to_str().unwrap().to_owned();
                let article = json(response, 200, &context).await;
                assert_eq!(article["status"], status, "{context}");
                assert_eq!(article["version"], version + 1, "{context}");
                assert_eq!(etag, format!("\"{}\"", version + 1), "{context}");
            }
        }
    }
}

#[each_database]
async fn a_scheduled_article_says_when_and_publishing_it_early_publishes_now() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Embargoed").await;
        let at = next_year_at_ten();
        let scheduled = json(
            act(
                &app,
                Some(&editor),
                &story.id,
                "publish",
                Some(json!({ "at": at })),
            )
            .await,
            200,
            app.backend,
        )
        .await;
        let shown = at.replace(":00Z", ":00.000000Z");
        assert_eq!(scheduled["scheduled_at"], shown.as_str(), "{}", app.backend);
        assert_eq!(scheduled["published_at"], shown.as_str());
        assert_eq!(
            app.get(&format!("/api/v1/articles/{}", story.slug))
                .await
                .status(),
            404
        );
        let now = json(
            act(&app, Some(&editor), &story.id, "publish", None).await,
            200,
            app.backend,
        )
        .await;
        assert_eq!(now["status"], "published");
        assert!(now["scheduled_at"].is_null());
        assert_eq!(
            app.get(&format!("/api/v1/articles/{}", story.slug))
                .await
                .status(),
            200
        );
        // A time in the past means now.
        let other = app.draft_by(&author, "Late").await;
        let past = json(
            act(
                &app,
                Some(&editor),
                &other.id,
                "publish",
                Some(json!({ "at": "2001-01-01T00:00:00Z" })),
            )
            .await,
            200,
            app.backend,
        )
        .await;
        assert_eq!(past["status"], "published");
    }
}

#[each_database]
async fn illegal_transitions_are_conflicts_with_invalid_transition() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let draft = app.draft_by(&author, "Still a draft").await;
        let in_review = app.draft_by(&author, "In review").await;
        json(
            act(&app, Some(&editor), &in_review.id, "submit", None).await,
            200,
            "submit",
        )
        .await;
        let published = app.draft_by(&author, "Out").await;
        json(
            act(&app, Some(&editor), &published.id, "publish", None).await,
            200,
            "publish",
        )
        .await;
        let archived = app.draft_by(&author, "Gone").await;
        json(
            act(&app, Some(&editor), &archived.id, "archive", None).await,
            200,
            "archive",
        )
        .await;
        let refusals: [(&str, &str, Option<Value>); 9] = [
            (&draft.id, "unpublish", None),
            (&in_review.id, "submit", None),
            (&in_review.id, "unpublish", None),
            (&published.id, "publish", None),
            (
                &published.id,
                "publish",
                Some(json!({ "at": in_an_hour() })),
            ),
            (&published.id, "submit", None),
            (&archived.id, "archive", None),
            (&archived.id, "publish", None),
            (&archived.id, "submit", None),
        ];
        for (id, action, body) in refusals {
            let response = act(&app, Some(&editor), id, action, body).await;
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json",
                "{} {action}",
                app.backend
            );
            let problem = json(response, 409, &format!("{} {action}", app.backend)).await;
            assert_eq!(problem["code"], "INVALID_TRANSITION", "{action}");
        }
        // Nothing changed.
        let response = act(&app, Some(&editor), &draft.id, "submit", None).await;
        assert_eq!(
            json(response, 200, "draft still submits").await["version"],
            draft.version + 1
        );
    }
}

#[each_database]
async fn authors_submit_their_own_drafts_and_nothing_else() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let colleague = app.sign_in_new(Role::Author).await;
        let own = app.draft_by(&author, "My own").await;
        let theirs = app.draft_by(&colleague, "Someone else's").await;

        let problem = json(
            act(&app, Some(&author), &theirs.id, "submit", None).await,
            403,
            "other's",
        )
        .await;
        assert_eq!(problem["code"], "FORBIDDEN");
        for action in ["publish", "unpublish", "archive"] {
            let problem = json(
                act(&app, Some(&author), &own.id, action, None).await,
                403,
                action,
            )
            .await;
            assert_eq!(problem["code"], "FORBIDDEN", "{} {action}", app.backend);
        }
        let submitted = json(
            act(&app, Some(&author), &own.id, "submit", None).await,
            200,
            "own",
        )
        .await;
        assert_eq!(submitted["status"], "in_review");
        // Anonymous callers are asked to sign in, for every action.
        for action in ["submit", "publish", "unpublish", "archive"] {
            let response = act(&app, None, &own.id, action, None).await;
            assert_eq!(response.headers()["www-authenticate"], "Bearer");
            let problem = json(response, 401, action).await;
            assert_eq!(problem["code"], "UNAUTHENTICATED");
        }
    }
}

#[each_database]
async fn if_match_names_the_version_an_action_is_based_on() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Versioned").await;
        let path = format!("/api/v1/admin/articles/{}/submit", story.id);
        let submitted = app.post_as(Some(&editor), &path, Some("\"1\""), None).await;
        assert_eq!(submitted.headers()["etag"], "\"2\"");
        assert_eq!(submitted.headers()["cache-control"], "private, no-store");
        json(submitted, 200, "matching If-Match").await;

        let publish = format!("/api/v1/admin/articles/{}/publish", story.id);
        let stale = app
            .post_as(Some(&editor), &publish, Some("\"1\""), None)
            .await;
        let problem = json(stale, 412, "stale If-Match").await;
        assert_eq!(problem["code"], "PRECONDITION_FAILED", "{}", app.backend);
        assert_eq!(problem["current_version"], 2);

        // Not an entity tag at all: a bad request.
        let malformed = app.post_as(Some(&editor), &publish, Some("1"), None).await;
        assert_eq!(json(malformed, 400, "1").await["code"], "BAD_USER_INPUT");
        // Entity tags that name no current version (weak ones never match): 412.
        for unmatched in ["\"one\"", "W/\"2\"", "\"0\"", "\"99999999999\""] {
            let response = app
                .post_as(Some(&editor), &publish, Some(unmatched), None)
                .await;
            let problem = json(response, 412, unmatched).await;
            assert_eq!(problem["code"], "PRECONDITION_FAILED", "{unmatched}");
            assert_eq!(problem["current_version"], 2, "{unmatched}");
        }
        let any = app.post_as(Some(&editor), &publish, Some("*"), None).await;
        assert_eq!(json(any, 200, "If-Match *").await["status"], "published");
    }
}

#[each_database]
async fn bad_publish_requests_are_refused_with_clear_errors() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Careful").await;
        let bad_time = json(
            act(
                &app,
                Some(&editor),
                &story.id,
                "publish",
                Some(json!({ "at": "tomorrow at ten" })),
            )
            .await,
            422,
            "unparsable time",
        )
        .await;
        assert_eq!(bad_time["errors"][0]["field"], "at", "{}", app.backend);
        let far = (chrono::Utc::now() + chrono::Duration::days(365 * 10)).to_rfc3339();
        let too_far = json(
            act(
                &app,
                Some(&editor),
                &story.id,
                "publish",
                Some(json!({ "at": far })),
            )
            .await,
            422,
            "ten years ahead",
        )
        .await;
        assert_eq!(too_far["errors"][0]["field"], "at");
        json(
            act(
                &app,
                Some(&editor),
                &story.id,
                "publish",
                Some(json!({ "when": "now" })),
            )
            .await,
            400,
            "unknown field",
        )
        .await;
        let raw = app
            .client
            .post(format!(
                "{}/api/v1/admin/articles/{}/publish",
                app.address, story.id
            ))
            .bearer_auth(&editor.access_token)
            .body("{not json")
            .send()
            .await
            .unwrap();
        json(raw, 400, "malformed JSON").await;
        let unknown = uuid::Uuid::now_v7();
        json(
            act(&app, Some(&editor), &unknown.to_string(), "publish", None).await,
            404,
            "unknown",
        )
        .await;
        json(
            act(&app, Some(&editor), "not-an-id", "publish", None).await,
            404,
            "not an id",
        )
        .await;
        // None of it touched the article.
        let published = json(
            act(&app, Some(&editor), &story.id, "publish", None).await,
            200,
            "ok",
        )
        .await;
        assert_eq!(published["version"], 2);
    }
}

const ACT: &str = r#"
mutation Act($id: ID!, $v: Int, $at: DateTime) {
  publishArticle(id: $id, at: $at, expectedVersion: $v) { status version publishedAt }
}"#;

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[each_database]
async fn graphql_mutations_follow_the_same_rules() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Over GraphQL").await;
        let submit = "mutation($id: ID!) { submitArticle(id: $id) { status version } }";
        let answer = app
            .graphql_by(Some(&author), submit, json!({ "id": story.id }))
            .await;
        assert_eq!(
            answer["data"]["submitArticle"]["status"], "IN_REVIEW",
            "{answer}"
        );

        let answer = app
            .graphql_by(Some(&author), ACT, json!({ "id": story.id }))
            .await;
        assert_eq!(code(&answer), "FORBIDDEN", "{answer}");
        let answer = app.graphql_by(None, ACT, json!({ "id": story.id })).await;
        assert_eq!(code(&answer), "UNAUTHENTICATED", "{answer}");
        let answer = app
            .graphql_by(Some(&editor), ACT, json!({ "id": story.id, "v": 1 }))
            .await;
        assert_eq!(code(&answer), "VERSION_CONFLICT", "{answer}");
        assert_eq!(answer["errors"][0]["extensions"]["currentVersion"], 2);

        let at = next_year_at_ten();
        let answer = app
            .graphql_by(
                Some(&editor),
                ACT,
                json!({ "id": story.id, "v": 2, "at": at }),
            )
            .await;
        assert_eq!(
            answer["data"]["publishArticle"]["status"], "SCHEDULED",
            "{answer}"
        );
        let answer = app
            .graphql_by(Some(&editor), ACT, json!({ "id": story.id }))
            .await;
        assert_eq!(
            answer["data"]["publishArticle"]["status"], "PUBLISHED",
            "{answer}"
        );
        let answer = app
            .graphql_by(Some(&editor), ACT, json!({ "id": story.id }))
            .await;
        assert_eq!(
            code(&answer),
            "INVALID_TRANSITION",
            "{} {answer}",
            app.backend
        );

        let archive = "mutation($id: ID!) { archiveArticle(id: $id) { status } }";
        let answer = app
            .graphql_by(Some(&editor), archive, json!({ "id": story.id }))
            .await;
        assert_eq!(
            answer["data"]["archiveArticle"]["status"], "ARCHIVED",
            "{answer}"
        );
        let unpublish = "mutation($id: ID!) { unpublishArticle(id: $id) { status version } }";
        let answer = app
            .graphql_by(Some(&editor), unpublish, json!({ "id": story.id }))
            .await;
        assert_eq!(
            answer["data"]["unpublishArticle"]["status"], "DRAFT",
            "{answer}"
        );
        assert_eq!(answer["data"]["unpublishArticle"]["version"], 6);
        let answer = app
            .graphql_by(Some(&editor), unpublish, json!({ "id": story.id }))
            .await;
        assert_eq!(code(&answer), "INVALID_TRANSITION", "{answer}");

        let answer = app
            .graphql_by(Some(&editor), archive, json!({ "id": "nope" }))
            .await;
        assert_eq!(code(&answer), "BAD_USER_INPUT", "{answer}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], "id");
        let unknown = uuid::Uuid::now_v7().to_string();
        let answer = app
            .graphql_by(Some(&editor), archive, json!({ "id": unknown }))
            .await;
        assert_eq!(code(&answer), "NOT_FOUND", "{answer}");
    }
}
