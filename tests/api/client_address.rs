//! One client address for every limit: behind a trusted proxy the client is
//! the right-most hop that is not a trusted proxy, so whatever a client writes
//! into `X-Forwarded-For` / `Forwarded` itself cannot choose its rate-limit key,
//! for sign-in and replies, over REST and GraphQL alike. The servers here see
//! every request come from 127.0.0.1, playing the proxy. The retired
//! `--reply-trust-forwarded-for` refuses to start and names its replacement.

use crate::reply_support;
use crate::support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use masthead_api::client_address::ForwardedHeader;
use masthead_api::rate_limit::LimitClock;
use masthead_api::{Application, Settings};
use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::json;
use support::TestApp;

const LOGIN: &str = "/api/v1/auth/login";

/// A failed sign-in as a proxy would forward it, with `header: value`.
async fn login_via(app: &TestApp, header: &str, value: &str) -> u16 {
    app.client
        .post(format!("{}{LOGIN}", app.address))
        .header(header, value)
        .json(&json!({ "email": "nobody@newsroom.example", "password": "a wrong guess" }))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

/// A reader's reply under `slug` as a proxy would forward it.
async fn reply_via(app: &TestApp, slug: &str, forwarded_for: &str) -> u16 {
    app.client
        .post(format!("{}/api/v1/articles/{slug}/replies", app.address))
        .header("x-forwarded-for", forwarded_for)
        .json(&reader(&unique("Hello")))
        .send()
        .await
        .expect("reply")
        .status()
        .as_u16()
}

#[each_database]
async fn behind_a_proxy_a_forged_left_most_address_does_not_escape_the_sign_in_limit() {
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = LimitClock::manual();
        settings.no_demo = true;
        settings.proxies.trust_proxy = true;
        settings.login_ip_limit = 2;
    })
    .await;
    for app in apps {
        // nginx appends the real client (203.0.113.7) to what the client sent.
        let statuses: Vec<u16> = {
            let mut statuses = Vec::new();
            for forged in 1..=4 {
                let value = format!("198.51.100.{forged}, 203.0.113.7");
                statuses.push(login_via(&app, "x-forwarded-for", &value).await);
            }
            statuses
        };
        assert_eq!(statuses, [401, 401, 429, 429], "{}", app.backend);
        let other = login_via(&app, "x-forwarded-for", "198.51.100.1, 203.0.113.8").await;
        assert_eq!(other, 401, "another real client ({})", app.backend);
        let answer = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("x-forwarded-for", "192.0.2.99, 203.0.113.7")
            .json(&json!({ "query": r#"mutation { login(email: "x@newsroom.example", password: "guess") { accessToken } }"# }))
            .send()
            .await
            .expect("graphql")
            .json::<serde_json::Value>()
            .await
            .expect("JSON");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "RATE_LIMITED",
            "GraphQL keys on the same client ({}) {answer}",
            app.backend
        );
    }
}

#[each_database]
async fn behind_a_proxy_a_forged_left_most_address_does_not_escape_the_reply_limit() {
    let apps = spawn_all_with(|settings| {
        settings.limit_clock = LimitClock::manual();
        settings.proxies.trust_proxy = true;
        settings.replies.reply_rate_limit = 2;
        settings.replies.reply_rate_window = 3_600;
    })
    .await;
    for app in apps {
        let slug = demo_articles(&app).await.moderated;
        let mut statuses = Vec::new();
        for forged in 1..=4 {
            let value = format!("198.51.100.{forged}, 203.0.113.7");
            statuses.push(reply_via(&app, &slug, &value).await);
        }
        assert_eq!(statuses, [202, 202, 429, 429], "{}", app.backend);
        let answer = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("x-forwarded-for", "192.0.2.99, 203.0.113.7")
            .json(&json!({
                "query": POST_REPLY,
                "variables": { "slug": slug, "name": "Ana", "email": READER_EMAIL, "body": unique("GQL") },
            }))
            .send()
            .await
            .expect("graphql")
            .json::<serde_json::Value>()
            .await
            .expect("JSON");
        assert_eq!(error_code(&answer), "RATE_LIMITED", "{answer}");
        let other = reply_via(&app, &slug, "198.51.100.1, 203.0.113.8").await;
        assert_eq!(other, 202, "another real client ({})", app.backend);
    }
}

#[each_database]
async fn trusted_proxy_networks_are_skipped_from_the_right_and_garbage_stops_the_walk() {
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = LimitClock::manual();
        settings.no_demo = true;
        settings.proxies.trusted_proxies = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        settings.login_ip_limit = 2;
    })
    .await;
    for app in apps {
        let via_chain = |forged: u8| format!("198.51.100.{forged}, 203.0.113.7, 10.0.0.9");
        assert_eq!(login_via(&app, "x-forwarded-for", &via_chain(1)).await, 401);
        assert_eq!(login_via(&app, "x-forwarded-for", &via_chain(2)).await, 401);
        assert_eq!(
            login_via(&app, "x-forwarded-for", &via_chain(3)).await,
            429,
            "the first untrusted hop from the right is the client ({})",
            app.backend
        );
        // A broken hop stops the walk at the proxy that forwarded it: every
        // such request shares that proxy's allowance, whatever sits left of it.
        let mut statuses = Vec::new();
        for garbage in ["unknown", "<script>", ""] {
            let value = format!("203.0.113.{}, {garbage}, 10.0.0.20", statuses.len());
            statuses.push(login_via(&app, "x-forwarded-for", &value).await);
        }
        assert_eq!(statuses, [401, 401, 429], "{}", app.backend);
        assert_eq!(
            login_via(&app, "x-forwarded-for", "203.0.113.51, 10.0.0.20").await,
            401,
            "a well-formed chain through the same proxy names its own client ({})",
            app.backend
        );
    }
}

