//! Full-text search on SQLite FTS5 and (when configured) PostgreSQL: ranking,
//! the query language, folding, visibility, the index kept in step with every
//! write, filters, paging across ranking windows and rebuilding the index.

use crate::support;

use chrono::Duration;
use masthead_domain::search::SearchQuery;
use masthead_domain::{
    Article, ArticleId, ArticleInput, ArticleStatus, Lifecycle, TagContent, TagId, UserId,
};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{SearchFilter, SearchOrder, SearchRequest, Store, Visibility};
use masthead_test_macros::each_database;
use support::*;

async fn article(
    store: &Store,
    title: &str,
    standfirst: &str,
    body: &str,
    author: UserId,
    tags: &[TagId],
    lifecycle: Lifecycle,
) -> Article {
    let input = ArticleInput {
        title: title.into(),
        standfirst: Some(standfirst.into()),
        sections: lede(body),
        authors: vec![author],
        tags: tags.to_vec(),
        ..ArticleInput::default()
    };
    store
        .articles()
        .create(validate(input), lifecycle)
        .await
        .expect("create")
}

/// Ids found by `q` for `visibility`, best first, with the filter and order given.
async fn find_with(
    store: &Store,
    q: &str,
    visibility: Visibility,
    filter: &SearchFilter,
    order: SearchOrder,
) -> Vec<ArticleId> {
    let query = SearchQuery::parse(q).expect("a valid query");
    let page = store
        .search(SearchRequest {
            query: &query,
            visibility,
            filter,
            order,
            size: 100,
            after: None,
        })
        .await
        .expect("search");
    page.hits.iter().map(|hit| hit.article_id).collect()
}

async fn find(store: &Store, q: &str, visibility: Visibility) -> Vec<ArticleId> {
    find_with(
        store,
        q,
        visibility,
        &SearchFilter::default(),
        SearchOrder::Relevance,
    )
    .await
}

fn public() -> Visibility {
    Visibility::Public {
        now: masthead_persistence::now(),
    }
}

#[each_database]
async fn ranking_phrases_exclusion_prefix_and_folding() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let now = masthead_persistence::now();
        let at = |minutes| published(minutes_before(now, minutes));
        let body_hit = article(
            &store,
            "Harbour news",
            "Ships came in.",
            "The grain deal in Reykjavík was signed by Peskov.",
            author.id,
            &[],
            at(10),
        )
        .await;
        let title_hit = article(
            &store,
            "Grain prices fall",
            "Markets moved.",
            "Nothing else to report here today.",
            author.id,
            &[],
            at(20),
        )
        .await;
        let other = article(
            &store,
            "Café culture",
            "A deal of coffee.",
            "Baristas in Odesa grain the beans.",
            author.id,
            &[],
            at(30),
        )
        .await;

        let ranked = find(&store, "grain ", public()).await;
        assert_eq!(
            ranked.first(),
            Some(&title_hit.id),
            "{backend}: a title hit ranks first: {ranked:?}"
        );
        assert_eq!(ranked.len(), 3, "{backend}");

        assert_eq!(
            find(&store, "\"grain deal\"", public()).await,
            vec![body_hit.id],
            "{backend}: phrase"
        );
        let mut excluded = find(&store, "grain -odesa", public()).await;
        excluded.sort();
        let mut expected = vec![body_hit.id, title_hit.id];
        expected.sort();
        assert_eq!(excluded, expected, "{backend}: exclusion");
        assert_eq!(
            find(&store, "reykj", public()).await,
            vec![body_hit.id],
            "{backend}: prefix"
        );
        assert_eq!(
            find(&store, "reykj ", public()).await,
            Vec::<ArticleId>::new(),
            "{backend}: a finished word is not a prefix"
        );
        for spelling in ["Reykjavik ", "REYKJAVÍK ", "reykjavík "] {
            assert_eq!(
                find(&store, spelling, public()).await,
                vec![body_hit.id],
                "{backend}: {spelling}"
            );
        }
        assert_eq!(
            find(&store, "cafe ", public()).await,
            vec![other.id],
            "{backend}: café"
        );
        assert_eq!(
            find(&store, "PESKOV", public()).await,
            vec![body_hit.id],
            "{backend}"
        );
        let mut either = find(&store, "odesa OR reykjavik", public()).await;
        either.sort();
        let mut expected = vec![body_hit.id, other.id];
        expected.sort();
        assert_eq!(either, expected, "{backend}: OR");
        // Author names are searchable too.
        assert_eq!(
            find(&store, "\"staff writer\" harbour", public()).await,
            vec![body_hit.id],
            "{backend}"
        );
    }
}

