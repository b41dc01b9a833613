//! Articles: body round-trip, optimistic versions, slugs, lifecycle changes and deletion,
//! each on SQLite and (when configured) PostgreSQL.

use crate::support;

use chrono::Duration;
use masthead_domain::{
    ArticleId, ArticleInput, ArticleStatus, Block, BlockInput, DomainError, Lifecycle, ListBlock,
    PullQuote, ReplyPolicy, ReplyStatus, RichText, Section, SectionInput,
};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{PersistenceError, Visibility};
use masthead_test_macros::each_database;
use support::*;

/// A body shaped like a real news page: a headless lede, headed sections with
/// icons, Markdown paragraphs, three attributed pull quotes and both kinds of list.
fn news_page_sections() -> Vec<SectionInput> {
    vec![
        SectionInput {
            heading: None,
            icon: None,
            blocks: vec![
                BlockInput::Paragraph {
                    text: "Talks *resumed* in **Geneva** on Monday, [officials said](https://example.org/statement).".into(),
                },
                quote("🕊️ “We are closer to peace than ever.”", None, Some("Volodymyr Zelensky"), Some("in a national address")),
            ],
        },
        SectionInput {
            heading: Some("🤝 Peace Talks".into()),
            icon: None,
            blocks: vec![
                BlockInput::Paragraph { text: "Delegations met for `six` hours.".into() },
                BlockInput::List {
                    ordered: true,
                    items: vec!["A *ceasefire* line".into(), "Prisoner **exchanges**".into(), "Grain corridors".into()],
                },
                quote("Dialogue is the only road.", Some("💬"), Some("António Guterres"), None),
            ],
        },
        SectionInput {
            heading: Some("⏳ What Comes Next".into()),
            icon: None,
            blocks: vec![
                BlockInput::List { ordered: false, items: vec!["A vote in parliament".into(), "A summit in June".into()] },
                quote("🗣️ Nothing is agreed until everything is agreed.", None, Some("A diplomat"), Some("speaking anonymously")),
                BlockInput::Paragraph { text: "More to follow.".into() },
            ],
        },
        SectionInput {
            heading: Some("Background".into()),
            icon: Some("🌍".into()),
            blocks: vec![BlockInput::Paragraph { text: "The war began in 2022.".into() }],
        },
    ]
}

/// The same body as the store should hand it back: icons split off, Markdown kept as source.
fn news_page_expected() -> Vec<Section> {
    let rich = RichText::new;
    vec![
        Section {
            heading: None,
            icon: None,
            blocks: vec![
                Block::Paragraph(rich("Talks *resumed* in **Geneva** on Monday, [officials said](https://example.org/statement).")),
                Block::PullQuote(PullQuote {
                    text: "“We are closer to peace than ever.”".into(),
                    icon: Some("🕊️".into()),
                    speaker: Some("Volodymyr Zelensky".into()),
                    context: Some("in a national address".into()),
                }),
            ],
        },
        Section {
            heading: Some("Peace Talks".into()),
            icon: Some("🤝".into()),
            blocks: vec![
                Block::Paragraph(rich("Delegations met for `six` hours.")),
                Block::List(ListBlock {
                    ordered: true,
                    items: vec![rich("A *ceasefire* line"), rich("Prisoner **exchanges**"), rich("Grain corridors")],
                }),
                Block::PullQuote(PullQuote {
                    text: "Dialogue is the only road.".into(),
                    icon: Some("💬".into()),
                    speaker: Some("António Guterres".into()),
                    context: None,
                }),
            ],
        },
        Section {
            heading: Some("What Comes Next".into()),
            icon: Some("⏳".into()),
            blocks: vec![
                Block::List(ListBlock { ordered: false, items: vec![rich("A vote in parliament"), rich("A summit in June")] }),
                Block::PullQuote(PullQuote {
                    text: "Nothing is agreed until everything is agreed.".into(),
                    icon: Some("🗣️".into()),
                    speaker: Some("A diplomat".into()),
                    context: Some("speaking anonymously".into()),
                }),
                Block::Paragraph(rich("More to follow.")),
            ],
        },
        Section {
            heading: Some("Background".into()),
            icon: Some("🌍".into()),
            blocks: vec![Block::Paragraph(rich("The war began in 2022."))],
        },
    ]
}

