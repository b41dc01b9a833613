//! `media`: the image library. One row per distinct upload: `sha256` is
//! unique, so identical bytes are stored once whoever uploads them. The
//! bytes themselves live in the object store (`{id}/original` and the
//! renditions beside it); this table holds what the header said (format,
//! size), the newsroom's description and the focal point crops keep.
//! `(created_at, id)` serves the library newest first with keyset paging.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    Sha256,
    Format,
    Width,
    Height,
    Bytes,
    FileName,
    Alt,
    Caption,
    Credit,
    FocalX,
    FocalY,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Media::Table)
                    .col(ColumnDef::new(Media::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Media::Sha256).string_len(64).not_null())
                    .col(ColumnDef::new(Media::Format).string_len(8).not_null())
                    .col(ColumnDef::new(Media::Width).integer().not_null())
                    .col(ColumnDef::new(Media::Height).integer().not_null())
                    .col(ColumnDef::new(Media::Bytes).big_integer().not_null())
                    .col(ColumnDef::new(Media::FileName).text().not_null())
                    .col(ColumnDef::new(Media::Alt).text().not_null())
                    .col(ColumnDef::new(Media::Caption).text().not_null())
                    .col(ColumnDef::new(Media::Credit).text().not_null())
                    .col(ColumnDef::new(Media::FocalX).double().not_null())
                    .col(ColumnDef::new(Media::FocalY).double().not_null())
                    .col(ColumnDef::new(Media::CreatedBy).uuid())
                    .col(
                        ColumnDef::new(Media::CreatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(Media::UpdatedAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Media::Table, Media::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_sha256")
                    .table(Media::Table)
                    .col(Media::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_media_created")
                    .table(Media::Table)
                    .col(Media::CreatedAt)
                    .col(Media::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Media::Table).to_owned())
            .await
    }
}
