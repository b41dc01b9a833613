//! `/admin/users` (admins) and `/admin/tags` (editors and admins).

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::support::TestApp;
use masthead_test_macros::each_database;

#[each_database]
async fn staff_operations_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| settings.max_body_bytes = 16_384).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let author = app.sign_in_new(Role::Author).await;
        let mut api = Conformance::new(&app).await;

        // Accounts.
        let users = "/admin/users";
        let list = api
            .expect(
                "get",
                users,
                api.request(Method::GET, users, Some(&admin)),
                200,
            )
            .await;
        assert!(list["data"].as_array().unwrap().len() >= 3);
        api.expect(
            "get",
            users,
            api.request(Method::GET, users, Some(&editor)),
            403,
        )
        .await;
        api.expect("get", users, api.request(Method::GET, users, None), 401)
            .await;
        let email = format!("new-{}@newsroom.example", uuid::Uuid::now_v7().simple());
        let account = json!({ "email": email, "display_name": "New Hire", "role": "author" });
        let created = api
            .expect(
                "post",
                users,
                api.request(Method::POST, users, Some(&admin))
                    .json(&account),
                201,
            )
            .await;
        assert!(created["generated_password"].is_string(), "{created}");
        let id = created["user"]["id"].as_str().unwrap().to_owned();
        for (request, status) in [
            (
                api.request(Method::POST, users, Some(&admin)).json(&account),
                409,
            ),
            (
                api.request(Method::POST, users, Some(&admin))
                    .json(&json!({ "email": "nope", "display_name": "", "role": "chief" })),
                422,
            ),
            (
                api.request(Method::POST, users, Some(&admin))
                    .json(&json!({ "email": "a@b.example", "display_name": "A", "role": "author", "is_admin": true })),
                422,
            ),
            (
                api.request(Method::POST, users, Some(&admin))
                    .header("content-type", "text/plain")
                    .body(account.to_string()),
                415,
            ),
            (
                api.request(Method::POST, users, Some(&editor)).json(&account),
                403,
            ),
        ] {
            api.expect("post", users, request, status).await;
        }
        let item = format!("/admin/users/{id}");
        let one = "/admin/users/{id}";
        api.expect(
            "get",
            one,
            api.request(Method::GET, &item, Some(&admin)),
            200,
        )
        .await;
        api.expect(
            "get",
            one,
            api.request(Method::GET, "/admin/users/nobody", Some(&admin)),
            404,
        )
        .await;
        let changed = api
            .expect(
                "patch",
                one,
                api.request(Method::PATCH, &item, Some(&admin)).json(
                    &json!({ "display_name": "New Hire, Senior", "bio": null, "role": "editor" }),
                ),
                200,
            )
            .await;
        assert_eq!(changed["role"], "editor");
        for (request, status) in [
            (
                api.request(Method::PATCH, &item, Some(&admin))
                    .json(&json!({ "role": "chief" })),
                422,
            ),
            (
                api.request(Method::PATCH, "/admin/users/nobody", Some(&admin))
                    .json(&json!({ "active": false })),
                404,
            ),
            (
                api.request(Method::PATCH, &item, Some(&editor))
                    .json(&json!({ "active": false })),
                403,
            ),
        ] {
            api.expect("patch", one, request, status).await;
        }
        let reset = "/admin/users/{id}/password";
        let answer = api
            .expect(
                "post",
                reset,
                api.request(Method::POST, &format!("{item}/password"), Some(&admin)),
                200,
            )
            .await;
        assert!(answer["generated_password"].is_string(), "{answer}");
        for (request, status) in [
            (
                api.request(Method::POST, "/admin/users/nobody/password", Some(&admin)),
                404,
            ),
            (
                api.request(Method::POST, &format!("{item}/password"), Some(&editor)),
                403,
            ),
        ] {
            api.expect("post", reset, request, status).await;
        }

        let bylines = api
            .expect(
                "get",
                "/admin/bylines",
                api.request(Method::GET, "/admin/bylines", Some(&editor)),
                200,
            )
            .await;
        assert!(bylines["data"][0]["email"].is_null(), "{bylines}");
        api.expect(
            "get",
            "/admin/bylines",
            api.request(Method::GET, "/admin/bylines", None),
            401,
        )
        .await;

        // Tags.
        let tags = "/admin/tags";
        let name = format!("Conformance {}", uuid::Uuid::now_v7().simple());
        let tag = api
            .expect(
                "post",
                tags,
                api.request(Method::POST, tags, Some(&editor))
                    .json(&json!({ "name": name, "description": "Checked." })),
                201,
            )
            .await;
        for (request, status) in [
            (
                api.request(Method::POST, tags, Some(&editor))
                    .json(&json!({ "name": name })),
                409,
            ),
            (
                api.request(Method::POST, tags, Some(&editor))
                    .json(&json!({ "name": "" })),
                422,
            ),
            (
                api.request(Method::POST, tags, Some(&author))
                    .json(&json!({ "name": "Authors may not" })),
                403,
            ),
            (
                api.request(Method::POST, tags, None)
                    .json(&json!({ "name": "Nobody may not" })),
                401,
            ),
        ] {
            api.expect("post", tags, request, status).await;
        }
        let item = format!("/admin/tags/{}", tag["id"].as_str().unwrap());
        let one = "/admin/tags/{id}";
        api.expect(
            "put",
            one,
            api.request(Method::PUT, &item, Some(&editor))
                .json(&json!({ "name": format!("{name} renamed") })),
            200,
        )
        .await;
        for (request, status) in [
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .json(&json!({ "name": "Posts", "slug": "posts" })),
                409,
            ),
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .json(&json!({ "name": "x".repeat(500) })),
                422,
            ),
            (
                api.request(Method::PUT, "/admin/tags/nope", Some(&editor))
                    .json(&json!({ "name": "Nope" })),
                404,
            ),
        ] {
            api.expect("put", one, request, status).await;
        }
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&author)),
            403,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&editor)),
            204,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&editor)),
            404,
        )
        .await;

        api.assert_seen("post", users, &[201, 403, 409, 415, 422]);
        api.assert_area_succeeded("staff");
    }
}
