//! The `masthead user` commands, run as the real binary against a fresh
//! database, and what they do to signing in over HTTP.

use crate::support;

use std::process::{Output, Stdio};

use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::json;
use support::cli::{run as masthead, said};
use support::TestApp;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn assert_success(output: &Output, what: &str) {
    assert!(output.status.success(), "{what} failed: {}", said(output));
}

fn assert_failure(output: &Output, what: &str, says: &str) {
    assert!(
        !output.status.success(),
        "{what} succeeded: {}",
        stdout(output)
    );
    let all = said(output);
    assert!(all.contains(says), "{what} should say {says:?}: {all}");
}

/// The `user list` line of `email`, split at tabs.
fn listed(list: &Output, email: &str) -> Vec<String> {
    stdout(list)
        .lines()
        .find(|line| line.starts_with(&format!("{email}\t")))
        .unwrap_or_else(|| panic!("{email} is not listed: {}", stdout(list)))
        .split('\t')
        .map(str::to_owned)
        .collect()
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(&json!({ "email": email, "password": password })),
    )
    .await
    .status()
    .as_u16()
}

#[each_database]
async fn user_commands_create_list_change_and_disable_accounts_that_sign_in_over_http() {
    for database in TestDatabase::all().await {
        let url = database.url.clone();
        let backend = database.backend;
        let created = masthead(
            &url,
            &[
                "user",
                "create",
                "--email",
                "Ed@Newsroom.Example",
                "--name",
                "Ed Itor",
                "--role",
                "editor",
                "--password-stdin",
            ],
            Some("the editor's first passphrase\n"),
        )
        .await;
        assert_success(&created, "user create --password-stdin");
        assert!(
            stdout(&created).contains("created ed@newsroom.example (editor, ed-itor)"),
            "{}",
            stdout(&created)
        );
        assert!(
            !stdout(&created).contains("passphrase"),
            "a given password is not echoed"
        );

        let generated = masthead(
            &url,
            &[
                "user",
                "create",
                "--email",
                "au@newsroom.example",
                "--name",
                "Au Thor",
                "--role",
                "author",
            ],
            None,
        )
        .await;
        assert_success(&generated, "user create (generated password)");
        let generated_password = stdout(&generated)
            .lines()
            .find_map(|line| line.strip_prefix("password: "))
            .expect("the generated password is printed")
            .to_owned();
        assert!(generated_password.len() >= 20);

        let list = masthead(&url, &["user", "list"], None).await;
        assert_success(&list, "user list");
        assert_eq!(
            listed(&list, "ed@newsroom.example"),
            ["ed@newsroom.example", "editor", "active", "Ed Itor"]
        );
        assert_eq!(listed(&list, "au@newsroom.example")[2], "active");
        assert!(!stdout(&list).contains("argon2"), "no hashes listed");

        let changed = masthead(
            &url,
            &[
                "user",
                "set-password",
                "--email",
                "ed@newsroom.example",
                "--password-stdin",
            ],
            Some("the editor's second passphrase"),
        )
        .await;
        assert_success(&changed, "user set-password");

        // The server, on the same database, without demo content.
        let app = TestApp::spawn_with(database, |settings| settings.no_demo = true).await;
        assert_eq!(
            login_status(
                &app,
                "ed@newsroom.example",
                "the editor's second passphrase"
            )
            .await,
            200,
            "{backend}"
        );
        assert_eq!(
            login_status(&app, "ed@newsroom.example", "the editor's first passphrase").await,
            401,
            "{backend}"
        );
        assert_eq!(
            login_status(&app, "au@newsroom.example", &generated_password).await,
            200,
            "{backend}"
        );

        // Disabling while the server runs ends the running login at once.
        let session: serde_json::Value = app
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&json!({ "email": "au@newsroom.example", "password": generated_password })),
            )
            .await
            .json()
            .await
            .unwrap();
        let token = session["access_token"].as_str().unwrap();
        let disabled = masthead(
            &url,
            &["user", "disable", "--email", "au@newsroom.example"],
            None,
        )
        .await;
        assert_success(&disabled, "user disable");
        let me = app
            .send(Method::GET, "/api/v1/auth/me", Some(token), None)
            .await;
        assert_eq!(me.status(), 401, "{backend}");
        assert_eq!(
            login_status(&app, "au@newsroom.example", &generated_password).await,
            401,
            "{backend}"
        );
        let list = masthead(&url, &["user", "list"], None).await;
        assert_eq!(
            listed(&list, "au@newsroom.example")[2],
            "disabled",
            "{backend}"
        );
    }
}

