//! Pull quotes across the archive, by speaker, on SQLite and (when configured) PostgreSQL.

use crate::support;

use masthead_domain::{Article, ArticleInput, BlockInput, Lifecycle, SectionInput, UserId};
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
            heading: (section > 0).then(|| format!("💬 Part {section}")),
            icon: None,
            blocks: std::iter::once(BlockInput::Paragraph {
                text: format!("Part {section} of {title}."),
            })
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
                    article_id: q.second.id,
                    section: 0,
                    block: 1
                },
                QuotePosition {
                    article_id: q.first.id,
                    section: 0,
                    block: 1
                },
                QuotePosition {
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
                "Not yet public.",
                "Peace is within reach.",
                "We will not give up.",
                "Every day counts."
            ],
            "{backend}: staff see the draft's quote"
        );
        assert_eq!(staff[0].position.article_id, q.draft.id, "{backend}");
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
