//! `HEAD` answers wherever `GET` does (every GET of the OpenAPI document,
//! and the pages, feeds, sitemaps and GraphQL outside it), and `GET /` is a
//! small index of where everything is.

use crate::support;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::{Method, Response};
use serde_json::Value;
use support::rest::document;
use support::{Session, TestApp};

/// Values for the path parameters of the documented GET routes.
struct Fixture {
    article_id: String,
    article_slug: String,
    author_slug: String,
    tag_slug: String,
    user_id: String,
    reply_id: String,
    webhook_id: String,
    preview_token: String,
    media_id: String,
}

impl Fixture {
    /// `path` (relative to `/api/v1`) with each `{parameter}` filled in.
    fn fill(&self, path: &str) -> String {
        let mut filled = String::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("a closing brace") + open;
            let name = &rest[open + 1..close];
            let before = &rest[..open];
            filled.push_str(before);
            let so_far = filled.clone();
            let value = match name {
                "slug" if so_far.starts_with("/authors") => &self.author_slug,
                "slug" if so_far.starts_with("/tags") => &self.tag_slug,
                "slug" => &self.article_slug,
                "id" if so_far.starts_with("/admin/users") => &self.user_id,
                "id" if so_far.starts_with("/admin/replies") => &self.reply_id,
                "id" if so_far.starts_with("/admin/webhooks") => &self.webhook_id,
                "id" if so_far.starts_with("/admin/media") => &self.media_id,
                "id" => &self.article_id,
                "token" => &self.preview_token,
                "number" | "from" => "1",
                "to" => "2",
                other => panic!("no value for {{{other}}} in {path}: teach this test"),
            };
            filled.push_str(value);
            rest = &rest[close + 1..];
        }
        filled.push_str(rest);
        filled
    }
}

async fn first(app: &TestApp, session: &Session, path: &str, field: &str) -> String {
    let list: Value = app
        .request(Method::GET, path, Some(session))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["data"][0][field]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: {list}"))
        .to_owned()
}

fn headers_that_must_agree(response: &Response) -> Vec<(String, String)> {
    [
        "content-type",
        "etag",
        "cache-control",
        "last-modified",
        "allow",
    ]
    .into_iter()
    .filter_map(|name| {
        let value = response.headers().get(name)?.to_str().ok()?;
        Some((name.to_owned(), value.to_owned()))
    })
    .collect()
}

