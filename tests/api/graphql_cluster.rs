//! Two server processes on one PostgreSQL database: an event raised in one
//! reaches a subscriber of the other, and a write in one retires the other's
//! cached public reads, through `LISTEN`/`NOTIFY` only (the processes share
//! nothing else).

use crate::support;
use masthead_test_macros::postgres_only;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::Duration;

use masthead_api::events::Event;
use masthead_domain::{ReplyStatus, Role};
use masthead_persistence::testing::TestDatabase;
use serde_json::{json, Value};
use support::content::{self, published};
use support::ws::{connect_to, subscribe, Socket, PATIENCE};
use support::TestApp;

/// A `masthead serve` child process; killed when dropped.
struct Process {
    child: Child,
    address: String,
}

impl Process {
    /// Starts the real binary on `database_url` and waits until it listens.
    fn start(database_url: &str) -> Self {
        let mut child = support::masthead_command()
            .env("MASTHEAD_DATABASE_URL", database_url)
            .env(
                "MASTHEAD_JWT_SECRET_FILE",
                support::key_file_for(database_url),
            )
            .env("MASTHEAD_BIND", "127.0.0.1:0")
            .env("MASTHEAD_DEMO", "false")
            .env("MASTHEAD_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the masthead binary");
        let stdout = child.stdout.take().expect("its output");
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the server says where it listens before exiting")
                .expect("a log line");
            if let Some(start) = line.find("http://127.0.0.1:") {
                let rest = &line[start + "http://127.0.0.1:".len()..];
                let port: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break format!("http://127.0.0.1:{port}");
            }
        };
        // Keep draining the log so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, address }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Raises `event` on `raiser` until `socket` hears about it: the other process
/// gives no sign of when its subscription is registered, so the first raises
/// may find no subscriber yet. Returns the first `next` message.
async fn raise_until_heard(raiser: &TestApp, socket: &mut Socket, event: Event) -> Value {
    use futures_util::StreamExt;
    use tokio_tungstenite::tungstenite::Message;
    let attempts = PATIENCE.as_millis() / 250;
    for _ in 0..attempts {
        raiser.events.publish(event.clone());
        let heard = tokio::time::timeout(Duration::from_millis(250), async {
            loop {
                match socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let value: Value = serde_json::from_str(&text).unwrap();
                        if value["type"] == "next" {
                            return value;
                        }
                    }
                    Some(Ok(_)) => {}
                    other => panic!("the connection ended: {other:?}"),
                }
            }
        })
        .await;
        if let Ok(message) = heard {
            return message;
        }
    }
    panic!("the other process never delivered the event");
}

#[postgres_only]
async fn an_event_raised_in_one_process_reaches_a_subscriber_of_another() {
    let database = TestDatabase::postgres()
        .await
        .expect("#[postgres_only] runs with a PostgreSQL server");
    let first = TestApp::spawn_with(database, |settings| settings.demo = false).await;
    let other = Process::start(&first.database.url);

    let writer = content::staff(&first.store, "Cluster Writer", Role::Author).await;
    let article = content::article(
        &first.store,
        "Across processes",
        &[writer.id],
        &[],
        "S",
        published(1),
    )
    .await;
    let reply = content::reply(
        &first.store,
        &article,
        None,
        "Heard everywhere",
        ReplyStatus::Approved,
    )
    .await;

    let mut socket = connect_to(&other.address, json!({})).await;
    subscribe(
        &mut socket,
        "replies",
        "subscription($id: ID!) { replyAdded(articleId: $id) { body article { title } } }",
        json!({ "id": article.id.to_string() }),
    )
    .await;
    let message = raise_until_heard(
        &first,
        &mut socket,
        Event::ReplyApproved {
            article_id: article.id,
            reply_id: reply.id,
        },
    )
    .await;
    assert_eq!(message["id"], "replies");
    assert_eq!(
        message["payload"]["data"]["replyAdded"],
        json!({ "body": "Heard everywhere", "article": { "title": "Across processes" } })
    );
    // The subscriber's own process never raised anything: the event came
    // through PostgreSQL from this test's server.
    let health = reqwest::get(format!("{}/healthz", other.address))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

/// GETs `url` and returns the article's title (REST) or `null`.
async fn title_at(url: &str) -> Value {
    let body: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
    body["title"].clone()
}

#[postgres_only]
async fn a_write_in_one_process_retires_the_public_cache_of_another() {
    let database = TestDatabase::postgres()
        .await
        .expect("#[postgres_only] runs with a PostgreSQL server");
    let first = TestApp::spawn_with(database, |settings| settings.demo = false).await;
    let other = Process::start(&first.database.url);
    let writer = content::staff(&first.store, "Cache Writer", Role::Editor).await;
    let article = content::article(
        &first.store,
        "Before the correction",
        &[writer.id],
        &[],
        "S",
        published(1),
    )
    .await;
    let url = format!("{}/api/v1/articles/{}", other.address, article.slug);
    // Read twice: the second answer comes from the other process's cache.
    assert_eq!(title_at(&url).await, "Before the correction");
    assert_eq!(title_at(&url).await, "Before the correction");

    let mut corrected = support::workflow::content(writer.id, "After the correction", "Lede.");
    corrected.slug = None;
    first
        .store
        .articles()
        .update(article.id, article.version, corrected)
        .await
        .expect("correct the article");
    let written = std::time::Instant::now();
    loop {
        if title_at(&url).await == "After the correction" {
            break;
        }
        assert!(
            written.elapsed() < PATIENCE,
            "the other process kept serving the old article"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "the other process served the correction {} ms after the write",
        written.elapsed().as_millis()
    );
}
