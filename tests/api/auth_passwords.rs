//! Changing one's own password: it needs the current one, ends every other
//! login at once, and no password, hash or token ever shows in an answer.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{Session, TestApp};

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

async fn change_password(
    app: &TestApp,
    session: &Session,
    current: &str,
    new: &str,
) -> reqwest::Response {
    post(
        app,
        "/api/v1/auth/password",
        Some(&session.access_token),
        json!({ "current_password": current, "new_password": new }),
    )
    .await
}

#[each_database]
async fn changing_the_password_revokes_every_refresh_token_and_older_access_token() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Editor).await;
        let other: Value = login(&app, &session.email, &session.password)
            .await
            .json()
            .await
            .unwrap();
        let response =
            change_password(&app, &session, &session.password, "a brand new passphrase").await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let fresh: Value = response.json().await.unwrap();

        assert_eq!(me_status(&app, &session.access_token).await, 401);
        assert_eq!(
            me_status(&app, other["access_token"].as_str().unwrap()).await,
            401
        );
        assert_eq!(refresh(&app, &session.refresh_token).await.status(), 401);
        assert_eq!(
            refresh(&app, other["refresh_token"].as_str().unwrap())
                .await
                .status(),
            401
        );
        assert_eq!(
            me_status(&app, fresh["access_token"].as_str().unwrap()).await,
            200
        );
        assert_eq!(
            refresh(&app, fresh["refresh_token"].as_str().unwrap())
                .await
                .status(),
            200
        );
        assert_eq!(
            login(&app, &session.email, &session.password)
                .await
                .status(),
            401
        );
        assert_eq!(
            login(&app, &session.email, "a brand new passphrase")
                .await
                .status(),
            200
        );
    }
}

#[each_database]
async fn changing_the_password_needs_the_current_one_and_a_valid_new_one() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let wrong =
            change_password(&app, &session, "not the password", "a brand new passphrase").await;
        assert_eq!(wrong.status(), 422, "{}", app.backend);
        let problem: Value = wrong.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "current_password");

        let short = change_password(&app, &session, &session.password, "short").await;
        assert_eq!(short.status(), 422);
        let problem: Value = short.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "new_password");

        let huge = change_password(&app, &session, &session.password, &"p".repeat(1_025)).await;
        assert_eq!(huge.status(), 422);

        let anonymous = post(
            &app,
            "/api/v1/auth/password",
            None,
            json!({ "current_password": session.password, "new_password": "a brand new passphrase" }),
        )
        .await;
        assert_eq!(anonymous.status(), 401);

        assert_eq!(
            me_status(&app, &session.access_token).await,
            200,
            "nothing changed"
        );
        assert_eq!(
            login(&app, &session.email, &session.password)
                .await
                .status(),
            200
        );
    }
}

#[each_database]
async fn common_or_guessable_passwords_are_refused_with_422_when_chosen() {
    for app in servers().await {
        let session = app.sign_in_new(Role::Author).await;
        let local = session.email.split('@').next().unwrap().to_owned();
        for weak in ["password1234", "qwertyuiop123", local.as_str()] {
            let response = change_password(&app, &session, &session.password, weak).await;
            assert_eq!(response.status(), 422, "{weak} ({})", app.backend);
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "BAD_USER_INPUT");
            assert_eq!(problem["errors"][0]["field"], "new_password");
            assert!(
                problem["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("too common or easy to guess"),
                "{problem}"
            );
        }
        let admin = app.sign_in_new(Role::Admin).await;
        let created = post(
            &app,
            "/api/v1/admin/users",
            Some(&admin.access_token),
            json!({
                "email": "rosa.field@newsroom.example",
                "display_name": "Rosa Field",
                "role": "author",
                "password": "password1234",
            }),
        )
        .await;
        assert_eq!(created.status(), 422, "{}", app.backend);
        let problem: Value = created.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "password", "{problem}");
        let guessable = post(
            &app,
            "/api/v1/admin/users",
            Some(&admin.access_token),
            json!({
                "email": "rosa.field@newsroom.example",
                "display_name": "Rosa Field",
                "role": "author",
                "password": "rosafield2024",
            }),
        )
        .await;
        assert_eq!(guessable.status(), 422, "built from the account's own name");
        // Nothing changed: the old password still signs in.
        assert_eq!(
            login(&app, &session.email, &session.password)
                .await
                .status(),
            200
        );
    }
}

/// Fails when `text` shows any of the secrets.
fn assert_no_secrets(text: &str, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
    for marker in ["$argon2", "password_hash", "passwordHash"] {
        assert!(!text.contains(marker), "{what} shows {marker}: {text}");
    }
}

#[each_database]
async fn passwords_hashes_and_tokens_never_appear_in_api_output() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let secrets = [
            admin.password.as_str(),
            admin.access_token.as_str(),
            admin.refresh_token.as_str(),
            editor.password.as_str(),
            editor.access_token.as_str(),
            editor.refresh_token.as_str(),
        ];
        let token = Some(admin.access_token.as_str());
        for path in ["/api/v1/auth/me", "/api/v1/admin/users"] {
            let response = app.send(Method::GET, path, token, None).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_no_secrets(&response.text().await.unwrap(), &secrets, path);
        }
        let user = app
            .send(
                Method::GET,
                &format!("/api/v1/admin/users/{}", editor.user_id),
                token,
                None,
            )
            .await;
        assert_no_secrets(&user.text().await.unwrap(), &secrets, "one user");
        let answer = app
            .graphql_as(
                token,
                "{ me { id email role } users { id email displayName role active bio } }",
                json!({}),
            )
            .await;
        assert!(answer["errors"].is_null(), "{answer}");
        assert_no_secrets(&answer.to_string(), &secrets, "GraphQL me and users");

        let chosen = "a password the admin chose";
        let created = app
            .send(
                Method::POST,
                "/api/v1/admin/users",
                token,
                Some(&json!({
                    "email": "new.hire@newsroom.example",
                    "display_name": "New Hire",
                    "role": "author",
                    "password": chosen,
                })),
            )
            .await;
        assert_eq!(created.status(), 201);
        let text = created.text().await.unwrap();
        assert_no_secrets(&text, &[chosen], "a created user");
        assert!(!text.contains("generated_password"), "{text}");

        let refused = login(&app, &editor.email, "a wrong password guess").await;
        assert_no_secrets(
            &refused.text().await.unwrap(),
            &["a wrong password guess"],
            "a refused login",
        );
        let refused = change_password(
            &app,
            &editor,
            "a wrong password guess",
            "some new passphrase",
        )
        .await;
        assert_no_secrets(
            &refused.text().await.unwrap(),
            &["a wrong password guess", "some new passphrase"],
            "a refused password change",
        );
    }
}
