//! Who sees what over GraphQL: `node(id:)` for every type, drafts and
//! unapproved replies hidden from anonymous callers on every path, editors'
//! previews through the same fields, and reply threads.

use crate::support;

use masthead_domain::{ReplyStatus, Role};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::content::{self, published, scheduled_in};
use support::gql::{data, decode_global, encode_global};
use support::TestApp;

#[each_database]
async fn node_refetches_every_object_type_by_its_global_id() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let author = content::staff(&app.store, "Node Writer", Role::Author).await;
        let tag = content::tag(&app.store, "Nodes").await;
        let article = content::article(
            &app.store,
            "Node story",
            &[author.id],
            &[tag.id],
            "Speaker",
            published(1),
        )
        .await;
        let reply =
            content::reply(&app.store, &article, None, "First!", ReplyStatus::Approved).await;
        let ids = data(
            &app,
            None,
            r#"query($slug: String) { article(slug: $slug) {
            id authors { id } tags { id } pullQuotes { id }
            replies { nodes { id } }
        } }"#,
            json!({ "slug": article.slug.as_str() }),
        )
        .await;
        let a = &ids["article"];
        let me = data(&app, Some(&editor.access_token), "{ me { id } }", json!({})).await;
        let cases = [
            (a["id"].clone(), "Article"),
            (a["authors"][0]["id"].clone(), "Author"),
            (a["tags"][0]["id"].clone(), "Tag"),
            (a["pullQuotes"][0]["id"].clone(), "PullQuote"),
            (a["replies"]["nodes"][0]["id"].clone(), "Reply"),
            (me["me"]["id"].clone(), "User"),
        ];
        for (id, typename) in cases {
            let node = data(
                &app,
                Some(&editor.access_token),
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
            assert_eq!(node["node"]["__typename"], typename, "{}", app.backend);
            assert_eq!(node["node"]["id"], id);
        }
        assert_eq!(
            decode_global(a["replies"]["nodes"][0]["id"].as_str().unwrap()),
            format!("Reply:{}", reply.id)
        );
        // Someone else's account is not for the public.
        let user = data(
            &app,
            None,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": me["me"]["id"] }),
        )
        .await;
        assert_eq!(user["node"], Value::Null);
        let unknown = data(
            &app,
            None,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": encode_global("Article", &uuid::Uuid::now_v7().to_string()) }),
        )
        .await;
        assert_eq!(unknown["node"], Value::Null);
        let garbage = app
            .graphql(r#"{ node(id: "garbage") { id } }"#, json!({}))
            .await;
        assert_eq!(garbage["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    }
}

#[each_database]
async fn drafts_and_unapproved_replies_never_reach_anonymous_callers() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let public_writer = content::staff(&app.store, "Public Writer", Role::Author).await;
        let secret_writer = content::staff(&app.store, "Secret Writer", Role::Author).await;
        let tag = content::tag(&app.store, "Mixed").await;
        let public = content::article(
            &app.store,
            "Public story",
            &[public_writer.id],
            &[tag.id],
            "Open Speaker",
            published(2),
        )
        .await;
        let draft = content::article(
            &app.store,
            "Secret draft",
            &[secret_writer.id],
            &[tag.id],
            "Secret Speaker",
            masthead_domain::Lifecycle::draft(),
        )
        .await;
        let later = content::article(
            &app.store,
            "Embargoed story",
            &[public_writer.id],
            &[tag.id],
            "Secret Speaker",
            scheduled_in(5),
        )
        .await;
        let approved = content::reply(
            &app.store,
            &public,
            None,
            "Seen by all",
            ReplyStatus::Approved,
        )
        .await;
        let pending = content::reply(
            &app.store,
            &public,
            Some(approved.id),
            "Awaiting a moderator",
            ReplyStatus::Pending,
        )
        .await;
        content::reply(&app.store, &public, None, "Buy pills", ReplyStatus::Spam).await;
        let draft_gid = encode_global("Article", &draft.id.to_string());
        let reads = data(&app, None, r#"query($draft: String, $later: String, $draftId: ID, $pending: ID!, $draftNode: ID!, $quote: ID!) {
            draft: article(slug: $draft) { title }
            later: article(slug: $later) { title }
            byId: article(id: $draftId) { title }
            articles { totalCount nodes { title } }
            byUpdate: articles(orderBy: UPDATED_AT_DESC, last: 10) { totalCount nodes { title } }
            drafts: articles(filter: { status: DRAFT }) { totalCount nodes { title } }
            scheduled: articles(filter: { status: SCHEDULED }) { totalCount }
            tag(slug: "mixed") { articles { totalCount nodes { title } } }
            authors { slug }
            secret: author(slug: "secret-writer") { slug }
            quotes: pullQuotes(speaker: "Secret Speaker") { totalCount nodes { text } }
            node(id: $draftNode) { id }
            pendingNode: node(id: $pending) { id }
            quoteNode: node(id: $quote) { id }
            public: article(slug: "public-story") {
                replyCount
                replies { totalCount nodes { body children { body } } }
            }
        }"#, json!({
            "draft": draft.slug.as_str(),
            "later": later.slug.as_str(),
            "draftId": draft.id.to_string(),
            "draftNode": draft_gid,
            "pending": encode_global("Reply", &pending.id.to_string()),
            "quote": encode_global("PullQuote", &format!("{}/1/0", draft.id)),
        })).await;
        for hidden in [
            "draft",
            "later",
            "byId",
            "secret",
            "node",
            "pendingNode",
            "quoteNode",
        ] {
            assert_eq!(
                reads[hidden],
                Value::Null,
                "{}: {hidden} leaked",
                app.backend
            );
        }
        for list in ["articles", "byUpdate"] {
            assert_eq!(reads[list]["totalCount"], 1, "{} {list}", app.backend);
            assert_eq!(reads[list]["nodes"], json!([{ "title": "Public story" }]));
        }
        assert_eq!(reads["drafts"]["totalCount"], 0);
        assert_eq!(reads["drafts"]["nodes"], json!([]));
        assert_eq!(reads["scheduled"]["totalCount"], 0);
        assert_eq!(reads["tag"]["articles"]["totalCount"], 1);
        assert_eq!(reads["authors"], json!([{ "slug": "public-writer" }]));
        assert_eq!(reads["quotes"]["totalCount"], 0);
        assert_eq!(reads["quotes"]["nodes"], json!([]));
        assert_eq!(reads["public"]["replyCount"], 1);
        assert_eq!(reads["public"]["replies"]["totalCount"], 1);
        assert_eq!(
            reads["public"]["replies"]["nodes"],
            json!([{ "body": "Seen by all", "children": [] }])
        );
    }
}

