//! `masthead export` and `masthead import` on the real binary: a newsroom
//! (demo, generated articles, and staff work over the API: articles,
//! revisions, a correction, a webhook, a preview link, replies, the audit
//! log) exported from one database kind, imported into the other, exported
//! again: the same file but for the header. Then back. Bad input is refused
//! with the line that is wrong, and a refused import leaves nothing behind.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::cli::{self, said};
use support::rest::document;
use support::TestApp;

/// Runs `masthead ARGS --database-url URL`.
async fn masthead(args: &[&str], url: &str) -> Output {
    cli::run(url, args, None).await
}

fn scratch(name: &str) -> PathBuf {
    cli::scratch("transfer", name)
}

/// Exports `url` to a new file (gzipped when `name` ends in `.gz`).
async fn export(url: &str, name: &str) -> PathBuf {
    let out = scratch(name);
    let done = masthead(&["export", "--out", path(&out)], url).await;
    assert!(done.status.success(), "export: {}", said(&done));
    assert!(said(&done).contains("exported"), "{}", said(&done));
    out
}

async fn import(file: &Path, url: &str) -> Output {
    masthead(&["import", path(file)], url).await
}

fn path(file: &Path) -> &str {
    file.to_str().expect("a UTF-8 temporary path")
}

/// The lines of an export after the header (gzipped or not).
fn rows_of(file: &Path) -> Vec<String> {
    use std::io::Read;
    let raw = std::fs::read(file).expect("read the export");
    let mut text = String::new();
    if raw.starts_with(&[0x1f, 0x8b]) {
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_string(&mut text)
            .expect("gunzip");
    } else {
        text = String::from_utf8(raw).expect("UTF-8");
    }
    text.lines().skip(1).map(str::to_owned).collect()
}

fn header(file: &Path) -> Value {
    let text = std::fs::read_to_string(file).expect("a plain export");
    serde_json::from_str(text.lines().next().expect("a header")).expect("JSON header")
}

/// Rows per table, from the end line.
fn counts(lines: &[String]) -> Value {
    let end: Value = serde_json::from_str(lines.last().expect("an end line")).unwrap();
    end["end"]["tables"].clone()
}

/// A database of the other kind than `backend` when one is configured, else
/// another of the same kind (the SQLite run without PostgreSQL).
async fn other_than(backend: &str) -> TestDatabase {
    if backend == "sqlite" {
        if let Some(postgres) = TestDatabase::postgres().await {
            return postgres;
        }
        eprintln!("PostgreSQL skipped: the round trip goes SQLite to SQLite");
    }
    TestDatabase::sqlite()
}

/// Fresh database of the same kind as `backend`.
async fn same_as(backend: &str) -> TestDatabase {
    if backend == "postgres" {
        TestDatabase::postgres()
            .await
            .expect("PostgreSQL is configured")
    } else {
        TestDatabase::sqlite()
    }
}

