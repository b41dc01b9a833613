//! Shared rate-limit counters: racing hits never count past the limit, keys
//! and windows are separate, and windows that are over are pruned.

use chrono::{Duration, TimeZone, Utc};
use masthead_persistence::rate_limits::Window;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;

#[each_database]
async fn racing_hits_count_up_to_the_limit_and_not_one_more() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let start = Utc.with_ymd_and_hms(2026, 12, 3, 7, 0, 0).unwrap();
        let window = |key: &'static str, start| Window {
            limit_name: "login_ip",
            key,
            start,
            end: start + Duration::seconds(60),
        };
        let hits = futures_util::future::join_all((0..25).map(|_| {
            let store = store.clone();
            async move { store.rate_limits().hit(window("a", start), 10).await }
        }))
        .await;
        let mut counted: Vec<u32> = hits
            .into_iter()
            .filter_map(|hit| hit.expect("no error under contention"))
            .collect();
        counted.sort_unstable();
        assert_eq!(counted, (1..=10).collect::<Vec<_>>(), "{backend}");
        let repo = store.rate_limits();
        assert_eq!(repo.count(window("a", start)).await.unwrap(), 10);
        assert_eq!(repo.hit(window("a", start), 10).await.unwrap(), None);
        assert_eq!(repo.count(window("b", start)).await.unwrap(), 0);
        assert_eq!(repo.hit(window("b", start), 10).await.unwrap(), Some(1));
        let next = start + Duration::seconds(60);
        assert_eq!(
            repo.hit(window("a", next), 10).await.unwrap(),
            Some(1),
            "{backend}: the next window starts afresh"
        );
        let other_limit = Window {
            limit_name: "reply_day",
            ..window("a", start)
        };
        assert_eq!(repo.hit(other_limit, 10).await.unwrap(), Some(1));

        // Only windows that are over go.
        assert_eq!(repo.prune(next).await.unwrap(), 0, "{backend}");
        assert_eq!(
            repo.prune(next + Duration::seconds(1)).await.unwrap(),
            3,
            "{backend}"
        );
        assert_eq!(repo.count(window("a", start)).await.unwrap(), 0);
        assert_eq!(repo.count(window("a", next)).await.unwrap(), 1);
    }
}