#[each_database]
async fn the_public_never_sees_drafts_or_what_is_not_yet_out() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let now = masthead_persistence::now();
        let out = article(
            &store,
            "Embargo lifted",
            "",
            "Zanzibar talks.",
            author.id,
            &[],
            published(minutes_before(now, 5)),
        )
        .await;
        let draft = article(
            &store,
            "Draft",
            "",
            "Zanzibar secrets.",
            author.id,
            &[],
            Lifecycle::draft(),
        )
        .await;
        let future = article(
            &store,
            "Tomorrow",
            "",
            "Zanzibar embargo.",
            author.id,
            &[],
            scheduled(now + Duration::hours(1)),
        )
        .await;
        assert_eq!(
            find(&store, "zanzibar", public()).await,
            vec![out.id],
            "{backend}"
        );
        let mut staff_sees = find(&store, "zanzibar", Visibility::Staff).await;
        staff_sees.sort();
        let mut all = vec![out.id, draft.id, future.id];
        all.sort();
        assert_eq!(staff_sees, all, "{backend}");
        let drafts = SearchFilter {
            status: Some(ArticleStatus::Draft),
            ..SearchFilter::default()
        };
        assert_eq!(
            find_with(
                &store,
                "zanzibar",
                Visibility::Staff,
                &drafts,
                SearchOrder::Newest
            )
            .await,
            vec![draft.id],
            "{backend}: status filter"
        );
        // Once its time has come, the scheduled article is found without any write.
        let later = Visibility::Public {
            now: now + Duration::hours(2),
        };
        let mut found = find(&store, "zanzibar", later).await;
        found.sort();
        let mut expected = vec![out.id, future.id];
        expected.sort();
        assert_eq!(found, expected, "{backend}");
    }
}

#[each_database]
async fn every_write_is_seen_by_the_next_search() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let topic = tag(&store, "Volcanoes").await;
        let now = masthead_persistence::now();
        let story = article(
            &store,
            "Eruption",
            "",
            "Lava everywhere.",
            author.id,
            &[topic.id],
            published(minutes_before(now, 5)),
        )
        .await;
        // Save: the old words go, the new ones come.
        let content = validate(ArticleInput {
            title: "Eruption".into(),
            sections: lede("Ash clouds over Grindavík."),
            authors: vec![author.id],
            tags: vec![topic.id],
            ..ArticleInput::default()
        });
        let saved = store
            .articles()
            .update(story.id, story.version, content)
            .await
            .unwrap();
        assert_eq!(
            find(&store, "lava", public()).await,
            Vec::<ArticleId>::new(),
            "{backend}"
        );
        assert_eq!(
            find(&store, "grindavik", public()).await,
            vec![story.id],
            "{backend}"
        );
        // A tag rename reaches the documents of its articles.
        store
            .tags()
            .update(
                topic.id,
                TagContent {
                    name: "Geology".into(),
                    slug: topic.slug.clone(),
                    description: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(
            find(&store, "geology", public()).await,
            vec![story.id],
            "{backend}: renamed tag"
        );
        assert_eq!(
            find(&store, "volcanoes", public()).await,
            Vec::<ArticleId>::new(),
            "{backend}"
        );
        // Unpublish hides it from the public at once; staff still find it.
        let unpublished = store
            .articles()
            .change_lifecycle(story.id, Some(saved.version), |lifecycle| {
                lifecycle.unpublish(masthead_persistence::now())
            })
            .await
            .unwrap();
        assert_eq!(
            find(&store, "grindavik", public()).await,
            Vec::<ArticleId>::new(),
            "{backend}"
        );
        assert_eq!(
            find(&store, "grindavik", Visibility::Staff).await,
            vec![story.id],
            "{backend}"
        );
        store
            .articles()
            .delete(story.id, Some(unpublished.version))
            .await
            .unwrap();
        assert_eq!(
            find(&store, "grindavik", Visibility::Staff).await,
            Vec::<ArticleId>::new(),
            "{backend}"
        );
    }
}

