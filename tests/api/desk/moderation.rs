//! Moderating replies in the desk: under a published article whose replies
//! wait for approval, two readers reply anonymously (over REST). An editor
//! opens "Replies", sees them counted as pending, approves one and marks the
//! other as spam with the buttons on each reply's card; the public thread
//! then shows exactly the approved one.

use fantoccini::Locator;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

use super::steps::{capture, capturing, click_button_within, literal};
use super::{staff, Browser};
use crate::support::{Session, TestApp};

const TITLE: &str = "Lifeboat station asks for volunteers";
/// The reader whose reply is approved, and what they wrote.
const KEPT: (&str, &str) = (
    "Tamsin Hale",
    "I crewed the old boat for nine years. Happy to show new volunteers the ropes.",
);
/// The reader whose reply is spam.
const SPAM: (&str, &str) = (
    "Best Crypto Deals",
    "Earn 500 crowns a day from home, click the link in my profile!",
);

/// A published article with reply policy `moderated`, by `editor`: its slug.
async fn moderated_article(app: &TestApp, editor: &Session) -> String {
    let created = app
        .create_article(
            editor,
            &json!({
                "title": TITLE,
                "standfirst": "The crew is short of four people for the winter rota.",
                "reply_policy": "moderated",
                "sections": [{ "heading": null, "blocks": [{
                    "type": "paragraph",
                    "markdown": "The station on the east pier needs volunteers who can be there in ten minutes."
                }]}]
            }),
        )
        .await;
    let id = created["id"].as_str().expect("an id");
    let answer = app
        .send(
            Method::POST,
            &format!("/api/v1/admin/articles/{id}/publish"),
            Some(&editor.access_token),
            None,
        )
        .await;
    let status = answer.status();
    let published: Value = answer.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{}: publish: {published}", app.backend);
    assert_eq!(published["status"], "published");
    assert_eq!(published["reply_policy"], "moderated");
    created["slug"].as_str().expect("a slug").to_owned()
}

/// A reader's reply, anonymous: it waits for a moderator (`202`). Its id.
async fn reply(app: &TestApp, slug: &str, (name, body): (&str, &str)) -> String {
    let email = format!("{}@readers.example", name.to_lowercase().replace(' ', "."));
    let answer = app
        .send(
            Method::POST,
            &format!("/api/v1/articles/{slug}/replies"),
            None,
            Some(&json!({ "author_name": name, "author_email": email, "body": body })),
        )
        .await;
    let status = answer.status();
    let posted: Value = answer.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 202, "{}: reply by {name}: {posted}", app.backend);
    assert_eq!(posted["status"], "pending");
    posted["id"].as_str().expect("an id").to_owned()
}

/// The queue's counts per status (`GET /admin/replies`), as the tabs say them.
async fn counts(app: &TestApp, moderator: &Session) -> Value {
    let answer = app
        .send(
            Method::GET,
            "/api/v1/admin/replies?status=all",
            Some(&moderator.access_token),
            None,
        )
        .await;
    assert_eq!(answer.status(), 200, "{}", app.backend);
    let page: Value = answer.json().await.expect("JSON");
    page["counts"].clone()
}

/// The tab of `status` with its count, as the page shows it: "Pending (2)".
fn tab(label: &str, counts: &Value, status: &str) -> String {
    format!("{label} ({})", counts[status].as_i64().expect("a count"))
}

