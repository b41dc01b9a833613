//! Article lists: keyset pagination forwards and backwards, who sees what, counts
//! and filters, on SQLite and (when configured) PostgreSQL.

use crate::support;

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use masthead_domain::{Article, ArticleId, Lifecycle};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{
    ArticleFilter, ArticleOrder, Cursor, Page, PageRequest, Store, Visibility,
};
use masthead_test_macros::each_database;
use support::*;

const PUBLISHED: usize = 25;
const PAGE: u64 = 7;

/// The newsroom every list test looks at.
struct Archive {
    now: DateTime<Utc>,
    /// The published articles, newest first (publication time, then id, descending).
    published: Vec<Article>,
    /// Drafts, an article scheduled for later, an archived one.
    private: Vec<Article>,
    /// The scheduled article, public an hour after `now`.
    scheduled: Article,
    /// Slug of the tag on every third published article (and one draft).
    tag_slug: String,
    /// Slug of the second author, on every fourth published article (and one draft).
    author_slug: String,
}

/// 25 published articles whose publication times come in threes (so the id
/// decides between equals), two drafts, one scheduled an hour ahead, one archived.
async fn archive(store: &Store) -> Archive {
    let now = masthead_persistence::now();
    let writer = staff(store).await;
    let ana = user(store, "Ana Lima", "ana@example.org").await;
    let world = tag(store, "World").await;
    let base = now - Duration::days(1);
    let mut public_articles = Vec::new();
    for i in 0..PUBLISHED {
        // Threes share a time; creation order and time order disagree for many of them.
        let at = base + Duration::minutes(((i * 7) % PUBLISHED / 3) as i64);
        let mut authors = vec![writer.id];
        if i % 4 == 0 {
            authors.push(ana.id);
        }
        let tags = if i % 3 == 0 { vec![world.id] } else { vec![] };
        let article = store
            .articles()
            .create(
                content(&format!("Story {i:02}"), &authors, &tags),
                published(at),
            )
            .await
            .expect("create a published article");
        public_articles.push(article);
    }
    public_articles.sort_by_key(|a| std::cmp::Reverse((a.lifecycle.published_at, a.id)));
    let times: HashSet<_> = public_articles
        .iter()
        .map(|a| a.lifecycle.published_at)
        .collect();
    assert!(times.len() < PUBLISHED, "some publication times are equal");
    // Equal times straddle page boundaries, walking forwards and backwards, so
    // only the id tie-breaker in the cursor keeps the walks exact.
    let page = PAGE as usize;
    let splits_a_tie = |k: usize| {
        public_articles[k - 1].lifecycle.published_at == public_articles[k].lifecycle.published_at
    };
    assert!(
        (page..PUBLISHED).step_by(page).any(splits_a_tie),
        "a forward page boundary splits a tie"
    );
    assert!(
        (1..PUBLISHED / page + 1)
            .map(|n| PUBLISHED - n * page)
            .any(splits_a_tie),
        "a backward page boundary splits a tie"
    );

    let mut private = Vec::new();
    let draft = store
        .articles()
        .create(
            content("Draft one", &[writer.id, ana.id], &[world.id]),
            Lifecycle::draft(),
        )
        .await
        .unwrap();
    private.push(draft);
    let draft = store
        .articles()
        .create(content("Draft two", &[writer.id], &[]), Lifecycle::draft())
        .await
        .unwrap();
    private.push(draft);
    let scheduled_article = store
        .articles()
        .create(
            content("Embargoed", &[writer.id], &[world.id]),
            scheduled(now + Duration::hours(1)),
        )
        .await
        .unwrap();
    private.push(scheduled_article.clone());
    let archived = store
        .articles()
        .create(
            content("Retracted", &[writer.id], &[world.id]),
            published(base - Duration::hours(1)),
        )
        .await
        .unwrap();
    let archived = store
        .articles()
        .change_lifecycle(archived.id, Some(1), |l| l.archive(now))
        .await
        .unwrap();
    private.push(archived);
    Archive {
        now,
        published: public_articles,
        private,
        scheduled: scheduled_article,
        tag_slug: world.slug.as_str().to_owned(),
        author_slug: ana.slug.as_str().to_owned(),
    }
}

fn ids(articles: &[Article]) -> Vec<ArticleId> {
    articles.iter().map(|article| article.id).collect()
}

fn page_ids(page: &Page<Article>) -> Vec<ArticleId> {
    page.items.iter().map(|(_, article)| article.id).collect()
}

