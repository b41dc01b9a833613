//! Pull quotes across the archive, by speaker, on SQLite and (when configured) PostgreSQL.

use crate::support;

use masthead_domain::{Article, ArticleInput, BlockContentInput, Lifecycle, SectionInput, UserId};
use masthead_persistence::pull_quotes::{PlacedQuote, QuotePosition};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{Store, Visibility};
use masthead_test_macros::each_database;
use support::*;

/// An article whose sections hold these quotes, given as (section, text, speaker).
async fn article_with_quotes(
    store: &Store,
    title: &str,
    author: UserId,
    quotes: &[(usize, &str, Option<&str>)],
    lifecycle: Lifecycle,
) -> Article {
    let sections = (0..2)
        .map(|section| SectionInput {
            id: None,
            heading: (section > 0).then(|| format!("💬 Part {section}")),
            icon: None,
            blocks: std::iter::once(
                BlockContentInput::Paragraph {
                    text: format!("Part {section} of {title}."),
                }
                .into(),
            )
            .chain(
                quotes
                    .iter()
                    .filter(|(s, _, _)| *s == section)
                    .map(|(_, text, speaker)| {
                        quote(text, Some("🗣️"), *speaker, Some("at a press conference"))
                    }),
            )
            .collect(),
        })
        .collect();
    let input = ArticleInput {
        title: title.into(),
        sections,
        authors: vec![author],
        ..ArticleInput::default()
    };
    store
        .articles()
        .create(validate(input), lifecycle)
        .await
        .expect("create an article with quotes")
}

fn texts(quotes: &[PlacedQuote]) -> Vec<&str> {
    quotes
        .iter()
        .map(|placed| placed.quote.text.as_str())
        .collect()
}

struct Quotes {
    first: Article,
    second: Article,
    draft: Article,
    now: chrono::DateTime<chrono::Utc>,
}

async fn quotes(store: &Store) -> Quotes {
    let author = staff(store).await;
    let now = masthead_persistence::now();
    let first = article_with_quotes(
        store,
        "Monday",
        author.id,
        &[
            (0, "We will not give up.", Some("Volodymyr Zelensky")),
            (1, "Talks must go on.", Some("António Guterres")),
            (1, "Every day counts.", Some("Volodymyr Zelensky")),
        ],
        published(minutes_before(now, 60)),
    )
    .await;
    let second = article_with_quotes(
        store,
        "Tuesday",
        author.id,
        &[
            (0, "Peace is within reach.", Some("VOLODYMYR ZELENSKY")),
            (1, "Unattributed words.", None),
        ],
        published(minutes_before(now, 30)),
    )
    .await;
    let draft = article_with_quotes(
        store,
        "Wednesday",
        author.id,
        &[(0, "Not yet public.", Some("Volodymyr Zelensky"))],
        Lifecycle::draft(),
    )
    .await;
    assert!(
        first.id < second.id && second.id < draft.id,
        "ids follow creation order"
    );
    Quotes {
        first,
        second,
        draft,
        now,
    }
}

#[each_database]
async fn quotes_by_speaker_ignore_case_and_hide_drafts() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let q = quotes(&store).await;
        let public = Visibility::Public { now: q.now };
        for spelling in [
            "volodymyr zelensky",
            "Volodymyr Zelensky",
            "  VOLODYMYR ZELENSKY ",
        ] {
            let found = store
                .pull_quotes()
                .list(Some(spelling), public, None, 10)
                .await
                .unwrap();
            assert_eq!(
                texts(&found),
                [
                    "Peace is within reach.",
                    "We will not give up.",
                    "Every day counts."
                ],
                "{backend}: {spelling:?}, newest article first, then reading order"
            );
        }
        let found = store
            .pull_quotes()
            .list(Some("volodymyr zelensky"), public, None, 10)
            .await
            .unwrap();
        let positions: Vec<QuotePosition> = found.iter().map(|placed| placed.position).collect();
        assert_eq!(
            positions,
            [
                QuotePosition {
                    published_at: q.second.lifecycle.published_at.unwrap(),
                    article_id: q.second.id,
                    section: 0,
                    block: 1
                },
                QuotePosition {
                    published_at: q.first.lifecycle.published_at.unwrap(),
                    article_id: q.first.id,
                    section: 0,
                    block: 1
                },
                QuotePosition {
                    published_at: q.first.lifecycle.published_at.unwrap(),
                    article_id: q.first.id,
                    section: 1,
                    block: 2
                },
            ],
            "{backend}"
        );
        let placed = &found[0].quote;
        assert_eq!(
            placed.speaker.as_deref(),
            Some("VOLODYMYR ZELENSKY"),
            "{backend}: spelling kept as written"
        );
        assert_eq!(placed.icon.as_deref(), Some("🗣️"), "{backend}");
        assert_eq!(
            placed.context.as_deref(),
            Some("at a press conference"),
            "{backend}"
        );

        let staff = store
            .pull_quotes()
            .list(Some("Volodymyr Zelensky"), Visibility::Staff, None, 10)
            .await
            .unwrap();
        assert_eq!(
            texts(&staff),
            [
                "Peace is within reach.",
                "We will not give up.",
                "Every day counts.",
                "Not yet public."
            ],
            "{backend}: staff see the draft's quote, after the published ones"
        );
        assert_eq!(staff[3].position.article_id, q.draft.id, "{backend}");
        let guterres = store
            .pull_quotes()
            .list(Some("antónio guterres"), public, None, 10)
            .await
            .unwrap();
        assert_eq!(
            texts(&guterres),
            ["Talks must go on."],
            "{backend}: non-ASCII names fold too"
        );
        assert!(
            store
                .pull_quotes()
                .list(Some("nobody"), public, None, 10)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
    }
}