#[each_database]
async fn body_round_trips_by_id_and_by_slug() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let (first, second) = (
            staff(&store).await,
            user(&store, "Ana Lima", "ana@example.org").await,
        );
        let (world, europe) = (tag(&store, "World").await, tag(&store, "Europe").await);
        let now = masthead_persistence::now();
        let content = validate(ArticleInput {
            title: "Ceasefire talks resume in Geneva".into(),
            standfirst: Some("Both sides say a deal is within reach.".into()),
            sections: news_page_sections(),
            authors: vec![second.id, first.id],
            tags: vec![world.id, europe.id],
            reply_policy: Some(ReplyPolicy::Open),
            meta_title: Some("Ceasefire talks".into()),
            canonical_url: Some("https://example.org/original".into()),
            feature_image_url: Some("https://img.example.org/geneva.jpg".into()),
            feature_image_alt: Some("Delegates at a round table".into()),
            feature_image_caption: Some("Geneva, Monday".into()),
            ..ArticleInput::default()
        });
        assert_eq!(
            content.sections,
            news_page_expected(),
            "validation shapes the body as expected"
        );
        let created = store
            .articles()
            .create(content.clone(), Lifecycle::draft().publish(now).unwrap())
            .await
            .unwrap();

        assert_eq!(
            created.slug.as_str(),
            "ceasefire-talks-resume-in-geneva",
            "{backend}"
        );
        assert_eq!(created.version, 1, "{backend}");
        assert_eq!(
            created.sections,
            news_page_expected(),
            "{backend}: body as written"
        );
        assert_eq!(created.lifecycle.published_at, Some(now), "{backend}");
        assert_eq!(
            created.lifecycle.status,
            ArticleStatus::Published,
            "{backend}"
        );
        assert_eq!(created.reply_policy, ReplyPolicy::Open, "{backend}");
        assert_eq!(
            created.seo.meta_title.as_deref(),
            Some("Ceasefire talks"),
            "{backend}"
        );
        assert_eq!(
            created.seo.canonical_url.as_deref(),
            Some("https://example.org/original"),
            "{backend}"
        );
        let image = created.feature_image.clone().expect("feature image");
        assert_eq!(
            (
                image.url.as_str(),
                image.alt.as_str(),
                image.caption.as_deref()
            ),
            (
                "https://img.example.org/geneva.jpg",
                "Delegates at a round table",
                Some("Geneva, Monday")
            ),
            "{backend}"
        );
        let byline: Vec<_> = created.authors.iter().map(|author| author.id).collect();
        assert_eq!(byline, [second.id, first.id], "{backend}: byline order");
        assert_eq!(created.authors[0].display_name, "Ana Lima", "{backend}");
        let tags: Vec<_> = created.tags.iter().map(|tag| tag.slug.as_str()).collect();
        assert_eq!(tags, ["world", "europe"], "{backend}: primary tag first");

        let public = Visibility::Public { now };
        let by_id = store
            .articles()
            .by_id(created.id, public)
            .await
            .unwrap()
            .expect("visible by id");
        let by_slug = store
            .articles()
            .by_slug(created.slug.as_str(), public)
            .await
            .unwrap()
            .expect("visible by slug");
        assert_eq!(
            by_id, created,
            "{backend}: read by id equals what was written"
        );
        assert_eq!(
            by_slug, created,
            "{backend}: read by slug equals what was written"
        );
        let kinds: Vec<Vec<&str>> = by_slug
            .sections
            .iter()
            .map(|section| section.blocks.iter().map(Block::kind).collect())
            .collect();
        assert_eq!(
            kinds,
            [
                vec!["paragraph", "pull_quote"],
                vec!["paragraph", "list", "pull_quote"],
                vec!["list", "pull_quote", "paragraph"],
                vec!["paragraph"]
            ],
            "{backend}: block order"
        );

        let stored = scalar(
            &db.url,
            &format!(
                "SELECT CAST(word_count AS BIGINT) AS n FROM articles WHERE slug = '{}'",
                created.slug.as_str()
            ),
        )
        .await;
        assert!(content.word_count() > 40, "{backend}: a real count");
        assert_eq!(
            stored,
            content.word_count() as i64,
            "{backend}: word_count column"
        );
    }
}

