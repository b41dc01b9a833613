//! A busy newsroom writes at once: article creates, saves and publishes,
//! refresh-token rotations of many users, reply moderation and account updates,
//! all fired together. Every one of them is answered as if it were alone —
//! never a `503` because SQLite could not take its write lock. SQLite and
//! PostgreSQL.

use crate::support;

use masthead_domain::{ReplyStatus, Role};
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{content, Session, TestApp};

/// How many writers of each kind run at once.
const EACH: usize = 12;

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn mixed_concurrent_writers_are_all_answered_without_a_server_error() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let mut readers_of_tokens: Vec<Session> = Vec::new();
        for _ in 0..EACH {
            readers_of_tokens.push(app.sign_in_new(Role::Author).await);
        }
        let mut targets = Vec::new();
        for _ in 0..EACH {
            targets.push(app.sign_in_new(Role::Author).await.user_id);
        }
        let store = app.store().await;
        let author = store
            .users()
            .by_email(readers_of_tokens[0].email.as_str())
            .await
            .unwrap()
            .unwrap()
            .0;
        let story = content::article(
            &store,
            "Busy day",
            &[author.id],
            &[],
            "Somebody",
            content::published(1),
        )
        .await;
        let mut replies = Vec::new();
        for n in 0..EACH {
            let reply = content::reply(
                &store,
                &story,
                None,
                &format!("Waiting {n}"),
                ReplyStatus::Pending,
            )
            .await;
            replies.push(reply.id.to_string());
        }
        let mut drafts = Vec::new();
        for n in 0..EACH {
            let draft = content::article(
                &store,
                &format!("Draft {n}"),
                &[author.id],
                &[],
                "Somebody",
                masthead_domain::Lifecycle::draft(),
            )
            .await;
            drafts.push(draft.id.to_string());
        }

        let mut requests = Vec::new();
        let send = |method: Method, path: String, token: String, body: Option<Value>| {
            let mut request = app
                .client
                .request(method, format!("{}{path}", app.address))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request.json(&body);
            }
            request.send()
        };
        for n in 0..EACH {
            requests.push(send(
                Method::POST,
                "/api/v1/admin/articles".into(),
                editor.access_token.clone(),
                Some(json!({ "title": format!("Late edition {n}") })),
            ));
            requests.push(send(
                Method::POST,
                format!("/api/v1/admin/articles/{}/publish", drafts[n]),
                editor.access_token.clone(),
                None,
            ));
            requests.push(send(
                Method::POST,
                format!("/api/v1/admin/replies/{}/approve", replies[n]),
                editor.access_token.clone(),
                None,
            ));
            requests.push(send(
                Method::PATCH,
                format!("/api/v1/admin/users/{}", targets[n]),
                admin.access_token.clone(),
                Some(json!({ "bio": format!("Covers the night shift {n}.") })),
            ));
            requests.push(
                app.client
                    .post(format!("{}/api/v1/auth/refresh", app.address))
                    .json(&json!({ "refresh_token": readers_of_tokens[n].refresh_token }))
                    .send(),
            );
        }
        let answers = futures_util::future::join_all(requests).await;
        let mut failures = Vec::new();
        for answer in answers {
            let response = answer.expect("send");
            let status = response.status().as_u16();
            if !(200..300).contains(&status) {
                failures.push(format!(
                    "{status} {}",
                    response.text().await.unwrap_or_default()
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{}: {} of {} concurrent writes failed: {failures:?}",
            app.backend,
            failures.len(),
            EACH * 5
        );
    }
}
