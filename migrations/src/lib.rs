//! Masthead's schema history. Each migration is frozen once released: one file
//! each, written with SeaQuery's portable builders (never importing entities),
//! so the same history runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261129_000001_content;
mod m20261129_000002_auth;
mod m20261129_000003_workflow;
mod m20261129_000004_replies;
mod m20261129_000005_idempotency;
mod m20261129_000006_public_at;
mod m20261202_000007_corrections;
mod m20261202_000008_block_ids;
mod m20261202_000009_search;
mod m20261203_000010_webhooks;
mod m20261203_000011_preview_links;
mod m20261203_000012_media;
mod m20261203_000013_rate_limits;
mod m20261204_000014_placed_media;

/// The ordered list of every migration the binary knows.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261129_000001_content::Migration),
            Box::new(m20261129_000002_auth::Migration),
            Box::new(m20261129_000003_workflow::Migration),
            Box::new(m20261129_000004_replies::Migration),
            Box::new(m20261129_000005_idempotency::Migration),
            Box::new(m20261129_000006_public_at::Migration),
            Box::new(m20261202_000007_corrections::Migration),
            Box::new(m20261202_000008_block_ids::Migration),
            Box::new(m20261202_000009_search::Migration),
            Box::new(m20261203_000010_webhooks::Migration),
            Box::new(m20261203_000011_preview_links::Migration),
            Box::new(m20261203_000013_rate_limits::Migration),
            Box::new(m20261203_000012_media::Migration),
            Box::new(m20261204_000014_placed_media::Migration),
        ]
    }
}
