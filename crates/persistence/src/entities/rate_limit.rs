//! `rate_limits`: events counted per limit, key and fixed window, shared by
//! every node on one PostgreSQL database.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rate_limits")]
pub struct Model {
    /// Which limit.
    #[sea_orm(primary_key, auto_increment = false)]
    pub limit_name: String,
    /// Salted hash of the client or account.
    #[sea_orm(primary_key, auto_increment = false)]
    pub limit_key: String,
    /// Start of the window.
    #[sea_orm(primary_key, auto_increment = false)]
    pub window_start: DateTimeUtc,
    /// Events counted so far.
    pub hits: i32,
    /// End of the window; pruned after it.
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
