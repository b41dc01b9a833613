//! Webhook endpoints over GraphQL: the same operations and rules as REST
//! (admins only, secret shown once, bad input refused with codes), and the
//! delivery log with redelivery. SQLite and PostgreSQL.

use crate::support::{graphql_error_code, TestApp};
use crate::webhook_support::{dev_settings, signed_by, Receiver};

use masthead_domain::Role;
use masthead_test_macros::each_database;
use serde_json::{json, Value};

const FIELDS: &str =
    "id url description events enabled secret previousSecretExpiresAt failingSince";

async fn data(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    let answer = app.graphql_as(Some(token), query, variables).await;
    assert!(answer["errors"].is_null(), "{}: {answer}", app.backend);
    answer["data"].clone()
}

#[each_database]
async fn admins_manage_webhooks_over_graphql() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let receiver = Receiver::start().await;
        let create = format!("mutation($input: CreateWebhookInput!) {{ createWebhook(input: $input) {{ {FIELDS} }} }}");
        let input = json!({ "input": { "url": receiver.url, "events": ["ARTICLE_PUBLISHED"], "description": "ISR" } });
        let created =
            data(&app, &admin.access_token, &create, input.clone()).await["createWebhook"].clone();
        let secret = created["secret"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("whsec_"), "{created}");
        assert_eq!(created["events"], json!(["ARTICLE_PUBLISHED"]));
        let id = created["id"].as_str().unwrap().to_owned();

        let listed = data(
            &app,
            &admin.access_token,
            &format!("{{ webhooks {{ {FIELDS} }} }}"),
            json!({}),
        )
        .await;
        assert!(listed["webhooks"][0]["secret"].is_null(), "{listed}");

        let update = format!("mutation($id: ID!) {{ updateWebhook(id: $id, input: {{ events: [ARTICLE_PUBLISHED, REPLY_PENDING], description: \"ISR + moderation\" }}) {{ {FIELDS} }} }}");
        let updated = data(&app, &admin.access_token, &update, json!({ "id": id })).await;
        assert_eq!(
            updated["updateWebhook"]["events"],
            json!(["ARTICLE_PUBLISHED", "REPLY_PENDING"])
        );

        // An event, verified by the receiver, then listed and redelivered.
        let store = app.store().await;
        let author = crate::support::workflow::user_id(&editor);
        crate::support::content::article(
            &store,
            "Over GraphQL",
            &[author],
            &[],
            "Someone",
            crate::support::content::published(0),
        )
        .await;
        let got = receiver.event("article.published").await;
        assert!(signed_by(&got, &secret));
        let log_query = "query($id: ID!) { webhookDeliveries(webhookId: $id, first: 5) { nodes { id eventId eventType status attempts lastResponseCode } pageInfo { hasNextPage endCursor } } }";
        let mut log = Value::Null;
        for _ in 0..100 {
            log = data(&app, &admin.access_token, log_query, json!({ "id": id })).await;
            if log["webhookDeliveries"]["nodes"][0]["status"] == "DELIVERED" {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let delivery = &log["webhookDeliveries"]["nodes"][0];
        assert_eq!(delivery["status"], "DELIVERED", "{log}");
        assert_eq!(delivery["eventId"], got.id());
        let redeliver = "mutation($w: ID!, $d: ID!) { redeliverWebhook(webhookId: $w, deliveryId: $d) { status } }";
        let again = data(
            &app,
            &admin.access_token,
            redeliver,
            json!({ "w": id, "d": delivery["id"] }),
        )
        .await;
        assert_eq!(again["redeliverWebhook"]["status"], "PENDING");
        receiver
            .wait_until("the redelivery", |all| all.len() == 2)
            .await;

        let rotate =
            format!("mutation($id: ID!) {{ rotateWebhookSecret(id: $id) {{ {FIELDS} }} }}");
        let rotated = data(&app, &admin.access_token, &rotate, json!({ "id": id })).await;
        assert_ne!(rotated["rotateWebhookSecret"]["secret"], secret.as_str());
        assert!(rotated["rotateWebhookSecret"]["previousSecretExpiresAt"].is_string());

        // Editors are refused, bad input is named.
        let refused = app
            .graphql_as(Some(&editor.access_token), &create, input.clone())
            .await;
        assert_eq!(graphql_error_code(&refused), Some("FORBIDDEN"), "{refused}");
        let refused = app
            .graphql_as(Some(&editor.access_token), "{ webhooks { id } }", json!({}))
            .await;
        assert_eq!(graphql_error_code(&refused), Some("FORBIDDEN"), "{refused}");
        let bad = json!({ "input": { "url": "https://169.254.169.254/", "events": ["ARTICLE_PUBLISHED"] } });
        let refused = app
            .graphql_as(Some(&admin.access_token), &create, bad)
            .await;
        assert_eq!(
            graphql_error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{refused}"
        );
        let twice = json!({ "input": { "url": receiver.url, "events": ["REPLY_PENDING", "REPLY_PENDING"] } });
        let refused = app
            .graphql_as(Some(&admin.access_token), &create, twice)
            .await;
        assert_eq!(
            graphql_error_code(&refused),
            Some("BAD_USER_INPUT"),
            "{refused}"
        );
        let unknown = json!({ "input": { "url": receiver.url, "events": ["ARTICLE_EXPLODED"] } });
        let refused = app
            .graphql_as(Some(&admin.access_token), &create, unknown)
            .await;
        assert!(refused["errors"].is_array(), "{refused}");

        let deleted = data(
            &app,
            &admin.access_token,
            "mutation($id: ID!) { deleteWebhook(id: $id) }",
            json!({ "id": id }),
        )
        .await;
        assert_eq!(deleted["deleteWebhook"], id.as_str());
        let gone = app
            .graphql_as(
                Some(&admin.access_token),
                "query($id: ID!) { webhook(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(graphql_error_code(&gone), Some("NOT_FOUND"), "{gone}");
    }
}
