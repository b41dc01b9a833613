//! Signing in, refreshing and signing out, over REST and GraphQL: rotation,
//! reuse detection, logout, and identical answers for every kind of wrong
//! credentials.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{graphql_error_code, TestApp};

async fn servers() -> Vec<TestApp> {
    TestApp::spawn_all_with(|settings| settings.no_demo = true).await
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    app.send(Method::POST, path, token, Some(&body)).await
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/login",
        None,
        json!({ "email": email, "password": password }),
    )
    .await
}

async fn refresh(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/refresh",
        None,
        json!({ "refresh_token": refresh_token }),
    )
    .await
}

async fn me_status(app: &TestApp, access_token: &str) -> u16 {
    app.send(Method::GET, "/api/v1/auth/me", Some(access_token), None)
        .await
        .status()
        .as_u16()
}

/// Status, `WWW-Authenticate` and body of a response, for comparing answers.
async fn answer_of(response: reqwest::Response) -> (u16, Option<String>, String) {
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, challenge, response.text().await.unwrap())
}

#[each_database]
async fn login_returns_a_bearer_pair_and_the_user() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Editor).await;
        let response = login(&app, &session.email.to_uppercase(), &session.password).await;
        assert_eq!(
            response.status(),
            200,
            "e-mail in any case ({})",
            app.backend
        );
        assert_eq!(
            response.headers()["cache-control"],
            "private, no-store",
            "{}",
            app.backend
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
        assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
        assert_eq!(body["user"]["email"], session.email.as_str());
        assert_eq!(body["user"]["role"], "editor");
    }
}

#[each_database]
async fn unknown_email_wrong_password_and_disabled_account_get_the_same_answer() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let known = app.sign_in_new(Role::Author).await;
        let disabled = app.sign_in_new(Role::Author).await;
        let response = app
            .send(
                Method::PATCH,
                &format!("/api/v1/admin/users/{}", disabled.user_id),
                Some(&admin.access_token),
                Some(&json!({ "active": false })),
            )
            .await;
        assert_eq!(response.status(), 200);

        let wrong_password = answer_of(login(&app, &known.email, "not the password").await).await;
        let unknown_email =
            answer_of(login(&app, "nobody@newsroom.example", "not the password").await).await;
        let disabled_account =
            answer_of(login(&app, &disabled.email, &disabled.password).await).await;
        assert_eq!(wrong_password.0, 401, "{}", app.backend);
        assert_eq!(wrong_password.1.as_deref(), Some("Bearer"));
        assert_eq!(wrong_password, unknown_email, "{}", app.backend);
        assert_eq!(wrong_password, disabled_account, "{}", app.backend);
        assert!(!wrong_password.2.contains("not the password"));

        let mutation =
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }";
        let graphql_wrong = app
            .graphql(
                mutation,
                json!({ "e": known.email, "p": "not the password" }),
            )
            .await;
        let graphql_unknown = app
            .graphql(
                mutation,
                json!({ "e": "nobody@newsroom.example", "p": "not the password" }),
            )
            .await;
        assert_eq!(graphql_error_code(&graphql_wrong), Some("UNAUTHENTICATED"));
        assert_eq!(
            graphql_wrong["errors"][0]["message"],
            graphql_unknown["errors"][0]["message"]
        );
        assert_eq!(graphql_wrong, graphql_unknown, "{}", app.backend);
    }
}

#[each_database]
async fn oversized_or_malformed_sign_in_input_is_refused_before_any_work() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let response = login(&app, &session.email, &"p".repeat(1_025)).await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "password");
        let long_email = format!("{}@newsroom.example", "a".repeat(300));
        assert_eq!(
            login(&app, &long_email, "whatever password").await.status(),
            422
        );
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let response = post(
            &app,
            "/api/v1/auth/login",
            None,
            json!({ "email": "a@b.c" }),
        )
        .await;
        assert_eq!(response.status(), 422, "missing password");
        assert_eq!(refresh(&app, &"r".repeat(5_000)).await.status(), 401);
    }
}

#[each_database]
async fn a_refresh_token_rotates_and_the_old_one_is_retired() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let response = refresh(&app, &session.refresh_token).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let next: Value = response.json().await.unwrap();
        let next_refresh = next["refresh_token"].as_str().unwrap();
        assert_ne!(next_refresh, session.refresh_token);
        assert_eq!(
            me_status(&app, next["access_token"].as_str().unwrap()).await,
            200
        );
        let third = refresh(&app, next_refresh).await;
        assert_eq!(third.status(), 200, "the new token rotates too");
        assert_eq!(refresh(&app, "never-issued").await.status(), 401);
    }
}

#[each_database]
async fn reusing_a_retired_refresh_token_after_the_reuse_interval_revokes_the_whole_login() {
    let apps = TestApp::spawn_all_with(|settings| {
        settings.no_demo = true;
        settings.refresh_reuse_seconds = 1;
    })
    .await;
    for app in apps {
        let session = app.sign_in_new(Role::Author).await;
        // A second, independent login of the same user.
        let other: Value = login(&app, &session.email, &session.password)
            .await
            .json()
            .await
            .unwrap();
        let rotated: Value = refresh(&app, &session.refresh_token)
            .await
            .json()
            .await
            .unwrap();
        let current = rotated["refresh_token"].as_str().unwrap();

        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let reuse = refresh(&app, &session.refresh_token).await;
        assert_eq!(reuse.status(), 401, "the retired token ({})", app.backend);
        assert_eq!(
            refresh(&app, current).await.status(),
            401,
            "its successor is revoked too ({})",
            app.backend
        );
        let other_refresh = other["refresh_token"].as_str().unwrap();
        assert_eq!(
            refresh(&app, other_refresh).await.status(),
            200,
            "the other login is untouched ({})",
            app.backend
        );
    }
}

