//! Subscriptions over WebSocket (`graphql-transport-ws` at `/graphql`): a
//! subscriber hears about replies approved and articles published after it
//! subscribed — on one node, and across two nodes sharing PostgreSQL.

use crate::support;

use std::time::Duration;

use futures_util::StreamExt;
use masthead_api::events::Event;
use masthead_domain::{Lifecycle, ReplyStatus, Role};
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::{each_database, postgres_only};
use serde_json::{json, Value};
use support::content::{self, published};
use support::ws::{connect, next, send, subscribe, until_subscribed, PATIENCE};
use support::TestApp;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const REPLY_ADDED: &str = "subscription($id: ID!) { replyAdded(articleId: $id) { body status parent { body } article { title } } }";
const ARTICLE_PUBLISHED: &str = "subscription { articlePublished { title status } }";

/// Subscribes on `listener`, raises events on `raiser` (the same node or
/// another), and checks that only public news arrives, in order.
async fn replies_and_publications_reach_subscribers(listener: &TestApp, raiser: &TestApp) {
    let writer = content::staff(&raiser.store, "Live Writer", Role::Author).await;
    let article = content::article(
        &raiser.store,
        "Live story",
        &[writer.id],
        &[],
        "S",
        published(1),
    )
    .await;
    let other = content::article(
        &raiser.store,
        "Other story",
        &[writer.id],
        &[],
        "S",
        published(2),
    )
    .await;
    let mut socket = connect(listener, json!({})).await;
    subscribe(
        &mut socket,
        "replies",
        REPLY_ADDED,
        json!({ "id": article.id.to_string() }),
    )
    .await;
    subscribe(&mut socket, "published", ARTICLE_PUBLISHED, json!({})).await;
    until_subscribed(listener, 2).await;

    let parent = content::reply(
        &raiser.store,
        &article,
        None,
        "Earlier reply",
        ReplyStatus::Approved,
    )
    .await;
    let pending = content::reply(
        &raiser.store,
        &article,
        None,
        "Still pending",
        ReplyStatus::Pending,
    )
    .await;
    let elsewhere = content::reply(
        &raiser.store,
        &other,
        None,
        "Another article",
        ReplyStatus::Approved,
    )
    .await;
    let approved = content::reply(
        &raiser.store,
        &article,
        Some(parent.id),
        "Now approved",
        ReplyStatus::Approved,
    )
    .await;
    for (article_id, reply_id) in [
        (article.id, pending.id),
        (other.id, elsewhere.id),
        (article.id, approved.id),
    ] {
        raiser.events.publish(Event::ReplyApproved {
            article_id,
            reply_id,
        });
    }
    let message = next(&mut socket).await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "replies");
    assert_eq!(
        message["payload"]["data"]["replyAdded"],
        json!({ "body": "Now approved", "status": "APPROVED", "parent": { "body": "Earlier reply" }, "article": { "title": "Live story" } }),
        "only the approved reply under the subscribed article arrives ({})",
        listener.backend
    );

    let draft = content::article(
        &raiser.store,
        "Not yet public",
        &[writer.id],
        &[],
        "S",
        Lifecycle::draft(),
    )
    .await;
    raiser.events.publish(Event::ArticlePublished {
        article_id: draft.id,
    });
    let now = masthead_persistence::now();
    raiser
        .store
        .articles()
        .change_lifecycle(draft.id, None, |lifecycle| lifecycle.publish(now))
        .await
        .unwrap();
    raiser.events.publish(Event::ArticlePublished {
        article_id: draft.id,
    });
    let message = next(&mut socket).await;
    assert_eq!(message["id"], "published", "{message}");
    assert_eq!(
        message["payload"]["data"]["articlePublished"],
        json!({ "title": "Not yet public", "status": "PUBLISHED" })
    );

    send(&mut socket, json!({ "id": "replies", "type": "complete" })).await;
    send(
        &mut socket,
        json!({ "id": "published", "type": "complete" }),
    )
    .await;
    tokio::time::timeout(PATIENCE, async {
        while listener.events.subscriber_count() > 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("completed subscriptions let go of the bus");
}

#[each_database]
async fn a_subscriber_hears_replies_approved_and_articles_published_after_it_subscribed() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        replies_and_publications_reach_subscribers(&app, &app).await;
    }
}

