//! Staff accounts and tags, and the references articles make to them, on SQLite
//! and (when configured) PostgreSQL.

use crate::support;

use masthead_domain::{Lifecycle, Role, Slug, TagId, TagInput, UserId};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PersistenceError, Visibility};
use masthead_test_macros::each_database;
use support::*;

#[each_database]
async fn users_are_found_by_email_in_any_case() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        assert!(
            store.is_empty().await.unwrap(),
            "{backend}: a fresh database is empty"
        );
        let mut new = new_user("Ana Lima", "Ana.Lima@Example.ORG");
        new.role = Role::Author;
        new.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into();
        let created = store.users().create(new).await.unwrap();
        assert_eq!(created.email.as_str(), "ana.lima@example.org", "{backend}");
        assert_eq!(created.display_name.as_str(), "Ana Lima", "{backend}");
        assert_eq!(created.slug.as_str(), "ana-lima", "{backend}");
        assert_eq!(created.role, Role::Author, "{backend}");
        assert_eq!(
            created.bio.as_deref(),
            Some("Ana Lima covers diplomacy."),
            "{backend}"
        );
        assert!(created.active, "{backend}");
        assert!(!store.is_empty().await.unwrap(), "{backend}");

        for spelling in [
            "ana.lima@example.org",
            "ANA.LIMA@EXAMPLE.ORG",
            "  Ana.Lima@example.org ",
        ] {
            let (found, hash) = store
                .users()
                .by_email(spelling)
                .await
                .unwrap()
                .expect("found by e-mail");
            assert_eq!(found, created, "{backend}: {spelling:?}");
            assert_eq!(
                hash, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
                "{backend}"
            );
        }
        assert!(
            store
                .users()
                .by_email("someone@example.org")
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert_eq!(
            store.users().by_id(created.id).await.unwrap().as_ref(),
            Some(&created),
            "{backend}"
        );
        assert_eq!(
            store.users().by_slug("ana-lima").await.unwrap().as_ref(),
            Some(&created),
            "{backend}"
        );
        assert!(
            store
                .users()
                .by_id(UserId::generate())
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
    }
}

#[each_database]
async fn duplicate_email_is_refused() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        user(&store, "Ana Lima", "ana@example.org").await;
        let result = store
            .users()
            .create(new_user("Another Ana", "ANA@example.org"))
            .await;
        assert!(
            matches!(result, Err(PersistenceError::Duplicate { field: "email" })),
            "{backend}: {result:?}"
        );
        assert_eq!(store.users().list().await.unwrap().len(), 1, "{backend}");
    }
}

#[each_database]
async fn same_display_names_get_numbered_slugs() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let mut slugs = Vec::new();
        for n in 0..3 {
            let created = user(&store, "Ana Lima", &format!("ana{n}@example.org")).await;
            slugs.push(created.slug.as_str().to_owned());
        }
        assert_eq!(slugs, ["ana-lima", "ana-lima-2", "ana-lima-3"], "{backend}");
        let mut requested = new_user("Someone Else", "else@example.org");
        requested.slug = Some(Slug::parse("slug", "ana-lima").unwrap());
        let created = store.users().create(requested).await.unwrap();
        assert_eq!(
            created.slug.as_str(),
            "ana-lima-4",
            "{backend}: a taken requested slug is suffixed too"
        );

        let listed: Vec<String> = store
            .users()
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.slug.as_str().to_owned())
            .collect();
        assert_eq!(listed.len(), 4, "{backend}");
        assert_eq!(
            listed.last().map(String::as_str),
            Some("ana-lima-4"),
            "{backend}: by display name"
        );
    }
}

#[each_database]
async fn set_active_disables_and_enables_an_account() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let created = staff(&store).await;
        store.users().set_active(created.id, false).await.unwrap();
        let stored = store.users().by_id(created.id).await.unwrap().unwrap();
        assert!(!stored.active, "{backend}");
        assert!(stored.updated_at >= created.updated_at, "{backend}");
        let (by_email, _) = store
            .users()
            .by_email(created.email.as_str())
            .await
            .unwrap()
            .unwrap();
        assert!(!by_email.active, "{backend}");
        store.users().set_active(created.id, true).await.unwrap();
        assert!(
            store
                .users()
                .by_id(created.id)
                .await
                .unwrap()
                .unwrap()
                .active,
            "{backend}"
        );
        let unknown = store.users().set_active(UserId::generate(), false).await;
        assert!(
            matches!(unknown, Err(PersistenceError::NotFound)),
            "{backend}: {unknown:?}"
        );
    }
}

