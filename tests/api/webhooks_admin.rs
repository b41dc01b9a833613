//! Managing webhook endpoints over REST: admins only, every change audited,
//! the secret shown once (on creation and rotation), bad input refused with
//! field errors; and the address guard: `https` only and no internal target
//! without the development flags, checked on save and again at send time.
//! SQLite and PostgreSQL.

use crate::support;
use crate::webhook_support::{create_endpoint, dev_settings, Receiver, ALL_EVENTS};

use masthead_domain::webhook::WebhookEventType;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::rest::{error_fields, problem};
use support::workflow::json as read;
use support::TestApp;

#[each_database]
async fn admins_manage_endpoints_and_every_change_is_audited() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let created = create_endpoint(
            &app,
            &admin,
            "https://hooks.example.org/masthead",
            &["article.published"],
        )
        .await;
        let id = created["id"].as_str().unwrap().to_owned();
        let first_secret = created["secret"].as_str().unwrap().to_owned();
        assert!(first_secret.starts_with("whsec_"));
        assert_eq!(created["enabled"], true);
        assert_eq!(created["events"], json!(["article.published"]));

        let list = read(
            app.request(Method::GET, "/admin/webhooks", Some(&admin))
                .send()
                .await
                .unwrap(),
            200,
            "list",
        )
        .await;
        assert_eq!(list["data"].as_array().unwrap().len(), 1);
        assert!(list["data"][0].get("secret").is_none(), "{list}");

        let path = format!("/admin/webhooks/{id}");
        let patched = read(
            app.request(Method::PATCH, &path, Some(&admin))
                .json(&json!({ "events": ["reply.pending", "article.updated"], "enabled": false, "description": "Moderation bot" }))
                .send()
                .await
                .unwrap(),
            200,
            "patch",
        )
        .await;
        assert_eq!(
            patched["events"],
            json!(["article.updated", "reply.pending"])
        );
        assert_eq!(patched["enabled"], false);
        assert_eq!(patched["description"], "Moderation bot");
        assert!(patched.get("secret").is_none());

        let rotated = read(
            app.request(Method::POST, &format!("{path}/rotate-secret"), Some(&admin))
                .send()
                .await
                .unwrap(),
            200,
            "rotate",
        )
        .await;
        let second = rotated["secret"].as_str().unwrap();
        assert!(
            second.starts_with("whsec_") && second != first_secret,
            "{rotated}"
        );
        assert!(
            rotated["previous_secret_expires_at"].is_string(),
            "{rotated}"
        );
        // The old secret keeps signing for the grace period.
        let stored = app
            .store()
            .await
            .webhooks()
            .get(id.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            stored.signing_secrets(masthead_persistence::now()),
            [second, first_secret.as_str()]
        );
        let later = masthead_persistence::now() + chrono::Duration::hours(25);
        assert_eq!(stored.signing_secrets(later), [second]);

        let deleted = app
            .request(Method::DELETE, &path, Some(&admin))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);
        let gone = app
            .request(Method::GET, &path, Some(&admin))
            .send()
            .await
            .unwrap();
        problem(gone, 404, "deleted endpoint").await;

        let audit = read(
            app.request(
                Method::GET,
                "/admin/audit?subject_type=webhook",
                Some(&admin),
            )
            .send()
            .await
            .unwrap(),
            200,
            "audit",
        )
        .await;
        let actions: Vec<&str> = audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["delete", "rotate_secret", "update", "create"],
            "{audit}"
        );
        assert!(
            !audit.to_string().contains("whsec_"),
            "secrets stay out of the audit log"
        );
    }
}

