//! Changing staff accounts over REST and GraphQL (admins only): a new role or
//! a disabled account ends the user's tokens at once, the last active admin
//! is protected, and bad input or unknown ids get clear answers.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::{graphql_error_code, Session, TestApp};

async fn servers() -> Vec<TestApp> {
    TestApp::spawn_all_with(|settings| settings.no_demo = true).await
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    session: &Session,
    body: Option<Value>,
) -> reqwest::Response {
    app.send(method, path, Some(&session.access_token), body.as_ref())
        .await
}

async fn login(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(&json!({ "email": email, "password": password })),
    )
    .await
}

async fn refresh(app: &TestApp, token: &str) -> u16 {
    app.send(
        Method::POST,
        "/api/v1/auth/refresh",
        None,
        Some(&json!({ "refresh_token": token })),
    )
    .await
    .status()
    .as_u16()
}

async fn me(app: &TestApp, token: &str) -> u16 {
    app.send(Method::GET, "/api/v1/auth/me", Some(token), None)
        .await
        .status()
        .as_u16()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[each_database]
async fn a_role_change_ends_the_users_tokens_and_the_next_login_carries_the_new_role() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let author = app.sign_in_new(Role::Author).await;
        let path = format!("/api/v1/admin/users/{}", author.user_id);
        let response = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "role": "editor" })),
        )
        .await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let user: Value = response.json().await.unwrap();
        assert_eq!(user["role"], "editor");
        assert_eq!(me(&app, &author.access_token).await, 401, "{}", app.backend);
        assert_eq!(
            refresh(&app, &author.refresh_token).await,
            401,
            "{}",
            app.backend
        );
        let again: Value = login(&app, &author.email, &author.password)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(again["user"]["role"], "editor");
        let token = again["access_token"].as_str().unwrap();
        let tag = app
            .send(
                Method::POST,
                "/api/v1/admin/tags",
                Some(token),
                Some(&json!({ "name": "Promoted Desk" })),
            )
            .await;
        assert_eq!(tag.status(), 201, "editors manage tags ({})", app.backend);

        // Renaming is not a credential change: tokens keep working.
        let session: Value = again;
        let renamed = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "display_name": "Renamed Writer" })),
        )
        .await;
        assert_eq!(renamed.status(), 200);
        assert_eq!(
            me(&app, session["access_token"].as_str().unwrap()).await,
            200
        );
    }
}

#[each_database]
async fn disabling_an_account_ends_its_logins_and_enabling_lets_it_sign_in_again() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let answer = app
            .graphql_as(
                Some(&admin.access_token),
                "mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { active } }",
                json!({ "id": editor.user_id }),
            )
            .await;
        assert_eq!(answer["data"]["updateUser"]["active"], false, "{answer}");
        assert_eq!(me(&app, &editor.access_token).await, 401, "{}", app.backend);
        assert_eq!(refresh(&app, &editor.refresh_token).await, 401);
        assert_eq!(
            login(&app, &editor.email, &editor.password).await.status(),
            401
        );

        let path = format!("/api/v1/admin/users/{}", editor.user_id);
        let enabled = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "active": true })),
        )
        .await;
        assert_eq!(enabled.status(), 200);
        assert_eq!(
            refresh(&app, &editor.refresh_token).await,
            401,
            "old logins stay ended"
        );
        assert_eq!(
            login(&app, &editor.email, &editor.password).await.status(),
            200
        );
    }
}

#[each_database]
async fn the_last_active_admin_cannot_be_demoted_or_disabled() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let own = format!("/api/v1/admin/users/{}", admin.user_id);
        for change in [json!({ "role": "editor" }), json!({ "active": false })] {
            let response = call(&app, Method::PATCH, &own, &admin, Some(change.clone())).await;
            assert_eq!(response.status(), 403, "{change} ({})", app.backend);
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["code"], "FORBIDDEN");
            assert!(problem["detail"]
                .as_str()
                .unwrap()
                .contains("last active admin"));
        }
        assert_eq!(me(&app, &admin.access_token).await, 200, "nothing changed");

        let second = app.sign_in_new(Role::Admin).await;
        let response = call(
            &app,
            Method::PATCH,
            &own,
            &second,
            Some(json!({ "role": "editor" })),
        )
        .await;
        assert_eq!(
            response.status(),
            200,
            "with another admin it may ({})",
            app.backend
        );
        let last = format!("/api/v1/admin/users/{}", second.user_id);
        let response = call(
            &app,
            Method::PATCH,
            &last,
            &second,
            Some(json!({ "active": false })),
        )
        .await;
        assert_eq!(response.status(), 403, "{}", app.backend);
    }
}

