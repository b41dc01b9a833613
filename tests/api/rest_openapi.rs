//! The OpenAPI document cannot drift from the behaviour: every documented
//! operation is called, and every real answer (status, content type, declared
//! headers, body) is checked against what the document says, with JSON Schema
//! validation of the bodies against its components. The public reads and the
//! article desk are called here; the other areas in `openapi_conformance/`.

use crate::openapi_conformance;
use crate::support;

use std::collections::BTreeSet;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use openapi_conformance::Conformance;
use reqwest::Method;
use serde_json::json;
use support::rest::document;
use support::TestApp;

#[tokio::test]
async fn the_document_is_openapi_3_1_with_unique_operations_and_a_bearer_scheme() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let conformance = Conformance::new(&app).await;
    let document = &conformance.document;
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let declared: BTreeSet<&str> = document["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|tag| tag["name"].as_str())
        .collect();
    let mut ids = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .expect("an operationId")
                .to_owned();
            assert!(ids.insert(id.clone()), "{id} is used twice");
            assert!(operation["tags"].is_array(), "{method} {path} has a tag");
            for tag in operation["tags"].as_array().unwrap() {
                let tag = tag.as_str().unwrap_or_default();
                assert!(declared.contains(tag), "{method} {path}: {tag} is declared");
            }
            assert!(operation["responses"]["500"].is_object(), "{method} {path}");
            if path.contains('{') {
                assert!(operation["responses"]["404"].is_object(), "{method} {path}");
            }
            if operation.get("security").is_some() {
                assert!(operation["responses"]["401"].is_object(), "{method} {path}");
            }
        }
    }
    for path in [
        "/articles",
        "/articles/{slug}",
        "/tags",
        "/tags/{slug}",
        "/authors",
        "/authors/{slug}",
        "/pull-quotes",
        "/search",
        "/site",
        "/corrections",
        "/admin/articles",
        "/admin/articles/{id}",
        "/auth/login",
        "/auth/me",
        "/admin/users/{id}",
        "/admin/tags/{id}",
        "/articles/{slug}/replies",
        "/admin/replies/{id}/{action}",
        "/admin/articles/{id}/publish",
        "/admin/articles/{id}/revisions/{from}/diff/{to}",
        "/admin/audit",
    ] {
        assert!(document["paths"][path].is_object(), "{path} is documented");
    }
    let docs = app
        .client
        .get(format!("{}/api/docs", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("/api/v1/openapi.json"));
}

