//! `masthead backup`: a consistent copy of a live SQLite database, taken by
//! the real binary while the server keeps acknowledging writes; PostgreSQL is
//! refused with a pointer to `pg_dump`.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
use support::cli::{self, said};
use support::rest::document;
use support::TestApp;

/// Runs `masthead backup --out OUT --database-url URL`.
async fn backup(url: &str, out: &Path) -> Output {
    let out = out.to_str().expect("a UTF-8 path");
    cli::run(url, &["backup", "--out", out], None).await
}

fn scratch(name: &str) -> PathBuf {
    cli::scratch("backup", name)
}

/// One number from the SQLite file at `path`.
async fn scalar(path: &Path, sql: &str) -> String {
    let copy = Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .expect("open the copy");
    let row = copy
        .query_one(Statement::from_string(DatabaseBackend::Sqlite, sql))
        .await
        .expect("query the copy")
        .expect("a row");
    let value = row
        .try_get::<i64>("", "v")
        .map(|n| n.to_string())
        .or_else(|_| row.try_get::<String>("", "v"))
        .expect("a value");
    copy.close().await.expect("close the copy");
    value
}

#[each_database]
async fn backup_copies_a_live_sqlite_database_and_points_postgresql_at_pg_dump() {
    for database in TestDatabase::all().await {
        let url = database.url.clone();
        let out = scratch("copy.db");
        if database.backend == "postgres" {
            let refused = backup(&url, &out).await;
            assert!(!refused.status.success(), "{}", said(&refused));
            let message = said(&refused);
            assert!(message.contains("pg_dump"), "{message}");
            assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
            assert!(!out.exists(), "nothing is written");
            continue;
        }
        let app = TestApp::spawn(database).await;
        let editor = Arc::new(app.sign_in_new(Role::Editor).await);
        let app = Arc::new(app);
        // A writer that keeps creating articles, counting acknowledged ones.
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (app, editor) = (app.clone(), editor.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Acquire) {
                    n += 1;
                    let doc = document(&format!("Backed up {n}"), "A Speaker");
                    app.create_article(&editor, &doc).await;
                    acknowledged.fetch_add(1, Ordering::AcqRel);
                }
            })
        };
        while acknowledged.load(Ordering::Acquire) < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let before = acknowledged.load(Ordering::Acquire);
        let copied = backup(&url, &out).await;
        let after = acknowledged.load(Ordering::Acquire);
        assert!(copied.status.success(), "backup failed: {}", said(&copied));
        assert!(said(&copied).contains("backed up"), "{}", said(&copied));
        // The server kept serving writes through and after the backup.
        let resumed = acknowledged.load(Ordering::Acquire);
        while acknowledged.load(Ordering::Acquire) < resumed + 3 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::Release);
        writer.await.expect("the writer ran without failing");

        assert_eq!(
            scalar(
                &out,
                "SELECT integrity_check AS v FROM pragma_integrity_check"
            )
            .await,
            "ok"
        );
        let in_copy: usize = scalar(
            &out,
            "SELECT COUNT(*) AS v FROM articles WHERE title LIKE 'Backed up %'",
        )
        .await
        .parse()
        .unwrap();
        // Every write acknowledged before the backup began is in the copy;
        // none that began after it ended (at most one was in flight).
        assert!(
            (before..=after + 1).contains(&in_copy),
            "{before} <= {in_copy} <= {after} + 1"
        );
        let demo: usize = scalar(&out, "SELECT COUNT(*) AS v FROM users")
            .await
            .parse()
            .unwrap();
        assert!(demo >= 2, "the demo staff and the editor are in the copy");

        // The copy serves: a server started on it lists the articles.
        let served = TestApp::spawn_with(TestDatabase::sqlite(), |settings| {
            settings.database.database_url = format!("sqlite://{}?mode=rwc", out.display());
        })
        .await;
        let page: serde_json::Value = served
            .get("/api/v1/articles?limit=1")
            .await
            .json()
            .await
            .unwrap();
        assert!(
            !page["data"]
                .as_array()
                .expect("a page of articles")
                .is_empty(),
            "{page}"
        );

        // Never over an existing file, never from a file that is not there.
        let again = backup(&url, &out).await;
        assert!(!again.status.success());
        assert!(said(&again).contains("already exists"), "{}", said(&again));
        let missing = scratch("missing.db");
        let nothing = backup(
            &format!("sqlite://{}?mode=rwc", missing.display()),
            &scratch("never.db"),
        )
        .await;
        assert!(!nothing.status.success());
        assert!(
            said(&nothing).contains("no SQLite database"),
            "{}",
            said(&nothing)
        );
        assert!(!missing.exists(), "a missing database is not created");
        let memory = backup("sqlite::memory:", &scratch("never.db")).await;
        assert!(said(&memory).contains("in-memory"), "{}", said(&memory));
        for file in [
            out.clone(),
            out.with_extension("db-wal"),
            out.with_extension("db-shm"),
        ] {
            let _ = std::fs::remove_file(file);
        }
    }
}
