//! Full-text search: `search_documents`, one row per article keyed by a
//! recency-ordered number (see `masthead_persistence::search`), with the
//! engine's index beside it — an FTS5 table on SQLite (contentless, its rowid
//! the document key, prefix indexes for one- to three-letter typeahead), a
//! weighted `tsvector` column with a GIN index on PostgreSQL.
//!
//! Existing articles are indexed right after the migrations run, by the
//! store (`Store::migrate`), because what is searchable is defined once, on
//! the domain types, which migrations may not import: the store finds no
//! record of an index language and builds the index from every article.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchDocuments {
    Table,
    Doc,
    ArticleId,
    Status,
    PublicAt,
}

const ARTICLE_INDEX: &str = "idx_search_documents_article";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SearchDocuments::Table)
                    .col(
                        ColumnDef::new(SearchDocuments::Doc)
                            .big_integer()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SearchDocuments::ArticleId).uuid().not_null())
                    .col(
                        ColumnDef::new(SearchDocuments::Status)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(SearchDocuments::PublicAt).timestamp_with_time_zone())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(ARTICLE_INDEX)
                    .table(SearchDocuments::Table)
                    .col(SearchDocuments::ArticleId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE search_documents ADD COLUMN document tsvector NOT NULL",
                )
                .await?;
                db.execute_unprepared(
                    "CREATE INDEX idx_search_documents_document ON search_documents USING GIN (document)",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE VIRTUAL TABLE search_fts USING fts5(title, standfirst, body, names, \
                     content='', contentless_delete=1, \
                     tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("DROP TABLE search_fts")
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM settings WHERE key = 'search_language'")
            .await?;
        manager
            .drop_table(Table::drop().table(SearchDocuments::Table).to_owned())
            .await
    }
}