#[each_database]
async fn quotes_by_speaker_paginate_after_a_position() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let q = quotes(&store).await;
        let public = Visibility::Public { now: q.now };
        let speaker = Some("volodymyr zelensky");
        let first = store
            .pull_quotes()
            .list(speaker, public, None, 2)
            .await
            .unwrap();
        assert_eq!(
            texts(&first),
            ["Peace is within reach.", "We will not give up."],
            "{backend}"
        );
        let after = first.last().map(|placed| placed.position);
        let second = store
            .pull_quotes()
            .list(speaker, public, after, 2)
            .await
            .unwrap();
        assert_eq!(texts(&second), ["Every day counts."], "{backend}");
        let after = second.last().map(|placed| placed.position);
        let rest = store
            .pull_quotes()
            .list(speaker, public, after, 2)
            .await
            .unwrap();
        assert!(rest.is_empty(), "{backend}: nothing after the last quote");

        // One at a time, over every speaker: the same sequence as one big page.
        let everything = store
            .pull_quotes()
            .list(None, public, None, 100)
            .await
            .unwrap();
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .pull_quotes()
                .list(None, public, after, 1)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.position);
            walked.extend(page);
            assert!(
                walked.len() <= everything.len(),
                "{backend}: the walk repeats quotes"
            );
        }
        assert_eq!(walked, everything, "{backend}");
    }
}

#[each_database]
async fn quotes_follow_publication_time_not_creation_order() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let now = masthead_persistence::now();
        // Created oldest-first, published in another order; two share a time.
        let shared = minutes_before(now, 20);
        let mut made = Vec::new();
        for (title, published_at) in [
            ("Created first, published last", minutes_before(now, 1)),
            ("Created second, published first", minutes_before(now, 90)),
            ("Created third, tied", shared),
            ("Created fourth, tied", shared),
        ] {
            let quotes = [(0, "One.", Some("Speaker")), (1, "Two.", Some("Speaker"))];
            let article =
                article_with_quotes(&store, title, author.id, &quotes, published(published_at))
                    .await;
            made.push(article);
        }
        let public = Visibility::Public { now };
        let everything = store
            .pull_quotes()
            .list(Some("speaker"), public, None, 100)
            .await
            .unwrap();
        let order: Vec<_> = everything
            .iter()
            .map(|placed| (placed.position.article_id, placed.quote.text.as_str()))
            .collect();
        // Newest publication first; the tie broken by the greater article id;
        // reading order inside an article.
        let expected: Vec<_> = [0, 3, 2, 1]
            .into_iter()
            .flat_map(|i| [(made[i].id, "One."), (made[i].id, "Two.")])
            .collect();
        assert_eq!(order, expected, "{backend}");
        // Pages of three walk the same sequence, across the tie.
        let mut walked = Vec::new();
        let mut after = None;
        loop {
            let page = store
                .pull_quotes()
                .list(Some("speaker"), public, after, 3)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.position);
            walked.extend(page);
            assert!(walked.len() <= everything.len(), "{backend}: repeats");
        }
        assert_eq!(walked, everything, "{backend}");
        // A cursor survives its encoding.
        let cursor = everything[2].position;
        let decoded = QuotePosition::decode("cursor", &cursor.encode()).unwrap();
        let page = store
            .pull_quotes()
            .list(Some("speaker"), public, Some(decoded), 100)
            .await
            .unwrap();
        assert_eq!(page, everything[3..], "{backend}");
        // Every quote carries its block's id, the one the article shows.
        let article = store
            .articles()
            .by_id(made[0].id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            everything[0].id, article.sections[0].blocks[1].id,
            "{backend}"
        );
    }
}

#[each_database]
async fn all_speakers_are_listed_when_none_is_given() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let q = quotes(&store).await;
        let public = Visibility::Public { now: q.now };
        let all = store
            .pull_quotes()
            .list(None, public, None, 100)
            .await
            .unwrap();
        assert_eq!(
            texts(&all),
            [
                "Peace is within reach.",
                "Unattributed words.",
                "We will not give up.",
                "Talks must go on.",
                "Every day counts."
            ],
            "{backend}: every public quote, attributed or not"
        );
        let speakers: Vec<Option<&str>> = all
            .iter()
            .map(|placed| placed.quote.speaker.as_deref())
            .collect();
        assert_eq!(
            speakers,
            [
                Some("VOLODYMYR ZELENSKY"),
                None,
                Some("Volodymyr Zelensky"),
                Some("António Guterres"),
                Some("Volodymyr Zelensky")
            ],
            "{backend}"
        );
        assert_eq!(
            store
                .pull_quotes()
                .list(None, Visibility::Staff, None, 100)
                .await
                .unwrap()
                .len(),
            6,
            "{backend}"
        );

        // Quotes follow their article: rewriting it away removes them, deleting it too.
        let rewrite = content("Monday", &[q.first.authors[0].id], &[]);
        store
            .articles()
            .update(q.first.id, q.first.version, rewrite)
            .await
            .unwrap();
        store.articles().delete(q.second.id, None).await.unwrap();
        let all = store
            .pull_quotes()
            .list(None, public, None, 100)
            .await
            .unwrap();
        assert!(all.is_empty(), "{backend}: {all:?}");
    }
}
