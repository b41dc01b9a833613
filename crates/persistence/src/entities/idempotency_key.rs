//! `idempotency_keys`: the first answer to a `POST` that carried an `Idempotency-Key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// `user:<id>` or `anonymous`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    /// The client's key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub idempotency_key: String,
    /// SHA-256 (hex) of method, path and body.
    pub request_hash: String,
    /// NULL while the first request runs.
    pub response_status: Option<i32>,
    /// JSON object of replayed headers.
    pub response_headers: Option<String>,
    /// The body of the first answer.
    pub response_body: Option<String>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