#[each_database]
async fn user_commands_refuse_bad_input_with_a_clear_message() {
    for database in TestDatabase::all().await {
        let url = database.url.clone();
        let create = |email: &'static str, role: &'static str| {
            [
                "user",
                "create",
                "--email",
                email,
                "--name",
                "Some One",
                "--role",
                role,
                "--password-stdin",
            ]
        };
        let short = masthead(
            &url,
            &create("a@newsroom.example", "author"),
            Some("short\n"),
        )
        .await;
        assert_failure(&short, "a short password", "at least 10 characters");
        let common = masthead(
            &url,
            &create("a@newsroom.example", "author"),
            Some("password1234\n"),
        )
        .await;
        assert_failure(&common, "a common password", "too common or easy to guess");
        let role = masthead(
            &url,
            &create("a@newsroom.example", "owner"),
            Some("long enough passphrase\n"),
        )
        .await;
        assert_failure(&role, "an unknown role", "unknown role");
        let email = masthead(
            &url,
            &create("not-an-address", "author"),
            Some("long enough passphrase\n"),
        )
        .await;
        assert_failure(&email, "a bad e-mail", "valid e-mail");
        let huge = "p".repeat(2_000);
        let long = masthead(&url, &create("a@newsroom.example", "author"), Some(&huge)).await;
        assert_failure(&long, "a password over 1,024 bytes", "1024 bytes");

        let first = masthead(
            &url,
            &create("a@newsroom.example", "author"),
            Some("long enough passphrase\n"),
        )
        .await;
        assert_success(&first, "a valid create");
        let twice = masthead(
            &url,
            &create("A@newsroom.example", "author"),
            Some("long enough passphrase\n"),
        )
        .await;
        assert_failure(&twice, "a taken e-mail", "already taken");

        let nobody = masthead(
            &url,
            &["user", "set-password", "--email", "nobody@newsroom.example"],
            None,
        )
        .await;
        assert_failure(&nobody, "set-password of an unknown account", "no account");
        let nobody = masthead(
            &url,
            &["user", "disable", "--email", "nobody@newsroom.example"],
            None,
        )
        .await;
        assert_failure(&nobody, "disable of an unknown account", "no account");
        let list = masthead(&url, &["user", "list"], None).await;
        assert_eq!(
            stdout(&list).lines().count(),
            1,
            "only the valid account: {}",
            stdout(&list)
        );
    }
}

#[tokio::test]
async fn with_json_logs_the_first_admins_password_goes_to_a_private_file_not_the_log() {
    use std::io::BufRead;
    let dir = std::env::temp_dir().join(format!("masthead-json-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("news.db").display());
    let mut child = support::masthead_command()
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
        .env("RUST_LOG", "info")
        .env("MASTHEAD_LOG_FORMAT", "json")
        .env_remove("MASTHEAD_DATABASE_URL")
        .env_remove("MASTHEAD_JWT_SECRET")
        .env_remove("MASTHEAD_JWT_SECRET_FILE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start masthead");
    let stdout = child.stdout.take().unwrap();
    let log = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("a log line");
            let done = line.contains("Masthead listening");
            seen.push(line);
            if done {
                break;
            }
        }
        seen.join("\n")
    })
    .await
    .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let file = dir.join("masthead.admin-password");
    let password = std::fs::read_to_string(&file).expect("the password file");
    assert!(password.len() >= 20);
    assert!(
        !log.contains(&password),
        "the password is not logged: {log}"
    );
    assert!(log.contains("masthead.admin-password"), "{log}");
    use std::os::unix::fs::PermissionsExt;
    for private in [file, dir.join("news.jwt.key")] {
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", private.display());
    }
    let key = std::fs::read_to_string(dir.join("news.jwt.key")).unwrap();
    assert!(!log.contains(&key), "nor is the signing key");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn errors_are_one_line_without_a_backtrace_and_exit_non_zero() {
    let dir = std::env::temp_dir().join(format!("masthead-cli-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    // A directory where the database file should be: the server cannot start.
    let unusable = format!("sqlite://{}?mode=rwc", dir.display());
    let unusable = unusable.as_str();
    let cases: [(Vec<&str>, &str); 3] = [
        (
            vec!["serve", "--bind", "127.0.0.1:0", "--database-url", unusable],
            "database",
        ),
        (
            vec![
                "migrate",
                "--database-url",
                "postgres://nobody@127.0.0.1:1/none",
            ],
            "database",
        ),
        (
            vec![
                "user",
                "set-password",
                "--email",
                "nobody@newsroom.example",
                "--database-url",
                "sqlite::memory:",
            ],
            "no account with e-mail nobody@newsroom.example",
        ),
    ];
    for (args, says) in cases {
        let args: Vec<String> = args.into_iter().map(String::from).collect();
        let output = tokio::task::spawn_blocking(move || {
            support::masthead_command()
                .args(&args)
                .env("RUST_BACKTRACE", "1")
                .env("RUST_LIB_BACKTRACE", "1")
                .env("RUST_LOG", "off")
                .stdin(Stdio::null())
                .output()
                .expect("run masthead")
        })
        .await
        .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{says}: {stderr}");
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|line| !line.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(lines[0].starts_with("masthead: "), "{stderr}");
        assert!(lines[0].contains(says), "{says}: {stderr}");
        for trace in [
            "Stack backtrace",
            "Backtrace",
            "Caused by",
            "at src/",
            "panicked",
        ] {
            assert!(!stderr.contains(trace), "{trace}: {stderr}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `masthead openapi` prints the document the server serves, so clients can
/// be generated without a running server (`clients/typescript` does).
#[tokio::test]
async fn the_openapi_command_prints_the_served_document() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let served: serde_json::Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let output = tokio::task::spawn_blocking(|| {
        support::masthead_command()
            .arg("openapi")
            .output()
            .expect("run masthead openapi")
    })
    .await
    .unwrap();
    assert_success(&output, "masthead openapi");
    let printed: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("masthead openapi prints one JSON document");
    assert_eq!(printed, served);
    assert!(printed["paths"]
        .as_object()
        .is_some_and(|paths| paths.len() > 20));
}
