//! GraphQL `search(...)` on both databases: the same operation as REST, as a
//! connection whose edges carry score and highlights; drafts for staff only;
//! query errors as `BAD_USER_INPUT`; paging with `after`.

use crate::support;

use masthead_domain::{Lifecycle, Role};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{article, published, staff};
use support::{graphql_error_code, TestApp};

const SEARCH: &str = "query($q: String!, $first: Int, $after: String, $filter: SearchFilter) {
  search(query: $q, first: $first, after: $after, filter: $filter) {
    pageInfo { hasNextPage endCursor }
    edges { cursor score highlights { title text } node { slug title status } }
  }
}";

fn slugs(answer: &Value) -> Vec<String> {
    answer["data"]["search"]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .map(|edge| edge["node"]["slug"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[each_database]
async fn search_is_a_connection_with_scores_and_highlights() {
    for app in TestApp::spawn_all().await {
        let store = app.store().await;
        let author = staff(&store, "Ana Ruiz", Role::Author).await;
        let mut public = Vec::new();
        for i in 0..3 {
            public.push(
                article(
                    &store,
                    &format!("Ossuary {i} <b>"),
                    &[author.id],
                    &[],
                    "Mara Vell",
                    published(i + 1),
                )
                .await,
            );
        }
        let draft = article(
            &store,
            "Ossuary draft",
            &[author.id],
            &[],
            "Mara Vell",
            Lifecycle::draft(),
        )
        .await;

        let first = app
            .graphql(SEARCH, json!({ "q": "ossuary", "first": 2 }))
            .await;
        assert!(first["errors"].is_null(), "{}: {first}", app.backend);
        let edge = &first["data"]["search"]["edges"][0];
        assert!(
            edge["score"].as_f64().is_some_and(|score| score > 0.0),
            "{edge}"
        );
        assert!(
            edge["highlights"]["title"]
                .as_str()
                .unwrap()
                .starts_with("<mark>Ossuary</mark>"),
            "{edge}"
        );
        assert!(
            edge["highlights"]["title"]
                .as_str()
                .unwrap()
                .ends_with("&lt;b&gt;"),
            "{edge}"
        );
        assert_eq!(first["data"]["search"]["pageInfo"]["hasNextPage"], true);
        let after = first["data"]["search"]["pageInfo"]["endCursor"].clone();
        let second = app
            .graphql(
                SEARCH,
                json!({ "q": "ossuary", "first": 2, "after": after }),
            )
            .await;
        let mut all = slugs(&first);
        all.extend(slugs(&second));
        all.sort();
        let mut expected: Vec<String> = public.iter().map(|a| a.slug.to_string()).collect();
        expected.sort();
        assert_eq!(
            all, expected,
            "{}: pages without repeats, no draft",
            app.backend
        );
        assert_eq!(second["data"]["search"]["pageInfo"]["hasNextPage"], false);

        let editor = app.sign_in_new(Role::Editor).await;
        let drafts = app
            .graphql_as(
                Some(&editor.access_token),
                SEARCH,
                json!({ "q": "ossuary", "filter": { "status": "DRAFT" } }),
            )
            .await;
        assert_eq!(
            slugs(&drafts),
            [draft.slug.to_string()],
            "{}: {drafts}",
            app.backend
        );
        let refused = app
            .graphql(
                SEARCH,
                json!({ "q": "ossuary", "filter": { "status": "DRAFT" } }),
            )
            .await;
        assert_eq!(
            graphql_error_code(&refused),
            Some("UNAUTHENTICATED"),
            "{refused}"
        );

        for q in ["-ossuary", "OR", "***"] {
            let answer = app.graphql(SEARCH, json!({ "q": q })).await;
            assert_eq!(
                graphql_error_code(&answer),
                Some("BAD_USER_INPUT"),
                "{q}: {answer}"
            );
        }
        for q in ["".to_owned(), "a".repeat(201), vec!["w"; 21].join(" ")] {
            let answer = app.graphql(SEARCH, json!({ "q": q })).await;
            assert_eq!(
                graphql_error_code(&answer),
                Some("BAD_USER_INPUT"),
                "{answer}"
            );
        }
        let answer = app
            .graphql(SEARCH, json!({ "q": "ossuary", "after": "garbage" }))
            .await;
        assert_eq!(
            graphql_error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{answer}"
        );
    }
}
