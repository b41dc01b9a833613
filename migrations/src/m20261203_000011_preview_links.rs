//! `preview_links`: tokens that open one draft, read-only, to whoever holds
//! them (an editor's preview on the real site) until they expire or are
//! revoked; only the SHA-256 of each token is stored, and deleting the
//! article deletes its links.
//!
//! `persisted_documents`: GraphQL documents registered by automatic persisted
//! queries, addressed by the SHA-256 of their text, kept in the database so
//! any node can serve a hash another node learnt; bounded by evicting the
//! least recently used (`last_used_at`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PreviewLinks {
    Table,
    Id,
    ArticleId,
    /// SHA-256 (hex) of the token.
    TokenHash,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum PersistedDocuments {
    Table,
    /// SHA-256 (hex, lower case) of `document`.
    Hash,
    Document,
    CreatedAt,
    LastUsedAt,
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
                    .table(PreviewLinks::Table)
                    .col(
                        ColumnDef::new(PreviewLinks::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PreviewLinks::ArticleId).uuid().not_null())
                    .col(
                        ColumnDef::new(PreviewLinks::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(PreviewLinks::CreatedBy).uuid())
                    .col(
                        ColumnDef::new(PreviewLinks::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PreviewLinks::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PreviewLinks::RevokedAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .from(PreviewLinks::Table, PreviewLinks::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_preview_links_article")
                    .table(PreviewLinks::Table)
                    .col(PreviewLinks::ArticleId)
                    .col(PreviewLinks::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PersistedDocuments::Table)
                    .col(
                        ColumnDef::new(PersistedDocuments::Hash)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(PersistedDocuments::Document)
                            .text()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PersistedDocuments::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PersistedDocuments::LastUsedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_persisted_documents_last_used")
                    .table(PersistedDocuments::Table)
                    .col(PersistedDocuments::LastUsedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PersistedDocuments::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PreviewLinks::Table).to_owned())
            .await
    }
}
