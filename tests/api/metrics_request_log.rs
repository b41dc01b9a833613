//! On the real binary with JSON logs: every log line of a request carries
//! the request's id and trace id, and the metrics listener logs where it is
//! bound (port 0) and answers there while the public port does not.

use crate::support;

use std::io::BufRead;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// `http://HOST:PORT` after `marker` (which ends in `http://`) in a log line.
fn address_after(line: &str, marker: &str) -> Option<String> {
    let at = line.find(marker)? + marker.len();
    let host: String = line[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '[' | ']'))
        .collect();
    Some(format!("http://{host}"))
}

#[tokio::test]
async fn log_lines_of_a_request_carry_its_request_id_and_trace() {
    let dir = std::env::temp_dir().join(format!("masthead-log-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("news.db").display());
    let mut child = support::masthead_command()
        .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
        .args(["--metrics-bind", "127.0.0.1:0"])
        .args(["--database-url", &url])
        .env("MASTHEAD_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start masthead");
    let stdout = child.stdout.take().unwrap();
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (found, addresses) = tokio::sync::oneshot::channel();
    let lines = log.clone();
    std::thread::spawn(move || {
        let (mut public, mut metrics, mut found) = (None, None, Some(found));
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            public = public.or_else(|| address_after(&line, "listening on http://"));
            metrics = metrics.or_else(|| address_after(&line, "metrics on http://"));
            if let (Some(public), Some(metrics)) = (&public, &metrics) {
                if let Some(found) = found.take() {
                    let _ = found.send((public.clone(), metrics.clone()));
                }
            }
            lines.lock().unwrap().push(line);
        }
    });
    let (public, metrics) = tokio::time::timeout(Duration::from_secs(60), addresses)
        .await
        .expect("the server starts within a minute")
        .expect("the server logs both addresses");
    let client = reqwest::Client::new();

    // A missing article: the server logs a warning inside the request's span.
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    let response = client
        .get(format!("{public}/api/v1/articles/no-such-article"))
        .header("x-request-id", "log-test-7f3a")
        .header("traceparent", format!("00-{trace}-00f067aa0ba902b7-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["x-request-id"], "log-test-7f3a");
    assert_eq!(
        client
            .get(format!("{public}/metrics"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let scraped = client
        .get(format!("{metrics}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains("route=\"/api/v1/articles/{slug}\""), "{text}");

    // The log line is written when the answer is; give the pipe a moment.
    let mut ours = Vec::new();
    for _ in 0..100 {
        ours = log
            .lock()
            .unwrap()
            .iter()
            .filter(|line| line.contains("log-test-7f3a"))
            .cloned()
            .collect();
        if !ours.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!ours.is_empty(), "a log line names the request id");
    for line in &ours {
        let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
        let span = &entry["span"];
        assert_eq!(span["request_id"], "log-test-7f3a", "{line}");
        assert_eq!(span["trace_id"], trace, "{line}");
        assert_eq!(span["span_id"].as_str().map(str::len), Some(16), "{line}");
    }
}
