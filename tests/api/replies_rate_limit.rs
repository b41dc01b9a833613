//! Per-client rate limits on posting: refused with 429, `Retry-After` and
//! `RATE_LIMITED` past the limit, over REST and GraphQL alike, and accepted
//! again once the wait is over (not a second earlier). Staff are not limited.
//! The limits run on a manual clock the tests move: nothing sleeps.

use crate::reply_support;

use std::time::Duration;

use masthead_api::rate_limit::LimitClock;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::{json, Value};

#[each_database]
async fn past_the_limit_replies_are_refused_until_the_window_moves_on() {
    // Two replies per two seconds: a burst of two, then one a second.
    let clock = LimitClock::manual();
    let apps = spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.replies.reply_rate_limit = 2;
        settings.replies.reply_rate_window = 2;
    })
    .await;
    for app in apps {
        let slug = demo_articles(&app).await.moderated;
        for _ in 0..2 {
            let (status, _) = post_reply_json(&app, &slug, &reader(&unique("Hi")), None).await;
            assert_eq!(status, 202, "{}", app.backend);
        }
        let response = post_reply(&app, &slug, &reader(&unique("Too soon")), None).await;
        assert_eq!(response.status(), 429, "{}", app.backend);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            retry_after,
            crate::support::limit_wait(app.backend, 2, 2),
            "one reply comes back every second (SQLite), the window ends in 2 s (PostgreSQL)"
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "RATE_LIMITED");

        // GraphQL counts against the same client.
        let answer = graphql_as(
            &app,
            None,
            POST_REPLY,
            json!({ "slug": slug, "name": "Ana", "email": READER_EMAIL, "body": unique("GQL") }),
        )
        .await;
        assert_eq!(error_code(&answer), "RATE_LIMITED", "{answer}");
        assert!(
            answer["errors"][0]["extensions"]["retryAfter"]
                .as_u64()
                .unwrap()
                >= 1
        );

        // Staff are not limited.
        let editor = app.sign_in_new(Role::Editor).await;
        let (status, _) = post_reply_json(
            &app,
            &slug,
            &json!({ "body": unique("Staff answer") }),
            Some(&editor.access_token),
        )
        .await;
        assert_eq!(status, 201, "{}", app.backend);

        // After waiting as told, the reader may post again.
        clock.advance(Duration::from_secs(retry_after));
        let (status, reply) =
            post_reply_json(&app, &slug, &reader(&unique("After the wait")), None).await;
        assert_eq!(status, 202, "recovered ({}) {reply}", app.backend);
    }
}

#[each_database]
async fn the_daily_limit_refuses_with_a_long_wait_then_lets_the_client_back() {
    let clock = LimitClock::manual();
    let apps = spawn_all_with(|settings| {
        settings.limit_clock = clock.clone();
        settings.replies.reply_rate_limit = 100;
        settings.replies.reply_daily_limit = 3;
    })
    .await;
    for app in apps {
        let slug = demo_articles(&app).await.moderated;
        for _ in 0..3 {
            let (status, _) = post_reply_json(&app, &slug, &reader(&unique("Hi")), None).await;
            assert_eq!(status, 202, "{}", app.backend);
        }
        let response = post_reply(&app, &slug, &reader(&unique("A fourth")), None).await;
        assert_eq!(response.status(), 429, "{}", app.backend);
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        // One reply's share of a day, eight hours for three a day (SQLite);
        // the rest of the day (PostgreSQL).
        assert_eq!(
            retry_after,
            crate::support::limit_wait(app.backend, 3, 86_400)
        );
        clock.advance(Duration::from_secs(retry_after - 60));
        let response = post_reply(&app, &slug, &reader(&unique("Still early")), None).await;
        assert_eq!(response.status(), 429, "a minute early ({})", app.backend);
        clock.advance(Duration::from_secs(60));
        let (status, reply) =
            post_reply_json(&app, &slug, &reader(&unique("Next day's share")), None).await;
        assert_eq!(status, 202, "after the wait ({}) {reply}", app.backend);
    }
}

#[each_database]
async fn invalid_replies_do_not_use_up_the_limit() {
    let apps = spawn_all_with(|settings| {
        settings.replies.reply_rate_limit = 1;
        settings.replies.reply_rate_window = 3_600;
    })
    .await;
    for app in apps {
        let slug = demo_articles(&app).await.moderated;
        for _ in 0..3 {
            let response = post_reply(&app, &slug, &reader("   "), None).await;
            assert_eq!(response.status(), 422, "{}", app.backend);
        }
        let (status, _) = post_reply_json(&app, &slug, &reader(&unique("Fixed it")), None).await;
        assert_eq!(status, 202, "{}", app.backend);
        let response = post_reply(&app, &slug, &reader(&unique("Again")), None).await;
        assert_eq!(response.status(), 429, "{}", app.backend);
    }
}
