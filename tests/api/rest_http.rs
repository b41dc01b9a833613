//! HTTP done properly on `/api/v1`: problem+json for every refusal (400, 405,
//! 413, 415), NUL and broken UTF-8 refused on both databases, compression and
//! CORS negotiated, and a fast 503 while the database is away.

use crate::support;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::{each_database, postgres_only};
use reqwest::Method;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{json, Value};
use support::rest::{document, error_fields, problem};
use support::TestApp;

#[each_database]
async fn malformed_json_and_wrong_content_types_are_refused() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let post = |body: &'static [u8], content_type: Option<&'static str>| {
            let mut request = app
                .request(Method::POST, "/admin/articles", Some(&editor))
                .body(body);
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            request.send()
        };
        let malformed = problem(
            post(b"{\"title\": ", Some("application/json"))
                .await
                .unwrap(),
            400,
            "truncated",
        )
        .await;
        assert_eq!(malformed["code"], "MALFORMED_JSON");
        let not_object = problem(
            post(b"[1, 2]", Some("application/json")).await.unwrap(),
            422,
            "array",
        )
        .await;
        assert_eq!(not_object["code"], "BAD_USER_INPUT");
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let refused = problem(post(b"{}", content_type).await.unwrap(), 415, app.backend).await;
            assert_eq!(
                refused["code"], "UNSUPPORTED_MEDIA_TYPE",
                "{content_type:?}"
            );
        }
        let problem_json = post(
            b"{\"title\": \"Fine\"}",
            Some("application/merge-patch+json"),
        )
        .await
        .unwrap();
        assert_eq!(
            problem_json.status(),
            201,
            "any +json type is JSON ({})",
            app.backend
        );
    }
}

#[each_database]
async fn text_with_nul_characters_is_refused_with_400_on_both_databases() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut body = document("Nul\u{0}title", "Nul Speaker");
        body["sections"][0]["blocks"][0]["markdown"] = json!("a\u{0}b");
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&body)
            .send()
            .await
            .unwrap();
        let refused = problem(response, 400, app.backend).await;
        let mut fields = error_fields(&refused);
        fields.sort();
        assert_eq!(
            fields,
            ["sections[0].blocks[0].markdown", "title"],
            "{}",
            app.backend
        );

        for path in [
            "/articles/a%00b",
            "/articles?tag=%00",
            "/articles?author=x%00y",
            "/pull-quotes?speaker=%00",
            "/tags/%00",
            "/authors/%00",
            "/admin/articles/%00",
        ] {
            let response = app
                .request(Method::GET, path, Some(&editor))
                .send()
                .await
                .unwrap();
            problem(response, 400, &format!("{path} ({})", app.backend)).await;
        }
        let desk: Value = app
            .request(Method::GET, "/admin/articles?limit=100", Some(&editor))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(desk["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["slug"] != "nul-title"));
    }
}

#[each_database]
async fn invalid_utf8_is_refused_with_400_on_both_databases() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .header("content-type", "application/json")
            .body(&b"{\"title\": \"caf\xe9\"}"[..])
            .send()
            .await
            .unwrap();
        let refused = problem(response, 400, app.backend).await;
        assert_eq!(refused["code"], "MALFORMED_JSON");
        for path in ["/articles/caf%E9", "/articles?tag=%FF", "/tags/%C3%28"] {
            let response = app.request(Method::GET, path, None).send().await.unwrap();
            problem(response, 400, &format!("{path} ({})", app.backend)).await;
        }
        let fine = app
            .request(Method::GET, "/articles/caf%C3%A9-%F0%9F%93%B0", None)
            .send()
            .await
            .unwrap();
        problem(
            fine,
            404,
            "valid UTF-8 that names nothing is simply not found",
        )
        .await;
    }
}

#[each_database]
async fn a_body_over_the_limit_is_413() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| settings.max_body_bytes = 4_096).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let mut body = document("Big", "Big Speaker");
        body["standfirst"] = json!("x".repeat(8_000));
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&body)
            .send()
            .await
            .unwrap();
        let refused = problem(response, 413, app.backend).await;
        assert_eq!(refused["code"], "PAYLOAD_TOO_LARGE");
        let small = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&document("Small", "Small Speaker"))
            .send()
            .await
            .unwrap();
        assert_eq!(small.status(), 201, "{}", app.backend);
    }
}