#[each_database]
async fn stale_version_write_changes_nothing() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let created = store
            .articles()
            .create(
                content("First draft", &[author.id], &[]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        assert_eq!(created.version, 1, "{backend}");

        let second = validate(ArticleInput {
            title: "Second draft".into(),
            standfirst: Some("A new standfirst.".into()),
            sections: lede("A rewritten lede."),
            authors: vec![author.id],
            ..ArticleInput::default()
        });
        let updated = store
            .articles()
            .update(created.id, 1, second.clone())
            .await
            .unwrap();
        assert_eq!(updated.version, 2, "{backend}");
        assert_eq!(updated.title.as_str(), "Second draft", "{backend}");
        assert_eq!(updated.sections, second.sections, "{backend}");
        assert_eq!(updated.created_at, created.created_at, "{backend}");

        let stale = store
            .articles()
            .update(created.id, 1, content("Third draft", &[author.id], &[]))
            .await;
        assert!(
            matches!(stale, Err(PersistenceError::VersionConflict { current: 2 })),
            "{backend}: stale write refused with the current version, got {stale:?}"
        );
        let stored = store
            .articles()
            .by_id(created.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored, updated,
            "{backend}: the stale write changed nothing"
        );
        assert_eq!(stored.title.as_str(), "Second draft", "{backend}");
        assert_eq!(stored.sections, second.sections, "{backend}");
    }
}

#[each_database]
async fn updating_an_unknown_article_is_not_found() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let author = staff(&store).await;
        let result = store
            .articles()
            .update(
                ArticleId::generate(),
                1,
                content("Ghost", &[author.id], &[]),
            )
            .await;
        assert!(
            matches!(result, Err(PersistenceError::NotFound)),
            "{}: {result:?}",
            db.backend
        );
        let deleted = store.articles().delete(ArticleId::generate(), None).await;
        assert!(
            matches!(deleted, Err(PersistenceError::NotFound)),
            "{}: {deleted:?}",
            db.backend
        );
    }
}

#[each_database]
async fn same_titles_get_numbered_slugs() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let mut slugs = Vec::new();
        for _ in 0..3 {
            let article = store
                .articles()
                .create(
                    content("Peace Talks", &[author.id], &[]),
                    Lifecycle::draft(),
                )
                .await
                .unwrap();
            slugs.push(article.slug.as_str().to_owned());
        }
        assert_eq!(
            slugs,
            ["peace-talks", "peace-talks-2", "peace-talks-3"],
            "{backend}"
        );
        // A title whose slug merely starts the same is not confused with a suffix.
        let longer = store
            .articles()
            .create(
                content("Peace Talks Collapse", &[author.id], &[]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        assert_eq!(longer.slug.as_str(), "peace-talks-collapse", "{backend}");
    }
}