#[each_database]
async fn updating_an_account_checks_its_input_and_its_existence() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let author = app.sign_in_new(Role::Author).await;
        let path = format!("/api/v1/admin/users/{}", author.user_id);
        let response = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "display_name": "n".repeat(81), "role": "chief", "bio": "b".repeat(2_001) })),
        )
        .await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let mut got = fields(&response.json().await.unwrap());
        got.sort();
        assert_eq!(got, ["bio", "display_name", "role"]);

        let with_bio = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "bio": "Covers courts." })),
        )
        .await;
        let user: Value = with_bio.json().await.unwrap();
        assert_eq!(user["bio"], "Covers courts.");
        let untouched = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "display_name": "Court Writer" })),
        )
        .await;
        let user: Value = untouched.json().await.unwrap();
        assert_eq!(user["bio"], "Covers courts.", "absent fields stay");
        assert_eq!(user["display_name"], "Court Writer");
        let cleared = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "bio": null })),
        )
        .await;
        let user: Value = cleared.json().await.unwrap();
        assert!(user["bio"].is_null(), "null clears: {user}");

        let answer = app
            .graphql_as(
                Some(&admin.access_token),
                "mutation($id: ID!) { updateUser(id: $id, input: { bio: \"Back again.\" }) { bio displayName } }",
                json!({ "id": author.user_id }),
            )
            .await;
        assert_eq!(
            answer["data"]["updateUser"]["bio"], "Back again.",
            "{answer}"
        );
        assert_eq!(answer["data"]["updateUser"]["displayName"], "Court Writer");

        let missing = format!("/api/v1/admin/users/{}", uuid::Uuid::now_v7());
        for path in [missing.as_str(), "/api/v1/admin/users/not-a-uuid"] {
            let response = call(
                &app,
                Method::PATCH,
                path,
                &admin,
                Some(json!({ "active": false })),
            )
            .await;
            assert_eq!(response.status(), 404, "{path} ({})", app.backend);
            assert_eq!(
                call(&app, Method::GET, path, &admin, None).await.status(),
                404
            );
        }
        let answer = app
            .graphql_as(
                Some(&admin.access_token),
                "mutation { updateUser(id: \"nope\", input: { active: false }) { id } }",
                json!({}),
            )
            .await;
        assert_eq!(graphql_error_code(&answer), Some("NOT_FOUND"), "{answer}");
    }
}

#[each_database]
async fn an_admin_resets_a_password_the_new_one_is_shown_once_and_old_logins_end() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let path = format!("/api/v1/admin/users/{}/password", editor.user_id);

        let refused = call(&app, Method::POST, &path, &editor, None).await;
        assert_eq!(refused.status(), 403, "an editor may not ({})", app.backend);

        let response = call(&app, Method::POST, &path, &admin, None).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        let reset: Value = response.json().await.unwrap();
        assert_eq!(reset["user"]["id"], editor.user_id.as_str(), "{reset}");
        let password = reset["generated_password"].as_str().unwrap().to_owned();
        assert_eq!(password.len(), 24, "{reset}");

        assert_eq!(me(&app, &editor.access_token).await, 401, "old access ends");
        assert_eq!(refresh(&app, &editor.refresh_token).await, 401);
        assert_eq!(
            login(&app, &editor.email, &editor.password).await.status(),
            401,
            "the old password no longer works"
        );
        assert_eq!(login(&app, &editor.email, &password).await.status(), 200);

        // GraphQL resets the same way, to another password.
        let answer = app
            .graphql_as(
                Some(&admin.access_token),
                "mutation($id: ID!) { resetUserPassword(id: $id) { user { id } generatedPassword } }",
                json!({ "id": editor.user_id }),
            )
            .await;
        let again = answer["data"]["resetUserPassword"]["generatedPassword"]
            .as_str()
            .unwrap_or_else(|| panic!("{answer}"));
        assert_ne!(again, password);
        assert_eq!(login(&app, &editor.email, again).await.status(), 200);

        let audit = call(
            &app,
            Method::GET,
            "/api/v1/admin/audit?limit=100",
            &admin,
            None,
        )
        .await;
        let audit: Value = audit.json().await.unwrap();
        let resets = audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| {
                entry["action"] == "reset_password" && entry["actor_id"] == admin.user_id.as_str()
            })
            .count();
        assert_eq!(resets, 2, "both resets are audited: {audit}");

        for unknown in [
            "/api/v1/admin/users/01a2404a-0000-7000-8000-000000000000/password",
            "/api/v1/admin/users/not-an-id/password",
        ] {
            let response = call(&app, Method::POST, unknown, &admin, None).await;
            assert_eq!(response.status(), 404, "{unknown} ({})", app.backend);
        }
    }
}

#[each_database]
async fn any_staff_member_sees_who_may_stand_on_a_byline_without_addresses() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let author = app.sign_in_new(Role::Author).await;
        let leaver = app.sign_in_new(Role::Editor).await;
        let path = format!("/api/v1/admin/users/{}", leaver.user_id);
        let disabled = call(
            &app,
            Method::PATCH,
            &path,
            &admin,
            Some(json!({ "active": false })),
        )
        .await;
        assert_eq!(disabled.status(), 200);

        let response = call(&app, Method::GET, "/api/v1/admin/bylines", &author, None).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let page: Value = response.json().await.unwrap();
        let ids: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&admin.user_id.as_str()) && ids.contains(&author.user_id.as_str()),
            "{page}"
        );
        assert!(
            !ids.contains(&leaver.user_id.as_str()),
            "a disabled account is not offered: {page}"
        );
        assert!(page["data"][0].get("email").is_none(), "{page}");

        let answer = app
            .graphql_as(
                Some(&author.access_token),
                "{ bylines { databaseId } }",
                json!({}),
            )
            .await;
        let graphql: Vec<&str> = answer["data"]["bylines"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer}"))
            .iter()
            .map(|entry| entry["databaseId"].as_str().unwrap())
            .collect();
        assert_eq!(
            graphql, ids,
            "both APIs list the same people in the same order"
        );
    }
}
