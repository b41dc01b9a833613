//! Webhook delivery end to end: a receiver inside the test verifies the
//! Standard Webhooks signature of every request; every event type arrives
//! with the payload a frontend needs; a failing receiver gets the retry; a
//! rolled-back write sends nothing. SQLite and PostgreSQL.

use crate::support;
use crate::webhook_support::{create_endpoint, dev_settings, signed_by, Receiver, ALL_EVENTS};

use masthead_domain::{ArticleId, ModerationAction, NewCorrection, ReplyStatus, Role};
use masthead_persistence::{PersistenceError, Visibility};
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::Value;
use support::workflow::{content, json, user_id, with_slug};
use support::TestApp;

async fn current_version(app: &TestApp, id: ArticleId) -> i32 {
    let store = app.store().await;
    let article = store.articles().by_id(id, Visibility::Staff).await.unwrap();
    article.expect("the article").version
}

#[each_database]
async fn every_event_arrives_signed_with_what_a_frontend_needs() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        let endpoint = create_endpoint(&app, &admin, &receiver.url, &ALL_EVENTS).await;
        let secret = endpoint["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{endpoint}");

        // A draft is not public: nothing is announced.
        let story = app.draft_by(&editor, "Hooked").await;
        let id: ArticleId = story.id.parse().unwrap();
        let base = format!("/api/v1/admin/articles/{}", story.id);
        json(
            app.post_as(Some(&editor), &format!("{base}/publish"), None, None)
                .await,
            200,
            "publish",
        )
        .await;
        let published = receiver.event("article.published").await;
        let data = &published.json()["data"];
        assert_eq!(data["id"], story.id.as_str());
        assert_eq!(data["slug"], "hooked");
        assert_eq!(data["url"], "http://localhost:3000/articles/hooked");
        assert_eq!(data["version"], current_version(&app, id).await);
        assert!(data.get("previous_slug").is_none(), "{data}");

        // An edit that changes the slug names the old one.
        let store = app.store().await;
        let version = current_version(&app, id).await;
        let renamed = with_slug(
            content(user_id(&editor), "Hooked", "New lede."),
            "hooked-renamed",
        );
        store
            .articles()
            .acting_as(user_id(&editor))
            .update(id, version, renamed)
            .await
            .unwrap();
        let updated = receiver.event("article.updated").await;
        assert_eq!(updated.json()["data"]["slug"], "hooked-renamed");
        assert_eq!(updated.json()["data"]["previous_slug"], "hooked");
        assert_eq!(
            updated.json()["data"]["url"],
            "http://localhost:3000/articles/hooked-renamed"
        );

        // A correction is an update of the public article too.
        let correction = NewCorrection::parse(None, "An earlier version misspelt a name.").unwrap();
        store.corrections().add(id, correction).await.unwrap();
        receiver
            .wait_until("a second article.updated", |got| {
                got.iter()
                    .filter(|r| r.json()["type"] == "article.updated")
                    .count()
                    == 2
            })
            .await;

        // Replies: posted for moderation, then approved.
        let article = store
            .articles()
            .by_id(id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        let reply =
            support::content::reply(&store, &article, None, "Nice piece.", ReplyStatus::Pending)
                .await;
        let pending = receiver.event("reply.pending").await;
        assert_eq!(pending.json()["data"]["id"], reply.id.to_string());
        assert_eq!(pending.json()["data"]["article_id"], story.id.as_str());
        store
            .replies()
            .moderate(&[reply.id], ModerationAction::Approve)
            .await
            .unwrap();
        receiver.event("reply.approved").await;

        json(
            app.post_as(Some(&editor), &format!("{base}/unpublish"), None, None)
                .await,
            200,
            "unpublish",
        )
        .await;
        receiver.event("article.unpublished").await;
        json(
            app.post_as(Some(&editor), &format!("{base}/publish"), None, None)
                .await,
            200,
            "republish",
        )
        .await;
        store.articles().delete(id, None).await.unwrap();
        let deleted = receiver.event("article.deleted").await;
        assert_eq!(deleted.json()["data"]["slug"], "hooked-renamed");

        let all = receiver
            .wait_until("two article.published", |got| {
                got.iter()
                    .filter(|r| r.json()["type"] == "article.published")
                    .count()
                    == 2
            })
            .await;
        assert_eq!(all.len(), 8, "{}: {all:#?}", app.backend);
        let mut ids: Vec<&str> = all.iter().map(|r| r.id()).collect();
        for received in &all {
            assert!(
                signed_by(received, &secret),
                "{}: bad signature {received:?}",
                app.backend
            );
            let payload = received.json();
            assert!(
                payload["timestamp"].as_str().unwrap().ends_with('Z'),
                "{payload}"
            );
            assert_eq!(received.headers["content-type"], "application/json");
            let sent_at: i64 = received.headers["webhook-timestamp"].parse().unwrap();
            assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 8, "one webhook-id per event");

        // The delivery log shows each one delivered at the first attempt.
        let log: Value = json(
            app.request(
                Method::GET,
                &format!(
                    "/admin/webhooks/{}/deliveries?limit=100",
                    endpoint["id"].as_str().unwrap()
                ),
                Some(&admin),
            )
            .send()
            .await
            .unwrap(),
            200,
            "deliveries",
        )
        .await;
        let deliveries = log["data"].as_array().unwrap();
        assert_eq!(deliveries.len(), 8, "{log}");
        for delivery in deliveries {
            assert_eq!(delivery["status"], "delivered", "{delivery}");
            assert_eq!(delivery["attempts"], 1, "{delivery}");
            assert_eq!(delivery["last_response_code"], 200, "{delivery}");
            assert!(delivery["last_attempt_at"].is_string());
            assert!(delivery["next_attempt_at"].is_null());
        }
    }
}