/// Walks a list forwards from the start, checking each page's flags; returns the ids in order.
async fn walk_forwards(
    store: &Store,
    visibility: Visibility,
    filter: &ArticleFilter,
    order: ArticleOrder,
    backend: &str,
) -> Vec<ArticleId> {
    let mut seen = Vec::new();
    let mut cursor: Option<Cursor> = None;
    for round in 0.. {
        assert!(round < 100, "{backend}: the walk does not end");
        let page = store
            .articles()
            .list(
                visibility,
                filter,
                order,
                PageRequest::after(PAGE, cursor),
                false,
            )
            .await
            .unwrap();
        assert!(page.items.len() as u64 <= PAGE, "{backend}: page too large");
        assert_eq!(
            page.has_previous,
            cursor.is_some(),
            "{backend}: has_previous on page {round}"
        );
        for (item_cursor, article) in &page.items {
            assert_eq!(
                item_cursor.id, article.id.0,
                "{backend}: cursor names its item"
            );
        }
        seen.extend(page_ids(&page));
        if !page.has_next {
            assert_eq!(page.next_cursor(), None, "{backend}");
            break;
        }
        assert_eq!(
            page.items.len() as u64,
            PAGE,
            "{backend}: only the last page is short"
        );
        cursor = page.next_cursor();
        assert!(cursor.is_some(), "{backend}: has_next comes with a cursor");
    }
    seen
}

/// Walks a list backwards from its end; returns the ids in list order.
async fn walk_backwards(store: &Store, visibility: Visibility, backend: &str) -> Vec<ArticleId> {
    let mut pages: Vec<Vec<ArticleId>> = Vec::new();
    let mut before: Option<Cursor> = None;
    for round in 0.. {
        assert!(round < 100, "{backend}: the walk does not end");
        let request = PageRequest {
            size: PAGE,
            after: None,
            before,
            backwards: true,
        };
        let page = store
            .articles()
            .list(
                visibility,
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                request,
                false,
            )
            .await
            .unwrap();
        assert_eq!(
            page.has_next,
            before.is_some(),
            "{backend}: has_next on backward page {round}"
        );
        pages.push(page_ids(&page));
        if !page.has_previous {
            break;
        }
        assert_eq!(
            page.items.len() as u64,
            PAGE,
            "{backend}: only the first page is short"
        );
        before = page.items.first().map(|(cursor, _)| *cursor);
    }
    pages.into_iter().rev().flatten().collect()
}

#[each_database]
async fn public_list_walks_every_article_once_newest_first() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let archive = archive(&store).await;
        let public = Visibility::Public { now: archive.now };
        let walked = walk_forwards(
            &store,
            public,
            &ArticleFilter::default(),
            ArticleOrder::PublishedAt,
            backend,
        )
        .await;
        assert_eq!(
            walked,
            ids(&archive.published),
            "{backend}: each published article once, newest first"
        );
        // By last update (GraphQL's `orderBy`), still only what is public.
        let walked = walk_forwards(
            &store,
            public,
            &ArticleFilter::default(),
            ArticleOrder::UpdatedAt,
            backend,
        )
        .await;
        let mut by_update = archive.published.clone();
        by_update.sort_by_key(|a| std::cmp::Reverse((a.updated_at, a.id)));
        assert_eq!(walked, ids(&by_update), "{backend}");

        let first = store
            .articles()
            .list(
                public,
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                PageRequest::first(PAGE),
                true,
            )
            .await
            .unwrap();
        let (_, article) = &first.items[0];
        assert_eq!(
            article, &archive.published[0],
            "{backend}: with bodies, items equal what was stored"
        );
        assert!(!article.sections.is_empty(), "{backend}");
    }
}

#[each_database]
async fn backward_walk_matches_forward_walk() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let archive = archive(&store).await;
        let public = Visibility::Public { now: archive.now };
        let backwards = walk_backwards(&store, public, backend).await;
        assert_eq!(
            backwards,
            ids(&archive.published),
            "{backend}: the same list, page by page from the end"
        );

        // Stepping back from the second page gives the first page again.
        let first = store
            .articles()
            .list(
                public,
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                PageRequest::first(PAGE),
                false,
            )
            .await
            .unwrap();
        let second = store
            .articles()
            .list(
                public,
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                PageRequest::after(PAGE, first.next_cursor()),
                false,
            )
            .await
            .unwrap();
        let back = PageRequest {
            size: PAGE,
            after: None,
            before: Some(second.items[0].0),
            backwards: true,
        };
        let again = store
            .articles()
            .list(
                public,
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                back,
                false,
            )
            .await
            .unwrap();
        assert_eq!(page_ids(&again), page_ids(&first), "{backend}");
        assert!(
            !again.has_previous,
            "{backend}: nothing before the first page"
        );
        assert!(again.has_next, "{backend}");
    }
}

