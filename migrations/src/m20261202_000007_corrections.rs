//! `corrections`: the public notes appended to published articles. Rows are
//! never edited except to mark a retraction (time and reason); deleting an
//! article deletes its notes. `(published_at, id)` serves the site-wide list
//! newest first; `(article_id, published_at)` an article's own notes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Corrections {
    Table,
    Id,
    ArticleId,
    Kind,
    Text,
    PublishedAt,
    RetractedAt,
    RetractionReason,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Corrections::Table)
                    .col(
                        ColumnDef::new(Corrections::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Corrections::ArticleId).uuid().not_null())
                    .col(ColumnDef::new(Corrections::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Corrections::Text).text().not_null())
                    .col(
                        ColumnDef::new(Corrections::PublishedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Corrections::RetractedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Corrections::RetractionReason).text())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Corrections::Table, Corrections::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_corrections_published")
                    .table(Corrections::Table)
                    .col(Corrections::PublishedAt)
                    .col(Corrections::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_corrections_article")
                    .table(Corrections::Table)
                    .col(Corrections::ArticleId)
                    .col(Corrections::PublishedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Corrections::Table).to_owned())
            .await
    }
}