#[each_database]
async fn with_forwarded_chosen_rfc_7239_names_the_client_and_x_forwarded_for_is_ignored() {
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = LimitClock::manual();
        settings.no_demo = true;
        settings.proxies.trust_proxy = true;
        settings.proxies.forwarded_header = ForwardedHeader::Forwarded;
        settings.login_ip_limit = 1;
    })
    .await;
    for app in apps {
        let forwarded = |forged: &str| format!(r#"for={forged}, for="[2001:db8:1:2::7]:4711""#);
        assert_eq!(
            login_via(&app, "forwarded", &forwarded("192.0.2.1")).await,
            401
        );
        assert_eq!(
            login_via(&app, "forwarded", &forwarded("192.0.2.2")).await,
            429,
            "{}",
            app.backend
        );
        // The same /64, another interface id: the same client.
        assert_eq!(
            login_via(&app, "forwarded", "for=\"[2001:db8:1:2::ffff]\"").await,
            429
        );
        // A client-sent X-Forwarded-For is not read at all: the peer is the client.
        assert_eq!(login_via(&app, "x-forwarded-for", "192.0.2.3").await, 401);
        assert_eq!(login_via(&app, "x-forwarded-for", "192.0.2.4").await, 429);
    }
}

/// Runs `masthead serve ARGS` with `env`; returns (whether it failed, its
/// output). A server that starts anyway is stopped after 30 s and reported.
fn start_masthead(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_masthead"));
    command
        .arg("serve")
        .args(["--database-url", "sqlite::memory:", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("MASTHEAD_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("start masthead");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if child.try_wait().expect("wait").is_some() {
            let output = child.wait_with_output().expect("output");
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            return (!output.status.success(), text);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    (false, "it started and kept serving".to_owned())
}

#[test]
fn the_retired_reply_trust_forwarded_for_refuses_to_start_and_names_the_replacement() {
    for (args, env) in [
        (vec!["--reply-trust-forwarded-for", "true"], vec![]),
        (vec![], vec![("MASTHEAD_REPLY_TRUST_FORWARDED_FOR", "true")]),
    ] {
        let (failed, output) = start_masthead(&args, &env);
        assert!(failed, "{args:?} {env:?}: {output}");
        for named in [
            "--reply-trust-forwarded-for",
            "--trust-proxy",
            "--trusted-proxies",
        ] {
            assert!(
                output.contains(named),
                "{args:?} {env:?} names {named}: {output}"
            );
        }
    }
}

#[test]
fn a_bad_trusted_proxy_network_refuses_to_start_with_the_value_named() {
    let (failed, output) = start_masthead(&["--trusted-proxies", "10.0.0.0/8,10.0.0.0/40"], &[]);
    assert!(failed, "{output}");
    assert!(
        output.contains("10.0.0.0/40") && output.contains("CIDR"),
        "{output}"
    );
}

#[tokio::test]
async fn the_retired_flag_set_to_false_only_warns_and_the_server_starts() {
    let mut settings = Settings::for_database("sqlite::memory:");
    settings.no_demo = true;
    settings.replies.reply_trust_forwarded_for = Some(false);
    assert!(Application::build(settings.clone()).await.is_ok());
    settings.replies.reply_trust_forwarded_for = Some(true);
    let error = match Application::build(settings).await {
        Ok(_) => panic!("started with the retired flag set to true"),
        Err(error) => error.to_string(),
    };
    assert!(error.contains("--trusted-proxies"), "{error}");
}
