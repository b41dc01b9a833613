//! `article_sections.id` and `article_blocks.id`: every section and block gets
//! a persistent UUID that saves, reorders and restores keep, so clients can
//! cache blocks by id and revision diffs can tell a move from a delete and an
//! insert. Existing rows get the UUID v5 of their article and position (the
//! ids the application gives sections and blocks of revisions saved before
//! this migration, so old revisions and the live body agree); both columns
//! are unique. The articles' stored word counts are recomputed from the whole
//! body by the application right after this migration (the counting rule is
//! the domain's, not SQL's).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use uuid::Uuid;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleSections {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ArticleBlocks {
    Table,
    Id,
}

/// The namespace of the ids of sections and blocks saved before they had ids.
/// Frozen here; the application holds the same value (`masthead_domain::ids`).
const LEGACY_NAMESPACE: Uuid = Uuid::from_u128(0x6d1c_4a8e_9b3f_4e57_a0c2_5f8d_31e7_b904);

const SECTIONS_INDEX: &str = "idx_article_sections_id";
const BLOCKS_INDEX: &str = "idx_article_blocks_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleSections::Table)
                    .add_column(ColumnDef::new(ArticleSections::Id).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleBlocks::Table)
                    .add_column(ColumnDef::new(ArticleBlocks::Id).uuid().null())
                    .to_owned(),
            )
            .await?;
        backfill(manager, "article_sections", &["position"]).await?;
        backfill(manager, "article_blocks", &["section_position", "position"]).await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            // SQLite cannot add NOT NULL to an existing column; there every
            // write sets the id and the backfill leaves none empty.
            for table in ["article_sections", "article_blocks"] {
                manager
                    .get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ALTER COLUMN id SET NOT NULL"
                    ))
                    .await?;
            }
        }
        manager
            .create_index(
                Index::create()
                    .name(SECTIONS_INDEX)
                    .table(ArticleSections::Table)
                    .col(ArticleSections::Id)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(BLOCKS_INDEX)
                    .table(ArticleBlocks::Table)
                    .col(ArticleBlocks::Id)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(BLOCKS_INDEX)
                    .table(ArticleBlocks::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(SECTIONS_INDEX)
                    .table(ArticleSections::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleBlocks::Table)
                    .drop_column(ArticleBlocks::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleSections::Table)
                    .drop_column(ArticleSections::Id)
                    .to_owned(),
            )
            .await
    }
}

/// Gives every row of `table` the legacy id of its article and positions
/// (`<article>/<position>…`, positions in the order of `positions`).
async fn backfill(
    manager: &SchemaManager<'_>,
    table: &str,
    positions: &[&str],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = db.get_database_backend();
    let select = Query::select()
        .column(Alias::new("article_id"))
        .columns(positions.iter().map(|column| Alias::new(*column)))
        .from(Alias::new(table))
        .to_owned();
    for row in db.query_all(backend.build(&select)).await? {
        let article: Uuid = row.try_get("", "article_id")?;
        let mut name = article.to_string();
        let mut update = Query::update();
        update
            .table(Alias::new(table))
            .and_where(Expr::col(Alias::new("article_id")).eq(article));
        for column in positions {
            let position: i32 = row.try_get("", column)?;
            name.push_str(&format!("/{position}"));
            update.and_where(Expr::col(Alias::new(*column)).eq(position));
        }
        update.value(Alias::new("id"), legacy(&name));
        db.execute(backend.build(&update)).await?;
    }
    Ok(())
}

/// The UUID v5 of `name` in the legacy namespace.
fn legacy(name: &str) -> Uuid {
    Uuid::new_v5(&LEGACY_NAMESPACE, name.as_bytes())
}
