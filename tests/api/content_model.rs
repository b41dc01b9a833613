//! The content model clients build on: stored word counts that lists, pages
//! and GraphQL agree on; pull quotes newest publication first; stable section
//! and block ids kept by sending them back; blocks told apart by `__typename`.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::content::{self, published};
use support::rest::{all_pages, document, error_fields, problem};
use support::{Session, TestApp};

async fn admin_get(app: &TestApp, session: &Session, id: &str) -> Value {
    let response = app
        .request(Method::GET, &format!("/admin/articles/{id}"), Some(session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.backend);
    response.json().await.unwrap()
}

async fn put(
    app: &TestApp,
    session: &Session,
    id: &str,
    version: &Value,
    body: &Value,
) -> reqwest::Response {
    app.request(Method::PUT, &format!("/admin/articles/{id}"), Some(session))
        .header("if-match", format!("\"{version}\""))
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn get_json(app: &TestApp, path: &str) -> Value {
    let response = app.get(&format!("/api/v1{path}")).await;
    assert_eq!(response.status(), 200, "{path} ({})", app.backend);
    response.json().await.unwrap()
}

fn ids(document: &Value) -> Vec<Vec<String>> {
    document["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| {
            section["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|block| block["id"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect()
}

#[each_database]
async fn lists_pages_and_graphql_report_the_same_figures_for_a_long_article() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let paragraphs: Vec<Value> = (0..120)
            .map(|i| json!({ "type": "paragraph", "markdown": format!("Paragraph {i} carries *seven* words of news.") }))
            .collect();
        let doc = json!({
            "title": "A long read",
            "standfirst": "Short standfirst.",
            "sections": [{ "blocks": paragraphs }, { "heading": "More", "blocks": [
                { "type": "pull_quote", "text": "Quoted words here.", "speaker": "S" },
                { "type": "list", "items": ["one item", "two items"] }
            ] }]
        });
        let created = app.create_article(&editor, &doc).await;
        let id = created["id"].as_str().unwrap().to_owned();
        app.publish(&id).await;
        let slug = created["slug"].as_str().unwrap();
        let page = get_json(&app, &format!("/articles/{slug}")).await;
        let words = page["word_count"].as_u64().unwrap();
        let minutes = page["reading_time_minutes"].as_u64().unwrap();
        assert!(words > 800, "{}: {words}", app.backend);
        assert_eq!(minutes, words.div_ceil(230));

        let list = get_json(&app, "/articles?limit=10").await;
        let listed = &list["data"][0];
        assert_eq!(listed["id"], id.as_str());
        assert_eq!(listed["word_count"], words, "{}: public list", app.backend);
        assert_eq!(listed["reading_time_minutes"], minutes);
        let admin: Value = app
            .request(Method::GET, "/admin/articles?limit=10", Some(&editor))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            admin["data"][0]["word_count"], words,
            "{}: admin list",
            app.backend
        );
        assert_eq!(admin["data"][0]["reading_time_minutes"], minutes);

        let graphql = app
            .graphql(
                r#"query($slug: String) {
                    article(slug: $slug) { wordCount readingTimeMinutes }
                    articles(first: 10) { nodes { id wordCount readingTimeMinutes } }
                }"#,
                json!({ "slug": slug }),
            )
            .await;
        let data = &graphql["data"];
        assert_eq!(data["article"]["wordCount"], words, "{graphql}");
        assert_eq!(data["article"]["readingTimeMinutes"], minutes);
        assert_eq!(data["articles"]["nodes"][0]["wordCount"], words);
        assert_eq!(data["articles"]["nodes"][0]["readingTimeMinutes"], minutes);
    }
}

