//! PostgreSQL sessions killed again and again while staff write and readers
//! read (what a failover or an administrator's `pg_terminate_backend` does):
//! no answer is a `500` — a lost session is `503` with `Retry-After`, a read is
//! asked once more — and every write the server acknowledged is there
//! afterwards. PostgreSQL only.

use crate::support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use masthead_domain::Role;
use masthead_persistence::testing::{TestDatabase, POSTGRES_ENV};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;
use support::TestApp;

/// Concurrent writers (and as many readers).
const WRITERS: usize = 4;
/// How long sessions are killed for.
const KILLING: Duration = Duration::from_secs(6);
/// Between two rounds of kills (a new connection must have time to be made
/// and used, or nothing but kills would be tested).
const BETWEEN_KILLS: Duration = Duration::from_millis(500);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_sessions_are_503_never_500_and_no_acknowledged_write_is_lost() {
    let Some(database) = TestDatabase::postgres().await else {
        eprintln!("PostgreSQL skipped: {POSTGRES_ENV} is not set (this test needs PostgreSQL)");
        return;
    };
    let url = database.url.clone();
    // Reads go to the database, not the cache of public answers.
    let app = TestApp::spawn_with(database, |settings| settings.public_cache_mb = 0).await;
    let editor = app.sign_in_new(Role::Editor).await;

    let stop = Arc::new(AtomicBool::new(false));
    let killer = tokio::spawn({
        let stop = stop.clone();
        async move {
            let admin = Database::connect(&url).await.unwrap();
            let mut killed = 0i64;
            while !stop.load(Ordering::Relaxed) {
                let row = admin
                    .query_one(Statement::from_string(
                        admin.get_database_backend(),
                        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
                         WHERE datname = current_database() AND pid <> pg_backend_pid()",
                    ))
                    .await
                    .unwrap()
                    .unwrap();
                killed += row.try_get_by_index::<i64>(0).unwrap();
                tokio::time::sleep(BETWEEN_KILLS).await;
            }
            admin.close().await.ok();
            killed
        }
    });

    // Kill for KILLING, and on until one create got through between two
    // rounds of kills (a slow machine may need longer), at most a minute.
    let started = tokio::time::Instant::now();
    let acknowledged = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let going = {
        let acknowledged = acknowledged.clone();
        move || {
            let elapsed = started.elapsed();
            elapsed < KILLING
                || (acknowledged.load(Ordering::Relaxed) == 0 && elapsed < Duration::from_secs(60))
        }
    };
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let (client, address, token) = (
            app.client.clone(),
            app.address.clone(),
            editor.access_token.clone(),
        );
        let (going_on, acknowledged) = (going.clone(), acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut n = 0;
            while going_on() {
                n += 1;
                let response = client
                    .post(format!("{address}/api/v1/admin/articles"))
                    .bearer_auth(&token)
                    .json(&json!({ "title": format!("Edition {writer}-{n}") }))
                    .send()
                    .await
                    .unwrap();
                let answer = answer("create", response).await;
                if answer.status == 201 {
                    acknowledged.fetch_add(1, Ordering::Relaxed);
                }
                answers.push(answer);
            }
            answers
        }));
        let (client, address, going_on) = (app.client.clone(), app.address.clone(), going.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            while going_on() {
                let response = client
                    .get(format!("{address}/api/v1/articles?limit=10"))
                    .send()
                    .await
                    .unwrap();
                answers.push(answer("read", response).await);
            }
            answers
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.extend(task.await.unwrap());
    }
    stop.store(true, Ordering::Relaxed);
    let killed = killer.await.unwrap();

    assert!(killed > 0, "sessions were killed");
    let failures: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status >= 500 && !(a.status == 503 && a.retry_after))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} answers were a server error other than 503 with Retry-After: {:?}",
        failures.len(),
        answers.len(),
        failures
            .iter()
            .take(5)
            .map(|a| (a.kind, a.status, a.body.as_str()))
            .collect::<Vec<_>>()
    );
    let created: Vec<&String> = answers
        .iter()
        .filter(|a| a.kind == "create" && a.status == 201)
        .filter_map(|a| a.id.as_ref())
        .collect();
    let reads = answers
        .iter()
        .filter(|a| a.kind == "read" && a.status == 200)
        .count();
    assert!(
        !created.is_empty() && reads > 0,
        "work got done between the kills: {} creates, {reads} reads acknowledged; statuses {:?}",
        created.len(),
        answers
            .iter()
            .map(|a| (a.kind, a.status, a.body.as_str()))
            .take(10)
            .collect::<Vec<_>>()
    );
    for id in created {
        let response = app
            .send(
                reqwest::Method::GET,
                &format!("/api/v1/admin/articles/{id}"),
                Some(&editor.access_token),
                None,
            )
            .await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "the acknowledged article {id} is there"
        );
    }
    eprintln!(
        "{killed} sessions killed; {} answers, {} of them 503",
        answers.len(),
        answers.iter().filter(|a| a.status == 503).count()
    );
}

#[derive(Debug)]
struct Answer {
    kind: &'static str,
    status: u16,
    retry_after: bool,
    id: Option<String>,
    body: String,
}

async fn answer(kind: &'static str, response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let retry_after = response.headers().contains_key("retry-after");
    let body = response.text().await.unwrap_or_default();
    let id = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|value| value["id"].as_str().map(str::to_owned));
    Answer {
        kind,
        status,
        retry_after,
        id,
        body: body.chars().take(300).collect(),
    }
}