#[each_database]
async fn a_wrong_method_on_a_known_path_is_405_with_allow() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        for (method, path, allow) in [
            (Method::DELETE, "/articles", "GET, HEAD, OPTIONS"),
            (Method::POST, "/articles/some-slug", "GET, HEAD, OPTIONS"),
            (
                Method::PATCH,
                "/admin/articles/some-id",
                "GET, HEAD, PUT, DELETE, OPTIONS",
            ),
            (Method::PUT, "/admin/articles", "GET, HEAD, POST, OPTIONS"),
            (Method::POST, "/tags", "GET, HEAD, OPTIONS"),
            // Routes of other modules, documented in the OpenAPI document too.
            (Method::GET, "/auth/login", "POST, OPTIONS"),
            (
                Method::DELETE,
                "/admin/users/some-id",
                "GET, HEAD, PATCH, OPTIONS",
            ),
            (Method::GET, "/admin/tags/some-id", "PUT, DELETE, OPTIONS"),
            (
                Method::GET,
                "/admin/articles/some-id/publish",
                "POST, OPTIONS",
            ),
            (
                Method::DELETE,
                "/admin/articles/some-id/revisions/1",
                "GET, HEAD, OPTIONS",
            ),
            (Method::GET, "/admin/replies/moderate", "POST, OPTIONS"),
            (Method::POST, "/admin/audit", "GET, HEAD, OPTIONS"),
        ] {
            let response = app
                .request(method.clone(), path, Some(&editor))
                .send()
                .await
                .unwrap();
            assert_eq!(response.headers()["allow"], allow, "{method} {path}");
            let refused = problem(response, 405, &format!("{method} {path}")).await;
            assert_eq!(refused["code"], "METHOD_NOT_ALLOWED");
        }
        // Resources other parts register with `web::resource` answer the same way.
        let replies = app
            .request(Method::DELETE, "/articles/x/replies", None)
            .send()
            .await
            .unwrap();
        assert_eq!(replies.headers()["allow"], "GET, HEAD, POST, OPTIONS");
        let refused = problem(replies, 405, "DELETE /articles/x/replies").await;
        assert_eq!(refused["code"], "METHOD_NOT_ALLOWED");
        let options = app
            .request(Method::OPTIONS, "/articles/x", None)
            .send()
            .await
            .unwrap();
        assert_eq!(options.status(), 204);
        assert_eq!(options.headers()["allow"], "GET, HEAD, OPTIONS");
        let unknown = app
            .request(Method::GET, "/no/such/thing", None)
            .send()
            .await
            .unwrap();
        problem(unknown, 404, app.backend).await;
    }
}

#[each_database]
async fn json_is_compressed_with_gzip_or_brotli_as_the_client_asks() {
    for app in TestApp::spawn_all().await {
        for (accept, expected) in [
            ("br", Some("br")),
            ("gzip", Some("gzip")),
            ("identity", None),
        ] {
            let response = app
                .request(Method::GET, "/articles?limit=100", None)
                .header("accept-encoding", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            let encoding = response
                .headers()
                .get("content-encoding")
                .map(|value| value.to_str().unwrap().to_owned());
            assert_eq!(encoding.as_deref(), expected, "{accept} ({})", app.backend);
            let body = response.bytes().await.unwrap();
            assert_eq!(
                serde_json::from_slice::<Value>(&body).is_ok(),
                expected.is_none(),
                "{accept}: compressed bodies are not plain JSON"
            );
        }
    }
}

#[each_database]
async fn cors_answers_configured_origins_only() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| {
            settings.cors_origins = vec!["https://app.example".to_owned()];
        })
        .await;
        let preflight = |origin: &'static str| {
            app.request(Method::OPTIONS, "/admin/articles", None)
                .header("origin", origin)
                .header("access-control-request-method", "PUT")
                .header(
                    "access-control-request-headers",
                    "authorization, if-match, content-type",
                )
                .send()
        };
        let allowed = preflight("https://app.example").await.unwrap();
        assert!(allowed.status().is_success(), "{}", app.backend);
        assert_eq!(
            allowed.headers()["access-control-allow-origin"],
            "https://app.example"
        );
        let refused = preflight("https://evil.example").await.unwrap();
        assert!(refused
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        let read = app
            .request(Method::GET, "/articles", None)
            .header("origin", "https://app.example")
            .send()
            .await
            .unwrap();
        let exposed = read.headers()["access-control-expose-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        assert!(exposed.contains("etag"), "{exposed}");
    }
}

/// PostgreSQL only: SQLite is a file the server holds open and cannot go away.
#[postgres_only]
async fn while_the_database_is_unreachable_requests_get_503_and_service_resumes() {
    let database = TestDatabase::postgres()
        .await
        .expect("#[postgres_only] runs with a PostgreSQL server");
    let name = database.url.rsplit('/').next().unwrap().to_owned();
    let admin_url = std::env::var(masthead_persistence::testing::POSTGRES_ENV).unwrap();
    let app = TestApp::spawn(database).await;
    let editor = app.sign_in_new(Role::Editor).await;
    assert_eq!(
        app.request(Method::GET, "/articles", None)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let admin = Database::connect(&admin_url).await.unwrap();
    let run = |sql: String| {
        let admin = &admin;
        async move {
            admin
                .execute(Statement::from_string(admin.get_database_backend(), sql))
                .await
                .unwrap();
        }
    };
    run(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;

    // `/articles` itself was just read and may still be answered from the
    // public cache for up to a second: ask for a page nobody has read yet.
    for (path, session) in [
        ("/articles?limit=2", None),
        ("/tags", None),
        ("/admin/articles", Some(&editor)),
    ] {
        let response = app
            .request(Method::GET, path, session)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["retry-after"], "1", "{path}");
        let unavailable = problem(response, 503, path).await;
        assert_eq!(unavailable["code"], "UNAVAILABLE");
        let text = unavailable.to_string().to_lowercase();
        for internal in ["sqlx", "postgres", "connection", name.as_str()] {
            assert!(!text.contains(internal), "no internals in {text}");
        }
    }
    let created = app
        .request(Method::POST, "/admin/articles", Some(&editor))
        .json(&document("During the outage", "Outage Speaker"))
        .send()
        .await
        .unwrap();
    problem(created, 503, "writes too").await;

    run(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    let mut status = 0;
    for _ in 0..100 {
        status = app
            .request(Method::GET, "/articles", None)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "service resumes by itself");
    let created = app
        .request(Method::POST, "/admin/articles", Some(&editor))
        .json(&document("After the outage", "Outage Speaker"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    admin.close().await.ok();
}
