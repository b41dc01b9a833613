//! A PostgreSQL session ended under a read (an administrator's
//! `pg_terminate_backend`, a failover): the read is asked once more on another
//! connection and answers as if nothing happened. PostgreSQL only.

use crate::support;

use std::time::Duration;

use masthead_persistence::testing::{TestDatabase, POSTGRES_ENV};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement, TransactionTrait};
use support::*;

async fn scalar_on(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_whose_session_is_ended_under_it_is_read_again() {
    let Some(database) = TestDatabase::postgres().await else {
        eprintln!("PostgreSQL skipped: {POSTGRES_ENV} is not set (this test needs PostgreSQL)");
        return;
    };
    let store = database.store().await;
    let author = staff(&store).await;

    // Another session holds the users table, so the read below waits inside
    // its query, on its own backend, until that backend is terminated.
    let blocker = Database::connect(&database.url).await.unwrap();
    let hold = blocker.begin().await.unwrap();
    hold.execute_unprepared("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let reading = tokio::spawn({
        let store = store.clone();
        async move { store.users().by_id(author.id).await }
    });

    let admin = Database::connect(&database.url).await.unwrap();
    let mut terminated = 0;
    for _ in 0..200 {
        terminated = scalar_on(
            &admin,
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock' \
             AND query ILIKE '%FROM \"users\"%'",
        )
        .await;
        if terminated > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        terminated, 1,
        "the waiting read's backend was found and ended"
    );
    // The retry now waits for the lock on a fresh session; release it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    hold.rollback().await.unwrap();

    let read = tokio::time::timeout(Duration::from_secs(10), reading)
        .await
        .expect("the read finishes")
        .unwrap();
    let found = read.expect("the read was asked again, not failed");
    assert_eq!(found.map(|user| user.id), Some(author.id));
    blocker.close().await.ok();
    admin.close().await.ok();
}