#[each_database]
async fn taken_requested_slug_is_a_duplicate() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let first = store
            .articles()
            .create(
                content("Peace Talks", &[author.id], &[]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        let mut requested = content("Another story", &[author.id], &[]);
        requested.slug = Some(first.slug.clone());
        let result = store
            .articles()
            .create(requested.clone(), Lifecycle::draft())
            .await;
        assert!(
            matches!(result, Err(PersistenceError::Duplicate { field: "slug" })),
            "{backend}: {result:?}"
        );

        // The same on update: another article cannot take the slug either.
        let other = store
            .articles()
            .create(
                content("Another story", &[author.id], &[]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        let result = store
            .articles()
            .update(other.id, other.version, requested)
            .await;
        assert!(
            matches!(result, Err(PersistenceError::Duplicate { field: "slug" })),
            "{backend}: {result:?}"
        );
        let unchanged = store
            .articles()
            .by_id(other.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            unchanged, other,
            "{backend}: refused update changed nothing"
        );
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &Default::default())
                .await
                .unwrap(),
            2,
            "{backend}"
        );
    }
}

#[each_database]
async fn update_without_requested_slug_keeps_the_slug() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let created = store
            .articles()
            .create(
                content("Peace Talks", &[author.id], &[]),
                Lifecycle::draft(),
            )
            .await
            .unwrap();
        let renamed = store
            .articles()
            .update(created.id, 1, content("Talks Collapse", &[author.id], &[]))
            .await
            .unwrap();
        assert_eq!(
            renamed.slug.as_str(),
            "peace-talks",
            "{backend}: slug kept across a new title"
        );
        assert_eq!(renamed.title.as_str(), "Talks Collapse", "{backend}");

        // Re-requesting its own slug is fine; a new requested slug replaces it.
        let mut same = content("Talks Collapse", &[author.id], &[]);
        same.slug = Some(renamed.slug.clone());
        let same = store.articles().update(created.id, 2, same).await.unwrap();
        assert_eq!(same.slug.as_str(), "peace-talks", "{backend}");
        let mut moved = content("Talks Collapse", &[author.id], &[]);
        moved.slug = Some(masthead_domain::Slug::parse("slug", "talks-collapse").unwrap());
        let moved = store.articles().update(created.id, 3, moved).await.unwrap();
        assert_eq!(moved.slug.as_str(), "talks-collapse", "{backend}");
        assert_eq!(moved.version, 4, "{backend}");
        assert!(
            store
                .articles()
                .by_slug("peace-talks", Visibility::Staff)
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert_eq!(
            store
                .articles()
                .by_slug("talks-collapse", Visibility::Staff)
                .await
                .unwrap()
                .map(|a| a.id),
            Some(created.id),
            "{backend}"
        );
    }
}

#[each_database]
async fn change_lifecycle_publishes_a_draft() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let draft = store
            .articles()
            .create(content("Breaking", &[author.id], &[]), Lifecycle::draft())
            .await
            .unwrap();
        let now = masthead_persistence::now();
        let public = Visibility::Public { now };
        assert!(
            store
                .articles()
                .by_id(draft.id, public)
                .await
                .unwrap()
                .is_none(),
            "{backend}: draft is private"
        );

        let published = store
            .articles()
            .change_lifecycle(draft.id, Some(1), |l| l.publish(now))
            .await
            .unwrap();
        assert_eq!(
            published.lifecycle,
            Lifecycle::draft().publish(now).unwrap(),
            "{backend}"
        );
        assert_eq!(published.version, 2, "{backend}");
        assert_eq!(
            published.sections, draft.sections,
            "{backend}: content untouched"
        );
        let seen = store
            .articles()
            .by_id(draft.id, public)
            .await
            .unwrap()
            .expect("public after publishing");
        assert_eq!(seen, published, "{backend}");

        // Without an expected version the current one is used.
        let archived = store
            .articles()
            .change_lifecycle(draft.id, None, |l| l.archive(now))
            .await
            .unwrap();
        assert_eq!(
            archived.lifecycle.status,
            ArticleStatus::Archived,
            "{backend}"
        );
        assert_eq!(
            archived.lifecycle.published_at,
            Some(now),
            "{backend}: kept for the record"
        );
        assert_eq!(archived.version, 3, "{backend}");
        assert!(
            store
                .articles()
                .by_id(draft.id, public)
                .await
                .unwrap()
                .is_none(),
            "{backend}: archived is private"
        );

        let unknown = store
            .articles()
            .change_lifecycle(ArticleId::generate(), None, |l| l.publish(now))
            .await;
        assert!(
            matches!(unknown, Err(PersistenceError::NotFound)),
            "{backend}: {unknown:?}"
        );
    }
}

