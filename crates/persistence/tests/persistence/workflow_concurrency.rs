//! Two (or eight) editors saving the same article at once: exactly one save
//! per version wins, the others get a conflict naming the current version,
//! and the history holds every winning save exactly once, in version order.
//! Runs on SQLite and PostgreSQL.

use crate::workflow_fixtures;

use std::collections::BTreeSet;

use masthead_persistence::testing::TestDatabase;
use masthead_persistence::PersistenceError;
use masthead_test_macros::each_database;
use workflow_fixtures::{content, draft};

const EDITORS: usize = 8;

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_saves_of_the_same_version_have_exactly_one_winner() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let saves = (0..EDITORS).map(|editor| {
            let store = store.clone();
            tokio::spawn(async move {
                let title = format!("Version by editor {editor}");
                let saved = store
                    .articles()
                    .acting_as(author)
                    .update(article.id, 1, content(author, &title, "Rewritten lede."))
                    .await;
                (title, saved)
            })
        });
        let results = futures_util::future::join_all(saves).await;
        let mut winners = Vec::new();
        for result in results {
            let (title, saved) = result.expect("the task ran");
            match saved {
                Ok(saved) => winners.push((title, saved.version)),
                Err(PersistenceError::VersionConflict { current }) => {
                    assert_eq!(
                        current, 2,
                        "{}: the conflict names the winner's version",
                        database.backend
                    )
                }
                Err(other) => panic!("{}: unexpected error {other:?}", database.backend),
            }
        }
        assert_eq!(winners.len(), 1, "{}: exactly one winner", database.backend);
        let (winning_title, winning_version) = winners.remove(0);
        assert_eq!(winning_version, 2);

        let history = store.revisions().list(article.id, None, 100).await.unwrap();
        let numbers: Vec<i32> = history.items.iter().map(|r| r.number).collect();
        let versions: Vec<i32> = history.items.iter().map(|r| r.version).collect();
        assert_eq!(numbers, [1, 2], "{}", database.backend);
        assert_eq!(versions, [1, 2], "{}", database.backend);
        // The loser can fetch what the winner saved and re-apply on top of it.
        let winner = store.revisions().get(article.id, 2).await.unwrap().unwrap();
        assert_eq!(winner.content.title.as_str(), winning_title);
        assert_eq!(winner.info.saved_by_id, Some(author));
        let current = store
            .articles()
            .by_id(article.id, masthead_persistence::Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(current.title.as_str(), winning_title);
        assert_eq!(current.version, 2);
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn racing_editors_who_retry_on_conflict_each_land_exactly_once_in_version_order() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let editors = (0..EDITORS).map(|editor| {
            let store = store.clone();
            tokio::spawn(async move {
                let title = format!("Take {editor}");
                let mut base = 1;
                for _attempt in 0..500 {
                    let saved = store
                        .articles()
                        .acting_as(author)
                        .update(article.id, base, content(author, &title, "Lede."))
                        .await;
                    match saved {
                        Ok(saved) => return (title, saved.version),
                        // Re-apply on top of the winner's version.
                        Err(PersistenceError::VersionConflict { current }) => {
                            assert!(current > base, "versions only go up");
                            base = current;
                        }
                        Err(other) => panic!("unexpected error {other:?}"),
                    }
                }
                panic!("editor {editor} never got a save in");
            })
        });
        let landed: Vec<(String, i32)> = futures_util::future::join_all(editors)
            .await
            .into_iter()
            .map(|result| result.expect("the task ran"))
            .collect();
        let produced: BTreeSet<i32> = landed.iter().map(|(_, version)| *version).collect();
        assert_eq!(
            produced.len(),
            EDITORS,
            "{}: one version per success",
            database.backend
        );
        assert_eq!(
            produced,
            (2..=EDITORS as i32 + 1).collect::<BTreeSet<_>>(),
            "{}: no gap, no duplicate",
            database.backend
        );

        let history = store.revisions().list(article.id, None, 100).await.unwrap();
        let numbers: Vec<i32> = history.items.iter().map(|r| r.number).collect();
        let versions: Vec<i32> = history.items.iter().map(|r| r.version).collect();
        assert_eq!(numbers, (1..=EDITORS as i32 + 1).collect::<Vec<_>>());
        assert!(
            versions.windows(2).all(|pair| pair[0] < pair[1]),
            "{}: strictly increasing {versions:?}",
            database.backend
        );
        for (title, version) in &landed {
            let holding: Vec<_> = history
                .items
                .iter()
                .filter(|revision| &revision.title == title)
                .collect();
            assert_eq!(
                holding.len(),
                1,
                "{}: {title} is in the history once",
                database.backend
            );
            assert_eq!(holding[0].version, *version);
        }
    }
}