#[each_database]
async fn only_admins_may_touch_webhooks() {
    for app in TestApp::spawn_all_with(dev_settings).await {
        let admin = app.sign_in_new(Role::Admin).await;
        let created = create_endpoint(
            &app,
            &admin,
            "https://hooks.example.org/a",
            &["article.published"],
        )
        .await;
        let id = created["id"].as_str().unwrap();
        let requests = [
            (Method::GET, "/admin/webhooks".to_owned()),
            (Method::POST, "/admin/webhooks".to_owned()),
            (Method::GET, format!("/admin/webhooks/{id}")),
            (Method::PATCH, format!("/admin/webhooks/{id}")),
            (Method::DELETE, format!("/admin/webhooks/{id}")),
            (Method::POST, format!("/admin/webhooks/{id}/rotate-secret")),
            (Method::GET, format!("/admin/webhooks/{id}/deliveries")),
        ];
        for role in [Role::Editor, Role::Author] {
            let session = app.sign_in_new(role).await;
            for (method, path) in &requests {
                let response = app
                    .request(method.clone(), path, Some(&session))
                    .json(&json!({ "url": "https://x.example", "events": ["article.published"] }))
                    .send()
                    .await
                    .unwrap();
                let refused = problem(response, 403, &format!("{role:?} {method} {path}")).await;
                assert_eq!(refused["code"], "FORBIDDEN");
            }
        }
        for (method, path) in &requests {
            let response = app
                .request(method.clone(), path, None)
                .send()
                .await
                .unwrap();
            problem(response, 401, &format!("anonymous {method} {path}")).await;
        }
        // Nothing changed.
        let still = read(
            app.request(Method::GET, &format!("/admin/webhooks/{id}"), Some(&admin))
                .send()
                .await
                .unwrap(),
            200,
            "still",
        )
        .await;
        assert_eq!(still["enabled"], true);
    }
}

async fn refused(app: &TestApp, session: &support::Session, input: Value) -> Vec<String> {
    let response = app
        .request(Method::POST, "/admin/webhooks", Some(session))
        .json(&input)
        .send()
        .await
        .unwrap();
    let problem = problem(response, 422, &input.to_string()).await;
    assert_eq!(problem["code"], "BAD_USER_INPUT", "{problem}");
    error_fields(&problem)
}

