//! `articles.public_at`: when an article is (or becomes) public, NULL while it
//! is a draft, in review or archived. The public rule was "status is published
//! or scheduled, and published_at has come", which no single index can serve
//! in order: the public list sorted every visible row to show the newest 20.
//! As one column, `public_at <= now` is one range of the `(public_at, id)`
//! index, walked in order, so page 1 and page 1,000 cost the same.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    PublicAt,
    Id,
}

const INDEX: &str = "idx_articles_public";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .add_column(
                        ColumnDef::new(Articles::PublicAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE articles SET public_at = published_at \
                 WHERE status IN ('published', 'scheduled')",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Articles::Table)
                    .col(Articles::PublicAt)
                    .col(Articles::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Articles::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Articles::Table)
                    .drop_column(Articles::PublicAt)
                    .to_owned(),
            )
            .await
    }
}