#[each_database]
async fn filters_by_tag_author_and_time() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let one = user(&store, "Ana Ruiz", &format!("ana-{backend}@example.org")).await;
        let two = staff(&store).await;
        let topic = tag(&store, "Energy").await;
        let now = masthead_persistence::now();
        let old = article(
            &store,
            "Old wind",
            "",
            "Turbines.",
            one.id,
            &[topic.id],
            published(now - Duration::days(10)),
        )
        .await;
        let new = article(
            &store,
            "New wind",
            "",
            "Turbines.",
            two.id,
            &[],
            published(minutes_before(now, 1)),
        )
        .await;
        let by_tag = SearchFilter {
            tag: Some(topic.slug.to_string()),
            ..SearchFilter::default()
        };
        let by_author = SearchFilter {
            author: Some(two.slug.to_string()),
            ..SearchFilter::default()
        };
        let recent = SearchFilter {
            from: Some(now - Duration::days(1)),
            ..SearchFilter::default()
        };
        let earlier = SearchFilter {
            to: Some(now - Duration::days(1)),
            ..SearchFilter::default()
        };
        for (filter, expected) in [
            (by_tag, old.id),
            (by_author, new.id),
            (recent, new.id),
            (earlier, old.id),
        ] {
            assert_eq!(
                find_with(
                    &store,
                    "turbines",
                    public(),
                    &filter,
                    SearchOrder::Relevance
                )
                .await,
                vec![expected],
                "{backend}: {filter:?}"
            );
        }
        assert_eq!(
            find_with(
                &store,
                "turbines",
                public(),
                &SearchFilter::default(),
                SearchOrder::Newest
            )
            .await,
            vec![new.id, old.id],
            "{backend}: newest first"
        );
    }
}

#[each_database]
async fn paging_across_ranking_windows_repeats_nothing() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let total = masthead_persistence::search::WINDOW as usize + 150;
        store
            .insert_generated_articles(total, 1, author.id, &[])
            .await
            .unwrap();
        let query = SearchQuery::parse("generated story").unwrap();
        for order in [SearchOrder::Relevance, SearchOrder::Newest] {
            let mut seen = std::collections::HashSet::new();
            let mut after = None;
            let mut pages = 0;
            loop {
                let page = store
                    .search(SearchRequest {
                        query: &query,
                        visibility: public(),
                        filter: &SearchFilter::default(),
                        order,
                        size: 100,
                        after,
                    })
                    .await
                    .unwrap();
                pages += 1;
                for hit in &page.hits {
                    assert!(
                        seen.insert(hit.article_id),
                        "{backend} {order:?}: repeated on page {pages}"
                    );
                }
                match page.next_cursor() {
                    Some(cursor) => after = Some(cursor),
                    None => break,
                }
            }
            assert_eq!(seen.len(), total, "{backend} {order:?}: every match once");
        }
    }
}

#[each_database]
async fn a_rebuild_indexes_what_is_there() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let story = article(
            &store,
            "Glacier",
            "",
            "Meltwater rises.",
            author.id,
            &[],
            published(minutes_before(masthead_persistence::now(), 1)),
        )
        .await;
        store.rebuild_search_index().await.unwrap();
        assert_eq!(
            find(&store, "meltwater", public()).await,
            vec![story.id],
            "{backend}"
        );
        // Another language (on PostgreSQL) rebuilds at the next start; SQLite ignores it.
        let german = store.clone().with_search_language("german");
        german.migrate().await.unwrap();
        assert_eq!(
            find(&german, "meltwater", public()).await,
            vec![story.id],
            "{backend}"
        );
        let unknown = store.clone().with_search_language("klingon");
        if backend == "postgres" {
            assert!(
                unknown.migrate().await.is_err(),
                "{backend}: an unknown language is refused"
            );
        }
        let hostile = store
            .clone()
            .with_search_language("english'; DROP TABLE articles; --");
        assert!(hostile.migrate().await.is_err(), "{backend}");
    }
}
