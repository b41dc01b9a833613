//! Reading over GraphQL the way a news site's frontend does: one article with
//! everything, lists as Relay connections in both directions, tags, authors
//! and pull quotes.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published};
use support::gql::{data, decode_global};
use support::TestApp;

const ARTICLE_FIELDS: &str = r#"
  id databaseId slug title standfirst status replyPolicy publishedAt scheduledAt
  createdAt updatedAt version url wordCount readingTimeMinutes replyCount
  seo { metaTitle effectiveTitle effectiveDescription effectiveCanonicalUrl }
  featureImage { url }
  authors { id slug displayName bio }
  tags { id slug name description }
  primaryTag { slug }
  sections {
    heading icon
    blocks {
      __typename
      ... on Paragraph { kind text html markdown }
      ... on PullQuote { id kind text icon speaker context }
      ... on ListBlock { kind ordered items { text html } }
    }
  }
  pullQuotes { speaker text }
"#;

#[each_database]
async fn an_article_reads_whole_by_slug_and_by_id() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = content::staff(&app.store, "Ada Reporter", Role::Author).await;
        let posts = content::tag(&app.store, "Posts").await;
        let article = content::article(
            &app.store,
            "Harbour Strike Ends",
            &[author.id],
            &[posts.id],
            "Mayor Lind",
            published(1),
        )
        .await;
        let query =
            format!("query($slug: String) {{ article(slug: $slug) {{ {ARTICLE_FIELDS} }} }}");
        let by_slug = data(&app, None, &query, json!({ "slug": article.slug.as_str() })).await;
        let a = &by_slug["article"];
        assert_eq!(
            decode_global(a["id"].as_str().unwrap()),
            format!("Article:{}", article.id)
        );
        assert_eq!(a["databaseId"], article.id.to_string());
        assert_eq!(a["status"], "PUBLISHED");
        assert_eq!(a["replyPolicy"], "MODERATED");
        assert_eq!(a["version"], 1);
        assert_eq!(
            a["url"],
            format!("http://localhost:3000/articles/{}", article.slug.as_str())
        );
        assert_eq!(a["seo"]["metaTitle"], Value::Null);
        assert_eq!(a["seo"]["effectiveTitle"], "Harbour Strike Ends");
        assert_eq!(a["seo"]["effectiveCanonicalUrl"], a["url"]);
        assert_eq!(a["featureImage"], Value::Null);
        assert!(a["wordCount"].as_u64().unwrap() > 10, "{}", app.backend);
        assert_eq!(a["readingTimeMinutes"], 1);
        assert_eq!(a["replyCount"], 0);
        for stamp in ["publishedAt", "createdAt", "updatedAt"] {
            let text = a[stamp].as_str().unwrap();
            chrono::DateTime::parse_from_rfc3339(text).expect("RFC 3339 timestamps");
        }
        assert_eq!(a["authors"][0]["slug"], author.slug.as_str());
        assert_eq!(
            decode_global(a["authors"][0]["id"].as_str().unwrap()),
            format!("Author:{}", author.id)
        );
        assert_eq!(a["primaryTag"]["slug"], "posts");
        let sections = a["sections"].as_array().unwrap();
        assert_eq!(sections[0]["heading"], Value::Null);
        assert_eq!(sections[0]["blocks"][0]["kind"], "PARAGRAPH");
        assert_eq!(
            sections[0]["blocks"][0]["html"],
            "The <em>lede</em> of the story, in a few words."
        );
        assert_eq!(sections[1]["icon"], "🗣️");
        assert_eq!(sections[1]["heading"], "What they said");
        let quote = &sections[1]["blocks"][0];
        assert_eq!(quote["__typename"], "PullQuote");
        assert_eq!(quote["kind"], "PULL_QUOTE");
        assert_eq!(quote["icon"], "💬");
        assert_eq!(quote["speaker"], "Mayor Lind");
        assert_eq!(sections[1]["blocks"][1]["kind"], "LIST");
        assert_eq!(sections[1]["blocks"][1]["items"][1]["text"], "Second stake");
        assert_eq!(a["pullQuotes"][0]["speaker"], "Mayor Lind");

        let query = format!("query($id: ID) {{ article(id: $id) {{ {ARTICLE_FIELDS} }} }}");
        for id in [a["id"].clone(), json!(article.id.to_string())] {
            let by_id = data(&app, None, &query, json!({ "id": id })).await;
            assert_eq!(by_id["article"], *a, "{}", app.backend);
        }
        let both = app
            .graphql(
                "query($id: ID) { article(slug: \"x\", id: $id) { id } }",
                json!({ "id": a["id"] }),
            )
            .await;
        assert_eq!(both["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
}

/// Follows a connection to its end in one direction, returning node slugs in list order.
async fn walk(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    extra: &str,
    backwards: bool,
) -> (Vec<String>, u64) {
    let (size, cursor, more) = if backwards {
        ("last", "before", "hasPreviousPage")
    } else {
        ("first", "after", "hasNextPage")
    };
    let query = format!(
        "query($c: String) {{ {name}({size}: 3, {cursor}: $c{extra}) {{
            totalCount
            edges {{ cursor node {{ slug }} }}
            pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
        }} }}"
    );
    let mut seen: Vec<String> = Vec::new();
    let mut position: Option<String> = None;
    let mut total;
    for _ in 0..20 {
        let page = data(app, token, &query, json!({ "c": position })).await;
        let connection = &page[name];
        total = connection["totalCount"].as_u64().unwrap();
        let mut slugs: Vec<String> = connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| edge["node"]["slug"].as_str().unwrap().to_owned())
            .collect();
        let info = &connection["pageInfo"];
        if backwards {
            slugs.extend(seen);
            seen = slugs;
            position = info["startCursor"].as_str().map(str::to_owned);
        } else {
            seen.extend(slugs);
            position = info["endCursor"].as_str().map(str::to_owned);
        }
        if !info[more].as_bool().unwrap() {
            return (seen, total);
        }
    }
    panic!("{}: pagination never ended", app.backend);
}

