//! Two people on one article: an author's article waits in review; an editor
//! opens it from the "In review" tab while the author saves a change too
//! (over REST, with `If-Match`, as any other client would). The editor's
//! save meets the conflict screen — what the author changed, who saved it,
//! nothing overwritten — and "Re-apply mine on top of theirs" keeps both
//! texts. The editor then schedules it a few seconds ahead in the browser's
//! time zone, and it appears on the public REST and GraphQL reads at that
//! time, not before.

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

use super::steps::{admin_article, capture};
use super::{staff, Browser};
use crate::support::{Session, TestApp};

const TITLE: &str = "Harbour pilots agree a night rota";
const LEDE: &str =
    "The pilots who guide tankers into Port Averly will work a night rota from June.";
/// What the author adds to the lede while the editor edits.
const AUTHORS_WORDS: &str = " Their union says the rota is a trial of six months.";
const STANDFIRST: &str = "A deal after three weeks of talks.";
/// The editor's standfirst.
const EDITORS_STANDFIRST: &str =
    "After three weeks of talks, the harbour has pilots on duty all night.";

/// How far ahead the editor schedules it.
const AHEAD: i64 = 10;
/// How long after its time the article may take to show.
const WITHIN: Duration = Duration::from_secs(20);

/// The author's article, saved and submitted over REST: `(id, slug, version)`.
async fn article_in_review(app: &TestApp, author: &Session) -> (String, String, i64) {
    let created = app
        .create_article(
            author,
            &json!({
                "title": TITLE,
                "standfirst": STANDFIRST,
                "sections": [
                    { "heading": null, "blocks": [{ "type": "paragraph", "markdown": LEDE }] },
                    { "heading": "🧭 What changes", "blocks": [
                        { "type": "paragraph", "markdown": "Two pilots stay on call between midnight and six." },
                        { "type": "pull_quote", "text": "Ships do not wait for daylight.",
                          "speaker": "Aled Morrow", "context": "the harbour master" }
                    ]}
                ]
            }),
        )
        .await;
    let id = created["id"].as_str().expect("an id").to_owned();
    let slug = created["slug"].as_str().expect("a slug").to_owned();
    let answer = app
        .send(
            Method::POST,
            &format!("/api/v1/admin/articles/{id}/submit"),
            Some(&author.access_token),
            None,
        )
        .await;
    let status = answer.status();
    let submitted: Value = answer.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{}: submit: {submitted}", app.backend);
    assert_eq!(submitted["status"], "in_review");
    let version = submitted["version"].as_i64().expect("a version");
    (id, slug, version)
}

/// The author adds [`AUTHORS_WORDS`] to the lede: GET, change, PUT with
/// `If-Match`. Answers the new version.
async fn author_edits_too(app: &TestApp, author: &Session, id: &str) -> i64 {
    let mut article = admin_article(app, author, id).await;
    let version = article["version"].as_i64().expect("a version");
    article["sections"][0]["blocks"][0]["markdown"] = json!(format!("{LEDE}{AUTHORS_WORDS}"));
    let answer = app
        .client
        .put(app.api(&format!("/admin/articles/{id}")))
        .bearer_auth(&author.access_token)
        .header("If-Match", format!("\"{version}\""))
        .json(&article)
        .send()
        .await
        .expect("PUT the article");
    let status = answer.status();
    let saved: Value = answer.json().await.unwrap_or(Value::Null);
    assert_eq!(status, 200, "{}: the author's save: {saved}", app.backend);
    saved["version"].as_i64().expect("a version")
}

/// `at` as a `datetime-local` value in the browser's own time zone.
async fn local_input(browser: &Browser, at: DateTime<Utc>) -> String {
    let value = browser
        .execute(
            "const at = new Date(arguments[0]);
             const pad = (n) => String(n).padStart(2, '0');
             return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`
               + `T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;",
            vec![json!(at.timestamp_millis())],
        )
        .await;
    value.as_str().expect("a local date-time").to_owned()
}