#[each_database]
async fn editors_preview_drafts_through_the_same_fields() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let writer = content::staff(&app.store, "Draft Writer", Role::Author).await;
        let tag = content::tag(&app.store, "Previews").await;
        content::article(
            &app.store,
            "Out now",
            &[writer.id],
            &[tag.id],
            "Speaker",
            published(1),
        )
        .await;
        let draft = content::article(
            &app.store,
            "Still a draft",
            &[writer.id],
            &[tag.id],
            "Draft Speaker",
            masthead_domain::Lifecycle::draft(),
        )
        .await;
        let token = Some(editor.access_token.as_str());
        let reads = data(&app, token, r#"query($slug: String, $id: ID!) {
            article(slug: $slug) { title status publishedAt }
            node(id: $id) { ... on Article { title } }
            articles { totalCount }
            drafts: articles(filter: { status: DRAFT }) { nodes { title } }
            tag(slug: "previews") { articles { totalCount } }
            author(slug: "draft-writer") { articles { totalCount } }
            pullQuotes(speaker: "Draft Speaker") { totalCount nodes { article { title } } }
        }"#, json!({ "slug": draft.slug.as_str(), "id": encode_global("Article", &draft.id.to_string()) })).await;
        assert_eq!(
            reads["article"]["title"], "Still a draft",
            "{}",
            app.backend
        );
        assert_eq!(reads["article"]["status"], "DRAFT");
        assert_eq!(reads["article"]["publishedAt"], Value::Null);
        assert_eq!(reads["node"]["title"], "Still a draft");
        assert_eq!(reads["articles"]["totalCount"], 2);
        assert_eq!(
            reads["drafts"]["nodes"],
            json!([{ "title": "Still a draft" }])
        );
        assert_eq!(reads["tag"]["articles"]["totalCount"], 2);
        assert_eq!(reads["author"]["articles"]["totalCount"], 2);
        assert_eq!(
            reads["pullQuotes"]["nodes"][0]["article"]["title"],
            "Still a draft"
        );
        // The same request without the token sees none of it.
        let anonymous = data(
            &app,
            None,
            r#"query($slug: String) { article(slug: $slug) { title } articles { totalCount } }"#,
            json!({ "slug": draft.slug.as_str() }),
        )
        .await;
        assert_eq!(anonymous["article"], Value::Null);
        assert_eq!(anonymous["articles"]["totalCount"], 1);
    }
}

