//! Revisions, slug history and the audit log as the repositories record them,
//! on SQLite and PostgreSQL.

use crate::workflow_fixtures;

use chrono::Duration;
use masthead_domain::{ArticleStatus, Lifecycle, ReplyId, Role, Slug};
use masthead_persistence::audit::{AuditAction, AuditFilter, NewAuditEntry, SubjectKind};
use masthead_persistence::revisions::RevisionKind;
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PageRequest, PersistenceError, Visibility};
use masthead_test_macros::each_database;
use workflow_fixtures::{content, draft, staff};

#[each_database]
async fn editing_a_published_article_keeps_it_published_and_its_publication_time() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let editor = staff(&store, Role::Editor).await;
        let published = store
            .articles()
            .acting_as(editor)
            .change_lifecycle(article.id, Some(1), |l| {
                l.publish(masthead_persistence::now())
            })
            .await
            .unwrap();
        let corrected = store
            .articles()
            .acting_as(editor)
            .update(
                article.id,
                published.version,
                content(author, "Talks resume in Geneva", "The corrected lede."),
            )
            .await
            .unwrap();
        assert_eq!(
            corrected.lifecycle.status,
            ArticleStatus::Published,
            "{}",
            database.backend
        );
        assert_eq!(
            corrected.lifecycle.published_at,
            published.lifecycle.published_at
        );
        assert!(corrected.updated_at > published.updated_at);
        assert_eq!(corrected.version, published.version + 1);
        let now = masthead_persistence::now();
        let public = store
            .articles()
            .by_slug(corrected.slug.as_str(), Visibility::Public { now })
            .await
            .unwrap()
            .expect("still public");
        assert_eq!(public.version, corrected.version);
    }
}

#[each_database]
async fn every_save_is_a_numbered_revision_and_a_restore_is_a_new_one() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let editor = staff(&store, Role::Editor).await;
        let second = store
            .articles()
            .acting_as(editor)
            .update(
                article.id,
                1,
                content(author, "Second headline", "Second lede."),
            )
            .await
            .unwrap();
        // A lifecycle change bumps the version but stores no revision.
        let submitted = store
            .articles()
            .acting_as(author)
            .change_lifecycle(article.id, None, |l| l.submit())
            .await
            .unwrap();
        assert_eq!(submitted.version, 3);
        let restored = store
            .articles()
            .acting_as(editor)
            .restore(article.id, 1, submitted.version)
            .await
            .unwrap();
        assert_eq!(restored.version, 4);
        assert_eq!(restored.title.as_str(), "Talks resume in Geneva");
        assert_eq!(
            restored.lifecycle.status,
            ArticleStatus::InReview,
            "restore keeps the lifecycle"
        );

        let history = store.revisions().list(article.id, None, 100).await.unwrap();
        let summary: Vec<_> = history
            .items
            .iter()
            .map(|r| (r.number, r.version, r.kind, r.restored_from, r.saved_by_id))
            .collect();
        assert_eq!(
            summary,
            [
                (1, 1, RevisionKind::Create, None, Some(author)),
                (2, 2, RevisionKind::Update, None, Some(editor)),
                (3, 4, RevisionKind::Restore, Some(1), Some(editor)),
            ],
            "{}",
            database.backend
        );
        assert_eq!(history.items[1].saved_by.as_ref().unwrap().id, editor);
        let first = store.revisions().get(article.id, 1).await.unwrap().unwrap();
        let third = store.revisions().get(article.id, 3).await.unwrap().unwrap();
        assert_eq!(first.content.sections, third.content.sections);
        assert_eq!(first.content.title, third.content.title);
        let two = store.revisions().get(article.id, 2).await.unwrap().unwrap();
        assert_eq!(two.content.title.as_str(), second.title.as_str());
        assert!(store
            .revisions()
            .get(article.id, 9)
            .await
            .unwrap()
            .is_none());
        assert!(matches!(
            store.articles().restore(article.id, 9, 4).await,
            Err(PersistenceError::NotFound)
        ));
        assert!(matches!(
            store.articles().restore(article.id, 1, 3).await,
            Err(PersistenceError::VersionConflict { current: 4 })
        ));

        // Pages continue where they stopped.
        let page = store.revisions().list(article.id, None, 2).await.unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.next_after, Some(2));
        let rest = store
            .revisions()
            .list(article.id, Some(2), 2)
            .await
            .unwrap();
        assert_eq!(rest.items.iter().map(|r| r.number).collect::<Vec<_>>(), [3]);
        assert_eq!(rest.next_after, None);
    }
}

