//! The workflow: transitions, revisions and the audit log.

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::support::rest::document;
use crate::support::TestApp;
use masthead_test_macros::each_database;

#[each_database]
async fn workflow_operations_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn(database).await;
        let author = app.sign_in_new(Role::Author).await;
        let other = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let mut api = Conformance::new(&app).await;
        let backend = app.backend;

        // Two revisions: as created, and with a changed body.
        let created = app
            .create_article(&author, &document("Workflow conformance", "A Speaker"))
            .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let mut body = created.clone();
        body["sections"][0]["blocks"][0]["markdown"] = json!("A new lede.");
        body["sections"][1]["heading"] = json!("🔎 What is at stake");
        let saved = app
            .request(Method::PUT, &format!("/admin/articles/{id}"), Some(&author))
            .header("if-match", "\"1\"")
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = saved.status();
        assert_eq!(status, 200, "{backend}: {}", saved.text().await.unwrap());
        let base = format!("/admin/articles/{id}");
        let path = |action: &str| format!("{base}/{action}");

        // Submitting (authors: their own).
        let submit = "/admin/articles/{id}/submit";
        for (session, if_match, status) in [
            (Some(&other), None, 403),
            (None, None, 401),
            (Some(&author), Some("1"), 400),
            (Some(&author), Some("\"1\""), 412),
            (Some(&author), Some("\"2\""), 200),
            (Some(&author), None, 409),
        ] {
            let mut request = api.request(Method::POST, &path("submit"), session);
            if let Some(if_match) = if_match {
                request = request.header("if-match", if_match);
            }
            api.expect("post", submit, request, status).await;
        }
        api.expect(
            "post",
            submit,
            api.request(
                Method::POST,
                &format!("/admin/articles/{}/submit", uuid::Uuid::now_v7()),
                Some(&editor),
            ),
            404,
        )
        .await;

        // Publishing (editors and admins); a body may schedule.
        let publish = "/admin/articles/{id}/publish";
        for (request, status) in [
            (
                api.request(Method::POST, &path("publish"), Some(&author)),
                403,
            ),
            (
                api.request(Method::POST, &path("publish"), Some(&editor))
                    .json(&json!({ "at": "tomorrow at ten" })),
                422,
            ),
            (
                api.request(Method::POST, &path("publish"), Some(&editor))
                    .json(&json!({ "when": "now" })),
                400,
            ),
            (
                api.request(Method::POST, &path("publish"), Some(&editor))
                    .json(&json!({ "at": "x".repeat(5_000) })),
                413,
            ),
            (
                api.request(Method::POST, &path("publish"), Some(&editor)),
                200,
            ),
            (
                api.request(Method::POST, &path("publish"), Some(&editor)),
                409,
            ),
        ] {
            api.expect("post", publish, request, status).await;
        }

        // Back to draft, then out of circulation.
        let unpublish = "/admin/articles/{id}/unpublish";
        for (session, status) in [(&author, 403), (&editor, 200), (&editor, 409)] {
            api.expect(
                "post",
                unpublish,
                api.request(Method::POST, &path("unpublish"), Some(session)),
                status,
            )
            .await;
        }
        let archive = "/admin/articles/{id}/archive";
        for (session, status) in [(&author, 403), (&editor, 200), (&editor, 409)] {
            api.expect(
                "post",
                archive,
                api.request(Method::POST, &path("archive"), Some(session)),
                status,
            )
            .await;
        }

        // Revisions.
        let revisions = "/admin/articles/{id}/revisions";
        let page = api
            .expect(
                "get",
                revisions,
                api.request(Method::GET, &path("revisions?limit=1"), Some(&author)),
                200,
            )
            .await;
        assert!(page["next_cursor"].is_string(), "{backend}: {page}");
        let next = format!("revisions?cursor={}", page["next_cursor"].as_str().unwrap());
        for (target, session, status) in [
            (path(&next), Some(&author), 200),
            (path("revisions?limit=0"), Some(&author), 422),
            (path("revisions?cursor=bad"), Some(&author), 422),
            (path("revisions"), None, 401),
            (
                format!("/admin/articles/{}/revisions", uuid::Uuid::now_v7()),
                Some(&editor),
                404,
            ),
        ] {
            api.expect(
                "get",
                revisions,
                api.request(Method::GET, &target, session),
                status,
            )
            .await;
        }
        let revision = "/admin/articles/{id}/revisions/{number}";
        for (number, status) in [("1", 200), ("99", 404), ("one", 404)] {
            api.expect(
                "get",
                revision,
                api.request(
                    Method::GET,
                    &path(&format!("revisions/{number}")),
                    Some(&editor),
                ),
                status,
            )
            .await;
        }
        let diff = "/admin/articles/{id}/revisions/{from}/diff/{to}";
        let changes = api
            .expect(
                "get",
                diff,
                api.request(Method::GET, &path("revisions/1/diff/2"), Some(&editor)),
                200,
            )
            .await;
        assert!(
            !changes["sections"].as_array().unwrap().is_empty(),
            "{changes}"
        );
        api.expect(
            "get",
            diff,
            api.request(Method::GET, &path("revisions/1/diff/99"), Some(&editor)),
            404,
        )
        .await;
        let restore = "/admin/articles/{id}/revisions/{number}/restore";
        for (session, if_match, status) in [
            (&author, None, 403),
            (&editor, Some("\"1\""), 412),
            (&editor, None, 200),
        ] {
            let mut request =
                api.request(Method::POST, &path("revisions/1/restore"), Some(session));
            if let Some(if_match) = if_match {
                request = request.header("if-match", if_match);
            }
            api.expect("post", restore, request, status).await;
        }

        // Corrections of a public (demo) article.
        let public: serde_json::Value = app
            .get("/api/v1/articles?limit=1")
            .await
            .json()
            .await
            .unwrap();
        let public_id = public["data"][0]["id"].as_str().unwrap().to_owned();
        let add = "/admin/articles/{id}/corrections";
        let add_path = format!("/admin/articles/{public_id}/corrections");
        let mut added = serde_json::Value::Null;
        for (session, body, status) in [
            (
                Some(&editor),
                json!({ "text": "A date was wrong.", "kind": "correction" }),
                201,
            ),
            (Some(&editor), json!({ "text": "", "kind": "erratum" }), 422),
            (Some(&author), json!({ "text": "Mine." }), 403),
            (None, json!({ "text": "Anyone." }), 401),
        ] {
            let answer = api
                .expect(
                    "post",
                    add,
                    api.request(Method::POST, &add_path, session).json(&body),
                    status,
                )
                .await;
            if status == 201 {
                added = answer;
            }
        }
        api.expect(
            "post",
            add,
            api.request(
                Method::POST,
                &format!("/admin/articles/{id}/corrections"),
                Some(&editor),
            )
            .json(&json!({ "text": "Not public yet." })),
            409,
        )
        .await;
        let retract = "/admin/articles/{id}/corrections/{correction_id}/retract";
        let retract_path = format!("{add_path}/{}/retract", added["id"].as_str().unwrap());
        for (body, status) in [
            (json!({ "reason": "" }), 422),
            (json!({ "reason": "The date was right." }), 200),
        ] {
            api.expect(
                "post",
                retract,
                api.request(Method::POST, &retract_path, Some(&admin))
                    .json(&body),
                status,
            )
            .await;
        }
        api.expect(
            "post",
            retract,
            api.request(
                Method::POST,
                &format!("{add_path}/{}/retract", uuid::Uuid::now_v7()),
                Some(&admin),
            )
            .json(&json!({ "reason": "r" })),
            404,
        )
        .await;

        // Preview links of the draft.
        let links = "/admin/articles/{id}/preview-links";
        let links_path = format!("/admin/articles/{id}/preview-links");
        let mut link = serde_json::Value::Null;
        for (session, body, status) in [
            (Some(&editor), json!({ "expires_in": 3600 }), 201),
            (Some(&editor), json!({ "expires_in": 0 }), 422),
            (Some(&editor), json!({ "expires_in": "soon" }), 422),
            (None, json!({}), 401),
        ] {
            let answer = api
                .expect(
                    "post",
                    links,
                    api.request(Method::POST, &links_path, session).json(&body),
                    status,
                )
                .await;
            if status == 201 {
                link = answer;
            }
        }
        let listed = api
            .expect(
                "get",
                links,
                api.request(Method::GET, &links_path, Some(&author)),
                200,
            )
            .await;
        assert_eq!(listed["data"].as_array().unwrap().len(), 1, "{listed}");
        let revoke = "/admin/articles/{id}/preview-links/{link_id}";
        let revoke_path = format!("{links_path}/{}", link["id"].as_str().unwrap());
        api.expect(
            "delete",
            revoke,
            api.request(Method::DELETE, &revoke_path, Some(&editor)),
            204,
        )
        .await;
        api.expect(
            "delete",
            revoke,
            api.request(
                Method::DELETE,
                &format!("{links_path}/{}", uuid::Uuid::now_v7()),
                Some(&editor),
            ),
            404,
        )
        .await;

        // The audit log (admins).
        let audit = "/admin/audit";
        let entries = api
            .expect(
                "get",
                audit,
                api.request(
                    Method::GET,
                    &format!("/admin/audit?article_id={id}"),
                    Some(&admin),
                ),
                200,
            )
            .await;
        assert!(entries["data"].as_array().unwrap().len() >= 5, "{entries}");
        for (target, session, status) in [
            ("/admin/audit?limit=2", Some(&admin), 200),
            ("/admin/audit?article_id=nope", Some(&admin), 422),
            ("/admin/audit?limit=x", Some(&admin), 400),
            (audit, Some(&editor), 403),
            (audit, None, 401),
        ] {
            api.expect(
                "get",
                audit,
                api.request(Method::GET, target, session),
                status,
            )
            .await;
        }

        api.assert_seen("post", publish, &[200, 400, 403, 409, 413, 422]);
        api.assert_area_succeeded("workflow");
    }
}
