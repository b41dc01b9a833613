//! Creating staff accounts over REST and GraphQL (admins only): a given or
//! generated first password, and what bad input gets.

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
async fn an_admin_creates_accounts_that_can_sign_in_with_a_given_or_generated_password() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let response = call(
            &app,
            Method::POST,
            "/api/v1/admin/users",
            &admin,
            Some(json!({
                "email": "  Rosa.Field@Newsroom.Example ",
                "display_name": "Rosa Field",
                "role": "editor",
                "password": "rosa's own passphrase",
                "bio": "Runs the politics desk.",
            })),
        )
        .await;
        assert_eq!(response.status(), 201, "{}", app.backend);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let created: Value = response.json().await.unwrap();
        assert_eq!(created["user"]["email"], "rosa.field@newsroom.example");
        assert_eq!(created["user"]["slug"], "rosa-field");
        assert_eq!(created["user"]["role"], "editor");
        assert_eq!(created["user"]["bio"], "Runs the politics desk.");
        assert!(created.get("generated_password").is_none());
        let id = created["user"]["id"].as_str().unwrap();
        assert_eq!(location, format!("/api/v1/admin/users/{id}"));
        let shown: Value = call(&app, Method::GET, &location, &admin, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(shown["email"], "rosa.field@newsroom.example");
        assert_eq!(
            login(&app, "rosa.field@newsroom.example", "rosa's own passphrase")
                .await
                .status(),
            200
        );

        let answer = app
            .graphql_as(
                Some(&admin.access_token),
                r#"mutation { createUser(input: { email: "sam@newsroom.example", displayName: "Sam Lee", role: AUTHOR }) { user { email role active } generatedPassword } }"#,
                json!({}),
            )
            .await;
        let payload = &answer["data"]["createUser"];
        assert_eq!(payload["user"]["role"], "AUTHOR", "{answer}");
        let generated = payload["generatedPassword"]
            .as_str()
            .expect("a generated password");
        assert!(generated.len() >= 20);
        assert_eq!(
            login(&app, "sam@newsroom.example", generated)
                .await
                .status(),
            200
        );

        let list: Value = call(&app, Method::GET, "/api/v1/admin/users", &admin, None)
            .await
            .json()
            .await
            .unwrap();
        let emails: Vec<&str> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| user["email"].as_str().unwrap())
            .collect();
        assert!(
            emails.contains(&"rosa.field@newsroom.example"),
            "{emails:?}"
        );
        assert!(emails.contains(&"sam@newsroom.example"), "{emails:?}");
    }
}

#[each_database]
async fn creating_an_account_with_bad_input_names_every_bad_field() {
    for app in servers().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let response = call(
            &app,
            Method::POST,
            "/api/v1/admin/users",
            &admin,
            Some(json!({
                "email": "not-an-address",
                "display_name": "  ",
                "role": "root",
                "password": "short",
                "bio": "b".repeat(2_001),
            })),
        )
        .await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "BAD_USER_INPUT");
        let mut got = fields(&problem);
        got.sort();
        assert_eq!(
            got,
            ["bio", "display_name", "email", "password", "role"],
            "{problem}"
        );

        let duplicate = call(
            &app,
            Method::POST,
            "/api/v1/admin/users",
            &admin,
            Some(json!({
                "email": admin.email.to_uppercase(),
                "display_name": "Twin",
                "role": "author",
            })),
        )
        .await;
        assert_eq!(duplicate.status(), 409, "{}", app.backend);
        let problem: Value = duplicate.json().await.unwrap();
        assert_eq!(problem["code"], "DUPLICATE");
        assert_eq!(fields(&problem), ["email"]);

        let unknown_field = call(
            &app,
            Method::POST,
            "/api/v1/admin/users",
            &admin,
            Some(json!({ "email": "x@newsroom.example", "display_name": "X", "role": "author", "is_admin": true })),
        )
        .await;
        assert_eq!(unknown_field.status(), 422);

        let graphql = app
            .graphql_as(
                Some(&admin.access_token),
                r#"mutation { createUser(input: { email: "not-an-address", displayName: "X", role: AUTHOR }) { user { id } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            graphql_error_code(&graphql),
            Some("BAD_USER_INPUT"),
            "{graphql}"
        );
        assert_eq!(graphql["errors"][0]["extensions"]["field"], "email");

        // Roles are an enum: an unknown one is refused by GraphQL's own input coercion.
        let graphql = app
            .graphql_as(
                Some(&admin.access_token),
                r#"mutation { createUser(input: { email: "x@newsroom.example", displayName: "X", role: OWNER }) { user { id } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(
            graphql_error_code(&graphql),
            Some("BAD_USER_INPUT"),
            "{graphql}"
        );
        assert!(graphql["data"].is_null(), "{graphql}");
    }
}