#[each_database]
async fn the_revision_cap_prunes_the_oldest_but_never_the_published_one() {
    for database in TestDatabase::all().await {
        let store = database.store().await.with_revisions_keep(2);
        let (author, article) = draft(&store).await;
        let mut version = store
            .articles()
            .update(article.id, 1, content(author, "Two", "Lede two."))
            .await
            .unwrap()
            .version;
        // Revision 2 goes out.
        version = store
            .articles()
            .change_lifecycle(article.id, Some(version), |l| {
                l.publish(masthead_persistence::now())
            })
            .await
            .unwrap()
            .version;
        for n in 3..=5 {
            version = store
                .articles()
                .update(
                    article.id,
                    version,
                    content(author, &format!("Take {n}"), "Lede."),
                )
                .await
                .unwrap()
                .version;
        }
        let history = store.revisions().list(article.id, None, 100).await.unwrap();
        let kept: Vec<(i32, bool)> = history
            .items
            .iter()
            .map(|r| (r.number, r.published))
            .collect();
        assert_eq!(
            kept,
            [(2, true), (4, false), (5, false)],
            "{}",
            database.backend
        );
    }
}

#[each_database]
async fn a_published_articles_old_slug_keeps_leading_to_it_and_stays_taken() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let old_slug = article.slug.to_string();
        let published = store
            .articles()
            .change_lifecycle(article.id, None, |l| l.publish(masthead_persistence::now()))
            .await
            .unwrap();
        let mut renamed = content(author, "Talks resume", "The lede.");
        renamed.slug = Some(Slug::parse("slug", "talks-resume").unwrap());
        let moved = store
            .articles()
            .update(article.id, published.version, renamed)
            .await
            .unwrap();
        assert_eq!(moved.slug.as_str(), "talks-resume");
        let now = masthead_persistence::now();
        let found = store
            .articles()
            .by_slug(&old_slug, Visibility::Public { now })
            .await
            .unwrap()
            .expect("the old slug still finds the story");
        assert_eq!(found.id, article.id);
        assert_eq!(found.slug.as_str(), "talks-resume");
        assert_eq!(
            store.articles().retired_slugs(article.id).await.unwrap(),
            [old_slug.as_str()]
        );

        // Nobody else may take the retired slug, asked for or derived.
        let other_author = staff(&store, Role::Author).await;
        let mut taken = content(other_author, "Another story", "Lede.");
        taken.slug = Some(Slug::parse("slug", &old_slug).unwrap());
        assert!(
            matches!(
                store.articles().create(taken, Lifecycle::draft()).await,
                Err(PersistenceError::Duplicate { field: "slug" })
            ),
            "{}",
            database.backend
        );
        let derived = store
            .articles()
            .create(
                content(other_author, "Talks resume in Geneva", "Lede."),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        assert_eq!(derived.slug.as_str(), format!("{old_slug}-2"));

        // The article may take its old slug back; the newer one is then retired.
        let mut back = content(author, "Talks resume in Geneva", "The lede.");
        back.slug = Some(Slug::parse("slug", &old_slug).unwrap());
        let back = store
            .articles()
            .update(article.id, moved.version, back)
            .await
            .unwrap();
        assert_eq!(back.slug.as_str(), old_slug);
        assert_eq!(
            store.articles().retired_slugs(article.id).await.unwrap(),
            ["talks-resume"]
        );
        let via_newer = store
            .articles()
            .by_slug("talks-resume", Visibility::Public { now })
            .await
            .unwrap()
            .unwrap();
        assert_eq!(via_newer.id, article.id);
    }
}

#[each_database]
async fn a_draft_that_was_never_public_releases_its_old_slug() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let old_slug = article.slug.to_string();
        let mut renamed = content(author, "Renamed draft", "Lede.");
        renamed.slug = Some(Slug::parse("slug", "renamed-draft").unwrap());
        store
            .articles()
            .update(article.id, 1, renamed)
            .await
            .unwrap();
        assert!(store
            .articles()
            .retired_slugs(article.id)
            .await
            .unwrap()
            .is_empty());
        assert!(
            store
                .articles()
                .by_slug(&old_slug, Visibility::Staff)
                .await
                .unwrap()
                .is_none(),
            "{}",
            database.backend
        );
        let mut reuse = content(author, "Someone else", "Lede.");
        reuse.slug = Some(Slug::parse("slug", &old_slug).unwrap());
        let reused = store
            .articles()
            .create(reuse, Lifecycle::draft())
            .await
            .unwrap();
        assert_eq!(reused.slug.as_str(), old_slug);
    }
}

