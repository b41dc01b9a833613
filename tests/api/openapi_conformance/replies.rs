//! Replies: the public threads and posting, and the moderation queue.

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::reply_support::{demo_articles, reader, unique};
use crate::support::TestApp;
use masthead_test_macros::each_database;

#[each_database]
async fn reply_operations_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| {
            settings.replies.reply_rate_limit = 5;
        })
        .await;
        let editor = app.sign_in_new(Role::Editor).await;
        let author = app.sign_in_new(Role::Author).await;
        let demo = demo_articles(&app).await;
        let mut api = Conformance::new(&app).await;

        // Posting: staff replies are public at once and never rate-limited.
        let thread = "/articles/{slug}/replies";
        let open = format!("/articles/{}/replies", demo.open);
        let staff = api
            .expect(
                "post",
                thread,
                api.request(Method::POST, &open, Some(&editor))
                    .json(&json!({ "body": unique("From the newsroom") })),
                201,
            )
            .await;
        let mut answer = reader(&unique("An answer"));
        answer["parent_id"] = staff["id"].clone();
        api.expect(
            "post",
            thread,
            api.request(Method::POST, &open, None).json(&answer),
            201,
        )
        .await;
        let held = api
            .expect(
                "post",
                thread,
                api.request(
                    Method::POST,
                    &format!("/articles/{}/replies", demo.moderated),
                    None,
                )
                .json(&reader(&unique("Held for a moderator"))),
                202,
            )
            .await;
        let held = held["id"].as_str().unwrap().to_owned();
        for (request, status) in [
            (
                api.request(
                    Method::POST,
                    &format!("/articles/{}/replies", demo.closed),
                    None,
                )
                .json(&reader(&unique("Too late"))),
                403,
            ),
            (
                api.request(Method::POST, "/articles/nothing-here/replies", None)
                    .json(&reader(&unique("Nowhere"))),
                404,
            ),
            (
                api.request(Method::POST, &open, None)
                    .json(&json!({ "author_name": "", "author_email": "no", "body": " " })),
                422,
            ),
            (
                api.request(Method::POST, &open, None)
                    .json(&json!({ "body": "Mine", "status": "approved" })),
                422,
            ),
            (
                api.with_token(Method::POST, &open, "garbage")
                    .json(&reader(&unique("Bad token"))),
                401,
            ),
            (
                api.request(Method::POST, &open, None)
                    .header("content-type", "text/plain")
                    .body(reader("Plain").to_string()),
                415,
            ),
            (
                api.request(Method::POST, &open, None)
                    .json(&reader(&"x".repeat(20_000))),
                413,
            ),
        ] {
            api.expect("post", thread, request, status).await;
        }
        let mut limited = false;
        for _ in 0..10 {
            let (status, _) = api
                .call(
                    "post",
                    thread,
                    api.request(Method::POST, &open, None)
                        .json(&reader(&unique("Again and again"))),
                )
                .await;
            if status == 429 {
                limited = true;
                break;
            }
            assert_eq!(status, 201, "{}", app.backend);
        }
        assert!(limited, "{}: posting was never rate-limited", app.backend);

        // Reading threads.
        let page = api
            .expect("get", thread, api.request(Method::GET, &open, None), 200)
            .await;
        assert!(!page["data"].as_array().unwrap().is_empty());
        let etag = app
            .request(Method::GET, &open, None)
            .send()
            .await
            .unwrap()
            .headers()["etag"]
            .clone();
        api.expect(
            "get",
            thread,
            api.request(Method::GET, &open, None)
                .header("if-none-match", etag),
            304,
        )
        .await;
        for (path, status) in [
            (format!("{open}?limit=1"), 200),
            ("/articles/nothing-here/replies".to_owned(), 404),
            (format!("{open}?limit=0"), 422),
            (format!("{open}?cursor=bad"), 422),
            (format!("{open}?limit=x"), 400),
        ] {
            api.expect("get", thread, api.request(Method::GET, &path, None), status)
                .await;
        }

        // The queue.
        let queue = "/admin/replies";
        let pending = api
            .expect(
                "get",
                queue,
                api.request(Method::GET, queue, Some(&editor)),
                200,
            )
            .await;
        assert!(pending["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|reply| reply["id"] == held.as_str()));
        for (path, session, status) in [
            ("/admin/replies?status=all&limit=1", Some(&editor), 200),
            ("/admin/replies?status=lost", Some(&editor), 422),
            ("/admin/replies?limit=none", Some(&editor), 400),
            (queue, Some(&author), 403),
            (queue, None, 401),
        ] {
            api.expect(
                "get",
                queue,
                api.request(Method::GET, path, session),
                status,
            )
            .await;
        }

        // One reply at a time.
        let action = "/admin/replies/{id}/{action}";
        api.expect(
            "post",
            action,
            api.request(
                Method::POST,
                &format!("/admin/replies/{held}/approve"),
                Some(&editor),
            ),
            200,
        )
        .await;
        for (path, session, status) in [
            (format!("/admin/replies/{held}/spam"), Some(&author), 403),
            (format!("/admin/replies/{held}/promote"), Some(&editor), 404),
            (
                format!("/admin/replies/{}/reject", uuid::Uuid::now_v7()),
                Some(&editor),
                404,
            ),
        ] {
            api.expect(
                "post",
                action,
                api.request(Method::POST, &path, session),
                status,
            )
            .await;
        }

        // Many at once.
        let batch = "/admin/replies/moderate";
        let moderated = api
            .expect(
                "post",
                batch,
                api.request(Method::POST, batch, Some(&editor))
                    .json(&json!({ "ids": [held], "action": "reject" })),
                200,
            )
            .await;
        assert_eq!(moderated["count"], 1);
        for (body, session, status) in [
            (json!({ "ids": [], "action": "reject" }), Some(&editor), 422),
            (
                json!({ "ids": [held], "action": "publish" }),
                Some(&editor),
                422,
            ),
            (
                json!({ "ids": [uuid::Uuid::now_v7().to_string()], "action": "spam" }),
                Some(&editor),
                422,
            ),
            (
                json!({ "ids": [held], "action": "spam" }),
                Some(&author),
                403,
            ),
        ] {
            api.expect(
                "post",
                batch,
                api.request(Method::POST, batch, session).json(&body),
                status,
            )
            .await;
        }

        // Deleting.
        let one = "/admin/replies/{id}";
        let item = format!("/admin/replies/{held}");
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&author)),
            403,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&editor)),
            204,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &item, Some(&editor)),
            404,
        )
        .await;

        api.assert_seen(
            "post",
            thread,
            &[201, 202, 401, 403, 404, 413, 415, 422, 429],
        );
        api.assert_area_succeeded("replies");
    }
}
