//! Moderation by editors and admins over REST and GraphQL: the queue (newest
//! first, with counts, filterable by article), one reply or many at once in
//! one transaction; authors and anonymous callers are refused.

use crate::reply_support;
use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reply_support::*;
use reqwest::Method;
use serde_json::{json, Value};
use support::TestApp;

async fn queue(app: &TestApp, token: &str, query: &str) -> Value {
    let response = admin(app, Method::GET, query, None, Some(token)).await;
    assert_eq!(response.status(), 200, "{}", app.backend);
    assert_eq!(response.headers()["cache-control"], "private, no-store");
    response.json().await.unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[each_database]
async fn the_queue_shows_pending_replies_newest_first_with_counts() {
    for app in spawn_all_generous().await {
        let articles = demo_articles(&app).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let older = post_ok(&app, &articles.moderated, "Older", None, 202).await;
        let newer = post_ok(&app, &articles.moderated, "Newer", None, 202).await;

        let page = queue(&app, &editor.access_token, "").await;
        assert_eq!(
            ids(&page),
            [newer.clone(), older.clone()],
            "{}",
            app.backend
        );
        assert_eq!(page["counts"]["pending"], 2);
        assert_eq!(page["counts"]["approved"], 7, "the demo replies");
        assert_eq!(page["counts"]["rejected"], 0);
        assert_eq!(page["counts"]["spam"], 0);
        let first = &page["data"][0];
        assert_eq!(first["author_email"], READER_EMAIL, "staff see the address");
        assert_eq!(first["status"], "pending");
        assert_eq!(first["article"]["slug"], articles.moderated.as_str());
        assert!(first["article"]["title"].is_string());

        // Paging: one per page, each reply once.
        let page = queue(&app, &editor.access_token, "?limit=1").await;
        assert_eq!(ids(&page), [newer.as_str()]);
        let cursor = page["next_cursor"].as_str().unwrap().to_owned();
        let page = queue(
            &app,
            &editor.access_token,
            &format!("?limit=1&cursor={cursor}"),
        )
        .await;
        assert_eq!(ids(&page), [older.as_str()]);
        assert!(page["next_cursor"].is_null());

        // Filter by article, by slug or by id.
        let page = queue(
            &app,
            &editor.access_token,
            &format!("?status=all&article={}", articles.open),
        )
        .await;
        assert_eq!(page["data"].as_array().unwrap().len(), 5, "{}", app.backend);
        assert_eq!(page["counts"]["approved"], 5);
        assert_eq!(page["counts"]["pending"], 0);
        let article_id = page["data"][0]["article_id"].as_str().unwrap().to_owned();
        let by_id = queue(
            &app,
            &editor.access_token,
            &format!("?status=approved&article={article_id}"),
        )
        .await;
        assert_eq!(ids(&by_id).len(), 5);

        for bad in [
            "?status=deleted",
            "?article=no-such-article",
            "?limit=0",
            "?limit=101",
            "?cursor=x",
            "?client=abc",
            "?order=asc",
        ] {
            let response = admin(&app, Method::GET, bad, None, Some(&editor.access_token)).await;
            assert_eq!(
                response.status().as_u16() / 100,
                4,
                "{bad} ({})",
                app.backend
            );
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
        }
    }
}

#[each_database]
async fn editors_and_admins_moderate_authors_and_anonymous_cannot() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        let author = app.sign_in_new(Role::Author).await;
        let target = post_ok(&app, &slug, "To moderate", None, 202).await;
        let requests: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, String::new(), None),
            (Method::POST, format!("/{target}/approve"), None),
            (Method::POST, format!("/{target}/reject"), None),
            (Method::POST, format!("/{target}/spam"), None),
            (Method::DELETE, format!("/{target}"), None),
            (
                Method::POST,
                "/moderate".to_owned(),
                Some(json!({ "ids": [target], "action": "approve" })),
            ),
        ];
        for (method, path, body) in &requests {
            let anonymous = admin(&app, method.clone(), path, body.as_ref(), None).await;
            assert_eq!(anonymous.status(), 401, "{method} {path} ({})", app.backend);
            let problem: Value = anonymous.json().await.unwrap();
            assert_eq!(problem["code"], "UNAUTHENTICATED");
            let refused = admin(
                &app,
                method.clone(),
                path,
                body.as_ref(),
                Some(&author.access_token),
            )
            .await;
            assert_eq!(refused.status(), 403, "{method} {path} ({})", app.backend);
            let problem: Value = refused.json().await.unwrap();
            assert_eq!(problem["code"], "FORBIDDEN");
        }
        let (_, threads) = public_threads(&app, &slug).await;
        assert!(
            find_node(&threads["data"], &target).is_none(),
            "nothing changed"
        );

        for role in [Role::Editor, Role::Admin] {
            let staff = app.sign_in_new(role).await;
            let id = post_ok(&app, &slug, "For staff", None, 202).await;
            let token = Some(staff.access_token.as_str());
            for (action, status) in [
                ("reject", "rejected"),
                ("spam", "spam"),
                ("approve", "approved"),
            ] {
                let response =
                    admin(&app, Method::POST, &format!("/{id}/{action}"), None, token).await;
                assert_eq!(response.status(), 200, "{role} {action} ({})", app.backend);
                assert_eq!(response.headers()["cache-control"], "private, no-store");
                let reply: Value = response.json().await.unwrap();
                assert_eq!(reply["status"], status);
                assert_eq!(reply["author_email"], READER_EMAIL);
            }
            let (_, threads) = public_threads(&app, &slug).await;
            assert!(
                find_node(&threads["data"], &id).is_some(),
                "approved is public ({role})"
            );
            let response = admin(&app, Method::DELETE, &format!("/{id}"), None, token).await;
            assert_eq!(response.status(), 204, "{role} delete ({})", app.backend);
            let response = admin(&app, Method::DELETE, &format!("/{id}"), None, token).await;
            assert_eq!(response.status(), 404, "gone ({})", app.backend);
            let response = admin(&app, Method::POST, &format!("/{id}/approve"), None, token).await;
            assert_eq!(response.status(), 404);
            let response = admin(
                &app,
                Method::POST,
                &format!("/{target}/publish"),
                None,
                token,
            )
            .await;
            assert_eq!(response.status(), 404, "unknown action");
            let response = admin(&app, Method::POST, "/not-an-id/approve", None, token).await;
            assert_eq!(response.status(), 404);
        }
    }
}

