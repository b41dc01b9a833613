//! Fresh databases for tests: a temporary SQLite file always, and a PostgreSQL
//! database of its own when `MASTHEAD_TEST_POSTGRES_URL` is set. Each is
//! dropped when the test ends, even when it fails. Built only for tests (the
//! `testing` feature); a failed set-up here is a failed test, so it may panic.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database, Statement};
use uuid::Uuid;

use crate::store::Store;

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "MASTHEAD_TEST_POSTGRES_URL";

/// A database backend a test can be pinned to. `#[each_database]` (crate
/// `masthead-test-macros`) runs a test's body once per backend inside
/// [`Backend::scope`], and [`TestDatabase::all`] then yields that backend only,
/// so the harness reports the PostgreSQL variant as a test of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file.
    Sqlite,
    /// A database of its own on the server at `MASTHEAD_TEST_POSTGRES_URL`.
    Postgres,
}

tokio::task_local! {
    static PINNED: Backend;
}

impl Backend {
    /// Runs `test` with every `TestDatabase::all()` inside it pinned to this backend.
    pub async fn scope<F: std::future::Future>(self, test: F) -> F::Output {
        PINNED.scope(self, test).await
    }
}

/// A database that exists for one test.
pub struct TestDatabase {
    /// Connection URL, for starting a server on it.
    pub url: String,
    /// "sqlite" or "postgres", for assertion messages.
    pub backend: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// A fresh, empty SQLite file in the temporary directory.
    pub fn sqlite() -> Self {
        let path =
            std::env::temp_dir().join(format!("masthead-test-{}.db", Uuid::now_v7().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            backend: "sqlite",
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh, empty PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<Self> {
        let admin_url = std::env::var(POSTGRES_ENV).ok()?;
        let name = format!("masthead_test_{}", Uuid::now_v7().simple());
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to the test PostgreSQL server");
        admin
            .execute(Statement::from_string(
                admin.get_database_backend(),
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = match admin_url.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("{POSTGRES_ENV} must end in /database"),
        };
        Some(Self {
            url,
            backend: "postgres",
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Every backend the run can test: the pinned one inside
    /// [`Backend::scope`]; otherwise SQLite, and PostgreSQL when configured
    /// (saying plainly when it is skipped).
    pub async fn all() -> Vec<Self> {
        match PINNED.try_with(|backend| *backend) {
            Ok(Backend::Sqlite) => return vec![Self::sqlite()],
            Ok(Backend::Postgres) => {
                let database = Self::postgres().await;
                return vec![database.unwrap_or_else(|| panic!("this test needs {POSTGRES_ENV}"))];
            }
            Err(_) => {}
        }
        let mut databases = vec![Self::sqlite()];
        match Self::postgres().await {
            Some(postgres) => databases.push(postgres),
            None => eprintln!("PostgreSQL skipped: {POSTGRES_ENV} is not set"),
        }
        databases
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; a thread of its own may block.
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(&admin_url).await.ok()?;
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        admin
                            .execute(Statement::from_string(admin.get_database_backend(), sql))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
                if !matches!(dropped, Ok(Some(()))) {
                    eprintln!("warning: could not drop a test database");
                }
            }
        }
    }
}
