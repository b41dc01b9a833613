//! Images placed in articles from the media library.
//!
//! - `article_blocks.image`: an image block's placement as JSON (media id,
//!   pixel size, alt, decorative, caption, credit, layout).
//! - `articles.feature_image_media_id`, `…_width`, `…_height`: a feature image
//!   that is a library item, with the size its renditions are chosen from.
//! - `article_media`: which library items each article's current body and
//!   feature image use, rewritten with the body. Its foreign key to `media`
//!   restricts deletes, so no race can delete an image a saved article shows;
//!   deleting the article deletes its rows.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ArticleBlocks {
    Table,
    Image,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    FeatureImageMediaId,
    FeatureImageWidth,
    FeatureImageHeight,
}

#[derive(DeriveIden)]
enum ArticleMedia {
    Table,
    ArticleId,
    MediaId,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleBlocks::Table)
                    .add_column(ColumnDef::new(ArticleBlocks::Image).text().null())
                    .to_owned(),
            )
            .await?;
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ColumnDef::new(Articles::FeatureImageMediaId)
                .uuid()
                .null()
                .to_owned(),
            ColumnDef::new(Articles::FeatureImageWidth)
                .integer()
                .null()
                .to_owned(),
            ColumnDef::new(Articles::FeatureImageHeight)
                .integer()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Articles::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ArticleMedia::Table)
                    .col(ColumnDef::new(ArticleMedia::ArticleId).uuid().not_null())
                    .col(ColumnDef::new(ArticleMedia::MediaId).uuid().not_null())
                    .primary_key(
                        Index::create()
                            .col(ArticleMedia::ArticleId)
                            .col(ArticleMedia::MediaId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleMedia::Table, ArticleMedia::ArticleId)
                            .to(Articles::Table, Articles::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ArticleMedia::Table, ArticleMedia::MediaId)
                            .to(Media::Table, Media::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_media_media")
                    .table(ArticleMedia::Table)
                    .col(ArticleMedia::MediaId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ArticleMedia::Table).to_owned())
            .await?;
        for column in [
            Articles::FeatureImageHeight,
            Articles::FeatureImageWidth,
            Articles::FeatureImageMediaId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Articles::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ArticleBlocks::Table)
                    .drop_column(ArticleBlocks::Image)
                    .to_owned(),
            )
            .await
    }
}
