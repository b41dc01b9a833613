//! Stable section and block ids: kept across saves, reorders and restores,
//! backfilled by the migration, matched by id in revision diffs; and the
//! stored word count, on SQLite and (when configured) PostgreSQL.

use crate::support;

use masthead_domain::diff::{diff, Change};
use masthead_domain::{
    ArticleInput, BlockContentInput, BlockId, BlockInput, BodyIds, SectionId, SectionInput,
};
use masthead_migrations::{Migrator, MigratorTrait};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::{ArticleFilter, ArticleOrder, PageRequest, Store, Visibility};
use masthead_test_macros::each_database;
use sea_orm::{ConnectionTrait, Database, Statement};
use support::*;

fn paragraph(text: &str) -> BlockInput {
    BlockContentInput::Paragraph { text: text.into() }.into()
}

fn input(sections: Vec<SectionInput>, author: masthead_domain::UserId) -> ArticleInput {
    ArticleInput {
        title: "Ids".into(),
        standfirst: Some("Four words of standfirst.".into()),
        sections,
        authors: vec![author],
        ..ArticleInput::default()
    }
}

fn section(heading: Option<&str>, blocks: Vec<BlockInput>) -> SectionInput {
    SectionInput {
        id: None,
        heading: heading.map(Into::into),
        icon: None,
        blocks,
    }
}

/// The input that sends `article`'s body back with every id.
fn as_sent(sections: &[masthead_domain::Section]) -> Vec<SectionInput> {
    sections
        .iter()
        .map(|s| SectionInput {
            id: Some(s.id),
            heading: s.heading.clone(),
            icon: s.icon.clone(),
            blocks: s
                .blocks
                .iter()
                .map(|b| BlockInput {
                    id: Some(b.id),
                    content: BlockContentInput::Paragraph {
                        text: match &b.content {
                            masthead_domain::BlockContent::Paragraph(text) => {
                                text.source().to_owned()
                            }
                            _ => unreachable!("paragraphs only here"),
                        },
                    },
                })
                .collect(),
        })
        .collect()
}

#[each_database]
async fn ids_survive_saves_reorders_and_restores() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let body = vec![
            section(None, vec![paragraph("Lede."), paragraph("Second.")]),
            section(Some("More"), vec![paragraph("Third.")]),
        ];
        let created = store
            .articles()
            .create(
                validate(input(body, author.id)),
                masthead_domain::Lifecycle::draft(),
            )
            .await
            .unwrap();
        let read = store
            .articles()
            .by_id(created.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.sections, created.sections, "{backend}: ids read back");
        let old = &created.sections;

        // Reorder: the second section first, its block moved into the lede's
        // place; a new block without id.
        let mut sent = as_sent(old);
        sent.swap(0, 1);
        let moved = sent[1].blocks.remove(1);
        sent[0].blocks.push(moved);
        sent[1].blocks.push(paragraph("New."));
        let known = BodyIds::of(old);
        let content = input(sent, author.id).validate_with(&known).unwrap();
        let saved = store
            .articles()
            .update(created.id, created.version, content)
            .await
            .unwrap();
        let ids = |s: &masthead_domain::Section| s.blocks.iter().map(|b| b.id).collect::<Vec<_>>();
        assert_eq!(saved.sections[0].id, old[1].id, "{backend}");
        assert_eq!(saved.sections[1].id, old[0].id, "{backend}");
        assert_eq!(
            ids(&saved.sections[0]),
            [old[1].blocks[0].id, old[0].blocks[1].id]
        );
        assert_eq!(
            saved.sections[1].blocks[0].id, old[0].blocks[0].id,
            "{backend}"
        );
        let fresh = saved.sections[1].blocks[1].id;
        assert!(
            old.iter().all(|s| s.blocks.iter().all(|b| b.id != fresh)),
            "{backend}: a new block gets a new id"
        );

        // The revisions hold the ids; their diff is moves and one insert.
        let revisions = store.revisions();
        let one = revisions.get(created.id, 1).await.unwrap().unwrap();
        let two = revisions.get(created.id, 2).await.unwrap().unwrap();
        assert_eq!(two.content.sections, saved.sections, "{backend}");
        let d = diff(&one.content, &two.content);
        let changes: Vec<_> = d
            .sections
            .iter()
            .flat_map(|s| s.blocks.iter().map(|b| (b.id, b.change)))
            .collect();
        assert!(
            changes.contains(&(old[0].blocks[1].id, Change::Moved)),
            "{backend}: {changes:?}"
        );
        assert!(changes.contains(&(fresh, Change::Added)), "{backend}");
        assert!(
            !changes.iter().any(|(_, c)| *c == Change::Removed),
            "{backend}: nothing removed: {d:?}"
        );

        // A restore brings revision 1's ids back.
        let restored = store
            .articles()
            .restore(created.id, 1, saved.version)
            .await
            .unwrap();
        assert_eq!(restored.sections, created.sections, "{backend}");
    }
}