#[each_database]
async fn illegal_transition_changes_nothing() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let now = masthead_persistence::now();
        let article = store
            .articles()
            .create(content("Breaking", &[author.id], &[]), published(now))
            .await
            .unwrap();
        let result = store
            .articles()
            .change_lifecycle(article.id, Some(1), |l| l.publish(now))
            .await;
        assert!(
            matches!(
                result,
                Err(PersistenceError::Domain(DomainError::InvalidTransition {
                    from: ArticleStatus::Published,
                    action: "published"
                }))
            ),
            "{backend}: {result:?}"
        );
        let result = store
            .articles()
            .change_lifecycle(article.id, None, |l| l.submit())
            .await;
        assert!(
            matches!(
                result,
                Err(PersistenceError::Domain(
                    DomainError::InvalidTransition { .. }
                ))
            ),
            "{backend}: {result:?}"
        );
        let stored = store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored, article,
            "{backend}: version, lifecycle and timestamps unchanged"
        );
    }
}

#[each_database]
async fn stale_lifecycle_change_is_a_version_conflict() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let now = masthead_persistence::now();
        let article = store
            .articles()
            .create(content("Breaking", &[author.id], &[]), Lifecycle::draft())
            .await
            .unwrap();
        let edited = store
            .articles()
            .update(article.id, 1, content("Breaking news", &[author.id], &[]))
            .await
            .unwrap();
        let result = store
            .articles()
            .change_lifecycle(article.id, Some(1), |l| l.publish(now))
            .await;
        assert!(
            matches!(
                result,
                Err(PersistenceError::VersionConflict { current: 2 })
            ),
            "{backend}: {result:?}"
        );
        let stored = store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored, edited, "{backend}: still the unpublished version 2");
        assert_eq!(stored.lifecycle, Lifecycle::draft(), "{backend}");

        // Scheduling for later keeps it private until its time.
        let later = now + Duration::hours(1);
        let scheduled = store
            .articles()
            .change_lifecycle(article.id, Some(2), |l| l.schedule(later, now))
            .await
            .unwrap();
        assert_eq!(
            scheduled.lifecycle.status,
            ArticleStatus::Scheduled,
            "{backend}"
        );
        assert!(
            store
                .articles()
                .by_id(article.id, Visibility::Public { now })
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        let at_time = store
            .articles()
            .by_id(article.id, Visibility::Public { now: later })
            .await
            .unwrap();
        assert_eq!(
            at_time.map(|a| a.id),
            Some(article.id),
            "{backend}: public exactly at its time"
        );
    }
}