#[postgres_only]
async fn events_raised_on_one_node_reach_subscribers_on_another_through_postgresql() {
    let database = TestDatabase::postgres()
        .await
        .expect("#[postgres_only] runs with a PostgreSQL server");
    let first = TestApp::spawn_with(database, |settings| settings.demo = false).await;
    let second = first.spawn_peer().await;
    replies_and_publications_reach_subscribers(&second, &first).await;
    replies_and_publications_reach_subscribers(&first, &second).await;
}

#[each_database]
async fn subscriptions_see_what_their_caller_may_see() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let writer = content::staff(&app.store, "Draft Writer", Role::Author).await;
        let draft = content::article(
            &app.store,
            "Draft",
            &[writer.id],
            &[],
            "S",
            Lifecycle::draft(),
        )
        .await;
        let mut anonymous = connect(&app, json!({})).await;
        subscribe(
            &mut anonymous,
            "1",
            REPLY_ADDED,
            json!({ "id": draft.id.to_string() }),
        )
        .await;
        let refused = next(&mut anonymous).await;
        assert_eq!(refused["type"], "next", "{}: {refused}", app.backend);
        assert_eq!(refused["payload"]["data"], Value::Null);
        assert_eq!(
            refused["payload"]["errors"][0]["extensions"]["code"],
            "NOT_FOUND"
        );
        assert_eq!(next(&mut anonymous).await["type"], "complete");

        subscribe(
            &mut anonymous,
            "2",
            "subscription { replyAdded(articleId: \"nonsense\") { body } }",
            json!({}),
        )
        .await;
        let bad = next(&mut anonymous).await;
        assert_eq!(
            bad["payload"]["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{bad}"
        );

        let editor = app.sign_in_new(Role::Editor).await;
        let mut staff = connect(
            &app,
            json!({ "Authorization": format!("Bearer {}", editor.access_token) }),
        )
        .await;
        subscribe(
            &mut staff,
            "1",
            REPLY_ADDED,
            json!({ "id": draft.id.to_string() }),
        )
        .await;
        until_subscribed(&app, 1).await;

        let url = format!("{}/graphql", app.address.replace("http://", "ws://"));
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            "graphql-transport-ws".parse().unwrap(),
        );
        let (mut forged, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        send(
            &mut forged,
            json!({ "type": "connection_init", "payload": { "Authorization": "Bearer forged" } }),
        )
        .await;
        let closed = tokio::time::timeout(PATIENCE, forged.next())
            .await
            .expect("an answer");
        assert!(
            matches!(closed, Some(Ok(Message::Close(_))) | None | Some(Err(_))),
            "a forged token closes the connection: {closed:?}"
        );
    }
}