#[each_database]
async fn bad_input_is_refused_field_by_field() {
    for app in TestApp::spawn_all().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let ok = "https://hooks.example.org/x";
        assert_eq!(
            refused(
                &app,
                &admin,
                json!({ "url": "not a url", "events": ["article.published"] })
            )
            .await,
            ["url"]
        );
        assert_eq!(
            refused(
                &app,
                &admin,
                json!({ "url": "ftp://hooks.example.org", "events": ["article.published"] })
            )
            .await,
            ["url"]
        );
        assert_eq!(refused(&app, &admin, json!({ "url": "https://user:pw@hooks.example.org", "events": ["article.published"] })).await, ["url"]);
        assert_eq!(refused(&app, &admin, json!({ "url": format!("https://a.example/{}", "x".repeat(2100)), "events": ["article.published"] })).await, ["url"]);
        assert_eq!(
            refused(
                &app,
                &admin,
                json!({ "url": ok, "events": ["article.exploded"] })
            )
            .await,
            ["events[0]"]
        );
        assert_eq!(
            refused(&app, &admin, json!({ "url": ok, "events": [] })).await,
            ["events"]
        );
        let mut seven: Vec<&str> = ALL_EVENTS.to_vec();
        seven.push("article.published");
        assert_eq!(
            refused(&app, &admin, json!({ "url": ok, "events": seven })).await,
            ["events"]
        );
        assert_eq!(
            refused(
                &app,
                &admin,
                json!({ "url": ok, "events": ["reply.approved", "reply.approved"] })
            )
            .await,
            ["events[1]"]
        );
        assert_eq!(
            refused(
                &app,
                &admin,
                json!({ "url": ok, "events": ["reply.approved"], "description": "d".repeat(501) })
            )
            .await,
            ["description"]
        );
        // Every broken field at once.
        let mut all = refused(
            &app,
            &admin,
            json!({ "url": "", "events": ["nope"], "description": "d".repeat(501) }),
        )
        .await;
        all.sort();
        assert_eq!(all, ["description", "events[0]", "url"]);
        // Unknown fields and wrong types are malformed requests.
        let response = app
            .request(Method::POST, "/admin/webhooks", Some(&admin))
            .json(&json!({ "url": ok, "events": ["reply.approved"], "secret": "mine" }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        let response = app
            .request(Method::POST, "/admin/webhooks", Some(&admin))
            .json(&json!({ "url": ok, "events": "reply.approved" }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
        // PATCH checks the same way; an unknown endpoint is 404.
        let created = create_endpoint(&app, &admin, ok, &["reply.approved"]).await;
        let path = format!("/admin/webhooks/{}", created["id"].as_str().unwrap());
        let response = app
            .request(Method::PATCH, &path, Some(&admin))
            .json(&json!({ "events": ["bogus"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_fields(&problem(response, 422, "patch events").await),
            ["events[0]"]
        );
        let response = app
            .request(
                Method::PATCH,
                "/admin/webhooks/00000000-0000-0000-0000-000000000000",
                Some(&admin),
            )
            .json(&json!({ "enabled": true }))
            .send()
            .await
            .unwrap();
        problem(response, 404, "unknown endpoint").await;
        let response = app
            .request(Method::GET, "/admin/webhooks/not-an-id", Some(&admin))
            .send()
            .await
            .unwrap();
        problem(response, 404, "malformed id").await;
        let response = app
            .request(
                Method::GET,
                &format!("{path}/deliveries?limit=0"),
                Some(&admin),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_fields(&problem(response, 422, "limit").await),
            ["limit"]
        );
        assert_eq!(WebhookEventType::ALL.len(), ALL_EVENTS.len());
    }
}

/// Internal targets, by literal address and by a name that resolves to one
/// (`internal.test` is made to resolve to 10.0.0.1 by the hidden
/// `--webhooks-resolve` override, so this works offline).
#[each_database]
async fn internal_targets_are_refused_on_save_without_the_flags() {
    for app in TestApp::spawn_all_with(|s| {
        s.webhooks.webhooks_resolve = vec![
            "internal.test=10.0.0.1".into(),
            "metadata.test=169.254.169.254".into(),
        ]
    })
    .await
    {
        let admin = app.sign_in_new(Role::Admin).await;
        for url in [
            "https://127.0.0.1/hook",
            "https://[::1]/hook",
            "https://169.254.169.254/latest/meta-data",
            "https://[fd00:ec2::254]/",
            "https://10.1.2.3/",
            "https://192.168.0.10/",
            "https://[fe80::1]/",
            "https://internal.test/hook",
            "https://metadata.test/",
            "http://hooks.example.org/plain-http",
        ] {
            let fields = refused(
                &app,
                &admin,
                json!({ "url": url, "events": ["article.published"] }),
            )
            .await;
            assert_eq!(fields, ["url"], "{url}");
        }
        let response = app
            .request(Method::POST, "/admin/webhooks", Some(&admin))
            .json(&json!({ "url": "https://internal.test/hook", "events": ["article.published"] }))
            .send()
            .await
            .unwrap();
        let problem = problem(response, 422, "internal.test").await;
        assert!(problem.to_string().contains("10.0.0.1"), "{problem}");
    }
}

/// The send-time check: an endpoint whose name resolved to a public address
/// when it was saved but resolves to loopback now (DNS rebinding; stored
/// directly, as a save would have accepted it then) gets nothing, and
/// neither does a literal internal address.
#[each_database]
async fn internal_targets_are_refused_at_send_time() {
    for app in TestApp::spawn_all_with(|s| {
        s.webhooks.webhooks_allow_http = true;
        s.webhooks.webhooks_retry_base_ms = 60_000;
        s.webhooks.webhooks_poll_ms = 50;
        s.webhooks.webhooks_resolve = vec!["rebound.test=127.0.0.1".into()];
    })
    .await
    {
        let receiver = Receiver::start().await;
        let store = app.store().await;
        let events = vec![WebhookEventType::ArticlePublished];
        let mut ids = Vec::new();
        for url in [
            format!("http://rebound.test:{}/hook", receiver.port),
            receiver.url.clone(),
        ] {
            let endpoint = store
                .webhooks()
                .create(url, String::new(), events.clone(), "whsec_AAAA".into())
                .await
                .unwrap();
            ids.push(endpoint.id);
        }
        let editor = app.sign_in_new(Role::Editor).await;
        support::content::article(
            &store,
            "Rebinding",
            &[support::workflow::user_id(&editor)],
            &[],
            "Someone",
            support::content::published(0),
        )
        .await;
        for id in ids {
            let mut delivery = None;
            for _ in 0..100 {
                let page = store
                    .webhooks()
                    .deliveries(id, masthead_persistence::PageRequest::first(10))
                    .await
                    .unwrap();
                if let Some((_, found)) = page
                    .items
                    .into_iter()
                    .next()
                    .filter(|(_, d)| d.attempts > 0)
                {
                    delivery = Some(found);
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            let delivery = delivery.expect("an attempt");
            let error = delivery.last_error.unwrap_or_default();
            assert!(delivery.last_status_code.is_none(), "{error}");
            assert!(
                error.contains("no address webhooks may reach")
                    || error.contains("refused: 127.0.0.1"),
                "{}: {error}",
                app.backend
            );
        }
        assert!(
            receiver.received().is_empty(),
            "nothing reached the internal address"
        );
    }
}
