//! Rate-limit counters shared by every node on one PostgreSQL database: one
//! row per limit, key and fixed window, bumped with an atomic upsert, so two
//! nodes allow the sum of the limit, not twice it. Created on SQLite too (the
//! history is the same everywhere), where limits count in memory instead.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    /// Which limit: `login_ip`, `login_account`, `reply_window`, `reply_day`.
    LimitName,
    /// Salted SHA-256 (hex) of the client or account: no address or e-mail in clear.
    LimitKey,
    /// Start of the fixed window the hits fall in.
    WindowStart,
    /// Events counted in the window (never past the limit).
    Hits,
    /// End of the window: the row is pruned after it.
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(
                        ColumnDef::new(RateLimits::LimitName)
                            .string_len(40)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RateLimits::LimitKey)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RateLimits::WindowStart)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .col(ColumnDef::new(RateLimits::Hits).integer().not_null())
                    .col(
                        ColumnDef::new(RateLimits::ExpiresAt)
                            .timestamp_with_time_zone()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(RateLimits::LimitName)
                            .col(RateLimits::LimitKey)
                            .col(RateLimits::WindowStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_rate_limits_expires_at")
                    .table(RateLimits::Table)
                    .col(RateLimits::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimits::Table).to_owned())
            .await
    }
}