#[each_database]
async fn a_retry_with_the_retired_token_within_the_reuse_interval_keeps_the_login() {
    for app in servers().await {
        let backend = app.backend;
        let session = app.sign_in_new(Role::Author).await;
        let lost: Value = refresh(&app, &session.refresh_token)
            .await
            .json()
            .await
            .unwrap();
        // The answer never reached the client, which retries with the old token.
        let retried = refresh(&app, &session.refresh_token).await;
        assert_eq!(retried.status(), 200, "{backend}");
        let retried: Value = retried.json().await.unwrap();
        assert_ne!(retried["refresh_token"], lost["refresh_token"]);
        assert_eq!(
            me_status(&app, retried["access_token"].as_str().unwrap()).await,
            200
        );
        for successor in [&lost, &retried] {
            let next = refresh(&app, successor["refresh_token"].as_str().unwrap()).await;
            assert_eq!(next.status(), 200, "{backend}: both successors stay valid");
        }
    }
}

#[each_database]
async fn two_refreshes_racing_with_one_token_both_succeed_and_the_login_stays() {
    for app in servers().await {
        let backend = app.backend;
        for _ in 0..5 {
            let session = app.sign_in_new(Role::Author).await;
            let (a, b) = tokio::join!(
                refresh(&app, &session.refresh_token),
                refresh(&app, &session.refresh_token)
            );
            assert_eq!(
                (a.status().as_u16(), b.status().as_u16()),
                (200, 200),
                "{backend}"
            );
            for answer in [a, b] {
                let pair: Value = answer.json().await.unwrap();
                let next = refresh(&app, pair["refresh_token"].as_str().unwrap()).await;
                assert_eq!(next.status(), 200, "{backend}: the login is intact");
            }
        }
    }
}

#[each_database]
async fn logout_revokes_the_refresh_token() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let response = post(
            &app,
            "/api/v1/auth/logout",
            None,
            json!({ "refresh_token": session.refresh_token }),
        )
        .await;
        assert_eq!(response.status(), 204, "{}", app.backend);
        assert_eq!(refresh(&app, &session.refresh_token).await.status(), 401);
        let unknown = post(
            &app,
            "/api/v1/auth/logout",
            None,
            json!({ "refresh_token": "never-issued" }),
        )
        .await;
        assert_eq!(unknown.status(), 204, "unknown tokens are ignored");
    }
}

#[each_database]
async fn graphql_signs_in_refreshes_changes_the_password_and_signs_out() {
    // Without a reuse interval, any reuse revokes the login at once.
    let apps = TestApp::spawn_all_with(|settings| {
        settings.no_demo = true;
        settings.refresh_reuse_seconds = 0;
    })
    .await;
    for app in apps {
        let session = app.sign_in_new(Role::Author).await;
        let signed_in = app
            .graphql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken tokenType expiresIn refreshToken user { email role } } }",
                json!({ "e": session.email, "p": session.password }),
            )
            .await;
        let payload = &signed_in["data"]["login"];
        assert_eq!(payload["tokenType"], "Bearer", "{signed_in}");
        assert_eq!(payload["user"]["role"], "AUTHOR");
        let access = payload["accessToken"].as_str().unwrap();
        let me = app
            .graphql_as(Some(access), "{ me { email } }", json!({}))
            .await;
        assert_eq!(me["data"]["me"]["email"], session.email.as_str());
        let anonymous = app.graphql("{ me { email } }", json!({})).await;
        assert!(anonymous["data"]["me"].is_null(), "{anonymous}");

        let refreshed = app
            .graphql(
                "mutation($r: String!) { refreshToken(refreshToken: $r) { refreshToken } }",
                json!({ "r": payload["refreshToken"] }),
            )
            .await;
        let next = refreshed["data"]["refreshToken"]["refreshToken"]
            .as_str()
            .unwrap();
        let reused = app
            .graphql(
                "mutation($r: String!) { refreshToken(refreshToken: $r) { refreshToken } }",
                json!({ "r": payload["refreshToken"] }),
            )
            .await;
        assert_eq!(
            graphql_error_code(&reused),
            Some("UNAUTHENTICATED"),
            "{reused}"
        );

        let changed = app
            .graphql_as(
                Some(access),
                "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken refreshToken } }",
                json!({ "c": session.password, "n": "a brand new passphrase" }),
            )
            .await;
        let fresh = &changed["data"]["changePassword"];
        assert!(fresh["accessToken"].is_string(), "{changed}");
        let stale = app
            .graphql_as(Some(access), "{ me { email } }", json!({}))
            .await;
        assert_eq!(graphql_error_code(&stale), Some("UNAUTHENTICATED"));
        assert_eq!(
            refresh(&app, next).await.status(),
            401,
            "revoked by the change"
        );

        let wrong = app
            .graphql_as(
                fresh["accessToken"].as_str(),
                "mutation { changePassword(currentPassword: \"not the password\", newPassword: \"another new passphrase\") { accessToken } }",
                json!({}),
            )
            .await;
        assert_eq!(
            graphql_error_code(&wrong),
            Some("BAD_USER_INPUT"),
            "{wrong}"
        );
        assert_eq!(wrong["errors"][0]["extensions"]["field"], "currentPassword");

        let out = app
            .graphql(
                "mutation($r: String!) { logout(refreshToken: $r) }",
                json!({ "r": fresh["refreshToken"] }),
            )
            .await;
        assert_eq!(out["data"]["logout"], true);
        assert_eq!(
            refresh(&app, fresh["refreshToken"].as_str().unwrap())
                .await
                .status(),
            401
        );
    }
}