#[each_database]
async fn pull_quotes_come_newest_publication_first_across_pages() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = content::staff(&app.store, "Quote Writer", Role::Author).await;
        // Created A, B, C; published B first, then C, then A.
        let a = content::article(&app.store, "A", &[author.id], &[], "Speaker", published(1)).await;
        let b = content::article(&app.store, "B", &[author.id], &[], "Speaker", published(3)).await;
        let c = content::article(&app.store, "C", &[author.id], &[], "Speaker", published(2)).await;
        let expected = [a.id.to_string(), c.id.to_string(), b.id.to_string()];

        let quotes = all_pages(&app, "/pull-quotes?", 1).await;
        let order: Vec<&str> = quotes
            .iter()
            .map(|q| q["article"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(order, expected, "{}: REST, one per page", app.backend);
        let quote_block = a.sections[1].blocks[0].id.to_string();
        assert_eq!(quotes[0]["id"], quote_block.as_str(), "the block's id");

        let query = r#"query($after: String) {
            pullQuotes(first: 1, after: $after) {
                pageInfo { hasNextPage endCursor }
                nodes { text article { id } }
            }
        }"#;
        let mut after = Value::Null;
        let mut walked = Vec::new();
        loop {
            let page = app.graphql(query, json!({ "after": after })).await;
            let connection = &page["data"]["pullQuotes"];
            for node in connection["nodes"].as_array().unwrap() {
                walked.push(node["article"]["id"].as_str().unwrap().to_owned());
            }
            if connection["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = connection["pageInfo"]["endCursor"].clone();
        }
        let expected_global: Vec<String> = [&a, &c, &b]
            .iter()
            .map(|article| support::gql::encode_global("Article", &article.id.to_string()))
            .collect();
        assert_eq!(walked, expected_global, "{}: GraphQL", app.backend);
        let bad = problem(
            app.get("/api/v1/pull-quotes?cursor=bm9wZQ").await,
            422,
            "bad cursor",
        )
        .await;
        assert_eq!(error_fields(&bad), ["cursor"]);
    }
}

#[each_database]
async fn rest_ids_are_kept_when_sent_back_and_new_blocks_get_new_ones() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Ids", "Speaker"))
            .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let before = ids(&created);
        let section_id = created["sections"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(before[0].len(), 2);
        assert!(uuid::Uuid::parse_str(&before[0][0]).is_ok());
        assert!(uuid::Uuid::parse_str(&section_id).is_ok());

        // GET, swap the two blocks, add one without id, PUT.
        let mut doc = admin_get(&app, &editor, &id).await;
        let blocks = doc["sections"][0]["blocks"].as_array_mut().unwrap();
        blocks.swap(0, 1);
        blocks.push(json!({ "type": "paragraph", "markdown": "A new paragraph." }));
        let version = doc["version"].clone();
        let response = put(&app, &editor, &id, &version, &doc).await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let saved: Value = response.json().await.unwrap();
        let after = ids(&saved);
        assert_eq!(after[0][0], before[0][1]);
        assert_eq!(after[0][1], before[0][0]);
        assert!(
            !before.concat().contains(&after[0][2]),
            "a new block, a new id"
        );
        assert_eq!(after[1], before[1]);
        assert_eq!(saved["sections"][0]["id"], section_id.as_str());

        // The diff of the two revisions is a move and an insert, nothing removed.
        let diff: Value = app
            .request(
                Method::GET,
                &format!("/admin/articles/{id}/revisions/1/diff/2"),
                Some(&editor),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let changes: Vec<(String, String)> = diff["sections"][0]["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["change"].as_str().unwrap().to_owned(),
                    b["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(
            changes.contains(&("moved".to_owned(), before[0][0].clone())),
            "{diff}"
        );
        assert!(
            changes.contains(&("added".to_owned(), after[0][2].clone())),
            "{diff}"
        );
        assert!(
            !changes.iter().any(|(change, _)| change == "removed"),
            "{diff}"
        );

        // Unknown, repeated and malformed ids are refused at their path.
        let version = saved["version"].clone();
        let mut unknown = saved.clone();
        unknown["sections"][0]["blocks"][0]["id"] = json!(uuid::Uuid::now_v7().to_string());
        unknown["sections"][1]["id"] = json!(uuid::Uuid::now_v7().to_string());
        let refused = problem(
            put(&app, &editor, &id, &version, &unknown).await,
            422,
            "unknown",
        )
        .await;
        let mut fields = error_fields(&refused);
        fields.sort();
        assert_eq!(
            fields,
            ["sections[0].blocks[0].id", "sections[1].id"],
            "{refused}"
        );
        let mut twice = saved.clone();
        twice["sections"][1]["blocks"][0]["id"] = saved["sections"][0]["blocks"][0]["id"].clone();
        let refused = problem(
            put(&app, &editor, &id, &version, &twice).await,
            422,
            "repeated",
        )
        .await;
        assert_eq!(error_fields(&refused), ["sections[1].blocks[0].id"]);
        let mut malformed = saved.clone();
        malformed["sections"][0]["blocks"][1]["id"] = json!("not-a-uuid");
        let refused = problem(
            put(&app, &editor, &id, &version, &malformed).await,
            422,
            "malformed",
        )
        .await;
        assert_eq!(
            error_fields(&refused),
            ["sections[0].blocks[1].id"],
            "{refused}"
        );
        // A new article has no blocks to keep.
        let copy = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&json!({ "title": "Copy", "sections": [{ "blocks": [
                { "type": "paragraph", "id": before[0][0], "markdown": "x" }
            ] }] }))
            .send()
            .await
            .unwrap();
        let refused = problem(copy, 422, "ids on create").await;
        assert_eq!(error_fields(&refused), ["sections[0].blocks[0].id"]);
        let unchanged = admin_get(&app, &editor, &id).await;
        assert_eq!(unchanged["version"], version, "nothing refused was saved");
    }
}

