//! Writing articles over GraphQL: the whole article in one input, optimistic
//! locking, field-level validation errors, and the role rules.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published};
use support::TestApp;

const CREATE: &str = r#"mutation($input: ArticleInput!) {
    createArticle(input: $input) {
        id slug title status version standfirst replyPolicy
        authors { slug } tags { slug }
        seo { metaTitle effectiveTitle } featureImage { url alt caption }
        sections { heading icon blocks { __typename
            ... on Paragraph { text } ... on PullQuote { text icon speaker } ... on ListBlock { ordered items { text } } } }
    }
}"#;

const UPDATE: &str = r#"mutation($id: ID!, $input: ArticleInput!, $version: Int!) {
    updateArticle(id: $id, input: $input, expectedVersion: $version) { id title version sections { heading } }
}"#;

fn full_input(tag_id: &Value) -> Value {
    json!({
        "title": "Council Approves Tidal Barrier",
        "standfirst": "A vote after years of debate.",
        "replyPolicy": "OPEN",
        "tags": [tag_id],
        "seo": { "metaTitle": "Barrier approved" },
        "featureImage": { "url": "https://img.example/barrier.jpg", "alt": "The estuary at dusk", "caption": "Photo: Atlas" },
        "sections": [
            { "blocks": [{ "paragraph": { "text": "The council voted **yes** on Tuesday." } }] },
            { "heading": "🌊 What changes", "blocks": [
                { "pullQuote": { "text": "🗣️ “We will finally be safe.”", "speaker": "A. Resident", "context": "outside the hall" } },
                { "list": { "ordered": true, "items": ["Construction in spring", "Tolls for ships"] } }
            ] }
        ]
    })
}

#[each_database]
async fn an_editor_creates_updates_and_deletes_an_article() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let token = Some(editor.access_token.as_str());
        let tag = content::tag(&app.store, "Climate").await;
        let tags = app.graphql("{ tags { id } }", json!({})).await;
        let tag_id = tags["data"]["tags"][0]["id"].clone();
        let created = app
            .graphql_as(token, CREATE, json!({ "input": full_input(&tag_id) }))
            .await;
        assert!(
            created.get("errors").is_none(),
            "{}: {created:#}",
            app.backend
        );
        let article = &created["data"]["createArticle"];
        assert_eq!(article["slug"], "council-approves-tidal-barrier");
        assert_eq!(article["status"], "DRAFT");
        assert_eq!(article["version"], 1);
        assert_eq!(article["replyPolicy"], "OPEN");
        assert_eq!(article["tags"][0]["slug"], tag.slug.as_str());
        assert_eq!(
            article["authors"].as_array().unwrap().len(),
            1,
            "the caller is the byline"
        );
        assert_eq!(article["seo"]["metaTitle"], "Barrier approved");
        assert_eq!(article["featureImage"]["alt"], "The estuary at dusk");
        let sections = &article["sections"];
        assert_eq!(sections[1]["icon"], "🌊");
        assert_eq!(sections[1]["blocks"][0]["icon"], "🗣️");
        assert_eq!(sections[1]["blocks"][0]["speaker"], "A. Resident");
        assert_eq!(
            sections[1]["blocks"][1]["items"][1]["text"],
            "Tolls for ships"
        );
        // Drafts stay private.
        let public = app
            .graphql(
                "query($id: ID) { article(id: $id) { id } }",
                json!({ "id": article["id"] }),
            )
            .await;
        assert_eq!(public["data"]["article"], Value::Null);

        let mut input = full_input(&tag_id);
        input["title"] = json!("Council Approves the Tidal Barrier");
        input["sections"] = json!([{ "heading": "Only section", "blocks": [{ "paragraph": { "text": "Shorter now." } }] }]);
        let updated = app
            .graphql_as(
                token,
                UPDATE,
                json!({ "id": article["id"], "input": input, "version": 1 }),
            )
            .await;
        assert!(updated.get("errors").is_none(), "{updated:#}");
        let updated = &updated["data"]["updateArticle"];
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["title"], "Council Approves the Tidal Barrier");
        assert_eq!(updated["sections"], json!([{ "heading": "Only section" }]));

        let deleted = app
            .graphql_as(
                token,
                "mutation($id: ID!) { deleteArticle(id: $id) }",
                json!({ "id": article["id"] }),
            )
            .await;
        assert_eq!(
            deleted["data"]["deleteArticle"], article["id"],
            "{deleted:#}"
        );
        let gone = app
            .graphql_as(
                token,
                "query($id: ID) { article(id: $id) { id } }",
                json!({ "id": article["id"] }),
            )
            .await;
        assert_eq!(gone["data"]["article"], Value::Null);
        let again = app
            .graphql_as(
                token,
                "mutation($id: ID!) { deleteArticle(id: $id) }",
                json!({ "id": article["id"] }),
            )
            .await;
        assert_eq!(again["errors"][0]["extensions"]["code"], "NOT_FOUND");
    }
}