#[each_database]
async fn every_article_action_leaves_one_audit_entry_with_its_actor() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (author, article) = draft(&store).await;
        let editor = staff(&store, Role::Editor).await;
        let as_author = || store.articles().acting_as(author);
        let as_editor = || store.articles().acting_as(editor);
        let now = masthead_persistence::now;
        let v = as_author()
            .update(article.id, 1, content(author, "Edited", "Lede."))
            .await
            .unwrap()
            .version;
        let v = as_author()
            .change_lifecycle(article.id, Some(v), |l| l.submit())
            .await
            .unwrap()
            .version;
        let at = now() + Duration::hours(1);
        let v = as_editor()
            .change_lifecycle(article.id, Some(v), |l| l.schedule(at, now()))
            .await
            .unwrap()
            .version;
        let v = as_editor()
            .change_lifecycle(article.id, Some(v), |l| l.publish(now()))
            .await
            .unwrap()
            .version;
        let v = as_editor()
            .change_lifecycle(article.id, Some(v), |l| l.archive(now()))
            .await
            .unwrap()
            .version;
        let v = as_editor()
            .change_lifecycle(article.id, Some(v), |l| l.unpublish(now()))
            .await
            .unwrap()
            .version;
        let _ = as_editor().restore(article.id, 1, v).await.unwrap();
        store
            .audit()
            .record(
                NewAuditEntry::reply(
                    Some(editor),
                    AuditAction::Moderate,
                    ReplyId::generate(),
                    article.id,
                )
                .with("status", "approved"),
            )
            .await
            .unwrap();
        as_editor().delete(article.id, None).await.unwrap();

        let filter = AuditFilter {
            article_id: Some(article.id),
            ..AuditFilter::default()
        };
        let page = store
            .audit()
            .list(filter, PageRequest::first(100))
            .await
            .unwrap();
        let mut seen: Vec<(AuditAction, Option<masthead_domain::UserId>)> = page
            .items
            .iter()
            .map(|(_, entry)| (entry.action, entry.actor_id))
            .collect();
        seen.reverse();
        assert_eq!(
            seen,
            [
                (AuditAction::Create, Some(author)),
                (AuditAction::Update, Some(author)),
                (AuditAction::Submit, Some(author)),
                (AuditAction::Schedule, Some(editor)),
                (AuditAction::Publish, Some(editor)),
                (AuditAction::Archive, Some(editor)),
                (AuditAction::Unpublish, Some(editor)),
                (AuditAction::Restore, Some(editor)),
                (AuditAction::Moderate, Some(editor)),
                (AuditAction::Delete, Some(editor)),
            ],
            "{}",
            database.backend
        );
        let (_, schedule) = &page.items[6];
        assert_eq!(schedule.detail["from"], "in_review");
        assert_eq!(schedule.detail["to"], "scheduled");
        assert_eq!(schedule.version, Some(4));
        let (_, moderate) = &page.items[1];
        assert_eq!(moderate.subject_type, SubjectKind::Reply);
        // The entries outlive the article; the first page continues on the next.
        let first = store
            .audit()
            .list(filter, PageRequest::first(4))
            .await
            .unwrap();
        assert!(first.has_next);
        let next = store
            .audit()
            .list(filter, PageRequest::after(100, first.next_cursor()))
            .await
            .unwrap();
        assert_eq!(first.items.len() + next.items.len(), 10);
        assert_eq!(next.items.first().unwrap().1.action, AuditAction::Archive);
    }
}

#[each_database]
async fn scheduled_articles_are_found_by_the_window_their_time_falls_in() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (_, article) = draft(&store).await;
        let now = masthead_persistence::now();
        let at = now + Duration::minutes(10);
        store
            .articles()
            .change_lifecycle(article.id, None, |l| l.schedule(at, now))
            .await
            .unwrap();
        let found = store.articles().scheduled_between(now, at).await.unwrap();
        assert_eq!(found, [(article.id, at)], "{}", database.backend);
        assert!(store
            .articles()
            .scheduled_between(at, at + Duration::minutes(1))
            .await
            .unwrap()
            .is_empty());
        assert!(store
            .articles()
            .scheduled_between(now - Duration::minutes(1), now)
            .await
            .unwrap()
            .is_empty());
    }
}

