//! The ends of a failing endpoint's story, which take a day and three days
//! in real time: the rows' clocks are moved back instead. A delivery whose
//! 24-hour window has closed is `failed` after its next failed attempt (no
//! retry is scheduled), and an endpoint failing for 3 days in a row is
//! disabled with an audit entry, then sent nothing more.

use std::time::Duration;

use crate::support;
use crate::webhook_support::{create_endpoint, dev_settings, Receiver};

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement, Value as SqlValue};
use serde_json::Value;
use support::workflow::json;
use support::TestApp;

/// Runs `sql` (written with `$n` placeholders) on the app's database.
async fn backdate(app: &TestApp, sql: &str, values: Vec<SqlValue>) {
    let db = Database::connect(&app.database.url).await.unwrap();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => sql.to_owned(),
        _ => (1..=values.len()).fold(sql.to_owned(), |sql, n| sql.replace(&format!("${n}"), "?")),
    };
    db.execute(Statement::from_sql_and_values(backend, sql, values))
        .await
        .unwrap();
    db.close().await.unwrap();
}

/// `GET path` as `session` until `done` holds (10 s at most); the last answer.
async fn poll(
    app: &TestApp,
    session: &support::Session,
    path: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut answer = Value::Null;
    for _ in 0..200 {
        answer = json(
            app.request(Method::GET, path, Some(session))
                .send()
                .await
                .unwrap(),
            200,
            path,
        )
        .await;
        if done(&answer) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    answer
}

#[each_database]
async fn a_closed_window_fails_the_delivery_and_three_days_of_failures_disable_the_endpoint() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        receiver.fail_next(usize::MAX / 2);
        let endpoint = create_endpoint(&app, &admin, &receiver.url, &["article.published"]).await;
        let endpoint_id = endpoint["id"].as_str().unwrap().to_owned();
        let publish = |title: &'static str| {
            let (app, editor) = (&app, &editor);
            async move {
                let story = app.draft_by(editor, title).await;
                json(
                    app.post_as(
                        Some(editor),
                        &format!("/api/v1/admin/articles/{}/publish", story.id),
                        None,
                        None,
                    )
                    .await,
                    200,
                    "publish",
                )
                .await;
            }
        };
        publish("Never delivered").await;
        receiver
            .wait_until("a first failed attempt", |got| !got.is_empty())
            .await;

        // Three days and a day later, as far as the rows know: the endpoint's
        // failures first, so the attempt that closes the window sees them.
        let now = masthead_persistence::now();
        backdate(
            &app,
            "UPDATE webhook_endpoints SET failing_since = $1",
            vec![(now - chrono::Duration::days(4)).into()],
        )
        .await;
        backdate(
            &app,
            "UPDATE webhook_deliveries SET give_up_at = $1, next_attempt_at = $2",
            vec![(now - chrono::Duration::minutes(1)).into(), now.into()],
        )
        .await;

        let log_path = format!("/admin/webhooks/{endpoint_id}/deliveries");
        let log = poll(&app, &admin, &log_path, |log| {
            log["data"][0]["status"] == "failed"
        })
        .await;
        let delivery = &log["data"][0];
        assert_eq!(delivery["status"], "failed", "{}: {delivery}", app.backend);
        assert!(
            delivery["next_attempt_at"].is_null(),
            "no retry: {delivery}"
        );
        // Its last attempt was refused by the receiver, or not sent because
        // the endpoint had just been disabled by the attempt before.
        assert!(
            delivery["last_response_code"] == 500
                || delivery["last_error"] == "the endpoint is disabled",
            "{delivery}"
        );

        let shown = poll(
            &app,
            &admin,
            &format!("/admin/webhooks/{endpoint_id}"),
            |e| e["enabled"] == false,
        )
        .await;
        assert_eq!(shown["enabled"], false, "{}: {shown}", app.backend);
        let audit = poll(&app, &admin, "/admin/audit?subject_type=webhook", |audit| {
            audit["data"]
                .as_array()
                .is_some_and(|entries| entries.iter().any(|entry| entry["action"] == "disable"))
        })
        .await;
        assert!(
            audit["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|entry| entry["action"] == "disable"),
            "{}: {audit}",
            app.backend
        );

        // Disabled: the next publication is not sent.
        let attempts = receiver.received().len();
        publish("Not sent").await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(receiver.received().len(), attempts, "{}", app.backend);
    }
}
