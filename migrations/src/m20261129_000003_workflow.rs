//! The editorial workflow: revisions (every save of an article's content),
//! slug history (every slug an article holds or held, so old links keep
//! working and no slug is handed out twice) and the append-only audit log.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ArticleRevisions {
    Table,
    Id,
    ArticleId,
    Number,
    Version,
    Kind,
    RestoredFrom,
    Published,
    Title,
    Content,
    SavedBy,
    SavedAt,
}

#[derive(DeriveIden)]
enum ArticleSlugs {
    Table,
    Slug,
    ArticleId,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    Action,
    SubjectType,
    SubjectId,
    ArticleId,
    Version,
    Detail,
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ArticleRevisions::Table)
                    .col(
                        ColumnDef::new(ArticleRevisions::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::ArticleId)
                            .uuid()
                            .not_null(),
                    )
                    // Counts from 1 per article; never reused, even after pruning.
                    .col(
                        ColumnDef::new(ArticleRevisions::Number)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::Version)
                            .integer()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleRevisions::RestoredFrom).integer())
                    // The content that went out at the latest publication: never pruned.
                    .col(
                        ColumnDef::new(ArticleRevisions::Published)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(
                        ColumnDef::new(ArticleRevisions::Title)
                            .string_len(300)
                            .not_null(),
                    )
                    // The whole editable content as JSON.
                    .col(ColumnDef::new(ArticleRevisions::Content).text().not_null())
                    // No foreign key: the record outlives accounts.
                    .col(ColumnDef::new(ArticleRevisions::SavedBy).uuid())
                    .col(timestamp(ArticleRevisions::SavedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleRevisions::Table, ArticleRevisions::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // One number per article: a second writer of the same number fails loudly.
        manager
            .create_index(
                Index::create()
                    .name("idx_article_revisions_number")
                    .table(ArticleRevisions::Table)
                    .col(ArticleRevisions::ArticleId)
                    .col(ArticleRevisions::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleSlugs::Table)
                    // Primary key over current and retired slugs alike: one owner per slug, ever.
                    .col(
                        ColumnDef::new(ArticleSlugs::Slug)
                            .string_len(120)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(ArticleSlugs::ArticleId).uuid().not_null())
                    .col(timestamp(ArticleSlugs::CreatedAt))
                    // NULL while the slug is the article's current one.
                    .col(ColumnDef::new(ArticleSlugs::RetiredAt).timestamp_with_time_zone())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleSlugs::Table, ArticleSlugs::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_slugs_article")
                    .table(ArticleSlugs::Table)
                    .col(ArticleSlugs::ArticleId)
                    .to_owned(),
            )
            .await?;
        // Every existing article holds its current slug.
        let backfill = Query::insert()
            .into_table(ArticleSlugs::Table)
            .columns([
                ArticleSlugs::Slug,
                ArticleSlugs::ArticleId,
                ArticleSlugs::CreatedAt,
            ])
            .select_from(
                Query::select()
                    .columns([Articles::Slug, Articles::Id, Articles::CreatedAt])
                    .from(Articles::Table)
                    .to_owned(),
            )
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(backfill).await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(ColumnDef::new(AuditLog::Id).uuid().not_null().primary_key())
                    .col(timestamp(AuditLog::At))
                    // No foreign keys: entries outlive the accounts, articles and replies they name.
                    .col(ColumnDef::new(AuditLog::ActorId).uuid())
                    .col(ColumnDef::new(AuditLog::Action).string_len(16).not_null())
                    .col(
                        ColumnDef::new(AuditLog::SubjectType)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(AuditLog::SubjectId).uuid().not_null())
                    .col(ColumnDef::new(AuditLog::ArticleId).uuid())
                    .col(ColumnDef::new(AuditLog::Version).integer())
                    .col(ColumnDef::new(AuditLog::Detail).text().not_null())
                    .to_owned(),
            )
            .await?;
        // Newest first, keyset-paged.
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await?;
        // One article's history.
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_article")
                    .table(AuditLog::Table)
                    .col(AuditLog::ArticleId)
                    .col(AuditLog::At)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            ArticleSlugs::Table.into_iden(),
            ArticleRevisions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
