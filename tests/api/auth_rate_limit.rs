//! Sign-in is rate limited per client IP and per account; past a limit the
//! answer is 429 with `Retry-After` (GraphQL `RATE_LIMITED`), and once that
//! time has passed sign-in works again (not a second earlier). The limits run
//! on a manual clock the tests move, so nothing sleeps and a slow machine
//! cannot refill an allowance mid-test. How the client address is chosen
//! behind proxies is in `client_address.rs`.

use crate::support;

use std::time::Duration;

use masthead_api::rate_limit::LimitClock;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::{graphql_error_code, TestApp};

/// Moves the limits' clock on by `seconds`.
fn wait_out(clock: &LimitClock, seconds: u64) {
    clock.advance(Duration::from_secs(seconds));
}

async fn login_from(
    app: &TestApp,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": password }));
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    request.send().await.expect("login")
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    login_from(app, None, email, password).await
}

/// A 429 with a `Retry-After` of at least one second and the `RATE_LIMITED`
/// code; returns the `Retry-After`.
async fn assert_rate_limited(response: reqwest::Response, case: &str) -> u64 {
    assert_eq!(response.status(), 429, "{case}");
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("{case}: Retry-After is missing"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1, "{case}: Retry-After {retry_after}");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "RATE_LIMITED", "{case}");
    retry_after
}

#[each_database]
async fn too_many_sign_ins_from_one_ip_get_429_then_work_again_after_retry_after() {
    let clock = LimitClock::manual();
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.no_demo = true;
        settings.login_ip_limit = 3;
        settings.login_ip_window = 6;
    })
    .await;
    for app in apps {
        // Accounts are created directly in the database, without signing in.
        let session = app.sign_in_new(Role::Author).await; // attempt 1
        for _ in 0..2 {
            let response = login(&app, &session.email, "a wrong password").await;
            assert_eq!(response.status(), 401, "{}", app.backend);
        }
        let case = format!("fourth attempt ({})", app.backend);
        let retry_after =
            assert_rate_limited(login(&app, &session.email, &session.password).await, &case).await;
        let wait = support::limit_wait(app.backend, 3, 6);
        assert_eq!(
            retry_after, wait,
            "one attempt comes back every 2 s (SQLite), the window ends in 6 s (PostgreSQL)"
        );
        let other = login(&app, "someone.else@newsroom.example", "whatever password").await;
        assert_eq!(
            other.status(),
            429,
            "any account, same IP ({})",
            app.backend
        );

        wait_out(&clock, retry_after - 1);
        let early = format!("a second early ({})", app.backend);
        let left =
            assert_rate_limited(login(&app, &session.email, &session.password).await, &early);
        assert_eq!(left.await, 1, "{early}");
        wait_out(&clock, 1);
        let response = login(&app, &session.email, &session.password).await;
        assert_eq!(
            response.status(),
            200,
            "after Retry-After ({})",
            app.backend
        );
    }
}

#[each_database]
async fn repeated_failures_lock_the_account_even_for_the_right_password_then_it_recovers() {
    let clock = LimitClock::manual();
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.no_demo = true;
        settings.login_account_failures = 3;
        settings.login_account_window = 9;
    })
    .await;
    for app in apps {
        let victim = app.sign_in_new(Role::Editor).await;
        let bystander = app.sign_in_new(Role::Editor).await;
        for _ in 0..3 {
            assert_eq!(
                login(&app, &victim.email, "a wrong guess").await.status(),
                401
            );
        }
        let case = format!("locked account, right password ({})", app.backend);
        let retry_after =
            assert_rate_limited(login(&app, &victim.email, &victim.password).await, &case).await;
        let wait = support::limit_wait(app.backend, 3, 9);
        assert_eq!(
            retry_after, wait,
            "one attempt comes back every 3 s (SQLite), the window ends in 9 s (PostgreSQL)"
        );
        let upper = victim.email.to_uppercase();
        assert_eq!(login(&app, &upper, &victim.password).await.status(), 429);

        // The lockout is a security event: audited once, by nobody (the limiter).
        let admin = app.sign_in_new(Role::Admin).await;
        let log: Value = app
            .client
            .get(format!(
                "{}/api/v1/admin/audit?subject_type=user&limit=100",
                app.address
            ))
            .bearer_auth(&admin.access_token)
            .send()
            .await
            .expect("audit")
            .json()
            .await
            .expect("audit JSON");
        let lockouts: Vec<&Value> = log["data"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|entry| entry["action"] == "lock")
            .collect();
        assert_eq!(lockouts.len(), 1, "{}: {log}", app.backend);
        assert_eq!(lockouts[0]["subject_id"], victim.user_id.as_str());
        assert_eq!(lockouts[0]["subject_type"], "user");
        assert!(lockouts[0]["actor_id"].is_null());
        assert_eq!(
            login(&app, &bystander.email, &bystander.password)
                .await
                .status(),
            200,
            "other accounts are not affected ({})",
            app.backend
        );

        // Unknown addresses lock the same way, so a 429 reveals nothing.
        for _ in 0..3 {
            let response = login(&app, "ghost@newsroom.example", "a wrong guess").await;
            assert_eq!(response.status(), 401);
        }
        assert_eq!(
            login(&app, "ghost@newsroom.example", "a wrong guess")
                .await
                .status(),
            429
        );

        wait_out(&clock, retry_after - 1);
        assert_eq!(
            login(&app, &victim.email, &victim.password).await.status(),
            429
        );
        wait_out(&clock, 1);
        let response = login(&app, &victim.email, &victim.password).await;
        assert_eq!(
            response.status(),
            200,
            "after Retry-After ({})",
            app.backend
        );
    }
}

