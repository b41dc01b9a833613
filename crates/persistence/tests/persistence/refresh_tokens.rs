//! Refresh-token rotation with a reuse interval, on SQLite and (when
//! configured) PostgreSQL: a retired token presented again within the
//! interval gets a fresh token of its family, later it revokes the family,
//! and two concurrent exchanges of one token both succeed.

use crate::support;

use chrono::Duration;
use masthead_persistence::refresh_tokens::Rotation;
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::Store;
use masthead_test_macros::each_database;
use support::staff;
use uuid::Uuid;

fn token() -> String {
    Uuid::now_v7().simple().to_string()
}

fn expiry() -> chrono::DateTime<chrono::Utc> {
    masthead_persistence::now() + Duration::days(1)
}

/// Exchanges `presented` for a new token; returns the rotation and the new token.
async fn rotate(store: &Store, presented: &str, reuse: Duration) -> (Rotation, String) {
    let next = token();
    let rotation = store
        .refresh_tokens()
        .rotate(presented, next.clone(), expiry(), reuse)
        .await
        .unwrap();
    (rotation, next)
}

/// A user with a fresh login; returns its first token.
async fn login(store: &Store) -> (masthead_domain::UserId, String) {
    let user = staff(store).await;
    let first = token();
    store
        .refresh_tokens()
        .issue(user.id, first.clone(), expiry())
        .await
        .unwrap();
    (user.id, first)
}

#[each_database]
async fn within_the_reuse_interval_a_retired_token_gets_a_fresh_one_without_revoking() {
    let reuse = Duration::seconds(30);
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let (user, first) = login(&store).await;
        let (rotated, second) = rotate(&store, &first, reuse).await;
        assert_eq!(rotated, Rotation::Rotated(user), "{backend}");
        // The answer was lost; the client retries with the retired token.
        let (retried, third) = rotate(&store, &first, reuse).await;
        assert_eq!(retried, Rotation::Reissued(user), "{backend}");
        // Both successors are live: whichever the client kept works.
        let (next, _) = rotate(&store, &second, reuse).await;
        assert_eq!(
            next,
            Rotation::Rotated(user),
            "{backend}: the first successor"
        );
        let (next, _) = rotate(&store, &third, reuse).await;
        assert_eq!(next, Rotation::Rotated(user), "{backend}: the reissued one");
        let (unknown, _) = rotate(&store, "never-issued", reuse).await;
        assert_eq!(unknown, Rotation::Invalid, "{backend}");
    }
}

#[each_database]
async fn after_the_reuse_interval_a_retired_token_revokes_its_family() {
    let reuse = Duration::seconds(1);
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let (user, first) = login(&store).await;
        let (_, other) = login(&store).await;
        let (rotated, second) = rotate(&store, &first, reuse).await;
        assert_eq!(rotated, Rotation::Rotated(user), "{backend}");
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
        let (reused, _) = rotate(&store, &first, reuse).await;
        assert_eq!(reused, Rotation::Reused, "{backend}");
        let (successor, _) = rotate(&store, &second, reuse).await;
        assert_eq!(
            successor,
            Rotation::Invalid,
            "{backend}: the family is revoked"
        );
        let (again, _) = rotate(&store, &first, reuse).await;
        assert_eq!(again, Rotation::Invalid, "{backend}: revoked stays revoked");
        let (untouched, _) = rotate(&store, &other, reuse).await;
        assert!(
            matches!(untouched, Rotation::Rotated(_)),
            "{backend}: another login is untouched"
        );
    }
}

#[each_database]
async fn without_a_reuse_interval_any_reuse_revokes_the_family() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let (_, first) = login(&store).await;
        let (_, second) = rotate(&store, &first, Duration::zero()).await;
        let (reused, _) = rotate(&store, &first, Duration::zero()).await;
        assert_eq!(reused, Rotation::Reused, "{backend}");
        let (successor, _) = rotate(&store, &second, Duration::zero()).await;
        assert_eq!(successor, Rotation::Invalid, "{backend}");
    }
}

#[each_database]
async fn two_concurrent_exchanges_of_one_token_both_succeed_and_the_family_stays_valid() {
    let reuse = Duration::seconds(30);
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        for _ in 0..10 {
            let (user, first) = login(&store).await;
            let (a, b) = tokio::join!(rotate(&store, &first, reuse), rotate(&store, &first, reuse));
            let mut kinds = [a.0, b.0];
            kinds.sort_by_key(|rotation| matches!(rotation, Rotation::Reissued(_)));
            assert_eq!(
                kinds,
                [Rotation::Rotated(user), Rotation::Reissued(user)],
                "{backend}"
            );
            for successor in [a.1, b.1] {
                let (next, _) = rotate(&store, &successor, reuse).await;
                assert_eq!(next, Rotation::Rotated(user), "{backend}");
            }
        }
    }
}
