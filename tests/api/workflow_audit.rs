//! The audit log over REST and GraphQL: every editorial action leaves one
//! entry naming who, what, which and when; only admins may read it; pages
//! continue by cursor. SQLite and PostgreSQL.

use crate::support;

use masthead_domain::{ReplyId, Role};
use masthead_persistence::audit::{AuditAction, NewAuditEntry};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::workflow::{content, json, user_id};
use support::{Session, TestApp};

async fn post_ok(app: &TestApp, who: &Session, path: &str, body: Option<Value>) -> Value {
    json(app.post_as(Some(who), path, None, body).await, 200, path).await
}

#[each_database]
async fn every_action_leaves_one_entry_that_admins_can_read() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let story = app.draft_by(&author, "Audited").await;
        let id: masthead_domain::ArticleId = story.id.parse().unwrap();
        let base = format!("/api/v1/admin/articles/{}", story.id);
        let store = app.store().await;
        store
            .articles()
            .acting_as(user_id(&author))
            .update(id, 1, content(user_id(&author), "Audited, edited", "Lede."))
            .await
            .unwrap();
        post_ok(&app, &author, &format!("{base}/submit"), None).await;
        let later = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
        post_ok(
            &app,
            &editor,
            &format!("{base}/publish"),
            Some(json!({ "at": later })),
        )
        .await;
        post_ok(&app, &editor, &format!("{base}/publish"), None).await;
        post_ok(&app, &admin, &format!("{base}/archive"), None).await;
        post_ok(&app, &admin, &format!("{base}/unpublish"), None).await;
        post_ok(&app, &editor, &format!("{base}/revisions/1/restore"), None).await;
        // Moderation is recorded by the replies code through the same log.
        store
            .audit()
            .record(
                NewAuditEntry::reply(
                    Some(user_id(&editor)),
                    AuditAction::Moderate,
                    ReplyId::generate(),
                    id,
                )
                .with("status", "spam"),
            )
            .await
            .unwrap();
        store
            .articles()
            .acting_as(user_id(&admin))
            .delete(id, None)
            .await
            .unwrap();

        let log = json(
            app.get_as(
                Some(&admin),
                &format!("/api/v1/admin/audit?article_id={}&limit=100", story.id),
            )
            .await,
            200,
            "audit",
        )
        .await;
        let entries = log["data"].as_array().unwrap();
        let seen: Vec<(&str, &str)> = entries
            .iter()
            .rev()
            .map(|entry| {
                (
                    entry["action"].as_str().unwrap(),
                    entry["actor_id"].as_str().unwrap(),
                )
            })
            .collect();
        let (a, e, d) = (
            author.user_id.as_str(),
            editor.user_id.as_str(),
            admin.user_id.as_str(),
        );
        assert_eq!(
            seen,
            [
                ("create", a),
                ("update", a),
                ("submit", a),
                ("schedule", e),
                ("publish", e),
                ("archive", d),
                ("unpublish", d),
                ("restore", e),
                ("moderate", e),
                ("delete", d),
            ],
            "{}",
            app.backend
        );
        let schedule = &entries[6];
        assert_eq!(schedule["subject_type"], "article");
        assert_eq!(schedule["subject_id"], story.id.as_str());
        assert_eq!(schedule["version"], 4);
        assert_eq!(schedule["detail"]["from"], "in_review");
        assert_eq!(schedule["detail"]["to"], "scheduled");
        assert_eq!(schedule["actor"]["display_name"], "Test editor");
        assert_eq!(entries[2]["detail"]["restored_from"], 1);
        assert_eq!(entries[1]["subject_type"], "reply");
        assert_eq!(entries[0]["detail"]["title"], "Audited");
        assert!(entries[0]["at"].as_str().unwrap().ends_with('Z'));

        // Pages follow each other without gaps or repeats.
        let mut collected = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(cursor) => format!(
                    "/api/v1/admin/audit?article_id={}&limit=3&cursor={cursor}",
                    story.id
                ),
                None => format!("/api/v1/admin/audit?article_id={}&limit=3", story.id),
            };
            let page = json(app.get_as(Some(&admin), &path).await, 200, "page").await;
            collected.extend(
                page["data"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|entry| entry["id"].clone()),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        let all: Vec<Value> = entries.iter().map(|entry| entry["id"].clone()).collect();
        assert_eq!(collected, all, "{}", app.backend);
    }
}

