//! `/graphiql` and `/api/docs` work without internet access: every script and
//! stylesheet comes from this server under a content-hashed URL cached for a
//! year, the pages carry a `Content-Security-Policy` of `'self'` (no inline
//! script, no eval), `--graphiql false` switches the IDE off, and both pages
//! really render in headless Chromium (skipped, saying so, without it).

use crate::support;

use masthead_persistence::testing::TestDatabase;
use sha2::{Digest, Sha256};
use support::TestApp;

const PAGES: [&str; 2] = ["/graphiql", "/api/docs"];

/// The values of every `src="…"` and `href="…"` attribute in `html`.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').expect("a closing quote");
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    found
}

async fn spawn(graphiql: bool) -> TestApp {
    TestApp::spawn_with(TestDatabase::sqlite(), |settings| {
        settings.demo = false;
        settings.graphiql = graphiql;
    })
    .await
}

#[tokio::test]
async fn the_pages_load_only_hashed_assets_of_this_server_under_a_strict_policy() {
    let app = spawn(true).await;
    for page in PAGES {
        let response = app.get(page).await;
        assert_eq!(response.status(), 200, "{page}");
        let headers = response.headers().clone();
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{page}"
        );
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.starts_with("default-src 'self';"),
            "{page}: {policy}"
        );
        assert!(policy.contains("script-src 'self';"), "{page}: {policy}");
        assert!(
            !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
            "{page}: {policy}"
        );
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>"), "{page}: no inline script");
        assert!(!html.contains("http"), "{page}: no absolute URL: {html}");
        let references = references(&html);
        let assets: Vec<&String> = references
            .iter()
            .filter(|url| url.starts_with("/assets/"))
            .collect();
        assert!(assets.len() >= 3, "{page}: {references:?}");
        for url in &references {
            assert!(
                url.starts_with('/') && !url.starts_with("//"),
                "{page}: {url} is on this server"
            );
        }
        for url in assets {
            let body = app.immutable_asset(url).await;
            let hash = url.split('/').nth(2).unwrap().to_owned();
            let digest = format!("{:x}", Sha256::digest(&body));
            assert!(
                hash.len() == 16 && digest.starts_with(&hash),
                "{url}: the URL names the content ({digest})"
            );
        }
    }
}

#[tokio::test]
async fn unknown_assets_are_404() {
    let app = spawn(true).await;
    let html = app.get("/graphiql").await.text().await.unwrap();
    let script = references(&html)
        .into_iter()
        .find(|url| url.ends_with("/graphiql.min.js"))
        .expect("the IDE's script");
    assert_eq!(app.get(&script).await.status(), 200);
    for url in [
        "/assets/0000000000000000/graphiql.min.js".to_owned(),
        script.replace("graphiql.min.js", "graphiql.js"),
        "/assets/../Cargo.toml".to_owned(),
        "/assets".to_owned(),
    ] {
        assert_eq!(app.get(&url).await.status(), 404, "{url}");
    }
}

#[tokio::test]
async fn switching_the_ide_off_removes_it_and_its_assets_but_not_the_reference() {
    let on = spawn(true).await;
    let html = on.get("/graphiql").await.text().await.unwrap();
    let off = spawn(false).await;
    assert_eq!(off.get("/graphiql").await.status(), 404);
    for url in references(&html)
        .iter()
        .filter(|url| url.contains("graphiql") || url.contains("react"))
    {
        assert_eq!(off.get(url).await.status(), 404, "{url}");
    }
    assert_eq!(off.get("/api/docs").await.status(), 200);
}

/// The DOM of `url` after Chromium ran its scripts, and what Chromium logged
/// (console messages, Content-Security-Policy violations). `None` when
/// Chromium is not installed.
async fn render(url: String) -> Option<(String, String)> {
    tokio::task::spawn_blocking(move || {
        let output = std::process::Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=15000",
                "--dump-dom",
                &url,
            ])
            .output()
            .ok()?;
        Some((
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ))
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_pages_render_in_headless_chromium_under_their_policy() {
    let app = spawn(true).await;
    let checks: [(&str, &[&str]); 2] = [
        // GraphiQL mounted: its editors and toolbar exist.
        (
            "/graphiql",
            &[
                "graphiql-container",
                "graphiql-query-editor",
                "graphiql-execute-button",
            ],
        ),
        // Swagger UI fetched and read the OpenAPI document: operations are listed.
        (
            "/api/docs",
            &[
                "swagger-ui",
                "opblock-tag",
                "opblock-summary-path",
                "articles",
            ],
        ),
    ];
    for (page, markers) in checks {
        let Some((dom, log)) = render(format!("{}{page}", app.address)).await else {
            eprintln!("Chromium skipped: `chromium` is not installed (apt-get install chromium)");
            return;
        };
        for marker in markers {
            assert!(
                dom.contains(marker),
                "{page}: the rendered page has no {marker:?}\nDOM (start): {}\nlog: {log}",
                dom.chars().take(2000).collect::<String>()
            );
        }
        assert!(
            !log.contains("Content Security Policy") && !log.contains("Content-Security-Policy"),
            "{page}: the page broke its policy:\n{log}"
        );
    }
}