#[each_database]
async fn tags_are_created_listed_updated_and_deleted() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let world = tag(&store, "World News").await;
        assert_eq!(world.slug.as_str(), "world-news", "{backend}");
        assert_eq!(world.name, "World News", "{backend}");
        let opinion = store
            .tags()
            .create(
                TagInput {
                    name: "Opinion".into(),
                    slug: None,
                    description: Some("Columns and leaders.".into()),
                }
                .validate()
                .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(
            opinion.description.as_deref(),
            Some("Columns and leaders."),
            "{backend}"
        );
        let names: Vec<String> = store
            .tags()
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["Opinion", "World News"], "{backend}: by name");
        assert_eq!(
            store.tags().by_slug("opinion").await.unwrap().as_ref(),
            Some(&opinion),
            "{backend}"
        );

        let renamed = store
            .tags()
            .update(
                world.id,
                TagInput {
                    name: "World".into(),
                    slug: Some("world".into()),
                    description: Some("Abroad.".into()),
                }
                .validate()
                .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(renamed.id, world.id, "{backend}");
        assert_eq!(
            (renamed.name.as_str(), renamed.slug.as_str()),
            ("World", "world"),
            "{backend}"
        );
        assert_eq!(renamed.description.as_deref(), Some("Abroad."), "{backend}");
        assert_eq!(
            store.tags().by_slug("world").await.unwrap().as_ref(),
            Some(&renamed),
            "{backend}"
        );
        assert!(
            store.tags().by_slug("world-news").await.unwrap().is_none(),
            "{backend}"
        );

        let taken = store
            .tags()
            .update(
                opinion.id,
                TagInput {
                    name: "World".into(),
                    ..TagInput::default()
                }
                .validate()
                .unwrap(),
            )
            .await;
        assert!(
            matches!(taken, Err(PersistenceError::Duplicate { field: "slug" })),
            "{backend}: {taken:?}"
        );
        let duplicate = store
            .tags()
            .create(
                TagInput {
                    name: "Opinion".into(),
                    ..TagInput::default()
                }
                .validate()
                .unwrap(),
            )
            .await;
        assert!(
            matches!(
                duplicate,
                Err(PersistenceError::Duplicate { field: "slug" })
            ),
            "{backend}: {duplicate:?}"
        );
        let unknown = store
            .tags()
            .update(
                TagId::generate(),
                TagInput {
                    name: "X".into(),
                    ..TagInput::default()
                }
                .validate()
                .unwrap(),
            )
            .await;
        assert!(
            matches!(unknown, Err(PersistenceError::NotFound)),
            "{backend}: {unknown:?}"
        );

        store.tags().delete(opinion.id).await.unwrap();
        let names: Vec<String> = store
            .tags()
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["World"], "{backend}");
        let again = store.tags().delete(opinion.id).await;
        assert!(
            matches!(again, Err(PersistenceError::NotFound)),
            "{backend}: {again:?}"
        );
    }
}

#[each_database]
async fn deleting_a_tag_removes_it_from_articles() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let (world, europe) = (tag(&store, "World").await, tag(&store, "Europe").await);
        let article = store
            .articles()
            .create(
                content("Talks", &[author.id], &[world.id, europe.id]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        store.tags().delete(world.id).await.unwrap();
        let stored = store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        let slugs: Vec<&str> = stored.tags.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["europe"],
            "{backend}: the article loses the tag, keeps the other"
        );
        assert_eq!(
            stored.primary_tag().map(|t| t.id),
            Some(europe.id),
            "{backend}"
        );
    }
}

#[each_database]
async fn unknown_authors_and_tags_are_refused_on_create() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let world = tag(&store, "World").await;

        let result = store
            .articles()
            .create(
                content("Talks", &[author.id, UserId::generate()], &[]),
                Lifecycle::draft(),
            )
            .await;
        let error = result.expect_err("an unknown author");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["authors".to_owned()]),
            "{backend}: {error:?}"
        );

        let result = store
            .articles()
            .create(
                content("Talks", &[author.id], &[world.id, TagId::generate()]),
                Lifecycle::draft(),
            )
            .await;
        let error = result.expect_err("an unknown tag");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["tags".to_owned()]),
            "{backend}: {error:?}"
        );
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &Default::default())
                .await
                .unwrap(),
            0,
            "{backend}: nothing stored"
        );

        // The same on update, leaving the article as it was.
        let article = store
            .articles()
            .create(
                content("Talks", &[author.id], &[world.id]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        let result = store
            .articles()
            .update(article.id, 1, content("Talks", &[UserId::generate()], &[]))
            .await;
        let error = result.expect_err("an unknown author on update");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["authors".to_owned()]),
            "{backend}: {error:?}"
        );
        let stored = store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored, article, "{backend}");
    }
}