#[each_database]
async fn drafts_and_future_scheduled_articles_are_staff_only() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let archive = archive(&store).await;
        let public = Visibility::Public { now: archive.now };
        let all = ArticleFilter::default();
        assert_eq!(
            store.articles().count(public, &all).await.unwrap(),
            PUBLISHED as u64,
            "{backend}"
        );
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &all)
                .await
                .unwrap(),
            (PUBLISHED + archive.private.len()) as u64,
            "{backend}"
        );
        for article in &archive.private {
            let name = article.slug.as_str();
            assert!(
                store
                    .articles()
                    .by_id(article.id, public)
                    .await
                    .unwrap()
                    .is_none(),
                "{backend}: {name} by id"
            );
            assert!(
                store
                    .articles()
                    .by_slug(name, public)
                    .await
                    .unwrap()
                    .is_none(),
                "{backend}: {name} by slug"
            );
            let staff_view = store
                .articles()
                .by_id(article.id, Visibility::Staff)
                .await
                .unwrap();
            assert_eq!(
                staff_view.as_ref(),
                Some(article),
                "{backend}: staff see {name} by id"
            );
            let staff_view = store
                .articles()
                .by_slug(name, Visibility::Staff)
                .await
                .unwrap();
            assert_eq!(
                staff_view.as_ref(),
                Some(article),
                "{backend}: staff see {name} by slug"
            );
        }
        let visible = store
            .articles()
            .by_ids(&ids(&archive.private), public, false)
            .await
            .unwrap();
        assert!(visible.is_empty(), "{backend}: by_ids hides them too");
        assert_eq!(
            store
                .articles()
                .by_ids(&ids(&archive.private), Visibility::Staff, false)
                .await
                .unwrap()
                .len(),
            archive.private.len(),
            "{backend}"
        );

        // Staff lists hold everything, by publication time or by last change, each article once.
        let staff_walk = walk_forwards(
            &store,
            Visibility::Staff,
            &all,
            ArticleOrder::UpdatedAt,
            backend,
        )
        .await;
        let mut by_update: Vec<&Article> =
            archive.published.iter().chain(&archive.private).collect();
        by_update.sort_by_key(|a| std::cmp::Reverse((a.updated_at, a.id)));
        assert_eq!(
            staff_walk,
            by_update.iter().map(|a| a.id).collect::<Vec<_>>(),
            "{backend}: by last change"
        );
        let staff_walk = walk_forwards(
            &store,
            Visibility::Staff,
            &all,
            ArticleOrder::PublishedAt,
            backend,
        )
        .await;
        let mut by_publication: Vec<&Article> =
            archive.published.iter().chain(&archive.private).collect();
        by_publication.sort_by_key(|a| {
            let at = a
                .lifecycle
                .published_at
                .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
            std::cmp::Reverse((at, a.id))
        });
        assert_eq!(
            staff_walk,
            by_publication.iter().map(|a| a.id).collect::<Vec<_>>(),
            "{backend}: by publication time, unpublished last"
        );

        // Once its time has come, the scheduled article is public without anyone acting.
        let later = Visibility::Public {
            now: archive.now + Duration::hours(2),
        };
        assert_eq!(
            store.articles().count(later, &all).await.unwrap(),
            PUBLISHED as u64 + 1,
            "{backend}"
        );
        let front = store
            .articles()
            .list(
                later,
                &all,
                ArticleOrder::PublishedAt,
                PageRequest::first(1),
                false,
            )
            .await
            .unwrap();
        assert_eq!(
            page_ids(&front),
            [archive.scheduled.id],
            "{backend}: newest on the front page"
        );
    }
}