#[each_database]
async fn article_lists_page_forwards_and_backwards_covering_every_item_once() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = content::staff(&app.store, "Page Writer", Role::Author).await;
        let mut expected = Vec::new();
        for hours in 1..=8 {
            let article = content::article(
                &app.store,
                &format!("Story number {hours}"),
                &[author.id],
                &[],
                "Someone",
                published(hours),
            )
            .await;
            expected.push(article.slug.to_string());
        }
        content::article(
            &app.store,
            "Hidden draft",
            &[author.id],
            &[],
            "X",
            masthead_domain::Lifecycle::draft(),
        )
        .await;
        let (forwards, total) = walk(&app, None, "articles", "", false).await;
        assert_eq!(forwards, expected, "{} forwards, newest first", app.backend);
        assert_eq!(total, 8);
        let (backwards, _) = walk(&app, None, "articles", "", true).await;
        assert_eq!(backwards, expected, "{} backwards", app.backend);
        let (by_update, _) =
            walk(&app, None, "articles", ", orderBy: UPDATED_AT_DESC", false).await;
        let mut reversed_creation = expected.clone();
        reversed_creation.reverse();
        assert_eq!(
            by_update, reversed_creation,
            "{} by last change",
            app.backend
        );

        let page = data(
            &app,
            None,
            "{ articles(first: 2) { nodes { slug } pageInfo { hasPreviousPage } } }",
            json!({}),
        )
        .await;
        assert_eq!(page["articles"]["nodes"].as_array().unwrap().len(), 2);
        assert_eq!(page["articles"]["pageInfo"]["hasPreviousPage"], false);
        for (args, field) in [
            ("first: 0", "first"),
            ("first: 101", "first"),
            ("last: -1", "last"),
            ("first: 1, last: 1", "last"),
            ("after: \"not-a-cursor\"", "after"),
            ("before: \"bm9wZQ\"", "before"),
        ] {
            let response = app
                .graphql(
                    &format!("{{ articles({args}) {{ totalCount }} }}"),
                    json!({}),
                )
                .await;
            let error = &response["errors"][0];
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{args}: {response}"
            );
            assert_eq!(error["extensions"]["field"], field, "{args}");
        }
    }
}