/// The card (`li.reply-card`) of the reply by `name`.
fn card_of(name: &str) -> String {
    format!(
        "//li[contains(@class, 'reply-card')][.//h2[normalize-space()={}]]",
        literal(name)
    )
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn a_moderator_approves_one_reply_and_marks_another_as_spam() {
    let apps = TestApp::spawn_all_with(|settings| {
        settings.replies.reply_rate_limit = 10_000;
        settings.replies.reply_daily_limit = 10_000;
    })
    .await;
    for app in apps {
        let editor = staff(&app, Role::Editor).await;
        let desk = app.sign_in_new(Role::Editor).await;
        let slug = moderated_article(&app, &desk).await;
        let kept = reply(&app, &slug, KEPT).await;
        let spam = reply(&app, &slug, SPAM).await;
        let before = counts(&app, &desk).await;
        assert!(before["pending"].as_i64() >= Some(2), "{before}");
        let admin = if capturing(&app) {
            Some(staff(&app, Role::Admin).await)
        } else {
            None
        };
        let Some(browser) = Browser::start(&app, "moderation_replies").await else {
            return;
        };
        browser
            .run(async {
                browser.sign_in(&editor.email, &editor.password).await;
                browser.click_link("Replies").await;
                browser.wait_for_text(KEPT.1).await;
                browser.wait_for_text(SPAM.1).await;
                assert_eq!(browser.text_of("main h1").await, "Replies");
                for (label, status) in [
                    ("Pending", "pending"),
                    ("Approved", "approved"),
                    ("Spam", "spam"),
                ] {
                    browser.wait_for_text(&tab(label, &before, status)).await;
                }
                let card = browser
                    .wait_for(
                        Locator::XPath(&card_of(KEPT.0)),
                        "the approved reply's card",
                    )
                    .await
                    .text()
                    .await
                    .expect("the card's text");
                assert!(
                    card.contains(&format!("On {TITLE}")),
                    "thread context: {card}"
                );
                browser.axe_scan("replies").await;
                capture(&browser, &app, "replies").await;

                click_button_within(&browser, &card_of(KEPT.0), "Approve").await;
                browser
                    .wait_for_text(&format!("Approved: the reply by {}.", KEPT.0))
                    .await;
                browser.wait_for_no_text(KEPT.1).await;
                click_button_within(&browser, &card_of(SPAM.0), "Spam").await;
                browser
                    .wait_for_text(&format!("Marked as spam: the reply by {}.", SPAM.0))
                    .await;
                browser.wait_for_no_text(SPAM.1).await;

                let after = counts(&app, &desk).await;
                assert_eq!(
                    after["pending"].as_i64(),
                    before["pending"].as_i64().map(|n| n - 2),
                    "{after}"
                );
                assert_eq!(
                    after["approved"].as_i64(),
                    before["approved"].as_i64().map(|n| n + 1),
                    "{after}"
                );
                assert_eq!(
                    after["spam"].as_i64(),
                    before["spam"].as_i64().map(|n| n + 1),
                    "{after}"
                );
                for (label, status) in [
                    ("Pending", "pending"),
                    ("Approved", "approved"),
                    ("Spam", "spam"),
                ] {
                    browser.wait_for_text(&tab(label, &after, status)).await;
                }
                browser.axe_scan("replies after moderating").await;

                // The spam tab holds the other one.
                browser.click_link(&tab("Spam", &after, "spam")).await;
                browser.wait_for_text(SPAM.1).await;

                // For the README only: the admin's Users screen.
                if let Some(admin) = &admin {
                    browser.sign_out().await;
                    browser.sign_in(&admin.email, &admin.password).await;
                    browser.click_link("Users").await;
                    browser.wait_for_text(&admin.email).await;
                    capture(&browser, &app, "users").await;
                }
            })
            .await;

        let answer = app
            .get(&format!("/api/v1/articles/{slug}/replies?limit=100"))
            .await;
        assert_eq!(answer.status(), 200, "{}", app.backend);
        let thread: Value = answer.json().await.expect("JSON");
        let shown = thread["data"].as_array().expect("data");
        assert_eq!(shown.len(), 1, "{}: exactly one: {thread:#}", app.backend);
        assert_eq!(shown[0]["id"], kept.as_str());
        assert_eq!(shown[0]["author_name"], KEPT.0);
        assert_eq!(shown[0]["body"], KEPT.1);
        assert!(
            !thread.to_string().contains(&spam),
            "{}: the spam is not public",
            app.backend
        );
    }
}
