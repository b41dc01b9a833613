//! What `masthead export` covers: every table the migrations create is
//! either exported or skipped for a stated reason, and no table needs a
//! sequence moved after an import. SQLite and PostgreSQL.

use masthead_persistence::testing::TestDatabase;
use masthead_persistence::transfer::{exported_tables, sequences, undecided_tables, SKIPPED};
use masthead_test_macros::each_database;

#[each_database]
async fn every_table_is_exported_or_skipped_for_a_reason_and_none_has_a_sequence() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        assert_eq!(
            undecided_tables(&store).await.unwrap(),
            Vec::<String>::new(),
            "{backend}: add each table to transfer::TABLES (exported) or transfer::SKIPPED (with why)"
        );
        assert_eq!(
            sequences(&store).await.unwrap(),
            Vec::<String>::new(),
            "{backend}: a serial column needs its sequence set after an import"
        );
        let exported = exported_tables();
        for (table, reason) in SKIPPED {
            assert!(!exported.contains(&(*table).to_owned()), "{table} is both");
            assert!(!reason.is_empty(), "{table} says why it is skipped");
        }
        for table in ["users", "articles", "article_blocks", "audit_log", "media"] {
            assert!(exported.contains(&table.to_owned()), "{table} is exported");
        }
        store.close().await.unwrap();
    }
}
