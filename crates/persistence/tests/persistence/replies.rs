//! Readers' replies: threads, moderation, counts and deletion, on SQLite and
//! (when configured) PostgreSQL.

use crate::support;

use masthead_domain::{Article, ReplyId, ReplyStatus};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PersistenceError, Store};
use masthead_test_macros::each_database;
use support::*;

async fn published_article(store: &Store, title: &str) -> Article {
    let author = staff(store).await;
    let now = masthead_persistence::now();
    store
        .articles()
        .create(content(title, &[author.id], &[]), published(now))
        .await
        .expect("create an article")
}

fn ids(replies: &[masthead_domain::Reply]) -> Vec<ReplyId> {
    replies.iter().map(|reply| reply.id).collect()
}

#[each_database]
async fn replies_nest_under_approved_parents() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let top = store
            .replies()
            .create(reply_draft(
                article.id,
                None,
                ReplyStatus::Approved,
                "  First!\n",
            ))
            .await
            .unwrap();
        assert_eq!(top.depth, 1, "{backend}");
        assert_eq!(top.parent_id, None, "{backend}");
        assert_eq!(top.article_id, article.id, "{backend}");
        assert_eq!(
            top.body, "  First!\n",
            "{backend}: body stored exactly as written"
        );
        assert_eq!(top.author_name, "A Reader", "{backend}");
        assert_eq!(
            top.author_email, "reader@example.org",
            "{backend}: lower-cased"
        );
        assert_eq!(top.status, ReplyStatus::Approved, "{backend}");
        assert!(!top.is_staff, "{backend}");

        let mut staff_answer = reply_draft(
            article.id,
            Some(top.id),
            ReplyStatus::Approved,
            "Thanks for reading.",
        );
        let editor = staff(&store).await;
        staff_answer.is_staff = true;
        staff_answer.user_id = Some(editor.id);
        let child = store.replies().create(staff_answer).await.unwrap();
        assert_eq!(
            (child.depth, child.parent_id),
            (2, Some(top.id)),
            "{backend}"
        );
        assert!(child.is_staff, "{backend}");
        assert_eq!(child.user_id, Some(editor.id), "{backend}");
        assert_eq!(
            store.replies().by_id(child.id).await.unwrap().as_ref(),
            Some(&child),
            "{backend}: read back equal"
        );
        assert_eq!(
            store.replies().by_id(top.id).await.unwrap().as_ref(),
            Some(&top),
            "{backend}"
        );
        assert!(
            store
                .replies()
                .by_id(ReplyId::generate())
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
    }
}

#[each_database]
async fn parent_from_another_article_is_refused() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let other = published_article(&store, "Elsewhere").await;
        let foreign = store
            .replies()
            .create(reply_draft(
                other.id,
                None,
                ReplyStatus::Approved,
                "Over here",
            ))
            .await
            .unwrap();
        let result = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(foreign.id),
                ReplyStatus::Approved,
                "Hi",
            ))
            .await;
        let error = result.expect_err("a parent under another article");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["parent_id".to_owned()]),
            "{backend}: {error:?}"
        );
        let missing = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(ReplyId::generate()),
                ReplyStatus::Approved,
                "Hi",
            ))
            .await;
        let error = missing.expect_err("an unknown parent");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["parent_id".to_owned()]),
            "{backend}: {error:?}"
        );
        assert!(
            store
                .replies()
                .approved_for_article(article.id)
                .await
                .unwrap()
                .is_empty(),
            "{backend}: nothing stored"
        );
    }
}

#[each_database]
async fn unapproved_parent_is_refused() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        for status in [
            ReplyStatus::Pending,
            ReplyStatus::Rejected,
            ReplyStatus::Spam,
        ] {
            let parent = store
                .replies()
                .create(reply_draft(article.id, None, status, "Hidden"))
                .await
                .unwrap();
            let result = store
                .replies()
                .create(reply_draft(
                    article.id,
                    Some(parent.id),
                    ReplyStatus::Approved,
                    "Hi",
                ))
                .await;
            let error = result.expect_err("a parent the public cannot see");
            assert_eq!(
                refused_fields(&error),
                Some(vec!["parent_id".to_owned()]),
                "{backend}: {status}: {error:?}"
            );
        }
        // Approving the parent makes it answerable.
        let parent = store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Pending, "Soon"))
            .await
            .unwrap();
        store
            .replies()
            .set_status(parent.id, ReplyStatus::Approved)
            .await
            .unwrap();
        let child = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(parent.id),
                ReplyStatus::Pending,
                "Hi",
            ))
            .await
            .unwrap();
        assert_eq!(child.depth, 2, "{backend}");
    }
}