#[each_database]
async fn security_events_are_audited_with_their_actor_and_filterable_by_subject() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let admin = staff(&store, Role::Admin).await;
        let user = staff(&store, Role::Author).await;
        let changes = masthead_persistence::users::AccountChanges {
            role: Some(Role::Editor),
            ..Default::default()
        };
        store
            .users()
            .acting_as(admin)
            .update_account(user, changes)
            .await
            .unwrap();
        let disable = masthead_persistence::users::AccountChanges {
            active: Some(false),
            ..Default::default()
        };
        store
            .users()
            .acting_as(admin)
            .update_account(user, disable)
            .await
            .unwrap();
        store.users().set_active(user, true).await.unwrap();
        store
            .users()
            .acting_as(user)
            .change_password(user, "new hash".into())
            .await
            .unwrap();
        store
            .users()
            .acting_as(admin)
            .change_password(user, "reset hash".into())
            .await
            .unwrap();
        store.users().record_lockout(user).await.unwrap();

        let filter = AuditFilter {
            subject: Some(SubjectKind::User),
            ..AuditFilter::default()
        };
        let page = store
            .audit()
            .list(filter, PageRequest::first(100))
            .await
            .unwrap();
        let about_user: Vec<(AuditAction, Option<masthead_domain::UserId>)> = page
            .items
            .iter()
            .map(|(_, entry)| entry)
            .filter(|entry| entry.subject_id == user.0)
            .rev()
            .map(|entry| (entry.action, entry.actor_id))
            .collect();
        assert_eq!(
            about_user,
            vec![
                (AuditAction::Create, None),
                (AuditAction::ChangeRole, Some(admin)),
                (AuditAction::Disable, Some(admin)),
                (AuditAction::Enable, None),
                (AuditAction::ChangePassword, Some(user)),
                (AuditAction::ResetPassword, Some(admin)),
                (AuditAction::Lock, None),
            ],
            "{}",
            database.backend
        );
        assert!(
            page.items
                .iter()
                .all(|(_, entry)| entry.subject_type == SubjectKind::User
                    && entry.article_id.is_none()),
            "{}: the filter keeps user entries only",
            database.backend
        );
        let role_change = page
            .items
            .iter()
            .map(|(_, entry)| entry)
            .find(|entry| entry.action == AuditAction::ChangeRole)
            .expect("a role change");
        assert_eq!(role_change.detail["from"], "author");
        assert_eq!(role_change.detail["to"], "editor");
    }
}

#[each_database]
async fn tag_writes_are_audited_with_their_actor() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let editor = staff(&store, Role::Editor).await;
        let tags = || store.tags().acting_as(editor);
        let input = |name: &str| {
            masthead_domain::TagInput {
                name: name.into(),
                ..Default::default()
            }
            .validate()
            .unwrap()
        };
        let tag = tags().create(input("Courts")).await.unwrap();
        tags().update(tag.id, input("Law courts")).await.unwrap();
        tags().delete(tag.id).await.unwrap();
        let filter = AuditFilter {
            subject: Some(SubjectKind::Tag),
            ..AuditFilter::default()
        };
        let page = store
            .audit()
            .list(filter, PageRequest::first(10))
            .await
            .unwrap();
        let seen: Vec<(AuditAction, Option<masthead_domain::UserId>)> = page
            .items
            .iter()
            .rev()
            .map(|(_, entry)| (entry.action, entry.actor_id))
            .collect();
        assert_eq!(
            seen,
            vec![
                (AuditAction::Create, Some(editor)),
                (AuditAction::Update, Some(editor)),
                (AuditAction::Delete, Some(editor)),
            ],
            "{}",
            database.backend
        );
    }
}

#[each_database]
async fn a_delete_of_a_version_that_is_no_longer_current_deletes_nothing() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let (_, article) = draft(&store).await;
        let editor = staff(&store, Role::Editor).await;
        store
            .articles()
            .acting_as(editor)
            .change_lifecycle(article.id, Some(1), |l| l.submit())
            .await
            .unwrap();
        let stale = store
            .articles()
            .acting_as(editor)
            .delete(article.id, Some(1))
            .await;
        assert!(
            matches!(stale, Err(PersistenceError::VersionConflict { current: 2 })),
            "{}: {stale:?}",
            database.backend
        );
        assert!(store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .is_some());
        store
            .articles()
            .acting_as(editor)
            .delete(article.id, Some(2))
            .await
            .unwrap();
    }
}
