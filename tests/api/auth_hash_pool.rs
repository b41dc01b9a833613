//! A sign-in flood meets a bounded password-hashing queue: what does not fit
//! is refused at once with `503` and `Retry-After`, never queued without
//! bound, and sign-ins work again as soon as the flood has passed.

use crate::support;

use masthead_domain::Role;
use serde_json::{json, Value};
use support::TestApp;

/// Set in the child process that runs the flood (see below).
const CHILD: &str = "HASH_FLOOD_TEST_CHILD";

#[tokio::test]
async fn a_sign_in_flood_beyond_the_hashing_queue_gets_503_with_retry_after() {
    if std::env::var_os(CHILD).is_none() {
        // The hashing queue is one per process, and every test of this binary
        // hashes: flood a process of its own, so the others are not refused.
        let name =
            "auth_hash_pool::a_sign_in_flood_beyond_the_hashing_queue_gets_503_with_retry_after";
        let output = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args(["--exact", name, "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .expect("run the test binary again");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "the flood run failed or ran nothing:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    // SQLite only: the queue is per process, and one server shows the rule.
    let app = TestApp::spawn_with(
        masthead_persistence::testing::TestDatabase::sqlite(),
        |settings| settings.no_demo = true,
    )
    .await;
    let session = app.sign_in_new(Role::Author).await;
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let flood = 32 * workers + 300;
    let attempts = (0..flood).map(|index| {
        let client = app.client.clone();
        let url = format!("{}/api/v1/auth/login", app.address);
        async move {
            let response = client
                .post(url)
                .json(&json!({ "email": format!("nobody-{index}@example.org"), "password": "not the password at all" }))
                .send()
                .await
                .expect("an answer");
            let status = response.status().as_u16();
            let retry_after = response.headers().get("retry-after").cloned();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, retry_after, body)
        }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let refused: Vec<_> = answers
        .iter()
        .filter(|(status, _, _)| *status == 503)
        .collect();
    assert!(
        answers
            .iter()
            .all(|(status, _, _)| *status == 401 || *status == 503),
        "{:?}",
        answers
            .iter()
            .map(|(status, _, _)| status)
            .collect::<Vec<_>>()
    );
    assert!(
        !refused.is_empty(),
        "{flood} at once overflow a queue of {}",
        32 * workers
    );
    assert!(
        answers
            .iter()
            .filter(|(status, _, _)| *status == 401)
            .count()
            >= 32 * workers,
        "the queue itself is served"
    );
    for (_, retry_after, body) in &refused {
        assert_eq!(retry_after.as_ref().map(|v| v.to_str().unwrap()), Some("1"));
        assert_eq!(body["code"], "UNAVAILABLE", "{body}");
    }
    let after = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": session.email, "password": session.password }))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200, "sign-ins work again after the flood");
}
