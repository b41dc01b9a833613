//! A subscription connection whose caller no longer holds it is closed with
//! the `graphql-transport-ws` close code, not left open: `4403 Forbidden` when
//! the account was disabled or its role changed, `4401 Unauthorized` when the
//! access token expired or the account's sessions were ended. Nothing is
//! delivered to it after the change.

use crate::support;

use masthead_api::events::Event;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::content::{self, published};
use support::ws::{close_code, connect, subscribe, until_subscribed};
use support::{Session, TestApp};

const ARTICLE_PUBLISHED: &str = "subscription { articlePublished { title status } }";

/// A staff connection with one live `articlePublished` subscription.
async fn subscribed(app: &TestApp, session: &Session) -> support::ws::Socket {
    let mut socket = connect(
        app,
        json!({ "Authorization": format!("Bearer {}", session.access_token) }),
    )
    .await;
    subscribe(&mut socket, "published", ARTICLE_PUBLISHED, json!({})).await;
    until_subscribed(app, 1).await;
    socket
}

/// Publishes an article and announces it, as the workflow does.
async fn announce(app: &TestApp) {
    let writer = content::staff(&app.store, "Late Writer", Role::Author).await;
    let article = content::article(
        &app.store,
        "Announced after the change",
        &[writer.id],
        &[],
        "S",
        published(0),
    )
    .await;
    app.events.publish(Event::ArticlePublished {
        article_id: article.id,
    });
}

fn delivered_nothing(before: &[Value]) -> bool {
    before.iter().all(|message| message["type"] != "next")
}

/// An admin changes the subscriber's account with `change`; the next event
/// closes its connection with `code`, delivering nothing.
async fn account_change_closes_with(change: Value, code: u16) {
    for app in TestApp::spawn_all().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let mut socket = subscribed(&app, &editor).await;
        let response = app
            .send(
                Method::PATCH,
                &format!("/api/v1/admin/users/{}", editor.user_id),
                Some(&admin.access_token),
                Some(&change),
            )
            .await;
        assert_eq!(response.status(), 200, "{}", app.backend);
        announce(&app).await;
        let (closed, before) = close_code(&mut socket).await;
        assert_eq!(closed, code, "{}: {before:?}", app.backend);
        assert!(delivered_nothing(&before), "{}: {before:?}", app.backend);
    }
}

#[each_database]
async fn a_disabled_account_loses_its_connection_with_4403() {
    account_change_closes_with(json!({ "active": false }), 4403).await;
}

#[each_database]
async fn a_changed_role_loses_its_connection_with_4403() {
    account_change_closes_with(json!({ "role": "author" }), 4403).await;
}

#[each_database]
async fn ended_sessions_lose_their_connection_with_4401() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut socket = subscribed(&app, &editor).await;
        let response = app
            .send(
                Method::POST,
                "/api/v1/auth/password",
                Some(&editor.access_token),
                Some(&json!({
                    "current_password": editor.password,
                    "new_password": "an entirely new passphrase 7431"
                })),
            )
            .await;
        assert!(
            response.status().is_success(),
            "{}: {}",
            app.backend,
            response.text().await.unwrap_or_default()
        );
        announce(&app).await;
        let (code, before) = close_code(&mut socket).await;
        assert_eq!(code, 4401, "{}: {before:?}", app.backend);
        assert!(delivered_nothing(&before), "{}: {before:?}", app.backend);
    }
}

/// No event needed: the connection is closed when the token expires.
#[each_database]
async fn an_expired_access_token_loses_its_connection_with_4401() {
    for app in TestApp::spawn_all_with(|settings| settings.access_token_ttl = 2).await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut socket = subscribed(&app, &editor).await;
        let (code, before) = close_code(&mut socket).await;
        assert_eq!(code, 4401, "{}: {before:?}", app.backend);
        assert!(delivered_nothing(&before), "{}: {before:?}", app.backend);
    }
}

#[each_database]
async fn an_anonymous_connection_and_a_valid_staff_one_stay_open_and_hear_events() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut staff = subscribed(&app, &editor).await;
        let mut anonymous = connect(&app, json!({})).await;
        subscribe(&mut anonymous, "published", ARTICLE_PUBLISHED, json!({})).await;
        until_subscribed(&app, 2).await;
        announce(&app).await;
        for socket in [&mut staff, &mut anonymous] {
            let message = support::ws::next(socket).await;
            assert_eq!(
                message["payload"]["data"]["articlePublished"]["title"],
                "Announced after the change",
                "{}: {message}",
                app.backend
            );
        }
    }
}