#[each_database]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let token = Some(editor.access_token.as_str());
        let created = app
            .graphql_as(
                token,
                CREATE,
                json!({ "input": { "title": "First title" } }),
            )
            .await;
        let id = created["data"]["createArticle"]["id"].clone();
        let first = app
            .graphql_as(
                token,
                UPDATE,
                json!({ "id": id, "input": { "title": "Second title" }, "version": 1 }),
            )
            .await;
        assert_eq!(
            first["data"]["updateArticle"]["version"], 2,
            "{}: {first:#}",
            app.backend
        );
        let stale = app.graphql_as(token, UPDATE, json!({ "id": id, "input": { "title": "Lost edit", "sections": [{ "blocks": [{ "paragraph": { "text": "x" } }] }] }, "version": 1 })).await;
        let error = &stale["errors"][0];
        assert_eq!(error["extensions"]["code"], "VERSION_CONFLICT", "{stale:#}");
        assert_eq!(error["extensions"]["currentVersion"], 2);
        assert_eq!(stale["data"], Value::Null);
        let now = app
            .graphql_as(
                token,
                "query($id: ID) { article(id: $id) { title version sections { heading } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            now["data"]["article"],
            json!({ "title": "Second title", "version": 2, "sections": [] })
        );
    }
}

#[each_database]
async fn validation_errors_come_back_one_per_field_with_its_path() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let token = Some(editor.access_token.as_str());
        let input = json!({
            "title": "",
            "slug": "Not A Slug",
            "tags": ["not-an-id"],
            "seo": { "canonicalUrl": "javascript:alert(1)" },
            "featureImage": { "url": "https://img.example/x.jpg" },
            "sections": [
                { "blocks": [{ "paragraph": { "text": "fine" } }] },
                { "blocks": [] },
                { "heading": "Third", "blocks": [
                    { "paragraph": { "text": "   " } },
                    { "list": { "items": ["ok", ""] } },
                    { "pullQuote": { "text": "q", "icon": "not an emoji" } }
                ] }
            ]
        });
        let response = app
            .graphql_as(token, CREATE, json!({ "input": input }))
            .await;
        let errors = response["errors"].as_array().expect("errors");
        let mut fields: Vec<&str> = errors
            .iter()
            .map(|e| e["extensions"]["field"].as_str().unwrap())
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "featureImage.alt",
                "sections[2].blocks[0].text",
                "sections[2].blocks[1].items[1]",
                "sections[2].blocks[2].icon",
                "seo.canonicalUrl",
                "slug",
                "tags[0]",
                "title",
            ],
            "{}: {response:#}",
            app.backend
        );
        for error in errors {
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
            assert!(error["message"]
                .as_str()
                .unwrap()
                .starts_with(error["extensions"]["field"].as_str().unwrap()));
        }
        let nothing = app
            .graphql_as(token, "{ articles { totalCount } }", json!({}))
            .await;
        assert_eq!(
            nothing["data"]["articles"]["totalCount"], 0,
            "nothing was stored"
        );
        // A block must be exactly one kind.
        let two = app.graphql_as(token, CREATE, json!({ "input": { "title": "t", "sections": [{ "blocks": [{ "paragraph": { "text": "a" }, "list": { "items": ["b"] } }] }] } })).await;
        assert_eq!(
            two["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{two:#}"
        );
        // Tags and authors must exist.
        let ghost = app
            .graphql_as(
                token,
                CREATE,
                json!({ "input": { "title": "t", "authors": [uuid::Uuid::now_v7().to_string()] } }),
            )
            .await;
        assert_eq!(
            ghost["errors"][0]["extensions"]["field"], "authors",
            "{ghost:#}"
        );
    }
}

#[each_database]
async fn writing_needs_a_role_that_may_write() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = app.sign_in_new(Role::Author).await;
        let other = content::staff(&app.store, "Other Writer", Role::Author).await;
        let theirs = content::article(
            &app.store,
            "Not yours",
            &[other.id],
            &[],
            "S",
            masthead_domain::Lifecycle::draft(),
        )
        .await;
        let live = content::article(
            &app.store,
            "Already out",
            &[other.id],
            &[],
            "S",
            published(1),
        )
        .await;

        let anonymous = app
            .graphql(CREATE, json!({ "input": { "title": "Sneaky" } }))
            .await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{}",
            app.backend
        );
        let anonymous_delete = app
            .graphql(
                "mutation($id: ID!) { deleteArticle(id: $id) }",
                json!({ "id": live.id.to_string() }),
            )
            .await;
        assert_eq!(
            anonymous_delete["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );

        let token = Some(author.access_token.as_str());
        let own = app
            .graphql_as(token, CREATE, json!({ "input": { "title": "Mine" } }))
            .await;
        let own = &own["data"]["createArticle"];
        let edited = app
            .graphql_as(
                token,
                UPDATE,
                json!({ "id": own["id"], "input": { "title": "Mine, edited" }, "version": 1 }),
            )
            .await;
        assert_eq!(edited["data"]["updateArticle"]["version"], 2, "{edited:#}");
        for id in [theirs.id.to_string(), live.id.to_string()] {
            let refused = app
                .graphql_as(
                    token,
                    UPDATE,
                    json!({ "id": id, "input": { "title": "Hijack" }, "version": 1 }),
                )
                .await;
            assert_eq!(
                refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{refused:#}"
            );
            let refused = app
                .graphql_as(
                    token,
                    "mutation($id: ID!) { deleteArticle(id: $id) }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN");
        }
        let bad_token = app
            .graphql_as(
                Some("not-a-token"),
                CREATE,
                json!({ "input": { "title": "x" } }),
            )
            .await;
        assert_eq!(
            bad_token["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
        let wrong_kind = app
            .graphql_as(
                token,
                "mutation($id: ID!) { deleteArticle(id: $id) }",
                json!({ "id": own["tags"] }),
            )
            .await;
        assert_eq!(
            wrong_kind["errors"][0]["extensions"]["code"],
            "BAD_USER_INPUT"
        );
    }
}
