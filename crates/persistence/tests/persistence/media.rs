//! The media library on SQLite and (when configured) PostgreSQL: identical
//! bytes are recorded once (also under a race), metadata edits and deletion
//! are audited, and search finds alt text, caption, credit and file name,
//! case-insensitively, newest first, page by page.

use crate::support::{self, staff};

use masthead_domain::media::{MediaFormat, MediaMeta, MediaMetaInput};
use masthead_domain::MediaId;
use masthead_persistence::audit::{AuditFilter, SubjectKind};
use masthead_persistence::media::{NewMedia, Recorded};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PageRequest, PersistenceError, Store};
use masthead_test_macros::each_database;

fn upload(sha: &str, file_name: &str, alt: &str, caption: &str, credit: &str) -> NewMedia {
    NewMedia {
        id: MediaId::generate(),
        sha256: format!("{sha:0>64}"),
        format: MediaFormat::Jpeg,
        width: 4000,
        height: 3000,
        bytes: 1234,
        file_name: file_name.into(),
        meta: MediaMetaInput {
            alt: Some(alt.into()),
            caption: Some(caption.into()),
            credit: Some(credit.into()),
            focal_x: Some(0.25),
            focal_y: Some(0.75),
        }
        .validate()
        .unwrap(),
    }
}

async fn search(store: &Store, q: Option<&str>) -> Vec<String> {
    let page = store
        .media()
        .search(q, PageRequest::first(50))
        .await
        .unwrap();
    page.items
        .into_iter()
        .map(|(_, item)| item.file_name)
        .collect()
}

#[each_database]
async fn identical_bytes_are_recorded_once() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let user = staff(&store).await;
        let first = store
            .media()
            .acting_as(user.id)
            .record(upload("a1", "dog.jpg", "A dog", "", ""))
            .await
            .unwrap();
        let Recorded::Created(item) = first else {
            panic!("{backend}: first upload must be new");
        };
        assert_eq!(item.created_by, Some(user.id), "{backend}");
        assert_eq!(item.meta.focal.x(), 0.25, "{backend}");
        assert_eq!((item.width, item.height, item.bytes), (4000, 3000, 1234));
        let again = store
            .media()
            .record(upload("a1", "copy.jpg", "other", "", ""))
            .await
            .unwrap();
        assert_eq!(again, Recorded::Existing(item.clone()), "{backend}");
        // Two uploads of the same new bytes at once: one row, both get it.
        let (repo_a, repo_b) = (store.media(), store.media());
        let (left, right) = tokio::join!(
            repo_a.record(upload("b2", "x.jpg", "", "", "")),
            repo_b.record(upload("b2", "y.jpg", "", "", "")),
        );
        let (left, right) = (left.unwrap(), right.unwrap());
        assert_eq!(left.item().id, right.item().id, "{backend}");
        assert_eq!(search(&store, None).await.len(), 2, "{backend}");
        let found = store.media().by_sha256(&item.sha256).await.unwrap();
        assert_eq!(found, Some(item.clone()));
        assert_eq!(store.media().by_id(item.id).await.unwrap(), Some(item));
        assert_eq!(
            store.media().by_id(MediaId::generate()).await.unwrap(),
            None
        );
    }
}

#[each_database]
async fn metadata_edits_and_deletion_are_audited() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let user = staff(&store).await;
        let repo = || store.media().acting_as(user.id);
        let item = repo()
            .record(upload("c3", "a.png", "", "", ""))
            .await
            .unwrap()
            .item()
            .clone();
        let meta = MediaMetaInput {
            alt: Some("Harbour at dawn".into()),
            focal_x: Some(1.0),
            focal_y: Some(0.0),
            ..MediaMetaInput::default()
        }
        .apply(&item.meta)
        .unwrap();
        let updated = repo().update_meta(item.id, meta.clone()).await.unwrap();
        assert_eq!(updated.meta, meta, "{backend}");
        assert!(updated.updated_at >= item.updated_at);
        assert_eq!(store.media().by_id(item.id).await.unwrap(), Some(updated));
        repo().delete(item.id).await.unwrap();
        assert_eq!(
            store.media().by_id(item.id).await.unwrap(),
            None,
            "{backend}"
        );
        assert!(matches!(
            repo().delete(item.id).await,
            Err(PersistenceError::NotFound)
        ));
        assert!(matches!(
            repo().update_meta(item.id, MediaMeta::default()).await,
            Err(PersistenceError::NotFound)
        ));
        let log = store
            .audit()
            .list(
                AuditFilter {
                    subject: Some(SubjectKind::Media),
                    ..AuditFilter::default()
                },
                PageRequest::first(10),
            )
            .await
            .unwrap();
        let actions: Vec<_> = log
            .items
            .iter()
            .map(|(_, entry)| entry.action.as_str())
            .collect();
        assert_eq!(actions, ["delete", "update", "create"], "{backend}");
    }
}

#[each_database]
async fn search_matches_every_described_field_newest_first_in_pages() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let repo = store.media();
        repo.record(upload("d1", "harbour.jpg", "Boats", "", ""))
            .await
            .unwrap();
        repo.record(upload("d2", "x.jpg", "", "The HARBOUR at dawn", ""))
            .await
            .unwrap();
        repo.record(upload("d3", "y.jpg", "", "", "Harbour Photos Ltd"))
            .await
            .unwrap();
        repo.record(upload("d4", "z.jpg", "Mountains", "50%_off", ""))
            .await
            .unwrap();
        assert_eq!(
            search(&store, Some("harbour")).await,
            ["y.jpg", "x.jpg", "harbour.jpg"],
            "{backend}"
        );
        assert_eq!(search(&store, Some("  ")).await.len(), 4, "{backend}");
        // LIKE wildcards are literal.
        assert_eq!(search(&store, Some("%")).await, ["z.jpg"], "{backend}");
        assert_eq!(search(&store, Some("_")).await, ["z.jpg"], "{backend}");
        assert!(search(&store, Some("nothing")).await.is_empty());
        let long = "x".repeat(201);
        let refused = repo
            .search(Some(&long), PageRequest::first(5))
            .await
            .unwrap_err();
        assert_eq!(
            support::refused_fields(&refused),
            Some(vec!["q".to_owned()])
        );
        // Page through all four, two at a time, without gaps or repeats.
        let first = repo.search(None, PageRequest::first(2)).await.unwrap();
        assert!(first.has_next);
        let second = repo
            .search(None, PageRequest::after(2, first.next_cursor()))
            .await
            .unwrap();
        assert!(!second.has_next, "{backend}");
        let names: Vec<_> = first
            .items
            .iter()
            .chain(&second.items)
            .map(|(_, item)| item.file_name.as_str())
            .collect();
        assert_eq!(
            names,
            ["z.jpg", "y.jpg", "x.jpg", "harbour.jpg"],
            "{backend}"
        );
    }
}