#[each_database]
async fn deleting_an_article_removes_it_and_its_replies() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let world = tag(&store, "World").await;
        let now = masthead_persistence::now();
        let doomed = store
            .articles()
            .create(content("Doomed", &[author.id], &[world.id]), published(now))
            .await
            .unwrap();
        let kept = store
            .articles()
            .create(content("Kept", &[author.id], &[world.id]), published(now))
            .await
            .unwrap();
        let top = store
            .replies()
            .create(reply_draft(
                doomed.id,
                None,
                ReplyStatus::Approved,
                "First!",
            ))
            .await
            .unwrap();
        let child = store
            .replies()
            .create(reply_draft(
                doomed.id,
                Some(top.id),
                ReplyStatus::Pending,
                "Second",
            ))
            .await
            .unwrap();
        let other = store
            .replies()
            .create(reply_draft(
                kept.id,
                None,
                ReplyStatus::Approved,
                "Elsewhere",
            ))
            .await
            .unwrap();

        store.articles().delete(doomed.id, None).await.unwrap();
        assert!(
            store
                .articles()
                .by_id(doomed.id, Visibility::Staff)
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert!(
            store
                .articles()
                .by_slug("doomed", Visibility::Staff)
                .await
                .unwrap()
                .is_none(),
            "{backend}"
        );
        assert!(
            store.replies().by_id(top.id).await.unwrap().is_none(),
            "{backend}: replies go with it"
        );
        assert!(
            store.replies().by_id(child.id).await.unwrap().is_none(),
            "{backend}: nested replies too"
        );
        assert!(
            store
                .replies()
                .approved_for_article(doomed.id)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(
            store.replies().by_id(other.id).await.unwrap().map(|r| r.id),
            Some(other.id),
            "{backend}"
        );
        let sections = scalar(
            &db.url,
            "SELECT (SELECT COUNT(*) FROM article_sections) + (SELECT COUNT(*) FROM article_blocks) \
             + (SELECT COUNT(*) FROM article_tags) + (SELECT COUNT(*) FROM article_authors) AS n",
        )
        .await;
        assert_eq!(
            sections, 4,
            "{backend}: only the kept article's section, block, tag and byline rows remain"
        );
        assert_eq!(
            store
                .articles()
                .count(Visibility::Staff, &Default::default())
                .await
                .unwrap(),
            1,
            "{backend}"
        );
        assert_eq!(
            store
                .articles()
                .by_id(kept.id, Visibility::Staff)
                .await
                .unwrap()
                .map(|a| a.tags.len()),
            Some(1),
            "{backend}"
        );
        let again = store.articles().delete(doomed.id, None).await;
        assert!(
            matches!(again, Err(PersistenceError::NotFound)),
            "{backend}: {again:?}"
        );
    }
}

#[each_database]
async fn long_titles_get_numbered_slugs_within_the_bound() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        // Its slug fills the bound, so a suffix must shorten the base to fit.
        let title = "Peace ".repeat(40);
        let mut slugs = Vec::new();
        for n in 0..4 {
            let created = store
                .articles()
                .create(content(&title, &[author.id], &[]), Lifecycle::draft())
                .await;
            let created =
                created.unwrap_or_else(|error| panic!("{backend}: article {n}: {error:?}"));
            slugs.push(created.slug.as_str().to_owned());
        }
        assert!(
            slugs.iter().all(|slug| slug.len() <= 120),
            "{backend}: {slugs:?}"
        );
        assert_eq!(
            slugs[0].len(),
            119,
            "{backend}: twenty words fill the bound"
        );
        for (n, slug) in slugs.iter().enumerate().skip(1) {
            assert!(slug.ends_with(&format!("-{}", n + 1)), "{backend}: {slug}");
        }
        let distinct: std::collections::HashSet<_> = slugs.iter().collect();
        assert_eq!(distinct.len(), 4, "{backend}: {slugs:?}");
    }
}

#[each_database]
async fn concurrent_writers_at_the_same_version_let_exactly_one_win() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let article = store
            .articles()
            .create(content("Contested", &[author.id], &[]), Lifecycle::draft())
            .await
            .unwrap();
        let articles = store.articles();
        let (left, right) = tokio::join!(
            articles.update(article.id, 1, content("Left edit", &[author.id], &[])),
            articles.update(article.id, 1, content("Right edit", &[author.id], &[])),
        );
        let (winner, loser) = match (left, right) {
            (Ok(winner), loser) | (loser, Ok(winner)) => (winner, loser),
            (left, right) => panic!("{backend}: neither write won: {left:?} {right:?}"),
        };
        assert!(
            matches!(loser, Err(PersistenceError::VersionConflict { current: 2 })),
            "{backend}: the other write is a conflict, got {loser:?}"
        );
        assert_eq!(winner.version, 2, "{backend}");
        let stored = store
            .articles()
            .by_id(article.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored, winner,
            "{backend}: the stored article is the winner's, whole"
        );
    }
}