#[each_database]
async fn threads_stop_at_depth_five() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let mut parent = None;
        let mut depths = Vec::new();
        for level in 1..=5 {
            let reply = store
                .replies()
                .create(reply_draft(
                    article.id,
                    parent,
                    ReplyStatus::Approved,
                    &format!("Level {level}"),
                ))
                .await
                .unwrap();
            depths.push(reply.depth);
            parent = Some(reply.id);
        }
        assert_eq!(depths, [1, 2, 3, 4, 5], "{backend}");
        let result = store
            .replies()
            .create(reply_draft(
                article.id,
                parent,
                ReplyStatus::Approved,
                "Level 6",
            ))
            .await;
        let error = result.expect_err("a sixth level");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["parent_id".to_owned()]),
            "{backend}: {error:?}"
        );
        assert_eq!(
            store
                .replies()
                .approved_for_article(article.id)
                .await
                .unwrap()
                .len(),
            5,
            "{backend}"
        );
    }
}

#[each_database]
async fn approved_replies_come_oldest_first() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let other = published_article(&store, "Elsewhere").await;
        let first = store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Approved, "One"))
            .await
            .unwrap();
        let pending = store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Pending, "Two"))
            .await
            .unwrap();
        let nested = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(first.id),
                ReplyStatus::Approved,
                "Three",
            ))
            .await
            .unwrap();
        store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Spam, "Buy now"))
            .await
            .unwrap();
        store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Rejected, "Rude"))
            .await
            .unwrap();
        let last = store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Approved, "Four"))
            .await
            .unwrap();
        store
            .replies()
            .create(reply_draft(
                other.id,
                None,
                ReplyStatus::Approved,
                "Elsewhere",
            ))
            .await
            .unwrap();

        let approved = store
            .replies()
            .approved_for_article(article.id)
            .await
            .unwrap();
        assert_eq!(
            ids(&approved),
            [first.id, nested.id, last.id],
            "{backend}: approved only, oldest first"
        );
        assert_eq!(approved[1], nested, "{backend}: equal to what was stored");
        assert!(
            approved
                .windows(2)
                .all(|pair| pair[0].created_at <= pair[1].created_at),
            "{backend}"
        );

        let approved_now = store
            .replies()
            .set_status(pending.id, ReplyStatus::Approved)
            .await
            .unwrap();
        assert_eq!(approved_now.status, ReplyStatus::Approved, "{backend}");
        assert_eq!(
            approved_now.created_at, pending.created_at,
            "{backend}: moderation keeps the posting time"
        );
        let approved = store
            .replies()
            .approved_for_article(article.id)
            .await
            .unwrap();
        assert_eq!(
            ids(&approved),
            [first.id, pending.id, nested.id, last.id],
            "{backend}: by posting time"
        );
    }
}

#[each_database]
async fn approved_counts_are_per_article() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let busy = published_article(&store, "Busy").await;
        let quiet = published_article(&store, "Quiet").await;
        let silent = published_article(&store, "Silent").await;
        for status in [
            ReplyStatus::Approved,
            ReplyStatus::Approved,
            ReplyStatus::Pending,
            ReplyStatus::Spam,
        ] {
            store
                .replies()
                .create(reply_draft(busy.id, None, status, "Hello"))
                .await
                .unwrap();
        }
        store
            .replies()
            .create(reply_draft(quiet.id, None, ReplyStatus::Approved, "Hello"))
            .await
            .unwrap();
        store
            .replies()
            .create(reply_draft(silent.id, None, ReplyStatus::Pending, "Hello"))
            .await
            .unwrap();

        let counts = store
            .replies()
            .approved_counts(&[busy.id, quiet.id, silent.id])
            .await
            .unwrap();
        assert_eq!(counts.get(&busy.id).copied(), Some(2), "{backend}");
        assert_eq!(counts.get(&quiet.id).copied(), Some(1), "{backend}");
        assert_eq!(
            counts.get(&silent.id).copied().unwrap_or(0),
            0,
            "{backend}: pending replies do not count"
        );
        let only_quiet = store.replies().approved_counts(&[quiet.id]).await.unwrap();
        assert_eq!(
            only_quiet.len(),
            1,
            "{backend}: only the articles asked for"
        );
        assert!(
            store
                .replies()
                .approved_counts(&[])
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    }
}