/// Demo, generated articles, and staff work over the API on `database`;
/// returns the running server (its database lives as long as it does).
async fn newsroom(database: TestDatabase) -> TestApp {
    let generated = masthead(&["generate", "--articles", "40"], &database.url).await;
    assert!(generated.status.success(), "{}", said(&generated));
    let app = TestApp::spawn_with(database, |settings| {
        settings.demo = false;
        settings.preview_url = "https://site.example/preview?secret={token}".to_owned();
        crate::webhook_support::dev_settings(settings);
    })
    .await;
    let editor = app.sign_in_new(Role::Editor).await;
    let admin = app.sign_in_new(Role::Admin).await;
    crate::webhook_support::create_endpoint(
        &app,
        &admin,
        "http://127.0.0.1:9/hook",
        &["article.published"],
    )
    .await;
    for n in 1..=3 {
        let created = app
            .create_article(&editor, &document(&format!("Moved story {n}"), "A Mover"))
            .await;
        let id = created["id"].as_str().expect("an id").to_owned();
        app.publish(&id).await;
        let corrected = app
            .request(
                Method::POST,
                &format!("/admin/articles/{id}/corrections"),
                Some(&editor),
            )
            .json(&json!({ "text": format!("Story {n} named the wrong mover."), "kind": "correction" }))
            .send()
            .await
            .unwrap();
        assert_eq!(corrected.status(), 201, "correction ({})", app.backend);
        let linked = app
            .request(
                Method::POST,
                &format!("/admin/articles/{id}/preview-links"),
                Some(&editor),
            )
            .json(&json!({ "expires_in": 3600 }))
            .send()
            .await
            .unwrap();
        assert_eq!(linked.status(), 201, "preview link ({})", app.backend);
    }
    // A library image placed in a story and as its feature image: the media
    // rows and their usage travel too (the files are copied by hand).
    let photo = crate::support::media::new_media(&app, &editor).await;
    let mut pictured = document("Pictured story", "A Photographer");
    pictured["sections"][0]["blocks"]
        .as_array_mut()
        .expect("blocks")
        .push(json!({ "type": "image", "media_id": photo, "layout": "wide" }));
    pictured["feature_image"] = json!({ "media_id": photo });
    app.create_article(&editor, &pictured).await;
    app
}

/// Tables the newsroom above fills: an export missing any of them lost data.
const FILLED: &[&str] = &[
    "users",
    "tags",
    "articles",
    "article_sections",
    "article_blocks",
    "article_authors",
    "article_tags",
    "article_revisions",
    "article_slugs",
    "corrections",
    "replies",
    "audit_log",
    "webhook_endpoints",
    "webhook_events",
    "preview_links",
    "media",
    "article_media",
];

