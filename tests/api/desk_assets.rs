//! The desk's page and files over HTTP: a strict policy, files under one
//! content hash cached for a year, a JavaScript + CSS budget, and the staff
//! list's title search the desk relies on. What the desk does in a browser is
//! in `tests/api/desk/`.

use crate::support;

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::Value;
use support::rest::{document, problem};
use support::TestApp;

/// Everything the desk loads, gzip-compressed, stays under 150 KB.
const BUDGET_GZIP_BYTES: usize = 150 * 1024;

/// The `/desk/assets/…` URLs the page names (stylesheet, module preloads, entry).
fn asset_urls(html: &str) -> Vec<String> {
    html.split('"')
        .filter(|part| part.starts_with("/desk/assets/"))
        .map(str::to_owned)
        .collect()
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(TestDatabase::sqlite(), |settings| settings.demo = false).await
}

#[tokio::test]
async fn the_desk_page_loads_only_its_own_files_under_a_strict_policy() {
    let app = spawn().await;
    let response = app.get("/desk").await;
    assert_eq!(response.status(), 200);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "default-src 'self'",
        "script-src 'self';",
        "style-src 'self';",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert!(!policy.contains("unsafe"), "{policy}");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let html = response.text().await.unwrap();
    assert!(
        !html.contains("<script>") && !html.contains("style="),
        "{html}"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    let urls = asset_urls(&html);
    assert!(urls.iter().any(|url| url.ends_with("/main.js")), "{urls:?}");
    assert!(
        urls.iter().any(|url| url.ends_with("/desk.css")),
        "{urls:?}"
    );
    let hashes: std::collections::HashSet<&str> = urls
        .iter()
        .filter_map(|url| url.split('/').nth(3))
        .collect();
    assert_eq!(hashes.len(), 1, "one hash names the release: {urls:?}");

    let mut compressed = 0;
    for url in &urls {
        let body = app.immutable_asset(url).await;
        let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
        gzip.write_all(&body).unwrap();
        compressed += gzip.finish().unwrap().len();
    }
    println!("desk JavaScript + CSS: {compressed} bytes gzip (budget {BUDGET_GZIP_BYTES})");
    assert!(
        compressed <= BUDGET_GZIP_BYTES,
        "the desk weighs {compressed} bytes gzip, over its budget of {BUDGET_GZIP_BYTES}"
    );
}

#[tokio::test]
async fn files_of_another_release_or_name_are_404() {
    let app = spawn().await;
    let html = app.get("/desk").await.text().await.unwrap();
    let main = asset_urls(&html)
        .into_iter()
        .find(|url| url.ends_with("/main.js"))
        .expect("the entry module");
    let hash = main.split('/').nth(3).unwrap().to_owned();
    for url in [
        main.replace(&hash, "0000000000000000"),
        main.replace("main.js", "nothing.js"),
        format!("/desk/assets/{hash}/..%2FCargo.toml"),
        "/desk/assets".to_owned(),
    ] {
        assert_eq!(app.get(&url).await.status(), 404, "{url}");
    }
}

#[each_database]
async fn staff_lists_search_titles_and_refuse_an_overlong_search() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        for title in ["Harbour wall repairs begin", "Ferry timetable changes"] {
            app.create_article(&editor, &document(title, "A Speaker"))
                .await;
        }
        let response = app
            .request(Method::GET, "/admin/articles?q=HARBOUR", Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{}", app.backend);
        let page: Value = response.json().await.unwrap();
        let titles: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|article| article["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Harbour wall repairs begin"], "{}", app.backend);
        // GraphQL lists take the same search.
        let answer = app
            .graphql_as(
                Some(&editor.access_token),
                r#"{ articles(filter: { q: "harbour", status: DRAFT }, orderBy: UPDATED_AT_DESC) {
                       edges { node { title } } } }"#,
                serde_json::json!({}),
            )
            .await;
        assert_eq!(
            answer["data"]["articles"]["edges"],
            serde_json::json!([{ "node": { "title": "Harbour wall repairs begin" } }]),
            "{}: {answer}",
            app.backend
        );

        let answer = app
            .graphql_as(
                Some(&editor.access_token),
                "query($q: String!) { articles(filter: { q: $q }) { edges { node { title } } } }",
                serde_json::json!({ "q": "x".repeat(301) }),
            )
            .await;
        assert_eq!(
            support::graphql_error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{}: {answer}",
            app.backend
        );

        let overlong = format!("/admin/articles?q={}", "x".repeat(301));
        let response = app
            .request(Method::GET, &overlong, Some(&editor))
            .send()
            .await
            .unwrap();
        let problem = problem(response, 422, app.backend).await;
        assert_eq!(
            problem["errors"][0]["field"], "q",
            "{}: {problem}",
            app.backend
        );
    }
}