#[each_database]
async fn a_connection_holds_a_bounded_number_of_subscriptions() {
    let max = masthead_api::graphql::subscription::MAX_PER_CONNECTION;
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let mut socket = connect(&app, json!({})).await;
        for i in 0..max {
            subscribe(&mut socket, &format!("s{i}"), ARTICLE_PUBLISHED, json!({})).await;
        }
        until_subscribed(&app, max).await;
        subscribe(&mut socket, "one-too-many", ARTICLE_PUBLISHED, json!({})).await;
        let refused = next(&mut socket).await;
        assert_eq!(refused["id"], "one-too-many", "{}: {refused}", app.backend);
        assert_eq!(
            refused["payload"]["errors"][0]["extensions"]["code"],
            "RATE_LIMITED"
        );
        assert_eq!(refused["payload"]["errors"][0]["extensions"]["max"], max);
        assert_eq!(next(&mut socket).await["type"], "complete");

        send(&mut socket, json!({ "id": "s0", "type": "complete" })).await;
        tokio::time::timeout(PATIENCE, async {
            while app.events.subscriber_count() >= max {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await
        .expect("a completed subscription frees its place");
        subscribe(&mut socket, "again", ARTICLE_PUBLISHED, json!({})).await;
        until_subscribed(&app, max).await;
        // A second connection has a budget of its own.
        let mut other = connect(&app, json!({})).await;
        subscribe(&mut other, "s0", ARTICLE_PUBLISHED, json!({})).await;
        until_subscribed(&app, max + 1).await;
    }
}

/// What a subscription may deliver is decided at every event: an anonymous
/// subscriber hears nothing of an article once it is unpublished, and a member
/// of staff whose account is disabled loses the subscription.
#[each_database]
async fn subscriptions_lose_what_the_subscriber_may_no_longer_see() {
    for app in TestApp::spawn_all().await {
        let writer = content::staff(&app.store, "Watched Writer", Role::Author).await;
        let article = content::article(
            &app.store,
            "Watched story",
            &[writer.id],
            &[],
            "S",
            published(1),
        )
        .await;
        let mut anonymous = connect(&app, json!({})).await;
        subscribe(
            &mut anonymous,
            "replies",
            REPLY_ADDED,
            json!({ "id": article.id.to_string() }),
        )
        .await;
        let editor = app.sign_in_new(Role::Editor).await;
        let mut staff = connect(
            &app,
            json!({ "Authorization": format!("Bearer {}", editor.access_token) }),
        )
        .await;
        subscribe(
            &mut staff,
            "staff",
            REPLY_ADDED,
            json!({ "id": article.id.to_string() }),
        )
        .await;
        until_subscribed(&app, 2).await;

        // Unpublished: the approval is not announced to the anonymous subscriber.
        let now = masthead_persistence::now();
        let draft = app
            .store
            .articles()
            .change_lifecycle(article.id, None, |lifecycle| lifecycle.unpublish(now))
            .await
            .unwrap();
        let hidden = content::reply(
            &app.store,
            &article,
            None,
            "While unpublished",
            ReplyStatus::Approved,
        )
        .await;
        app.events.publish(Event::ReplyApproved {
            article_id: article.id,
            reply_id: hidden.id,
        });
        // Staff still see it (drafts are theirs to see).
        let message = next(&mut staff).await;
        assert_eq!(
            message["payload"]["data"]["replyAdded"]["body"], "While unpublished",
            "{}: {message}",
            app.backend
        );

        // Public again: the next approval reaches the anonymous subscriber,
        // and it is the first thing it hears.
        app.store
            .articles()
            .change_lifecycle(article.id, Some(draft.version), |lifecycle| {
                lifecycle.publish(masthead_persistence::now())
            })
            .await
            .unwrap();
        let shown = content::reply(
            &app.store,
            &article,
            None,
            "Public again",
            ReplyStatus::Approved,
        )
        .await;
        app.events.publish(Event::ReplyApproved {
            article_id: article.id,
            reply_id: shown.id,
        });
        let message = next(&mut anonymous).await;
        assert_eq!(
            message["payload"]["data"]["replyAdded"]["body"], "Public again",
            "{}: the unpublished article's reply must not arrive: {message}",
            app.backend
        );
        assert_eq!(
            next(&mut staff).await["payload"]["data"]["replyAdded"]["body"],
            "Public again"
        );

        // The editor's account is disabled: the subscription ends.
        app.store
            .users()
            .set_active(editor.user_id.parse().unwrap(), false)
            .await
            .unwrap();
        let last = content::reply(
            &app.store,
            &article,
            None,
            "After disabling",
            ReplyStatus::Approved,
        )
        .await;
        app.events.publish(Event::ReplyApproved {
            article_id: article.id,
            reply_id: last.id,
        });
        let message = next(&mut staff).await;
        assert_eq!(message["type"], "complete", "{}: {message}", app.backend);
        assert_eq!(message["id"], "staff");
        assert_eq!(
            next(&mut anonymous).await["payload"]["data"]["replyAdded"]["body"],
            "After disabling"
        );
    }
}