#[each_database]
async fn tags_authors_and_filters_list_only_their_articles() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let ada = content::staff(&app.store, "Ada Writer", Role::Author).await;
        let bo = content::staff(&app.store, "Bo Writer", Role::Author).await;
        let climate = content::tag(&app.store, "Climate").await;
        let transport = content::tag(&app.store, "Transport").await;
        content::article(
            &app.store,
            "Flood walls",
            &[ada.id],
            &[climate.id],
            "Engineer",
            published(3),
        )
        .await;
        content::article(
            &app.store,
            "Rail strike",
            &[bo.id],
            &[transport.id],
            "Driver",
            published(2),
        )
        .await;
        content::article(
            &app.store,
            "Tram and tide",
            &[ada.id, bo.id],
            &[transport.id, climate.id],
            "Engineer",
            published(1),
        )
        .await;

        let lists = data(&app, None, r#"{
            tags { slug name description articles { totalCount nodes { title } } }
            tag(slug: "climate") { name articles(first: 10) { totalCount nodes { title primaryTag { slug } } } }
            missing: tag(slug: "nope") { name }
            authors { slug displayName articles { totalCount } }
            author(slug: "bo-writer") { displayName articles(last: 1) { nodes { title } } }
            byFilter: articles(filter: { tag: "transport", author: "ada-writer" }) { totalCount nodes { title } }
            published: articles(filter: { status: PUBLISHED }) { totalCount }
        }"#, json!({})).await;
        let tags = lists["tags"].as_array().unwrap();
        assert_eq!(tags.len(), 2, "{}", app.backend);
        assert_eq!(tags[0]["slug"], "climate");
        assert_eq!(tags[0]["articles"]["totalCount"], 2);
        assert_eq!(
            lists["tag"]["articles"]["nodes"][0]["title"],
            "Tram and tide"
        );
        assert_eq!(lists["tag"]["articles"]["nodes"][1]["title"], "Flood walls");
        assert_eq!(lists["missing"], Value::Null);
        let authors = lists["authors"].as_array().unwrap();
        assert_eq!(authors.len(), 2);
        assert_eq!(authors[0]["slug"], "ada-writer");
        assert_eq!(authors[0]["articles"]["totalCount"], 2);
        assert_eq!(
            lists["author"]["articles"]["nodes"][0]["title"],
            "Rail strike"
        );
        assert_eq!(lists["byFilter"]["totalCount"], 1);
        assert_eq!(lists["byFilter"]["nodes"][0]["title"], "Tram and tide");
        assert_eq!(lists["published"]["totalCount"], 3);
    }
}

#[each_database]
async fn pull_quotes_are_listed_by_speaker_across_articles_with_their_article() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = content::staff(&app.store, "Quote Writer", Role::Author).await;
        for hours in 1..=3 {
            content::article(
                &app.store,
                &format!("Mayor speaks {hours}"),
                &[author.id],
                &[],
                "Mayor Lind",
                published(hours),
            )
            .await;
        }
        content::article(
            &app.store,
            "Someone else",
            &[author.id],
            &[],
            "Chief Engineer",
            published(4),
        )
        .await;
        let query = r#"query($after: String) {
            pullQuotes(speaker: "mayor lind", first: 2, after: $after) {
                totalCount
                edges { cursor node { id speaker text article { title } } }
                pageInfo { hasNextPage endCursor }
            }
        }"#;
        let first = data(&app, None, query, json!({})).await;
        let connection = &first["pullQuotes"];
        assert_eq!(connection["totalCount"], 3, "{}", app.backend);
        assert_eq!(connection["edges"].as_array().unwrap().len(), 2);
        assert_eq!(connection["pageInfo"]["hasNextPage"], true);
        let mut titles: Vec<String> = connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| {
                edge["node"]["article"]["title"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        let second = data(
            &app,
            None,
            query,
            json!({ "after": connection["pageInfo"]["endCursor"] }),
        )
        .await;
        assert_eq!(second["pullQuotes"]["pageInfo"]["hasNextPage"], false);
        for edge in second["pullQuotes"]["edges"].as_array().unwrap() {
            titles.push(
                edge["node"]["article"]["title"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        titles.sort();
        assert_eq!(
            titles,
            ["Mayor speaks 1", "Mayor speaks 2", "Mayor speaks 3"]
        );
        let all = data(&app, None, "{ pullQuotes { totalCount } }", json!({})).await;
        assert_eq!(all["pullQuotes"]["totalCount"], 4);
        let bad = app
            .graphql(r#"{ pullQuotes(after: "zzz") { totalCount } }"#, json!({}))
            .await;
        assert_eq!(bad["errors"][0]["extensions"]["field"], "after");
    }
}