#[each_database]
async fn real_responses_of_every_operation_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| settings.max_body_bytes = 16_384).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let author = app.sign_in_new(Role::Author).await;
        let mut api = Conformance::new(&app).await;
        let backend = app.backend;

        // Public reads.
        let (_, list) = api
            .call(
                "get",
                "/articles",
                api.request(Method::GET, "/articles?limit=2", None),
            )
            .await;
        let cursor = list["next_cursor"].as_str().unwrap().to_owned();
        api.call(
            "get",
            "/articles",
            api.request(
                Method::GET,
                &format!("/articles?limit=2&cursor={cursor}"),
                None,
            ),
        )
        .await;
        api.call(
            "get",
            "/articles",
            api.request(Method::GET, "/articles?fields=id,title&tag=posts", None),
        )
        .await;
        api.call(
            "get",
            "/articles",
            api.request(Method::GET, "/articles?limit=0", None),
        )
        .await;
        api.call(
            "get",
            "/articles",
            api.request(Method::GET, "/articles?limit=x", None),
        )
        .await;
        let slug = list["data"][0]["slug"].as_str().unwrap().to_owned();
        let (_, article) = api
            .call(
                "get",
                "/articles/{slug}",
                api.request(Method::GET, &format!("/articles/{slug}"), None),
            )
            .await;
        let etag = app
            .request(Method::GET, &format!("/articles/{slug}"), None)
            .send()
            .await
            .unwrap()
            .headers()["etag"]
            .clone();
        let (status, _) = api
            .call(
                "get",
                "/articles/{slug}",
                api.request(Method::GET, &format!("/articles/{slug}"), None)
                    .header("if-none-match", etag),
            )
            .await;
        assert_eq!(status, 304);
        api.call(
            "get",
            "/articles/{slug}",
            api.request(Method::GET, "/articles/nothing-here", None),
        )
        .await;
        api.call(
            "get",
            "/tags",
            api.request(Method::GET, "/tags?limit=2", None),
        )
        .await;
        api.call(
            "get",
            "/tags",
            api.request(Method::GET, "/tags?fields=name,article_count", None),
        )
        .await;
        api.call(
            "get",
            "/tags",
            api.request(Method::GET, "/tags?fields=nope", None),
        )
        .await;
        api.call(
            "get",
            "/tags/{slug}",
            api.request(Method::GET, "/tags/posts", None),
        )
        .await;
        api.call(
            "get",
            "/tags/{slug}",
            api.request(Method::GET, "/tags/nope", None),
        )
        .await;
        api.call(
            "get",
            "/authors",
            api.request(Method::GET, "/authors", None),
        )
        .await;
        api.call(
            "get",
            "/authors/{slug}",
            api.request(Method::GET, "/authors/owen-farrow", None),
        )
        .await;
        api.call(
            "get",
            "/authors/{slug}",
            api.request(Method::GET, "/authors/nobody", None),
        )
        .await;
        api.call(
            "get",
            "/pull-quotes",
            api.request(Method::GET, "/pull-quotes?limit=1", None),
        )
        .await;
        api.call(
            "get",
            "/pull-quotes",
            api.request(Method::GET, "/pull-quotes?fields=speaker", None),
        )
        .await;
        api.call(
            "get",
            "/pull-quotes",
            api.request(Method::GET, "/pull-quotes?cursor=bad", None),
        )
        .await;
        let (status, page) = api
            .call(
                "get",
                "/search",
                api.request(Method::GET, "/search?q=a&limit=1", None),
            )
            .await;
        assert_eq!(status, 200, "{backend}: {page}");
        let cursor = page["next_cursor"]
            .as_str()
            .unwrap_or_else(|| panic!("{backend}: the demo has more than one match: {page}"));
        api.call(
            "get",
            "/search",
            api.request(
                Method::GET,
                &format!("/search?q=a&limit=1&cursor={cursor}"),
                None,
            ),
        )
        .await;
        api.call(
            "get",
            "/search",
            api.request(
                Method::GET,
                "/search?q=the%20&status=published&sort=newest",
                Some(&author),
            ),
        )
        .await;
        for (query, expected) in [("q=-a", 400), ("q=", 422), ("q=a&status=draft", 401)] {
            let (status, _) = api
                .call(
                    "get",
                    "/search",
                    api.request(Method::GET, &format!("/search?{query}"), None),
                )
                .await;
            assert_eq!(status, expected, "{backend}: {query}");
        }
        api.call("get", "/site", api.request(Method::GET, "/site", None))
            .await;
        api.call("get", "/", api.request(Method::GET, "/", None))
            .await;
        api.call(
            "get",
            "/corrections",
            api.request(Method::GET, "/corrections?limit=2", None),
        )
        .await;
        api.call(
            "get",
            "/corrections",
            api.request(Method::GET, "/corrections?cursor=bad", None),
        )
        .await;

        // The editors' desk.
        api.call(
            "get",
            "/admin/articles",
            api.request(Method::GET, "/admin/articles", Some(&editor)),
        )
        .await;
        api.call(
            "get",
            "/admin/articles",
            api.request(
                Method::GET,
                "/admin/articles?status=draft&fields=id",
                Some(&editor),
            ),
        )
        .await;
        api.call(
            "get",
            "/admin/articles",
            api.request(Method::GET, "/admin/articles", None),
        )
        .await;
        api.call(
            "get",
            "/admin/articles",
            api.request(Method::GET, "/admin/articles?status=lost", Some(&editor)),
        )
        .await;
        let mut body = document("Conforming", "Conforming Speaker");
        body["slug"] = json!("conforming");
        let (status, created) = api
            .call(
                "post",
                "/admin/articles",
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .json(&body),
            )
            .await;
        assert_eq!(status, 201, "{backend}");
        let id = created["id"].as_str().unwrap().to_owned();
        let item = format!("/admin/articles/{id}");
        for (request, expected) in [
            (
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .json(&body),
                409,
            ),
            (
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .json(&json!({"title": ""})),
                422,
            ),
            (
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .header("content-type", "application/json")
                    .body("{"),
                400,
            ),
            (
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .body("{}"),
                415,
            ),
            (
                api.request(Method::POST, "/admin/articles", Some(&editor))
                    .json(&json!({"title": "x".repeat(20_000)})),
                413,
            ),
            (
                api.request(Method::POST, "/admin/articles", None)
                    .json(&body),
                401,
            ),
        ] {
            let (status, _) = api.call("post", "/admin/articles", request).await;
            assert_eq!(status, expected, "{backend}");
        }
        let (_, read) = api
            .call(
                "get",
                "/admin/articles/{id}",
                api.request(Method::GET, &item, Some(&editor)),
            )
            .await;
        api.call(
            "get",
            "/admin/articles/{id}",
            api.request(Method::GET, "/admin/articles/nope", Some(&editor)),
        )
        .await;
        let mut changed = read.clone();
        changed["title"] = json!("Conforming, changed");
        for (request, expected) in [
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .json(&changed),
                428,
            ),
            (
                api.request(Method::PUT, &item, Some(&author))
                    .header("if-match", "\"1\"")
                    .json(&changed),
                403,
            ),
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .header("if-match", "\"1\"")
                    .json(&json!({"title": "t", "x": 1})),
                422,
            ),
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .header("if-match", "\"1\"")
                    .json(&changed),
                200,
            ),
            (
                api.request(Method::PUT, &item, Some(&editor))
                    .header("if-match", "\"1\"")
                    .json(&changed),
                412,
            ),
        ] {
            let (status, _) = api.call("put", "/admin/articles/{id}", request).await;
            assert_eq!(status, expected, "{backend}");
        }
        let (status, _) = api
            .call(
                "delete",
                "/admin/articles/{id}",
                api.request(Method::DELETE, &item, Some(&editor))
                    .header("if-match", "\"1\""),
            )
            .await;
        assert_eq!(status, 412);
        let (status, _) = api
            .call(
                "delete",
                "/admin/articles/{id}",
                api.request(Method::DELETE, &item, Some(&editor)),
            )
            .await;
        assert_eq!(status, 204);

        // A preview link's read, as the website's preview route makes it.
        let previewed = list["data"][0]["id"].as_str().unwrap();
        let created: serde_json::Value = api
            .request(
                Method::POST,
                &format!("/admin/articles/{previewed}/preview-links"),
                Some(&editor),
            )
            .json(&json!({ "expires_in": 60 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = created["token"].as_str().unwrap();
        for (token, expected) in [(token, 200), (&"x".repeat(43)[..], 404), ("short", 422)] {
            let (status, body) = api
                .call(
                    "get",
                    "/preview/{token}",
                    api.request(Method::GET, &format!("/preview/{token}"), None),
                )
                .await;
            assert_eq!(status, expected, "{backend}: {body}");
        }

        // What GET returns is what PUT and POST accept.
        let write = json!({ "$ref": "#/components/schemas/ArticleWrite" });
        api.validate_request(&write, &article, "a public article as a write document");
        api.validate_request(&write, &read, "an editor's article as a write document");
        let update = json!({ "$ref": "#/components/schemas/ArticleUpdateWrite" });
        api.validate_request(&update, &read, "an editor's article as a replacement");
        api.assert_area_succeeded("core");
    }
}