#[tokio::test]
async fn head_answers_wherever_get_does() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let admin = app.sign_in_new(Role::Admin).await;
    let created = app
        .create_article(&admin, &document("Heads Up", "A. Header"))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    app.publish(&id).await;
    // A second revision, for the diff route.
    let current = app
        .request(Method::GET, &format!("/admin/articles/{id}"), Some(&admin))
        .send()
        .await
        .unwrap();
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let mut body: Value = current.json().await.unwrap();
    body["title"] = "Heads Up, Again".into();
    let saved = app
        .request(Method::PUT, &format!("/admin/articles/{id}"), Some(&admin))
        .header("If-Match", etag)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let link: Value = app
        .request(
            Method::POST,
            &format!("/admin/articles/{id}/preview-links"),
            Some(&admin),
        )
        .json(&serde_json::json!({ "expires_in": 600 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fixture = Fixture {
        preview_token: link["token"].as_str().unwrap().to_owned(),
        article_slug: created["slug"].as_str().unwrap().to_owned(),
        article_id: id,
        author_slug: first(&app, &admin, "/authors", "slug").await,
        tag_slug: first(&app, &admin, "/tags", "slug").await,
        user_id: admin.user_id.clone(),
        reply_id: first(&app, &admin, "/admin/replies?status=approved", "id").await,
        webhook_id: crate::webhook_support::create_endpoint(
            &app,
            &admin,
            "https://hooks.example.org/head",
            &["article.published"],
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        media_id: crate::support::media::new_media(&app, &admin).await,
    };

    let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let mut paths: Vec<String> = openapi["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter_map(|(path, operations)| Some((path, operations.get("get")?)))
        .map(|(path, get)| {
            // Required query parameters get a value (today only search's `q`).
            let query: Vec<String> = get["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| match p["name"].as_str() {
                    Some("q") => "q=heads".to_owned(),
                    other => panic!("{path}: a value for the query parameter {other:?}"),
                })
                .collect();
            let path = format!("/api/v1{}", fixture.fill(path));
            match query.is_empty() {
                true => path,
                false => format!("{path}?{}", query.join("&")),
            }
        })
        .collect();
    assert!(paths.len() >= 15, "{paths:?}");
    let now = chrono::Utc::now();
    paths.extend(
        [
            "/",
            "/healthz",
            "/readyz",
            "/api/docs",
            "/graphiql",
            "/api/v1/openapi.json",
            "/graphql?query=%7B__typename%7D",
            "/feeds/rss.xml",
            "/feeds/atom.xml",
            "/feeds/feed.json",
            "/sitemap.xml",
            "/sitemaps/news.xml",
            "/sitemaps/tags.xml",
            "/sitemaps/authors.xml",
        ]
        .map(str::to_owned),
    );
    for kind in ["tags", "authors"] {
        let slug = if kind == "tags" {
            &fixture.tag_slug
        } else {
            &fixture.author_slug
        };
        for feed in ["rss.xml", "atom.xml", "feed.json"] {
            paths.push(format!("/feeds/{kind}/{slug}/{feed}"));
        }
    }
    paths.push(format!("/sitemaps/articles/{}.xml", now.format("%Y-%m")));

    for path in &paths {
        let url = format!("{}{path}", app.address);
        let get = app
            .client
            .get(&url)
            .bearer_auth(&admin.access_token)
            .send()
            .await
            .unwrap();
        let head = app
            .client
            .head(&url)
            .bearer_auth(&admin.access_token)
            .send()
            .await
            .unwrap();
        assert!(get.status().is_success(), "GET {path}: {}", get.status());
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            headers_that_must_agree(&head),
            headers_that_must_agree(&get),
            "HEAD {path}"
        );
        let length = head
            .headers()
            .get("content-length")
            .map(|value| value.to_str().unwrap().to_owned());
        let get_body = get.bytes().await.unwrap();
        if let Some(length) = length {
            assert_eq!(length, get_body.len().to_string(), "HEAD {path}");
        }
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has no body"
        );
    }

    // HEAD where GET is not allowed stays a 405 naming the methods.
    let refused = app
        .client
        .head(format!("{}/api/v1/auth/login", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 405);
    let allow = app
        .client
        .request(Method::OPTIONS, format!("{}/graphql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(allow.headers()["allow"], "GET, HEAD, POST, OPTIONS");
}

#[tokio::test]
async fn the_root_is_an_index_in_json_or_html() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let json = app.get("/").await;
    assert_eq!(json.status(), 200);
    assert_eq!(json.headers()["content-type"], "application/json");
    assert!(json.headers()["vary"].to_str().unwrap().contains("Accept"));
    let index: Value = json.json().await.unwrap();
    let hrefs: Vec<&str> = index["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["href"].as_str().unwrap())
        .collect();
    for expected in [
        "/desk",
        "/graphql",
        "/graphiql",
        "/api/v1",
        "/api/v1/openapi.json",
        "/api/docs",
        "/feeds/rss.xml",
        "/sitemap.xml",
    ] {
        assert!(hrefs.contains(&expected), "{expected} in {hrefs:?}");
    }
    // Every link it gives leads somewhere.
    for href in &hrefs {
        let status = app.get(href).await.status();
        assert!(
            status.is_success() || (*href == "/graphql" && status == 400),
            "{href}: {status}"
        );
    }

    let browser = app
        .client
        .get(format!("{}/", app.address))
        .header(
            "Accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(browser.status(), 200);
    assert_eq!(
        browser.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let page = browser.text().await.unwrap();
    assert!(page.contains("<a href=\"/graphql\">"), "{page}");
    assert!(page.contains("<a href=\"/api/docs\">"), "{page}");

    let unknown = app.get("/no-such-page").await;
    assert_eq!(unknown.status(), 404, "the index is only at /");
}

/// The REST base path the index links to answers with the API's own index:
/// every documented operation, and where the document and reference are.
#[tokio::test]
async fn the_rest_base_path_lists_every_documented_operation() {
    let app = TestApp::spawn(TestDatabase::sqlite()).await;
    let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let documented: usize = openapi["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    for path in ["/api/v1", "/api/v1/"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().contains_key("etag"),
            "{path} is cacheable"
        );
        let index: Value = response.json().await.unwrap();
        assert_eq!(index["openapi"], "/api/v1/openapi.json");
        assert_eq!(index["docs"], "/api/docs");
        let operations = index["operations"].as_array().unwrap();
        assert_eq!(
            operations.len(),
            documented,
            "{path}: one entry per operation"
        );
        assert!(operations
            .iter()
            .any(|operation| operation["method"] == "GET"
                && operation["path"] == "/api/v1/articles/{slug}"
                && operation["operation_id"] == "get_article"));
    }
    let post = app
        .client
        .post(format!("{}/api/v1", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405, "the index is read-only");
}

/// With the IDE switched off, the index does not point at it.
#[tokio::test]
async fn the_index_leaves_out_graphiql_when_it_is_off() {
    let app =
        TestApp::spawn_with(TestDatabase::sqlite(), |settings| settings.graphiql = false).await;
    let index: Value = app.get("/").await.json().await.unwrap();
    let hrefs: Vec<&str> = index["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|link| link["href"].as_str().unwrap())
        .collect();
    assert!(hrefs.contains(&"/graphql"), "{hrefs:?}");
    assert!(!hrefs.contains(&"/graphiql"), "{hrefs:?}");
    assert_eq!(app.get("/graphiql").await.status(), 404);
}
