//! The content model: staff, tags, articles with their body, byline and tags, and replies.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    Slug,
    Bio,
    Role,
    Active,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Slug,
    Name,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    Standfirst,
    Status,
    ReplyPolicy,
    Version,
    WordCount,
    MetaTitle,
    MetaDescription,
    CanonicalUrl,
    FeatureImageUrl,
    FeatureImageAlt,
    FeatureImageCaption,
    PublishedAt,
    ScheduledAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ArticleAuthors {
    Table,
    ArticleId,
    UserId,
    Position,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    ArticleId,
    TagId,
    Position,
}

#[derive(DeriveIden)]
enum ArticleSections {
    Table,
    ArticleId,
    Position,
    Heading,
    Icon,
}

#[derive(DeriveIden)]
enum ArticleBlocks {
    Table,
    ArticleId,
    SectionPosition,
    Position,
    Kind,
    Text,
    Icon,
    Speaker,
    SpeakerKey,
    Context,
    Ordered,
    Items,
}

#[derive(DeriveIden)]
enum Replies {
    Table,
    Id,
    ArticleId,
    ParentId,
    Depth,
    AuthorName,
    AuthorEmail,
    Body,
    Status,
    IsStaff,
    UserId,
    ClientHash,
    CreatedAt,
    UpdatedAt,
}

