//! Two server nodes on one PostgreSQL database count sign-in and reply limits
//! together: the limit holds for the sum of what both nodes were asked, not
//! for each node on its own.

use crate::reply_support;
use crate::support;

use masthead_api::rate_limit::LimitClock;
use masthead_api::Settings;
use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::postgres_only;
use reply_support::{demo_articles, post_reply, post_reply_json, reader, unique};
use serde_json::json;
use support::TestApp;

async fn login_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.client
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

/// Both nodes read one manual clock, so a window cannot end mid-test.
fn limits(clock: &LimitClock) -> impl Fn(&mut Settings) + '_ {
    move |settings| {
        settings.limit_clock = clock.clone();
        settings.login_ip_limit = 4;
        settings.login_ip_window = 3_600;
        settings.login_account_failures = 3;
        settings.login_account_window = 3_600;
        settings.replies.reply_rate_limit = 3;
        settings.replies.reply_rate_window = 3_600;
    }
}

#[postgres_only]
async fn two_nodes_allow_the_sign_in_limit_once_between_them() {
    for database in TestDatabase::all().await {
        let clock = LimitClock::manual();
        let a = TestApp::spawn_with(database, limits(&clock)).await;
        let b = a.spawn_peer_with(limits(&clock)).await;
        // Four attempts from one client, two on each node, each for another
        // account so only the per-client limit counts.
        for (n, node) in [&a, &b, &a, &b].into_iter().enumerate() {
            let email = format!("nobody{n}@newsroom.example");
            assert_eq!(login_status(node, &email, "a wrong guess").await, 401);
        }
        // Each node has seen two: alone it would allow two more.
        assert_eq!(login_status(&a, "x@newsroom.example", "guess").await, 429);
        assert_eq!(login_status(&b, "y@newsroom.example", "guess").await, 429);
        // The window passes for both at once.
        clock.advance(std::time::Duration::from_secs(3_600));
        assert_eq!(login_status(&b, "z@newsroom.example", "guess").await, 401);
    }
}

#[postgres_only]
async fn failures_on_both_nodes_lock_the_account_on_both() {
    for database in TestDatabase::all().await {
        let clock = LimitClock::manual();
        let generous = |settings: &mut Settings| {
            limits(&clock)(settings);
            settings.login_ip_limit = 100;
        };
        let a = TestApp::spawn_with(database, generous).await;
        let b = a.spawn_peer_with(generous).await;
        let victim = a.sign_in_new(Role::Author).await;
        for node in [&a, &b, &a] {
            assert_eq!(
                login_status(node, &victim.email, "a wrong guess").await,
                401
            );
        }
        // Three failures between them: locked everywhere, even for the right password.
        assert_eq!(login_status(&a, &victim.email, &victim.password).await, 429);
        assert_eq!(login_status(&b, &victim.email, &victim.password).await, 429);
        clock.advance(std::time::Duration::from_secs(3_600));
        assert_eq!(login_status(&b, &victim.email, &victim.password).await, 200);
    }
}

#[postgres_only]
async fn two_nodes_allow_the_reply_limit_once_between_them() {
    for database in TestDatabase::all().await {
        let clock = LimitClock::manual();
        let a = TestApp::spawn_with(database, limits(&clock)).await;
        let b = a.spawn_peer_with(limits(&clock)).await;
        let slug = demo_articles(&a).await.moderated;
        for node in [&a, &b, &a] {
            let (status, reply) = post_reply_json(node, &slug, &reader(&unique("Hi")), None).await;
            assert_eq!(status, 202, "{reply}");
        }
        for node in [&b, &a] {
            let refused = post_reply(node, &slug, &reader(&unique("One more")), None).await;
            assert_eq!(refused.status(), 429);
            let wait: u64 = refused.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(wait, 3_600, "the rest of the window");
        }
    }
}