#[each_database]
async fn graphql_sign_in_is_limited_too_even_when_many_are_aliased_in_one_request() {
    let clock = LimitClock::manual();
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.no_demo = true;
        settings.login_ip_limit = 3;
        settings.login_ip_window = 6;
    })
    .await;
    for app in apps {
        let session = app.sign_in_new(Role::Author).await; // attempt 1
        let answer = app
            .graphql(
                r#"mutation($e: String!) {
                    a: login(email: $e, password: "guess number one") { accessToken }
                    b: login(email: $e, password: "guess number two") { accessToken }
                    c: login(email: $e, password: "guess number three") { accessToken }
                }"#,
                json!({ "e": session.email }),
            )
            .await;
        let errors = answer["errors"].as_array().expect("errors");
        let codes: Vec<&str> = errors
            .iter()
            .map(|e| e["extensions"]["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["UNAUTHENTICATED", "UNAUTHENTICATED", "RATE_LIMITED"],
            "{} {answer}",
            app.backend
        );
        let limited = errors
            .iter()
            .find(|e| e["extensions"]["code"] == "RATE_LIMITED")
            .unwrap();
        let retry_after = limited["extensions"]["retryAfter"].as_u64().unwrap();
        assert_eq!(
            retry_after,
            support::limit_wait(app.backend, 3, 6),
            "{answer}"
        );

        // REST and GraphQL share the allowance.
        assert_eq!(
            login(&app, &session.email, &session.password)
                .await
                .status(),
            429
        );

        wait_out(&clock, retry_after);
        let answer = app
            .graphql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }",
                json!({ "e": session.email, "p": session.password }),
            )
            .await;
        assert_eq!(graphql_error_code(&answer), None, "{answer}");
        assert!(answer["data"]["login"]["accessToken"].is_string());
    }
}

#[each_database]
async fn a_forged_x_forwarded_for_does_not_escape_the_ip_limit() {
    // The limiter's own clock: on PostgreSQL the windows are fixed, and on
    // the wall clock a window could end between the attempts.
    let clock = LimitClock::manual();
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.no_demo = true;
        settings.login_ip_limit = 2;
        settings.login_ip_window = 10;
    })
    .await;
    for app in apps {
        let email = "nobody@newsroom.example";
        for client in ["198.51.100.1", "198.51.100.2"] {
            let response = login_from(&app, Some(client), email, "a wrong guess").await;
            assert_eq!(response.status(), 401);
        }
        let response = login_from(&app, Some("198.51.100.3"), email, "a wrong guess").await;
        assert_eq!(response.status(), 429, "{}", app.backend);
    }
}

#[each_database]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    // The limiter's own clock: on PostgreSQL the windows are fixed, and on
    // the wall clock a window could end between the attempts.
    let clock = LimitClock::manual();
    let apps = TestApp::spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.no_demo = true;
        settings.proxies.trust_proxy = true;
        settings.login_ip_limit = 2;
        settings.login_ip_window = 10;
    })
    .await;
    for app in apps {
        let email = "nobody@newsroom.example";
        for _ in 0..2 {
            let response = login_from(&app, Some("198.51.100.1"), email, "a wrong guess").await;
            assert_eq!(response.status(), 401);
        }
        let response = login_from(&app, Some("198.51.100.1"), email, "a wrong guess").await;
        assert_eq!(response.status(), 429, "{}", app.backend);
        let response = login_from(&app, Some("198.51.100.2"), email, "a wrong guess").await;
        assert_eq!(response.status(), 401, "another client ({})", app.backend);
    }
}