#[each_database]
async fn only_admins_read_the_audit_log() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        for (who, status) in [(Some(&author), 403), (Some(&editor), 403), (None, 401)] {
            let problem = json(
                app.get_as(who, "/api/v1/admin/audit").await,
                status,
                app.backend,
            )
            .await;
            assert!(matches!(
                problem["code"].as_str(),
                Some("FORBIDDEN" | "UNAUTHENTICATED")
            ));
        }
        let log = json(
            app.get_as(Some(&admin), "/api/v1/admin/audit").await,
            200,
            "admin",
        )
        .await;
        assert!(log["data"].is_array());
        for query in [
            "limit=0",
            "limit=101",
            "cursor=garbage",
            "article_id=nope",
            "order=asc",
        ] {
            let response = app
                .get_as(Some(&admin), &format!("/api/v1/admin/audit?{query}"))
                .await;
            assert!(
                matches!(response.status().as_u16(), 400 | 422),
                "{query}: {}",
                response.status()
            );
        }

        let query = "query($after: String) { auditLog(first: 1, after: $after) { pageInfo { hasNextPage endCursor } edges { node { action actorId subjectType detail } } } }";
        app.draft_by(&author, "Seen over GraphQL").await;
        let answer = app.graphql_by(Some(&admin), query, json!({})).await;
        let edges = &answer["data"]["auditLog"]["edges"];
        assert_eq!(edges[0]["node"]["action"], "create", "{answer}");
        assert_eq!(edges[0]["node"]["actorId"], author.user_id.as_str());
        assert_eq!(edges[0]["node"]["detail"]["title"], "Seen over GraphQL");
        let denied = app.graphql_by(Some(&editor), query, json!({})).await;
        assert_eq!(
            denied["errors"][0]["extensions"]["code"], "FORBIDDEN",
            "{denied}"
        );
        let anonymous = app.graphql_by(None, query, json!({})).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
    }
}

#[each_database]
async fn moderating_replies_is_audited_with_the_moderator() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        // The demo newsroom has approved replies; take two of them.
        let queue = json(
            app.get_as(
                Some(&editor),
                "/api/v1/admin/replies?status=approved&limit=2",
            )
            .await,
            200,
            "queue",
        )
        .await;
        let ids: Vec<String> = queue["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|reply| reply["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 2, "{}: {queue}", app.backend);
        json(
            app.post_as(
                Some(&editor),
                &format!("/api/v1/admin/replies/{}/spam", ids[0]),
                None,
                None,
            )
            .await,
            200,
            "spam",
        )
        .await;
        let deleted = app
            .client
            .delete(format!("{}/api/v1/admin/replies/{}", app.address, ids[1]))
            .bearer_auth(&editor.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);

        let log = json(
            app.get_as(Some(&admin), "/api/v1/admin/audit?limit=10")
                .await,
            200,
            "audit",
        )
        .await;
        let entries = log["data"].as_array().unwrap();
        let deletion = &entries[0];
        assert_eq!(deletion["action"], "delete", "{}", app.backend);
        assert_eq!(deletion["subject_type"], "reply");
        assert_eq!(deletion["subject_id"], ids[1].as_str());
        assert_eq!(deletion["actor_id"], editor.user_id.as_str());
        let spam = &entries[1];
        assert_eq!(spam["action"], "moderate");
        assert_eq!(spam["subject_id"], ids[0].as_str());
        assert_eq!(spam["actor_id"], editor.user_id.as_str());
        assert_eq!(spam["detail"]["from"], "approved");
        assert_eq!(spam["detail"]["to"], "spam");
        assert!(spam["article_id"].is_string());
    }
}