#[each_database]
async fn a_failing_receiver_gets_the_retry_with_the_same_id() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        receiver.fail_next(2);
        let endpoint = create_endpoint(&app, &admin, &receiver.url, &["article.published"]).await;
        let secret = endpoint["secret"].as_str().unwrap();
        let story = app.draft_by(&editor, "Retried").await;
        json(
            app.post_as(
                Some(&editor),
                &format!("/api/v1/admin/articles/{}/publish", story.id),
                None,
                None,
            )
            .await,
            200,
            "publish",
        )
        .await;
        let all = receiver
            .wait_until("a success after two failures", |got| {
                got.iter().any(|r| r.answered == 200)
            })
            .await;
        assert_eq!(
            all.iter().map(|r| r.answered).collect::<Vec<_>>(),
            [500, 500, 200]
        );
        assert!(
            all.iter().all(|r| r.id() == all[0].id()),
            "retries keep the webhook-id"
        );
        assert!(all.iter().all(|r| signed_by(r, secret)));
        let path = format!(
            "/admin/webhooks/{}/deliveries",
            endpoint["id"].as_str().unwrap()
        );
        let mut delivery = Value::Null;
        for _ in 0..100 {
            let log: Value = json(
                app.request(Method::GET, &path, Some(&admin))
                    .send()
                    .await
                    .unwrap(),
                200,
                "log",
            )
            .await;
            delivery = log["data"][0].clone();
            if delivery["status"] == "delivered" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(delivery["status"], "delivered", "{delivery}");
        assert_eq!(delivery["attempts"], 3, "{delivery}");
        assert_eq!(delivery["last_response_code"], 200);
        // The endpoint is healthy again.
        let shown: Value = json(
            app.request(
                Method::GET,
                &format!("/admin/webhooks/{}", endpoint["id"].as_str().unwrap()),
                Some(&admin),
            )
            .send()
            .await
            .unwrap(),
            200,
            "endpoint",
        )
        .await;
        assert!(shown["failing_since"].is_null(), "{shown}");
        assert!(
            shown.get("secret").is_none(),
            "the secret is shown once: {shown}"
        );

        // Redelivery by hand sends the same event again.
        let redeliver = format!("{path}/{}/redeliver", delivery["id"].as_str().unwrap());
        let queued = json(
            app.request(Method::POST, &redeliver, Some(&admin))
                .send()
                .await
                .unwrap(),
            202,
            "redeliver",
        )
        .await;
        assert_eq!(queued["status"], "pending", "{queued}");
        let again = receiver
            .wait_until("the redelivery", |got| got.len() == 4)
            .await;
        assert_eq!(again[3].id(), all[0].id());
        assert!(signed_by(&again[3], secret));
    }
}

#[each_database]
async fn a_rolled_back_write_sends_nothing() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        create_endpoint(
            &app,
            &admin,
            &receiver.url,
            &["article.updated", "article.deleted"],
        )
        .await;
        let store = app.store().await;
        let article = support::content::article(
            &store,
            "Stale",
            &[user_id(&editor)],
            &[],
            "Someone",
            support::content::published(1),
        )
        .await;
        // A save based on a stale version is refused and rolled back.
        let stale = store
            .articles()
            .update(
                article.id,
                article.version - 1,
                content(user_id(&editor), "Stale", "Lost."),
            )
            .await;
        assert!(
            matches!(stale, Err(PersistenceError::VersionConflict { .. })),
            "{stale:?}"
        );
        // So is a delete of a version that is no longer current.
        let delete = store
            .articles()
            .delete(article.id, Some(article.version + 5))
            .await;
        assert!(
            matches!(delete, Err(PersistenceError::VersionConflict { .. })),
            "{delete:?}"
        );
        // A committed save afterwards is the only thing announced.
        store
            .articles()
            .update(
                article.id,
                article.version,
                content(user_id(&editor), "Stale", "Kept."),
            )
            .await
            .unwrap();
        let got = receiver.event("article.updated").await;
        assert_eq!(got.json()["data"]["version"], article.version + 1);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            receiver.received().len(),
            1,
            "{}: {:#?}",
            app.backend,
            receiver.received()
        );
    }
}
