//! Graceful drain, on the real binary: after SIGTERM `/readyz` is `503` at
//! once while the node keeps serving for `--shutdown-drain-seconds`; then
//! WebSockets close with `1001`, the listener stops, a request in flight
//! still gets its answer, and the process exits 0. SIGINT does the same.

use crate::support;

use std::io::BufRead;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A `masthead serve` child process on a fresh SQLite file.
struct Node {
    child: Child,
    address: String,
    /// Every log line so far.
    log: Arc<Mutex<Vec<String>>>,
    dir: std::path::PathBuf,
}

impl Node {
    /// Starts the binary and waits for the address it listens on.
    async fn start(drain_seconds: u64) -> Self {
        let dir =
            std::env::temp_dir().join(format!("masthead-drain-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("news.db").display());
        let mut child = support::masthead_command()
            .args(["serve", "--bind", "127.0.0.1:0", "--no-demo"])
            .args(["--database-url", &url])
            .args(["--shutdown-drain-seconds", &drain_seconds.to_string()])
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start masthead");
        let stdout = child.stdout.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = tokio::sync::oneshot::channel();
        let lines = log.clone();
        // Reads the log to the end, so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(at) = line.find("listening on http://") {
                    let address: String = line[at + "listening on ".len()..]
                        .chars()
                        .take_while(|c| !c.is_whitespace() && *c != '\u{1b}')
                        .collect();
                    if let Some(found) = found.take() {
                        let _ = found.send(address);
                    }
                }
                lines.lock().unwrap().push(line);
            }
        });
        let address = tokio::time::timeout(Duration::from_secs(60), address)
            .await
            .expect("the server starts within a minute")
            .expect("the server logs its address");
        Self {
            child,
            address,
            log,
            dir,
        }
    }

    /// Sends `signal` to the process.
    fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) only sends a signal to our own child; no memory is shared.
        #[allow(unsafe_code)]
        let sent = unsafe { libc::kill(pid, signal) };
        assert_eq!(sent, 0, "kill({pid}, {signal})");
    }

    /// Waits (at most 30 s) for the process to exit; its exit code.
    async fn exit_code(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "the server did not exit: {}",
                    self.log.lock().unwrap().join("\n")
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let log = self.log.lock().unwrap().join("\n");
        let _ = std::fs::remove_dir_all(&self.dir);
        (status.code(), log)
    }

    fn port(&self) -> u16 {
        self.address.rsplit(':').next().unwrap().parse().unwrap()
    }
}

/// A sign-in whose request head and half its body are sent: in flight
/// until [`finish`] sends the rest.
async fn start_slow_request(port: u16) -> (TcpStream, &'static [u8]) {
    let body: &'static [u8] =
        br#"{"email":"nobody@newsroom.example","password":"not the password"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    stream.flush().await.unwrap();
    (stream, &body[10..])
}

/// Sends the rest of the body and reads the status line of the answer.
async fn finish(mut stream: TcpStream, rest: &[u8]) -> String {
    stream.write_all(rest).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("the answer comes")
        .expect("read the answer");
    String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn sigterm_drains_then_closes_websockets_with_1001_finishes_requests_and_exits_0() {
    let node = Node::start(2).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(format!("{}{path}", node.address)).send();
    assert_eq!(get("/readyz").await.unwrap().status(), 200);

    let mut socket = support::ws::connect_to(&node.address, json!({})).await;
    support::ws::subscribe(
        &mut socket,
        "1",
        "subscription { articlePublished { title } }",
        json!({}),
    )
    .await;
    let (in_flight, rest) = start_slow_request(node.port()).await;

    let signalled = Instant::now();
    node.signal(libc::SIGTERM);
    // Not ready at once, but still serving, and telling clients to go.
    let ready = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            let response = get("/readyz").await.unwrap();
            if response.status() == 503 {
                return response;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("/readyz answers 503 within half a second of SIGTERM");
    assert_eq!(
        ready.json::<serde_json::Value>().await.unwrap()["status"],
        "draining"
    );
    let served = get("/api/v1/articles").await.unwrap();
    assert_eq!(served.status(), 200, "still serving while draining");
    assert_eq!(served.headers()["connection"], "close");
    assert_eq!(get("/healthz").await.unwrap().status(), 200, "alive");

    // The drain period ends: the WebSocket goes away with 1001.
    let (code, _) = support::ws::close_code(&mut socket).await;
    let drained = signalled.elapsed();
    assert_eq!(code, 1001);
    assert!(
        drained >= Duration::from_millis(1_900),
        "served the whole drain period: {drained:?}"
    );
    // The listener stops accepting (a connection is refused or never answered).
    let refused = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let attempt = tokio::time::timeout(
                Duration::from_millis(500),
                reqwest::Client::new()
                    .get(format!("{}/healthz", node.address))
                    .send(),
            )
            .await;
            if !matches!(attempt, Ok(Ok(_))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(refused.is_ok(), "the node stops accepting after the drain");

    // The request in flight since before the signal is answered in full.
    let status_line = finish(in_flight, rest).await;
    assert!(
        status_line.starts_with("HTTP/1.1 401"),
        "the in-flight sign-in was answered: {status_line:?}"
    );

    let (code, log) = node.exit_code().await;
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("SIGTERM"), "{log}");
    assert!(log.contains("Masthead stopped"), "{log}");
}

#[tokio::test]
async fn sigint_drains_the_same_way_and_a_second_signal_cuts_the_drain_short() {
    let node = Node::start(300).await;
    let client = reqwest::Client::new();
    node.signal(libc::SIGINT);
    let ready = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let response = client
                .get(format!("{}/readyz", node.address))
                .send()
                .await
                .unwrap();
            if response.status() == 503 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(ready.is_ok(), "/readyz answers 503 after SIGINT");
    let started = Instant::now();
    node.signal(libc::SIGTERM);
    let (code, log) = node.exit_code().await;
    assert_eq!(code, Some(0), "{log}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "not the 300 s drain period"
    );
    assert!(log.contains("drain cut short"), "{log}");
}

#[tokio::test]
async fn the_drain_period_is_bounded_at_start() {
    let output = support::masthead_command()
        .args(["serve", "--shutdown-drain-seconds", "301"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "clap's usage error");
    assert!(String::from_utf8_lossy(&output.stderr).contains("shutdown-drain-seconds"));
}