#[each_database]
async fn many_replies_are_moderated_in_one_transaction() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        let editor = app.sign_in_new(Role::Editor).await;
        let token = Some(editor.access_token.as_str());
        let mut batch = Vec::new();
        for n in 0..3 {
            batch.push(post_ok(&app, &slug, &format!("Batch {n}"), None, 202).await);
        }

        // One unknown id: refused, naming it, and nothing changes.
        let mut with_unknown = batch.clone();
        with_unknown.push(uuid::Uuid::now_v7().to_string());
        let response = admin(
            &app,
            Method::POST,
            "/moderate",
            Some(&json!({ "ids": with_unknown, "action": "approve" })),
            token,
        )
        .await;
        assert_eq!(response.status(), 422, "{}", app.backend);
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "ids[3]", "{problem}");
        let page = queue(&app, &editor.access_token, "").await;
        assert_eq!(
            page["counts"]["pending"], 3,
            "all or nothing ({})",
            app.backend
        );

        let response = admin(
            &app,
            Method::POST,
            "/moderate",
            Some(&json!({ "ids": batch, "action": "approve" })),
            token,
        )
        .await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        let result: Value = response.json().await.unwrap();
        assert_eq!(result["action"], "approve");
        assert_eq!(result["count"], 3);
        assert!(result["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "approved"));
        let (_, threads) = public_threads(&app, &slug).await;
        for id in &batch {
            assert!(find_node(&threads["data"], id).is_some(), "{}", app.backend);
        }

        let response = admin(
            &app,
            Method::POST,
            "/moderate",
            Some(&json!({ "ids": batch, "action": "delete" })),
            token,
        )
        .await;
        assert_eq!(response.status(), 200);
        let page = queue(
            &app,
            &editor.access_token,
            &format!("?status=all&article={slug}"),
        )
        .await;
        assert_eq!(
            page["counts"]["approved"], 2,
            "only the demo replies ({})",
            app.backend
        );

        let too_many: Vec<String> = (0..101).map(|_| uuid::Uuid::now_v7().to_string()).collect();
        for (body, field) in [
            (json!({ "ids": [], "action": "approve" }), "ids"),
            (json!({ "ids": too_many, "action": "approve" }), "ids"),
            (json!({ "ids": ["nope"], "action": "approve" }), "ids[0]"),
            (json!({ "ids": [batch[0]], "action": "publish" }), "action"),
        ] {
            let response = admin(&app, Method::POST, "/moderate", Some(&body), token).await;
            assert_eq!(response.status(), 422, "{field} ({})", app.backend);
            let problem: Value = response.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        }
        let response = admin(
            &app,
            Method::POST,
            "/moderate",
            Some(&json!({ "ids": [batch[0]], "action": "approve", "status": "approved" })),
            token,
        )
        .await;
        assert_eq!(response.status(), 422, "unknown field ({})", app.backend);
    }
}