#[each_database]
async fn lists_filter_by_tag_and_author() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let archive = archive(&store).await;
        let public = Visibility::Public { now: archive.now };
        let has_tag = |a: &Article| a.tags.iter().any(|t| t.slug.as_str() == archive.tag_slug);
        let has_author = |a: &Article| {
            a.authors
                .iter()
                .any(|u| u.slug.as_str() == archive.author_slug)
        };

        let by_tag = ArticleFilter {
            tag: Some(archive.tag_slug.clone()),
            ..ArticleFilter::default()
        };
        let expected: Vec<ArticleId> = archive
            .published
            .iter()
            .filter(|a| has_tag(a))
            .map(|a| a.id)
            .collect();
        assert_eq!(expected.len(), 9, "{backend}: every third article");
        let walked =
            walk_forwards(&store, public, &by_tag, ArticleOrder::PublishedAt, backend).await;
        assert_eq!(walked, expected, "{backend}: tag filter");
        assert_eq!(
            store.articles().count(public, &by_tag).await.unwrap(),
            9,
            "{backend}"
        );
        // Staff also see the tagged draft, the scheduled and the archived article.
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &by_tag)
                .await
                .unwrap(),
            12,
            "{backend}"
        );

        let by_author = ArticleFilter {
            author: Some(archive.author_slug.clone()),
            ..ArticleFilter::default()
        };
        let expected: Vec<ArticleId> = archive
            .published
            .iter()
            .filter(|a| has_author(a))
            .map(|a| a.id)
            .collect();
        assert_eq!(expected.len(), 7, "{backend}: every fourth article");
        let walked = walk_forwards(
            &store,
            public,
            &by_author,
            ArticleOrder::PublishedAt,
            backend,
        )
        .await;
        assert_eq!(walked, expected, "{backend}: author filter");
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &by_author)
                .await
                .unwrap(),
            8,
            "{backend}"
        );

        let both = ArticleFilter {
            tag: by_tag.tag.clone(),
            author: by_author.author.clone(),
            status: None,
            title: None,
        };
        let expected: Vec<ArticleId> = archive
            .published
            .iter()
            .filter(|a| has_tag(a) && has_author(a))
            .map(|a| a.id)
            .collect();
        assert_eq!(expected.len(), 3, "{backend}: every twelfth article");
        let walked = walk_forwards(&store, public, &both, ArticleOrder::PublishedAt, backend).await;
        assert_eq!(walked, expected, "{backend}: both filters");

        let drafts = ArticleFilter {
            status: Some(masthead_domain::ArticleStatus::Draft),
            ..ArticleFilter::default()
        };
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &drafts)
                .await
                .unwrap(),
            2,
            "{backend}"
        );
        assert_eq!(
            store.articles().count(public, &drafts).await.unwrap(),
            0,
            "{backend}"
        );
        let nobody = ArticleFilter {
            author: Some("nobody".into()),
            ..ArticleFilter::default()
        };
        let page = store
            .articles()
            .list(
                public,
                &nobody,
                ArticleOrder::PublishedAt,
                PageRequest::first(PAGE),
                false,
            )
            .await
            .unwrap();
        assert!(
            page.items.is_empty() && !page.has_next && !page.has_previous,
            "{backend}"
        );
    }
}

#[each_database]
async fn staff_lists_filter_by_words_in_the_title_ignoring_case_and_wildcards() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let writer = staff(&store).await;
        let now = masthead_persistence::now();
        for title in [
            "Harbour Wall Repairs Begin",
            "Council votes on the harbour budget",
            "100% of ferries run on time",
            "Ferry_times change",
        ] {
            store
                .articles()
                .create(content(title, &[writer.id], &[]), published(now))
                .await
                .expect("create an article");
        }
        let titles = |words: &str| {
            let store = store.clone();
            let filter = ArticleFilter {
                title: Some(words.to_owned()),
                ..ArticleFilter::default()
            };
            async move {
                let page = store
                    .articles()
                    .list(
                        Visibility::Staff,
                        &filter,
                        ArticleOrder::UpdatedAt,
                        PageRequest::first(PAGE),
                        false,
                    )
                    .await
                    .expect("a filtered list");
                let mut titles: Vec<String> = page
                    .items
                    .iter()
                    .map(|(_, a)| a.title.to_string())
                    .collect();
                titles.sort();
                titles
            }
        };
        assert_eq!(
            titles("HARBOUR").await,
            [
                "Council votes on the harbour budget",
                "Harbour Wall Repairs Begin"
            ],
            "{backend}"
        );
        // `%` and `_` are the text itself, not wildcards.
        assert_eq!(
            titles("0%").await,
            ["100% of ferries run on time"],
            "{backend}"
        );
        assert_eq!(titles("y_t").await, ["Ferry_times change"], "{backend}");
        assert!(titles("harbour wall budget").await.is_empty(), "{backend}");
        let too_long = ArticleFilter {
            title: Some("x".repeat(301)),
            ..ArticleFilter::default()
        };
        assert!(
            store
                .articles()
                .list(
                    Visibility::Staff,
                    &too_long,
                    ArticleOrder::UpdatedAt,
                    PageRequest::first(PAGE),
                    false
                )
                .await
                .is_err(),
            "{backend}: a filter longer than any title is refused"
        );
    }
}
