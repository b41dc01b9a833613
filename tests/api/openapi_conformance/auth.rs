//! `/auth`: signing in and out, refreshing, who am I, changing one's password.

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::support::TestApp;
use masthead_test_macros::each_database;

#[each_database]
async fn auth_operations_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| {
            settings.max_body_bytes = 16_384;
            settings.login_account_failures = 2;
        })
        .await;
        let reader = app.sign_in_new(Role::Author).await;
        let locked = app.sign_in_new(Role::Author).await;
        let owner = app.sign_in_new(Role::Editor).await;
        let mut api = Conformance::new(&app).await;

        // Signing in.
        let login = "/auth/login";
        let credentials = json!({ "email": reader.email, "password": reader.password });
        let session = api
            .expect(
                "post",
                login,
                api.request(Method::POST, login, None).json(&credentials),
                200,
            )
            .await;
        assert_eq!(session["user"]["id"], reader.user_id.as_str());
        for (request, status) in [
            (
                api.request(Method::POST, login, None)
                    .json(&json!({ "email": reader.email, "password": "not the password" })),
                401,
            ),
            (
                api.request(Method::POST, login, None)
                    .json(&json!({ "email": reader.email })),
                422,
            ),
            (
                api.request(Method::POST, login, None)
                    .json(&json!({ "email": reader.email, "password": "x".repeat(2_000) })),
                422,
            ),
            (
                api.request(Method::POST, login, None)
                    .header("content-type", "application/json")
                    .body("{"),
                400,
            ),
            (
                api.request(Method::POST, login, None)
                    .header("content-type", "text/plain")
                    .body(credentials.to_string()),
                415,
            ),
            (
                api.request(Method::POST, login, None)
                    .json(&json!({ "email": reader.email, "password": "x".repeat(20_000) })),
                413,
            ),
        ] {
            api.expect("post", login, request, status).await;
        }
        // Two wrong passwords lock the account for a while.
        let wrong = json!({ "email": locked.email, "password": "wrong password" });
        let mut locked_out = false;
        for _ in 0..5 {
            let (status, _) = api
                .call(
                    "post",
                    login,
                    api.request(Method::POST, login, None).json(&wrong),
                )
                .await;
            if status == 429 {
                locked_out = true;
                break;
            }
            assert_eq!(status, 401, "{}", app.backend);
        }
        assert!(locked_out, "{}: the account was never locked", app.backend);

        // Refreshing and signing out.
        let refresh = "/auth/refresh";
        let token = json!({ "refresh_token": session["refresh_token"] });
        let renewed = api
            .expect(
                "post",
                refresh,
                api.request(Method::POST, refresh, None).json(&token),
                200,
            )
            .await;
        // A retry with the retired token within the reuse interval: a new pair.
        api.expect(
            "post",
            refresh,
            api.request(Method::POST, refresh, None).json(&token),
            200,
        )
        .await;
        api.expect(
            "post",
            refresh,
            api.request(Method::POST, refresh, None)
                .json(&json!({ "refresh_token": "never-issued" })),
            401,
        )
        .await;
        api.expect(
            "post",
            refresh,
            api.request(Method::POST, refresh, None)
                .json(&json!({ "refresh_token": 5 })),
            422,
        )
        .await;
        let logout = "/auth/logout";
        api.expect(
            "post",
            logout,
            api.request(Method::POST, logout, None)
                .json(&json!({ "refresh_token": renewed["refresh_token"] })),
            204,
        )
        .await;
        api.expect(
            "post",
            logout,
            api.request(Method::POST, logout, None).json(&json!({})),
            422,
        )
        .await;

        // Who am I.
        let me = "/auth/me";
        let user = api
            .expect("get", me, api.request(Method::GET, me, Some(&owner)), 200)
            .await;
        assert_eq!(user["email"], owner.email.as_str());
        api.expect("get", me, api.request(Method::GET, me, None), 401)
            .await;
        api.expect("get", me, api.with_token(Method::GET, me, "garbage"), 401)
            .await;

        // Changing one's password: the answer is a new login.
        let password = "/auth/password";
        let change =
            |current: &str, new: &str| json!({ "current_password": current, "new_password": new });
        let fresh = "a much longer new password";
        for (request, status) in [
            (
                api.request(Method::POST, password, None)
                    .json(&change(&owner.password, fresh)),
                401,
            ),
            (
                api.request(Method::POST, password, Some(&owner))
                    .json(&change(&owner.password, "short")),
                422,
            ),
            (
                api.request(Method::POST, password, Some(&owner))
                    .json(&json!({ "current_password": owner.password })),
                422,
            ),
        ] {
            api.expect("post", password, request, status).await;
        }
        let changed = api
            .expect(
                "post",
                password,
                api.request(Method::POST, password, Some(&owner))
                    .json(&change(&owner.password, fresh)),
                200,
            )
            .await;
        let access = changed["access_token"].as_str().unwrap().to_owned();
        // Wrong current passwords count like failed sign-ins.
        let mut locked_out = false;
        for _ in 0..5 {
            let (status, _) = api
                .call(
                    "post",
                    password,
                    api.with_token(Method::POST, password, &access)
                        .json(&change("not it at all", "another long password")),
                )
                .await;
            if status == 429 {
                locked_out = true;
                break;
            }
            assert_eq!(status, 422, "{}", app.backend);
        }
        assert!(locked_out, "{}: the account was never locked", app.backend);

        api.assert_seen("post", login, &[200, 400, 401, 413, 415, 422, 429]);
        api.assert_seen("post", password, &[200, 401, 422, 429]);
        api.assert_area_succeeded("auth");
    }
}