#[each_database]
async fn set_status_moves_a_reply_through_moderation() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let reply = store
            .replies()
            .create(reply_draft(article.id, None, ReplyStatus::Pending, "Hello"))
            .await
            .unwrap();
        for status in [
            ReplyStatus::Approved,
            ReplyStatus::Spam,
            ReplyStatus::Rejected,
            ReplyStatus::Pending,
        ] {
            let moved = store.replies().set_status(reply.id, status).await.unwrap();
            assert_eq!(moved.status, status, "{backend}");
            assert_eq!(
                store
                    .replies()
                    .by_id(reply.id)
                    .await
                    .unwrap()
                    .map(|r| r.status),
                Some(status),
                "{backend}"
            );
            let public = store
                .replies()
                .approved_for_article(article.id)
                .await
                .unwrap();
            assert_eq!(
                public.len(),
                usize::from(status == ReplyStatus::Approved),
                "{backend}: {status}"
            );
        }
        let unknown = store
            .replies()
            .set_status(ReplyId::generate(), ReplyStatus::Approved)
            .await;
        assert!(
            matches!(unknown, Err(PersistenceError::NotFound)),
            "{backend}: {unknown:?}"
        );
    }
}

#[each_database]
async fn deleting_a_reply_keeps_its_children() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let article = published_article(&store, "Talks").await;
        let parent = store
            .replies()
            .create(reply_draft(
                article.id,
                None,
                ReplyStatus::Approved,
                "Parent",
            ))
            .await
            .unwrap();
        let child = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(parent.id),
                ReplyStatus::Approved,
                "Child",
            ))
            .await
            .unwrap();
        store.replies().delete(parent.id).await.unwrap();
        assert!(
            store.replies().by_id(parent.id).await.unwrap().is_none(),
            "{backend}"
        );
        let remaining = store
            .replies()
            .approved_for_article(article.id)
            .await
            .unwrap();
        assert_eq!(
            remaining,
            std::slice::from_ref(&child),
            "{backend}: the child keeps its place"
        );
        assert_eq!(remaining[0].parent_id, Some(parent.id), "{backend}");
        let again = store.replies().delete(parent.id).await;
        assert!(
            matches!(again, Err(PersistenceError::NotFound)),
            "{backend}: {again:?}"
        );
        // A removed parent can no longer be answered.
        let orphan = store
            .replies()
            .create(reply_draft(
                article.id,
                Some(parent.id),
                ReplyStatus::Approved,
                "Hi",
            ))
            .await;
        let error = orphan.expect_err("a removed parent");
        assert_eq!(
            refused_fields(&error),
            Some(vec!["parent_id".to_owned()]),
            "{backend}"
        );
    }
}

/// What replies need of their article: found by id, by slug and by a retired
/// slug, with its policy; a draft is not there for the public, an unknown
/// slug nowhere.
#[each_database]
async fn reply_targets_are_found_as_the_article_is() {
    use masthead_domain::{ArticleId, ReplyPolicy, Slug};
    use masthead_persistence::reply_targets::ReplyTarget;
    use masthead_persistence::Visibility;

    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let mut closed = content("Harbour Vote", &[author.id], &[]);
        closed.reply_policy = ReplyPolicy::Closed;
        let article = store
            .articles()
            .create(closed, published(masthead_persistence::now()))
            .await
            .unwrap();
        let public = Visibility::Public {
            now: masthead_persistence::now(),
        };
        let expected = Some(ReplyTarget {
            id: article.id,
            reply_policy: ReplyPolicy::Closed,
        });
        let articles = store.articles();
        assert_eq!(
            articles
                .reply_target_by_id(article.id, public)
                .await
                .unwrap(),
            expected,
            "{backend}"
        );
        assert_eq!(
            articles
                .reply_target_by_slug("harbour-vote", public)
                .await
                .unwrap(),
            expected,
            "{backend}"
        );

        // A new slug for a published article: the old one still finds it.
        let mut moved = content("Harbour Vote", &[author.id], &[]);
        moved.reply_policy = ReplyPolicy::Closed;
        moved.slug = Some(Slug::parse("slug", "harbour-vote-result").unwrap());
        articles.update(article.id, 1, moved).await.unwrap();
        assert_eq!(
            articles
                .reply_target_by_slug("harbour-vote", public)
                .await
                .unwrap(),
            expected,
            "{backend}: retired slug"
        );

        let draft = articles
            .create(
                content("Quiet Draft", &[author.id], &[]),
                masthead_domain::Lifecycle::draft(),
            )
            .await
            .unwrap();
        assert_eq!(
            articles.reply_target_by_id(draft.id, public).await.unwrap(),
            None,
            "{backend}: a draft is not public"
        );
        assert_eq!(
            articles
                .reply_target_by_id(draft.id, Visibility::Staff)
                .await
                .unwrap()
                .map(|target| target.reply_policy),
            Some(draft.reply_policy),
            "{backend}: staff see it"
        );
        assert_eq!(
            articles
                .reply_target_by_slug("no-such-story", Visibility::Staff)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
        assert_eq!(
            articles
                .reply_target_by_id(ArticleId(uuid::Uuid::now_v7()), Visibility::Staff)
                .await
                .unwrap(),
            None,
            "{backend}"
        );
    }
}
