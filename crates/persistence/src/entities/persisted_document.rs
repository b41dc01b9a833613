//! `persisted_documents`: GraphQL documents addressed by their SHA-256.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[sea_orm(table_name = "persisted_documents")]
pub struct Model {
    /// SHA-256 of `document`, lower-case hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub document: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