#[each_database]
async fn the_migration_gives_existing_rows_legacy_ids_and_recounts_words() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let body = vec![
            section(
                None,
                vec![paragraph("Lede words here."), paragraph("Two more.")],
            ),
            section(Some("A heading"), vec![paragraph("Third paragraph.")]),
        ];
        let content = validate(input(body, author.id));
        let words = content.word_count();
        let created = store
            .articles()
            .create(content, masthead_domain::Lifecycle::draft())
            .await
            .unwrap();
        // Back to the schema before ids (undoing `_000008_block_ids` and the
        // migrations after it), with a stale count.
        let raw = Database::connect(&db.url).await.unwrap();
        let after_block_ids = Migrator::migrations()
            .iter()
            .rev()
            .position(|migration| migration.name().ends_with("_000008_block_ids"))
            .expect("the block ids migration") as u32;
        Migrator::down(&raw, Some(after_block_ids + 1))
            .await
            .unwrap();
        raw.execute(Statement::from_string(
            raw.get_database_backend(),
            "UPDATE articles SET word_count = 1",
        ))
        .await
        .unwrap();
        raw.close().await.unwrap();

        let again = Store::connect(&db.url).await.unwrap();
        again.migrate().await.unwrap();
        let read = again
            .articles()
            .by_id(created.id, Visibility::Staff)
            .await
            .unwrap()
            .unwrap();
        for (s, section) in read.sections.iter().enumerate() {
            assert_eq!(section.id, SectionId::legacy(created.id, s), "{backend}");
            for (b, block) in section.blocks.iter().enumerate() {
                assert_eq!(block.id, BlockId::legacy(created.id, s, b), "{backend}");
            }
        }
        assert_eq!(
            read.word_count(),
            words,
            "{backend}: recounted from the body"
        );
        assert!(words > 8, "{backend}: standfirst and body count");
        again.close().await.unwrap();
    }
}

#[each_database]
async fn lists_without_bodies_show_the_stored_word_count() {
    for db in TestDatabase::all().await {
        let store = db.store().await;
        let backend = db.backend;
        let author = staff(&store).await;
        let long: Vec<BlockInput> = (0..40)
            .map(|i| paragraph(&format!("Paragraph {i} has exactly seven words here.")))
            .collect();
        let content = validate(input(vec![section(None, long)], author.id));
        let words = content.word_count();
        let created = store
            .articles()
            .create(content, masthead_domain::Lifecycle::draft())
            .await
            .unwrap();
        let page = store
            .articles()
            .list(
                Visibility::Staff,
                &ArticleFilter::default(),
                ArticleOrder::UpdatedAt,
                PageRequest::first(10),
                false,
            )
            .await
            .unwrap();
        let listed = &page.items[0].1;
        assert!(listed.sections.is_empty(), "{backend}: lists carry no body");
        assert_eq!(listed.word_count(), words, "{backend}");
        assert_eq!(created.word_count(), words, "{backend}");
        assert!(words > 280, "{backend}: {words}");
        assert_eq!(listed.reading_time_minutes(), 2, "{backend}");
    }
}