#[each_database]
async fn an_export_imported_into_the_other_database_exports_the_same_both_ways() {
    for database in TestDatabase::all().await {
        let backend = database.backend;
        let app = newsroom(database).await;
        let first = export(&app.database.url, "first.jsonl").await;
        let first_header = header(&first);
        assert_eq!(first_header["format"], "masthead-export");
        assert_eq!(first_header["version"], 2);
        assert_eq!(first_header["source"], backend);
        let first_lines = rows_of(&first);
        let tables = counts(&first_lines);
        for table in FILLED {
            assert!(
                tables[table].as_u64().unwrap_or(0) > 0,
                "{table} is exported ({backend}): {tables}"
            );
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner reads an export");
        }

        // There: into the other kind, and out again (gzipped this time).
        let there = other_than(backend).await;
        let loaded = import(&first, &there.url).await;
        assert!(loaded.status.success(), "import: {}", said(&loaded));
        assert!(said(&loaded).contains("imported"), "{}", said(&loaded));
        let second = export(&there.url, "second.jsonl.gz").await;
        assert_eq!(
            rows_of(&second),
            first_lines,
            "{backend} -> {} -> export differs",
            there.backend
        );

        // And back: into a new database of the first kind.
        let back = same_as(backend).await;
        let reloaded = import(&second, &back.url).await;
        assert!(reloaded.status.success(), "import: {}", said(&reloaded));
        let third = export(&back.url, "third.jsonl").await;
        assert_eq!(rows_of(&third), first_lines, "the way back differs");

        // The imported newsroom serves, search index included.
        let served = TestApp::spawn_with(there, |settings| settings.demo = false).await;
        let found: Value = served
            .get("/api/v1/search?q=moved")
            .await
            .json()
            .await
            .unwrap();
        assert!(
            !found["data"].as_array().expect("search hits").is_empty(),
            "the search index was rebuilt: {found}"
        );
        drop(app);
        drop(back);
        for file in [first, second, third] {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The message of a refused import, asserting it failed on one line.
async fn refused(file: &Path, url: &str) -> String {
    let output = import(file, url).await;
    assert!(!output.status.success(), "accepted: {}", said(&output));
    let message = said(&output);
    assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
    message
}

fn write(lines: &[String]) -> PathBuf {
    let file = scratch("bad.jsonl");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    file
}

#[each_database]
async fn bad_exports_and_full_databases_are_refused_and_nothing_is_half_written() {
    for database in TestDatabase::all().await {
        let source = TestDatabase::sqlite();
        let generated = masthead(&["generate", "--articles", "5"], &source.url).await;
        assert!(generated.status.success(), "{}", said(&generated));
        let good = export(&source.url, "good.jsonl").await;
        let text = std::fs::read_to_string(&good).unwrap();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let url = database.url.clone();

        // A newer format, or a newer schema.
        let mut newer = lines.clone();
        newer[0] = newer[0].replace("\"version\":2", "\"version\":3");
        let message = refused(&write(&newer), &url).await;
        assert!(message.contains("version 3 is newer"), "{message}");
        let mut unknown = lines.clone();
        unknown[0] = unknown[0].replace("\"schema\":[", "\"schema\":[\"m20990101_000001_future\",");
        let message = refused(&write(&unknown), &url).await;
        assert!(message.contains("newer Masthead"), "{message}");
        let message = refused(&write(&lines[1..]), &url).await;
        assert!(
            message.contains("line 1: not a Masthead export"),
            "{message}"
        );

        // Cut short: mid-line, and between lines (the end line is missing).
        let cut = scratch("cut.jsonl");
        std::fs::write(&cut, &text[..text.len() / 2]).unwrap();
        let message = refused(&cut, &url).await;
        assert!(message.contains("truncated"), "{message}");
        let message = refused(&write(&lines[..lines.len() - 1]), &url).await;
        assert!(message.contains("truncated"), "{message}");
        // A line lost in the middle: the end line's counts disagree.
        let mut lost = lines.clone();
        lost.remove(lines.len() - 2);
        let message = refused(&write(&lost), &url).await;
        assert!(message.contains("rows are missing"), "{message}");

        // Garbage, an unknown table, a row that is not a row, tables out of order.
        let late = lines.len() - 3;
        let mut garbage = lines.clone();
        garbage[late] = "{\"table\":\"articles\",\"row\":{\"id\":".to_owned();
        let message = refused(&write(&garbage), &url).await;
        assert!(
            message.contains(&format!("line {}: not a JSON line", late + 1)),
            "{message}"
        );
        let mut stranger = lines.clone();
        stranger[late] = json!({ "table": "secrets", "row": {} }).to_string();
        let message = refused(&write(&stranger), &url).await;
        assert!(message.contains("unknown table \"secrets\""), "{message}");
        let mut shapeless = lines.clone();
        let user = lines
            .iter()
            .position(|line| line.starts_with("{\"table\":\"users\""))
            .unwrap();
        shapeless[user] = json!({ "table": "users", "row": { "id": 7 } }).to_string();
        let message = refused(&write(&shapeless), &url).await;
        assert!(
            message.contains(&format!("line {}: not a row of users", user + 1)),
            "{message}"
        );
        let mut disordered = lines.clone();
        disordered.insert(late, lines[user].clone());
        let message = refused(&write(&disordered), &url).await;
        assert!(message.contains("out of order"), "{message}");

        // None of that wrote anything: the whole export still goes in, once.
        let loaded = import(&good, &url).await;
        assert!(loaded.status.success(), "{}", said(&loaded));
        let message = refused(&good, &url).await;
        assert!(
            message.contains("not empty (users has"),
            "a second import is refused: {message}"
        );

        // An export never overwrites, nor reads a SQLite file that is not there.
        let again = masthead(&["export", "--out", path(&good)], &url).await;
        assert!(said(&again).contains("already exists"), "{}", said(&again));
        let missing = scratch("missing.db");
        let nothing = masthead(
            &["export", "--out", path(&scratch("never.jsonl"))],
            &format!("sqlite://{}?mode=rwc", missing.display()),
        )
        .await;
        assert!(
            said(&nothing).contains("no SQLite database"),
            "{}",
            said(&nothing)
        );
        assert!(!missing.exists());
        let _ = std::fs::remove_file(good);
    }
}
