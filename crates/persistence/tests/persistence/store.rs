//! Opening the database: migrations and health, on SQLite and (when configured) PostgreSQL.

use crate::support;

use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PersistenceError, Store};
use masthead_test_macros::each_database;
use sea_orm::{ConnectionTrait, Database, Statement};
use support::*;

#[each_database]
async fn migrating_twice_changes_nothing() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        store.ping().await.unwrap();
        assert!(store.is_empty().await.unwrap(), "{backend}");
        let author = staff(&store).await;
        let again = Store::connect(&db.url).await.unwrap();
        again
            .migrate()
            .await
            .expect("a second migration run is a no-op");
        assert_eq!(
            again.users().by_id(author.id).await.unwrap().map(|u| u.id),
            Some(author.id),
            "{backend}: data survives"
        );
        assert!(!again.is_empty().await.unwrap(), "{backend}");
        again.close().await.unwrap();
    }
}

#[each_database]
async fn a_schema_from_a_newer_release_is_refused() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let raw = Database::connect(&db.url).await.unwrap();
        raw.execute(Statement::from_string(
            raw.get_database_backend(),
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29991231_000001_future', 0)",
        ))
        .await
        .unwrap();
        raw.close().await.ok();
        let result = store.migrate().await;
        match result {
            Err(PersistenceError::SchemaTooNew(names)) => {
                assert_eq!(names, "m29991231_000001_future", "{backend}")
            }
            other => panic!("{backend}: expected SchemaTooNew, got {other:?}"),
        }
    }
}
