//! `/admin/webhooks` (admins): endpoints, secrets and delivery logs.

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::support::content::{article, published};
use crate::support::workflow::user_id;
use crate::support::TestApp;
use crate::webhook_support::{dev_settings, Receiver};
use masthead_test_macros::each_database;

#[each_database]
async fn webhook_operations_match_the_document() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, dev_settings).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        let mut api = Conformance::new(&app).await;

        let list = "/admin/webhooks";
        let input = json!({ "url": receiver.url, "events": ["article.published"], "description": "CDN purge" });
        let created = api
            .expect(
                "post",
                list,
                api.request(Method::POST, list, Some(&admin)).json(&input),
                201,
            )
            .await;
        assert!(created["secret"].is_string(), "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        for (request, status) in [
            (
                api.request(Method::POST, list, Some(&admin))
                    .json(&json!({ "url": "nope", "events": ["x"] })),
                422,
            ),
            (
                api.request(Method::POST, list, Some(&editor)).json(&input),
                403,
            ),
            (api.request(Method::POST, list, None).json(&input), 401),
        ] {
            api.expect("post", list, request, status).await;
        }
        api.expect(
            "get",
            list,
            api.request(Method::GET, list, Some(&admin)),
            200,
        )
        .await;
        api.expect(
            "get",
            list,
            api.request(Method::GET, list, Some(&editor)),
            403,
        )
        .await;

        let one = "/admin/webhooks/{id}";
        let path = format!("/admin/webhooks/{id}");
        api.expect(
            "get",
            one,
            api.request(Method::GET, &path, Some(&admin)),
            200,
        )
        .await;
        api.expect(
            "get",
            one,
            api.request(Method::GET, "/admin/webhooks/nope", Some(&admin)),
            404,
        )
        .await;
        let patch = json!({ "description": "CDN purge (edge)", "enabled": true });
        api.expect(
            "patch",
            one,
            api.request(Method::PATCH, &path, Some(&admin)).json(&patch),
            200,
        )
        .await;
        api.expect(
            "patch",
            one,
            api.request(Method::PATCH, &path, Some(&admin))
                .json(&json!({ "events": [] })),
            422,
        )
        .await;

        let rotate = "/admin/webhooks/{id}/rotate-secret";
        let rotated = api
            .expect(
                "post",
                rotate,
                api.request(Method::POST, &format!("{path}/rotate-secret"), Some(&admin)),
                200,
            )
            .await;
        assert!(
            rotated["previous_secret_expires_at"].is_string(),
            "{rotated}"
        );

        // An event, delivered, for the log and a redelivery.
        let store = app.store().await;
        article(
            &store,
            "Logged",
            &[user_id(&admin)],
            &[],
            "Someone",
            published(0),
        )
        .await;
        receiver.event("article.published").await;
        let deliveries = "/admin/webhooks/{id}/deliveries";
        let log_path = format!("{path}/deliveries?limit=5");
        let mut log = json!(null);
        for _ in 0..100 {
            log = api
                .expect(
                    "get",
                    deliveries,
                    api.request(Method::GET, &log_path, Some(&admin)),
                    200,
                )
                .await;
            if log["data"][0]["status"] == "delivered" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(log["data"][0]["status"], "delivered", "{log}");
        api.expect(
            "get",
            deliveries,
            api.request(
                Method::GET,
                &format!("{path}/deliveries?limit=500"),
                Some(&admin),
            ),
            422,
        )
        .await;
        let delivery = log["data"][0]["id"].as_str().unwrap();
        let redeliver = "/admin/webhooks/{id}/deliveries/{delivery}/redeliver";
        let again = format!("{path}/deliveries/{delivery}/redeliver");
        api.expect(
            "post",
            redeliver,
            api.request(Method::POST, &again, Some(&admin)),
            202,
        )
        .await;
        api.expect(
            "post",
            redeliver,
            api.request(
                Method::POST,
                &format!("{path}/deliveries/{id}/redeliver"),
                Some(&admin),
            ),
            404,
        )
        .await;

        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&editor)),
            403,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&admin)),
            204,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&admin)),
            404,
        )
        .await;
        api.assert_area_succeeded("webhooks");
    }
}