fn timestamp(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn cascade_to<T: IntoIden + 'static, C: IntoIden + 'static>(
    from: (impl IntoIden + 'static, impl IntoIden + 'static),
    to: (T, C),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Users::Email)
                            .string_len(254)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Users::DisplayName).string_len(80).not_null())
                    .col(
                        ColumnDef::new(Users::Slug)
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Users::Bio).text())
                    .col(ColumnDef::new(Users::Role).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Users::Active)
                            .boolean()
                            .not_null()
                            .default(true),
                    )
                    .col(
                        ColumnDef::new(Users::PasswordHash)
                            .string_len(255)
                            .not_null(),
                    )
                    .col(timestamp(Users::CreatedAt))
                    .col(timestamp(Users::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tags::Table)
                    .col(ColumnDef::new(Tags::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Tags::Slug)
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Tags::Name).string_len(100).not_null())
                    .col(ColumnDef::new(Tags::Description).text())
                    .col(timestamp(Tags::CreatedAt))
                    .col(timestamp(Tags::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Articles::Table)
                    .col(ColumnDef::new(Articles::Id).uuid().not_null().primary_key())
                    .col(
                        ColumnDef::new(Articles::Slug)
                            .string_len(120)
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Articles::Title).string_len(300).not_null())
                    .col(ColumnDef::new(Articles::Standfirst).text().not_null())
                    .col(ColumnDef::new(Articles::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Articles::ReplyPolicy)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Articles::Version).integer().not_null())
                    .col(ColumnDef::new(Articles::WordCount).integer().not_null())
                    .col(ColumnDef::new(Articles::MetaTitle).text())
                    .col(ColumnDef::new(Articles::MetaDescription).text())
                    .col(ColumnDef::new(Articles::CanonicalUrl).text())
                    .col(ColumnDef::new(Articles::FeatureImageUrl).text())
                    .col(ColumnDef::new(Articles::FeatureImageAlt).text())
                    .col(ColumnDef::new(Articles::FeatureImageCaption).text())
                    .col(ColumnDef::new(Articles::PublishedAt).timestamp_with_time_zone())
                    .col(ColumnDef::new(Articles::ScheduledAt).timestamp_with_time_zone())
                    .col(timestamp(Articles::CreatedAt))
                    .col(timestamp(Articles::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The public list: visible statuses, newest publication first, id as tie-breaker.
        manager
            .create_index(
                Index::create()
                    .name("idx_articles_status_published")
                    .table(Articles::Table)
                    .col(Articles::Status)
                    .col(Articles::PublishedAt)
                    .col(Articles::Id)
                    .to_owned(),
            )
            .await?;
        // The editors' list: most recently changed first.
        manager
            .create_index(
                Index::create()
                    .name("idx_articles_updated")
                    .table(Articles::Table)
                    .col(Articles::UpdatedAt)
                    .col(Articles::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleAuthors::Table)
                    .col(ColumnDef::new(ArticleAuthors::ArticleId).uuid().not_null())
                    .col(ColumnDef::new(ArticleAuthors::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(ArticleAuthors::Position)
                            .integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(ArticleAuthors::ArticleId)
                            .col(ArticleAuthors::UserId),
                    )
                    .foreign_key(&mut cascade_to(
                        (ArticleAuthors::Table, ArticleAuthors::ArticleId),
                        (Articles::Table, Articles::Id),
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleAuthors::Table, ArticleAuthors::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_authors_user")
                    .table(ArticleAuthors::Table)
                    .col(ArticleAuthors::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleTags::Table)
                    .col(ColumnDef::new(ArticleTags::ArticleId).uuid().not_null())
                    .col(ColumnDef::new(ArticleTags::TagId).uuid().not_null())
                    .col(ColumnDef::new(ArticleTags::Position).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(ArticleTags::ArticleId)
                            .col(ArticleTags::TagId),
                    )
                    .foreign_key(&mut cascade_to(
                        (ArticleTags::Table, ArticleTags::ArticleId),
                        (Articles::Table, Articles::Id),
                    ))
                    .foreign_key(&mut cascade_to(
                        (ArticleTags::Table, ArticleTags::TagId),
                        (Tags::Table, Tags::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_tags_tag")
                    .table(ArticleTags::Table)
                    .col(ArticleTags::TagId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleSections::Table)
                    .col(ColumnDef::new(ArticleSections::ArticleId).uuid().not_null())
                    .col(
                        ColumnDef::new(ArticleSections::Position)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleSections::Heading).text())
                    .col(ColumnDef::new(ArticleSections::Icon).string_len(64))
                    .primary_key(
                        Index::create()
                            .col(ArticleSections::ArticleId)
                            .col(ArticleSections::Position),
                    )
                    .foreign_key(&mut cascade_to(
                        (ArticleSections::Table, ArticleSections::ArticleId),
                        (Articles::Table, Articles::Id),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ArticleBlocks::Table)
                    .col(ColumnDef::new(ArticleBlocks::ArticleId).uuid().not_null())
                    .col(
                        ColumnDef::new(ArticleBlocks::SectionPosition)
                            .integer()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleBlocks::Position).integer().not_null())
                    .col(
                        ColumnDef::new(ArticleBlocks::Kind)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(ColumnDef::new(ArticleBlocks::Text).text())
                    .col(ColumnDef::new(ArticleBlocks::Icon).string_len(64))
                    .col(ColumnDef::new(ArticleBlocks::Speaker).text())
                    .col(ColumnDef::new(ArticleBlocks::SpeakerKey).string_len(300))
                    .col(ColumnDef::new(ArticleBlocks::Context).text())
                    .col(ColumnDef::new(ArticleBlocks::Ordered).boolean())
                    .col(ColumnDef::new(ArticleBlocks::Items).text())
                    .primary_key(
                        Index::create()
                            .col(ArticleBlocks::ArticleId)
                            .col(ArticleBlocks::SectionPosition)
                            .col(ArticleBlocks::Position),
                    )
                    .foreign_key(&mut cascade_to(
                        (ArticleBlocks::Table, ArticleBlocks::ArticleId),
                        (Articles::Table, Articles::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        // Pull quotes by speaker across the archive.
        manager
            .create_index(
                Index::create()
                    .name("idx_article_blocks_speaker")
                    .table(ArticleBlocks::Table)
                    .col(ArticleBlocks::SpeakerKey)
                    .col(ArticleBlocks::ArticleId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Replies::Table)
                    .col(ColumnDef::new(Replies::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Replies::ArticleId).uuid().not_null())
                    // No foreign key: a removed parent keeps its children in place.
                    .col(ColumnDef::new(Replies::ParentId).uuid())
                    .col(ColumnDef::new(Replies::Depth).small_integer().not_null())
                    .col(
                        ColumnDef::new(Replies::AuthorName)
                            .string_len(80)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Replies::AuthorEmail)
                            .string_len(254)
                            .not_null(),
                    )
                    .col(ColumnDef::new(Replies::Body).text().not_null())
                    .col(ColumnDef::new(Replies::Status).string_len(16).not_null())
                    .col(
                        ColumnDef::new(Replies::IsStaff)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(Replies::UserId).uuid())
                    .col(ColumnDef::new(Replies::ClientHash).string_len(64))
                    .col(timestamp(Replies::CreatedAt))
                    .col(timestamp(Replies::UpdatedAt))
                    .foreign_key(&mut cascade_to(
                        (Replies::Table, Replies::ArticleId),
                        (Articles::Table, Articles::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_replies_article_status")
                    .table(Replies::Table)
                    .col(Replies::ArticleId)
                    .col(Replies::Status)
                    .col(Replies::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_replies_status_created")
                    .table(Replies::Table)
                    .col(Replies::Status)
                    .col(Replies::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Replies::Table.into_iden(),
            ArticleBlocks::Table.into_iden(),
            ArticleSections::Table.into_iden(),
            ArticleTags::Table.into_iden(),
            ArticleAuthors::Table.into_iden(),
            Articles::Table.into_iden(),
            Tags::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