const READ: &str = r#"query($id: ID) { article(id: $id) { version sections { id blocks {
    __typename
    ... on Paragraph { id markdown }
    ... on PullQuote { id text speaker }
    ... on List { id ordered items { markdown } }
} } } }"#;

const UPDATE: &str = r#"mutation($id: ID!, $input: ArticleInput!, $version: Int!) {
    updateArticle(id: $id, input: $input, expectedVersion: $version) { version }
}"#;

#[each_database]
async fn graphql_blocks_narrow_by_typename_and_keep_their_ids_across_a_reorder() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Graph ids", "Quoted One"))
            .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let token = Some(editor.access_token.as_str());
        let read = app.graphql_as(token, READ, json!({ "id": id })).await;
        let article = &read["data"]["article"];
        let blocks = &article["sections"][0]["blocks"];
        assert_eq!(blocks[0]["__typename"], "Paragraph", "{read}");
        assert_eq!(blocks[1]["__typename"], "PullQuote");
        assert_eq!(article["sections"][1]["blocks"][0]["__typename"], "List");
        let paragraph_id = blocks[0]["id"].clone();
        let quote_id = blocks[1]["id"].clone();
        assert_eq!(
            paragraph_id, created["sections"][0]["blocks"][0]["id"],
            "REST and GraphQL agree"
        );

        // The quote first, the paragraph second, each sent back with its id.
        let input = json!({
            "title": "Graph ids",
            "sections": [
                { "id": article["sections"][0]["id"], "blocks": [
                    { "pullQuote": { "id": quote_id, "text": "We will talk.", "speaker": "Quoted One" } },
                    { "paragraph": { "id": paragraph_id, "text": "The lede, with **strong** words." } },
                    { "pullQuote": { "text": "A second quote.", "speaker": "Quoted Two" } }
                ] },
                { "id": article["sections"][1]["id"], "blocks": [
                    { "list": { "id": article["sections"][1]["blocks"][0]["id"], "items": ["First *point*", "Second point"] } }
                ] }
            ]
        });
        let saved = app
            .graphql_as(
                token,
                UPDATE,
                json!({ "id": id, "input": input, "version": article["version"] }),
            )
            .await;
        assert!(saved.get("errors").is_none(), "{saved:#}");
        let again = app.graphql_as(token, READ, json!({ "id": id })).await;
        let blocks = &again["data"]["article"]["sections"][0]["blocks"];
        assert_eq!(blocks[0]["id"], quote_id, "the quote keeps its Node id");
        assert_eq!(blocks[1]["id"], paragraph_id);
        assert_ne!(blocks[2]["id"], quote_id, "another quote, another id");
        let node = app
            .graphql_as(
                token,
                "query($id: ID!) { node(id: $id) { id ... on PullQuote { text speaker } } }",
                json!({ "id": quote_id }),
            )
            .await;
        assert_eq!(node["data"]["node"]["speaker"], "Quoted One", "{node}");

        // `kind` is gone; an unknown id is refused at its path.
        let kind = app.graphql_as(token, "query($id: ID) { article(id: $id) { sections { blocks { ... on Paragraph { kind } } } } }", json!({ "id": id })).await;
        assert_eq!(
            kind["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{kind}"
        );
        let stranger = json!({ "title": "Graph ids", "sections": [{ "blocks": [
            { "paragraph": { "id": uuid::Uuid::now_v7().to_string(), "text": "x" } }
        ] }] });
        let version = saved["data"]["updateArticle"]["version"].clone();
        let refused = app
            .graphql_as(
                token,
                UPDATE,
                json!({ "id": id, "input": stranger, "version": version }),
            )
            .await;
        assert_eq!(
            refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{refused}"
        );
        assert_eq!(
            refused["errors"][0]["extensions"]["field"],
            "sections[0].blocks[0].id"
        );
    }
}
