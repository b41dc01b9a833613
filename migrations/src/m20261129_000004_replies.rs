//! Reply threads that survive removals: every reply records the first reply of
//! its thread (`root_id`, what public pages paginate by) and the chain of
//! replies above it (`thread_path`), so an answer to a deleted reply keeps its
//! place. Plus an index for repeat detection by client.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Replies {
    Table,
    ArticleId,
    Status,
    RootId,
    ThreadPath,
    ClientHash,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(
                Table::alter()
                    .table(Replies::Table)
                    .add_column(ColumnDef::new(Replies::RootId).uuid())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Replies::Table)
                    .add_column(ColumnDef::new(Replies::ThreadPath).string_len(200))
                    .to_owned(),
            )
            .await?;
        // Existing rows: thread starts are their own root; answers inherit their
        // parent's, level by level; an answer whose parent is gone hangs under it.
        // `thread_path` stays empty for older answers (readers fall back to `parent_id`).
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE replies SET root_id = id, thread_path = '' WHERE parent_id IS NULL",
        )
        .await?;
        for depth in 2..=5 {
            db.execute_unprepared(&format!(
                "UPDATE replies SET root_id = (SELECT p.root_id FROM replies p \
                 WHERE p.id = replies.parent_id) WHERE depth = {depth} AND root_id IS NULL"
            ))
            .await?;
        }
        db.execute_unprepared("UPDATE replies SET root_id = parent_id WHERE root_id IS NULL")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_replies_article_status_root")
                    .table(Replies::Table)
                    .col(Replies::ArticleId)
                    .col(Replies::Status)
                    .col(Replies::RootId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_replies_client_created")
                    .table(Replies::Table)
                    .col(Replies::ClientHash)
                    .col(Replies::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [
            "idx_replies_client_created",
            "idx_replies_article_status_root",
        ] {
            manager
                .drop_index(Index::drop().name(index).table(Replies::Table).to_owned())
                .await?;
        }
        for column in [Replies::ThreadPath, Replies::RootId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Replies::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