#[each_database]
async fn replies_come_as_threads_of_approved_replies_page_by_page() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let writer = content::staff(&app.store, "Thread Writer", Role::Author).await;
        let article = content::article(
            &app.store,
            "Talk about it",
            &[writer.id],
            &[],
            "Speaker",
            published(1),
        )
        .await;
        let first = content::reply(
            &app.store,
            &article,
            None,
            "First thread",
            ReplyStatus::Approved,
        )
        .await;
        let answer = content::reply(
            &app.store,
            &article,
            Some(first.id),
            "An answer",
            ReplyStatus::Approved,
        )
        .await;
        content::reply(
            &app.store,
            &article,
            Some(answer.id),
            "A deeper answer",
            ReplyStatus::Approved,
        )
        .await;
        content::reply(
            &app.store,
            &article,
            Some(first.id),
            "Not yet approved",
            ReplyStatus::Pending,
        )
        .await;
        content::reply(
            &app.store,
            &article,
            None,
            "Second thread",
            ReplyStatus::Approved,
        )
        .await;
        let query = r#"query($slug: String, $after: String) { article(slug: $slug) {
            replyCount
            replies(first: 1, after: $after) {
                totalCount
                pageInfo { hasNextPage endCursor }
                nodes { body depth status authorName parent { body }
                        children { body depth parent { body } children { body } } }
            }
        } }"#;
        let page = data(&app, None, query, json!({ "slug": article.slug.as_str() })).await;
        let a = &page["article"];
        assert_eq!(a["replyCount"], 4, "{}", app.backend);
        assert_eq!(a["replies"]["totalCount"], 2);
        let thread = &a["replies"]["nodes"][0];
        assert_eq!(thread["body"], "First thread");
        assert_eq!(thread["depth"], 1);
        assert_eq!(thread["status"], "APPROVED");
        assert_eq!(thread["parent"], Value::Null);
        assert_eq!(
            thread["children"],
            json!([{ "body": "An answer", "depth": 2, "parent": { "body": "First thread" }, "children": [{ "body": "A deeper answer" }] }])
        );
        assert_eq!(a["replies"]["pageInfo"]["hasNextPage"], true);
        let next = data(&app, None, query, json!({ "slug": article.slug.as_str(), "after": a["replies"]["pageInfo"]["endCursor"] })).await;
        let replies = &next["article"]["replies"];
        assert_eq!(replies["nodes"][0]["body"], "Second thread");
        assert_eq!(replies["pageInfo"]["hasNextPage"], false);
    }
}
