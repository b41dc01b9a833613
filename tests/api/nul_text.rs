//! A NUL character in any text from outside is refused at the edge with the
//! same answer on both databases (PostgreSQL used to answer 500, SQLite stored
//! it): GraphQL `BAD_USER_INPUT` naming the argument or variable, REST 400.

use serde_json::{json, Value};

use crate::support::{graphql_error_code, TestApp};
use masthead_test_macros::each_database;

const LITERALS: &[&str] = &[
    r#"{ article(slug: "a\u0000b") { title } }"#,
    r#"{ articles(filter: { tag: "a\u0000b" }) { totalCount } }"#,
    r#"{ tag(slug: "a\u0000b") { name } }"#,
    r#"{ author(slug: "a\u0000b") { displayName } }"#,
    r#"{ pullQuotes(speaker: "a\u0000b") { edges { cursor } } }"#,
    r#"mutation { postReply(articleSlug: "a\u0000b", authorName: "Ana", authorEmail: "ana@example.org", body: "Hi") { id } }"#,
    r#"mutation { login(email: "a\u0000b@example.org", password: "whatever it is") { accessToken } }"#,
];

#[each_database]
async fn nul_in_graphql_text_is_bad_user_input_on_both_databases() {
    for app in TestApp::spawn_all().await {
        for query in LITERALS {
            let answer = app.graphql(query, json!({})).await;
            assert_eq!(
                graphql_error_code(&answer),
                Some("BAD_USER_INPUT"),
                "{}: {query}: {answer}",
                app.backend
            );
        }
        let answer = app
            .graphql(
                "query($slug: String!) { article(slug: $slug) { title } }",
                json!({ "slug": "a\u{0}b" }),
            )
            .await;
        assert_eq!(
            graphql_error_code(&answer),
            Some("BAD_USER_INPUT"),
            "{}: {answer}",
            app.backend
        );
        assert!(
            answer["errors"][0]["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("$slug")),
            "{answer}"
        );
    }
}

#[each_database]
async fn nul_in_a_rest_sign_in_is_400_on_both_databases() {
    for app in TestApp::spawn_all().await {
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .json(&json!({ "email": "a\u{0}b@example.org", "password": "whatever it is" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "BAD_USER_INPUT", "{problem}");
        assert_eq!(problem["errors"][0]["field"], "email", "{problem}");
    }
}