/// Polls the public REST and GraphQL reads of `slug` until both show the
/// article: each must say "not there" before `at` (REST at least once) and
/// show it from `at` on, within [`WITHIN`].
async fn appears_at(app: &TestApp, slug: &str, at: DateTime<Utc>) {
    let path = format!("/api/v1/articles/{slug}");
    let query = "query($slug: String!) { article(slug: $slug) { title } }";
    let deadline = at + chrono::Duration::from_std(WITHIN).unwrap();
    let (mut hidden, mut rest_seen, mut graphql_seen) = (0, None, None);
    while Utc::now() < deadline && (rest_seen.is_none() || graphql_seen.is_none()) {
        if rest_seen.is_none() {
            let asked = Utc::now();
            let answer = app.get(&path).await;
            let answered = Utc::now();
            match answer.status().as_u16() {
                // Hidden before its time; a moment after it, still hidden
                // is allowed (until the deadline).
                404 if asked < at => hidden += 1,
                404 => {}
                200 => {
                    assert!(
                        answered >= at,
                        "{}: REST shows it before its time",
                        app.backend
                    );
                    let article: Value = answer.json().await.expect("JSON");
                    assert_eq!(article["title"], TITLE);
                    assert_eq!(article["status"], "published");
                    assert_eq!(article["standfirst"], EDITORS_STANDFIRST);
                    rest_seen = Some(answered);
                }
                other => panic!("{}: GET {path}: {other}", app.backend),
            }
        }
        if graphql_seen.is_none() {
            let answer = app.graphql(query, json!({ "slug": slug })).await;
            let answered = Utc::now();
            assert!(answer.get("errors").is_none(), "{}: {answer}", app.backend);
            match &answer["data"]["article"] {
                // Anonymous GraphQL answers are cached until the scheduler
                // (once a second) retires them when the time comes: null a
                // moment after the time is allowed (until the deadline).
                Value::Null => {}
                article => {
                    assert!(
                        answered >= at,
                        "{}: GraphQL shows it before its time",
                        app.backend
                    );
                    assert_eq!(article["title"], TITLE, "{answer}");
                    graphql_seen = Some(answered);
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(hidden > 0, "{}: it was hidden before its time", app.backend);
    for (read, seen) in [("REST", rest_seen), ("GraphQL", graphql_seen)] {
        let seen = seen.unwrap_or_else(|| {
            panic!(
                "{}: not on the public {read} read within {WITHIN:?} of its time",
                app.backend
            )
        });
        eprintln!(
            "{}: public on {read} {} ms after its time",
            app.backend,
            (seen - at).num_milliseconds()
        );
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_resolves_a_conflict_without_losing_text_then_schedules_the_article() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = staff(&app, Role::Editor).await;
        let reader = app.sign_in_new(Role::Editor).await;
        let (id, slug, submitted) = article_in_review(&app, &author).await;
        let Some(browser) = Browser::start(&app, "conflict_and_schedule").await else {
            return;
        };
        let mut at = Utc::now();
        browser
            .run(async {
                browser.sign_in(&editor.email, &editor.password).await;
                browser.click_link("In review").await;
                browser.wait_for_text(TITLE).await;
                browser.click_link(TITLE).await;
                browser
                    .wait_for_text(&format!("Version {submitted}, no unsaved changes"))
                    .await;
                assert_eq!(browser.value_of("Title").await, TITLE);
                assert_eq!(browser.value_of("Standfirst").await, STANDFIRST);

                // The author saves a change while the editor has the article open…
                let theirs = author_edits_too(&app, &author, &id).await;
                assert_eq!(theirs, submitted + 1);

                // …and the editor's save, based on the version before, is refused.
                browser.fill("Standfirst", EDITORS_STANDFIRST).await;
                browser.wait_for_text("Unsaved changes").await;
                browser.click_button("Save").await;
                browser.wait_for_text("Someone else changed this article").await;
                browser.wait_for_text("What they changed").await;
                browser
                    .wait_for_text(&format!(
                        "the article changed after you opened version {submitted}"
                    ))
                    .await;
                browser
                    .wait_for_text(&format!(
                        "It is now version {theirs}, saved by Test author. Nothing has been overwritten."
                    ))
                    .await;
                // What changed: the lede, their words marked as added.
                let added = browser
                    .text_of(".conflict-changes .diff-block ins.diff-added")
                    .await;
                assert_eq!(added.trim(), AUTHORS_WORDS.trim(), "their words, marked as added");
                assert!(
                    browser.text_of(".conflict-changes").await.contains("Block 1 changed"),
                    "the changed block is named"
                );
                assert_eq!(
                    browser.value_of("Standfirst").await,
                    EDITORS_STANDFIRST,
                    "the editor's text is still there"
                );
                browser.axe_scan("conflict").await;
                capture(&browser, &app, "conflict").await;

                browser.click_button("Re-apply mine on top of theirs").await;
                browser
                    .wait_for_text(&format!(
                        "Your changes are applied on top of version {theirs}. Review them, then save."
                    ))
                    .await;
                browser.wait_for_no_text("Someone else changed this article").await;
                assert_eq!(browser.value_of("Standfirst").await, EDITORS_STANDFIRST);
                assert_eq!(
                    browser
                        .value_of("Section 1, block 1 paragraph (Markdown)")
                        .await,
                    format!("{LEDE}{AUTHORS_WORDS}"),
                    "their lede, with their words"
                );
                browser.click_button("Save").await;
                browser
                    .wait_for_text(&format!("Saved, version {}", theirs + 1))
                    .await;

                // No text lost: the author's words and the editor's standfirst.
                let stored = admin_article(&app, &reader, &id).await;
                assert_eq!(stored["standfirst"], EDITORS_STANDFIRST, "{stored:#}");
                assert_eq!(
                    stored["sections"][0]["blocks"][0]["markdown"],
                    format!("{LEDE}{AUTHORS_WORDS}"),
                    "{stored:#}"
                );
                assert_eq!(stored["sections"][1]["blocks"].as_array().map(Vec::len), Some(2));
                assert_eq!(stored["status"], "in_review");

                // Scheduled a few seconds ahead, in the browser's time zone.
                let soon = Utc::now().timestamp() + AHEAD;
                at = Utc.timestamp_opt(soon, 0).single().expect("a time");
                let local = local_input(&browser, at).await;
                browser.set_value("Publish at (your time zone)", &local).await;
                browser
                    .wait_for_text(&format!("= {} UTC", at.format("%Y-%m-%d %H:%M:%S")))
                    .await;
                browser.click_button("Schedule").await;
                browser.wait_for_text("Scheduled for").await;
                browser.wait_for_text("Status: Scheduled").await;
                assert!(
                    Utc::now() < at,
                    "{}: scheduling took longer than {AHEAD} s",
                    app.backend
                );
            })
            .await;

        let scheduled = admin_article(&app, &reader, &id).await;
        assert_eq!(scheduled["status"], "scheduled", "{scheduled:#}");
        let stored_at: DateTime<Utc> = scheduled["published_at"]
            .as_str()
            .expect("a publication time")
            .parse()
            .expect("RFC 3339");
        assert_eq!(
            stored_at, at,
            "{}: the time chosen in the browser",
            app.backend
        );
        appears_at(&app, &slug, at).await;
    }
}