const QUEUE: &str = r#"
query Queue($status: ReplyStatus, $article: String, $first: Int) {
  replyQueue(status: $status, article: $article, first: $first) {
    counts { pending approved rejected spam }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id status authorEmail articleSlug body bodyHtml clientHash } }
  }
}"#;

const MODERATE: &str = r#"
mutation Moderate($id: ID!) {
  approveReply(id: $id) { id status }
}"#;

#[each_database]
async fn graphql_moderation_follows_the_same_rules() {
    for app in spawn_all_generous().await {
        let slug = demo_articles(&app).await.moderated;
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let admin_session = app.sign_in_new(Role::Admin).await;
        let first = post_ok(&app, &slug, "GraphQL first", None, 202).await;
        let second = post_ok(&app, &slug, "GraphQL second", None, 202).await;

        let answer = graphql_as(&app, None, QUEUE, json!({})).await;
        assert_eq!(error_code(&answer), "UNAUTHENTICATED", "{answer}");
        let answer = graphql_as(&app, Some(&author.access_token), QUEUE, json!({})).await;
        assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
        let answer = graphql_as(
            &app,
            Some(&author.access_token),
            MODERATE,
            json!({ "id": first }),
        )
        .await;
        assert_eq!(error_code(&answer), "FORBIDDEN", "{answer}");
        let answer = graphql_as(&app, None, MODERATE, json!({ "id": first })).await;
        assert_eq!(error_code(&answer), "UNAUTHENTICATED", "{answer}");

        let answer = graphql_as(&app, Some(&editor.access_token), QUEUE, json!({})).await;
        let queue = &answer["data"]["replyQueue"];
        assert_eq!(queue["counts"]["pending"], 2, "{answer}");
        assert_eq!(
            queue["edges"][0]["node"]["id"],
            second.as_str(),
            "newest first"
        );
        assert_eq!(queue["edges"][0]["node"]["authorEmail"], READER_EMAIL);
        assert_eq!(queue["edges"][0]["node"]["articleSlug"], slug.as_str());
        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            QUEUE,
            json!({ "status": null, "first": 100 }),
        )
        .await;
        let all = answer["data"]["replyQueue"]["edges"]
            .as_array()
            .unwrap()
            .len();
        assert_eq!(
            all, 9,
            "every status: 7 demo + 2 ({}) {answer}",
            app.backend
        );
        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            QUEUE,
            json!({ "first": 101 }),
        )
        .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT");

        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            MODERATE,
            json!({ "id": first }),
        )
        .await;
        assert_eq!(
            answer["data"]["approveReply"]["status"], "APPROVED",
            "{answer}"
        );
        for (mutation, status) in [("rejectReply", "REJECTED"), ("markReplySpam", "SPAM")] {
            let query = format!("mutation($id: ID!) {{ {mutation}(id: $id) {{ status }} }}");
            let answer = graphql_as(
                &app,
                Some(&admin_session.access_token),
                &query,
                json!({ "id": second }),
            )
            .await;
            assert_eq!(answer["data"][mutation]["status"], status, "{answer}");
        }
        let answer = graphql_as(
            &app,
            Some(&admin_session.access_token),
            "mutation($ids: [ID!]!) { moderateReplies(ids: $ids, action: REJECT) { action count replies { id status } } }",
            json!({ "ids": [first, second] }),
        )
        .await;
        assert_eq!(answer["data"]["moderateReplies"]["count"], 2, "{answer}");
        assert_eq!(
            answer["data"]["moderateReplies"]["replies"][0]["status"],
            "REJECTED"
        );
        let answer = graphql_as(
            &app,
            Some(&admin_session.access_token),
            "mutation($ids: [ID!]!) { moderateReplies(ids: $ids, action: DELETE) { count } }",
            json!({ "ids": [first, uuid::Uuid::now_v7().to_string()] }),
        )
        .await;
        assert_eq!(error_code(&answer), "BAD_USER_INPUT", "{answer}");
        assert_eq!(answer["errors"][0]["extensions"]["field"], "ids[1]");
        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            "mutation($id: ID!) { deleteReply(id: $id) }",
            json!({ "id": first }),
        )
        .await;
        assert_eq!(answer["data"]["deleteReply"], first.as_str(), "{answer}");
        let answer = graphql_as(
            &app,
            Some(&editor.access_token),
            "mutation($id: ID!) { deleteReply(id: $id) }",
            json!({ "id": first }),
        )
        .await;
        assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    }
}
