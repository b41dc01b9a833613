//! Anonymous `GET /graphql` queries are public reads like REST's: a strong
//! `ETag` of the exact bytes, `Cache-Control: public`, `304` for a matching
//! `If-None-Match`, a new `ETag` once public content changes. Signed-in,
//! `POST` and failed answers are never stored by a cache.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::{Method, Response};
use serde_json::json;
use support::rest::document;
use support::TestApp;

const QUERY: &str = "{ articles(first: 3) { nodes { slug title } } }";

async fn get(app: &TestApp, token: Option<&str>, if_none_match: Option<&str>) -> Response {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", QUERY)]);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(tag) = if_none_match {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.unwrap()
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

#[each_database]
async fn anonymous_get_queries_are_cacheable_with_a_strong_etag_and_304() {
    for app in TestApp::spawn_all().await {
        let backend = app.backend;
        let first = get(&app, None, None).await;
        assert_eq!(first.status(), 200, "{backend}");
        let etag = header(&first, "etag").expect("an ETag").to_owned();
        assert!(etag.starts_with('"'), "strong: {etag}");
        assert!(
            header(&first, "cache-control")
                .unwrap()
                .starts_with("public, max-age="),
            "{backend}"
        );
        assert!(header(&first, "vary").unwrap().contains("Authorization"));
        let body = first.bytes().await.unwrap();

        let again = get(&app, None, None).await;
        assert_eq!(
            header(&again, "etag"),
            Some(etag.as_str()),
            "same bytes, same tag"
        );
        assert_eq!(again.bytes().await.unwrap(), body);

        let not_modified = get(&app, None, Some(&etag)).await;
        assert_eq!(not_modified.status(), 304, "{backend}");
        assert_eq!(header(&not_modified, "etag"), Some(etag.as_str()));
        assert!(not_modified.bytes().await.unwrap().is_empty());
        let other = get(&app, None, Some("\"something-else\"")).await;
        assert_eq!(other.status(), 200, "a tag that does not match");

        // A publish retires the cached answer: new bytes, new tag.
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Fresh News For Caches", "A. Source"))
            .await;
        app.publish(created["id"].as_str().unwrap()).await;
        let changed = get(&app, None, Some(&etag)).await;
        assert_eq!(changed.status(), 200, "{backend}: content changed");
        assert_ne!(header(&changed, "etag"), Some(etag.as_str()));
        assert!(changed
            .text()
            .await
            .unwrap()
            .contains("fresh-news-for-caches"));

        // Staff see drafts: private, and no validator to share.
        let staff = get(&app, Some(&editor.access_token), Some(&etag)).await;
        assert_eq!(staff.status(), 200, "{backend}");
        assert_eq!(header(&staff, "cache-control"), Some("private, no-store"));
        assert_eq!(header(&staff, "etag"), None);

        // POST (even anonymous), errors and refusals are not for caches.
        let posted = app
            .send(
                Method::POST,
                "/graphql",
                None,
                Some(&json!({ "query": QUERY })),
            )
            .await;
        assert_eq!(header(&posted, "cache-control"), Some("private, no-store"));
        let failed = app
            .client
            .get(format!("{}/graphql", app.address))
            .query(&[("query", "{ nope }")])
            .send()
            .await
            .unwrap();
        assert_eq!(header(&failed, "cache-control"), Some("private, no-store"));
        assert_eq!(header(&failed, "etag"), None);
        let mutation = app
            .client
            .get(format!("{}/graphql", app.address))
            .query(&[("query", "mutation { logout(refreshToken: \"x\") }")])
            .send()
            .await
            .unwrap();
        assert_eq!(mutation.status(), 405);
        assert_eq!(
            header(&mutation, "cache-control"),
            Some("private, no-store")
        );
    }
}
