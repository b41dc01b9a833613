//! A webhook receiver inside the tests: a small HTTP/1.1 server on a
//! `tokio` listener that records every request, answers 500 to the first
//! `fail_next` requests and 200 after, and verifies Standard Webhooks
//! signatures independently of the server's own code (`hmac` + `sha2` here).

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use masthead_api::Settings;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{Session, TestApp};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    /// The raw body.
    pub body: String,
    /// What the receiver answered.
    pub answered: u16,
}

impl Received {
    /// The `webhook-id` header.
    pub fn id(&self) -> &str {
        &self.headers["webhook-id"]
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// A running receiver.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/hook`.
    pub url: String,
    /// The port.
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    fail_next: Arc<AtomicUsize>,
}

impl Receiver {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let fail_next = Arc::new(AtomicUsize::new(0));
        let (log, fail) = (received.clone(), fail_next.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, log.clone(), fail.clone()));
            }
        });
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            port,
            received,
            fail_next,
        }
    }

    /// Answers 500 to the next `count` requests.
    pub fn fail_next(&self, count: usize) {
        self.fail_next.store(count, Ordering::SeqCst);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (up to 20 s) until `done` holds for what was received.
    pub async fn wait_until(
        &self,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        for _ in 0..400 {
            let now = self.received();
            if done(&now) {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the receiver never saw {what}; it got {:#?}",
            self.received()
        );
    }

    /// Waits until an event of `event_type` arrived; returns the first.
    pub async fn event(&self, event_type: &str) -> Received {
        let all = self
            .wait_until(event_type, |got| {
                got.iter()
                    .any(|r| r.answered == 200 && r.json()["type"] == event_type)
            })
            .await;
        all.into_iter()
            .find(|r| r.json()["type"] == event_type)
            .unwrap()
    }
}

async fn serve(mut stream: TcpStream, log: Arc<Mutex<Vec<Received>>>, fail: Arc<AtomicUsize>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let (head_end, length) = loop {
        let Ok(read) = stream.read(&mut chunk).await else {
            return;
        };
        if read == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_string();
            let length = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                .map(|(_, value)| value.trim().parse::<usize>().unwrap())
                .unwrap_or(0);
            break (end + 4, length);
        }
    };
    while buffer.len() < head_end + length {
        let Ok(read) = stream.read(&mut chunk).await else {
            return;
        };
        if read == 0 {
            return;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).to_string();
    let failing = fail
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let answered = if failing { 500 } else { 200 };
    log.lock().unwrap().push(Received {
        headers,
        body,
        answered,
    });
    let reply = format!(
        "HTTP/1.1 {answered} {}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        if failing {
            "Internal Server Error"
        } else {
            "OK"
        }
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// True when one of the `v1,` signatures of `received` is the HMAC-SHA256
/// of `id.timestamp.body` under `secret` (the Standard Webhooks scheme).
pub fn signed_by(received: &Received, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .expect("base64");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(
        format!(
            "{}.{}.{}",
            received.headers["webhook-id"], received.headers["webhook-timestamp"], received.body
        )
        .as_bytes(),
    );
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    received.headers["webhook-signature"]
        .split(' ')
        .any(|signature| signature == expected)
}

/// Test settings: private and `http` targets allowed (the receiver is on
/// 127.0.0.1), retries after a few milliseconds, a fast poll.
pub fn dev_settings(settings: &mut Settings) {
    settings.webhooks.webhooks_allow_private = true;
    settings.webhooks.webhooks_allow_http = true;
    settings.webhooks.webhooks_retry_base_ms = 50;
    settings.webhooks.webhooks_poll_ms = 50;
}

/// Creates an endpoint for `url` and `events` as `admin`; returns the answer.
pub async fn create_endpoint(app: &TestApp, admin: &Session, url: &str, events: &[&str]) -> Value {
    let response = app
        .request(Method::POST, "/admin/webhooks", Some(admin))
        .json(&json!({ "url": url, "events": events, "description": "test receiver" }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 201, "create endpoint ({}): {body}", app.backend);
    body
}

/// Every event type.
pub const ALL_EVENTS: [&str; 6] = [
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.deleted",
    "reply.approved",
    "reply.pending",
];
