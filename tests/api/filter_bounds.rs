//! List filters (a tag or author slug, a speaker, the moderation queue's
//! article) are bounded by what they filter on: a value longer than anything
//! stored is refused naming the filter, in both APIs, instead of costing a
//! query that can only match nothing. At the bound, the filter is taken.

use masthead_domain::limits::{ATTRIBUTION_MAX, SLUG_MAX};
use masthead_domain::Role;
use serde_json::{json, Value};

use crate::support::{graphql_error_code, TestApp};
use masthead_test_macros::each_database;

/// (query, the variable's bound, the field the refusal names).
const GRAPHQL: &[(&str, usize, &str)] = &[
    (
        "query($v: String) { articles(filter: { tag: $v }) { totalCount } }",
        SLUG_MAX,
        "tag",
    ),
    (
        "query($v: String) { articles(filter: { author: $v }) { edges { cursor } } }",
        SLUG_MAX,
        "author",
    ),
    (
        "query($v: String) { pullQuotes(speaker: $v) { totalCount } }",
        ATTRIBUTION_MAX,
        "speaker",
    ),
    (
        "query($v: String) { search(query: \"harbour\", filter: { tag: $v }) { edges { cursor } } }",
        SLUG_MAX,
        "tag",
    ),
];

#[each_database]
async fn graphql_filters_past_their_bound_are_bad_user_input_naming_the_filter() {
    for app in TestApp::spawn_all().await {
        for (query, max, field) in GRAPHQL {
            let at: Value = app.graphql(query, json!({ "v": "a".repeat(*max) })).await;
            assert!(
                at["errors"].is_null(),
                "{}: {query} at the bound: {at}",
                app.backend
            );
            let past = app
                .graphql(query, json!({ "v": "a".repeat(max + 1) }))
                .await;
            assert_eq!(
                graphql_error_code(&past),
                Some("BAD_USER_INPUT"),
                "{}: {query}: {past}",
                app.backend
            );
            assert_eq!(past["errors"][0]["extensions"]["field"], *field, "{past}");
        }
    }
}

#[each_database]
async fn rest_filters_past_their_bound_are_422_naming_the_filter() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        for (path, max, field, staff) in [
            ("/articles?tag=", SLUG_MAX, "tag", false),
            ("/articles?author=", SLUG_MAX, "author", false),
            ("/pull-quotes?speaker=", ATTRIBUTION_MAX, "speaker", false),
            ("/search?q=harbour&author=", SLUG_MAX, "author", false),
            ("/admin/articles?tag=", SLUG_MAX, "tag", true),
            ("/admin/replies?article=", SLUG_MAX, "article", true),
        ] {
            let session = staff.then_some(&editor);
            let past = app
                .request(
                    reqwest::Method::GET,
                    &format!("{path}{}", "a".repeat(max + 1)),
                    session,
                )
                .send()
                .await
                .unwrap();
            assert_eq!(past.status(), 422, "{}: {path}", app.backend);
            let problem: Value = past.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
    }
}
