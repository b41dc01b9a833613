//! `replies`: readers' replies and staff answers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[sea_orm(table_name = "replies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub article_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub depth: i16,
    pub author_name: String,
    pub author_email: String,
    pub body: String,
    pub status: String,
    pub is_staff: bool,
    pub user_id: Option<Uuid>,
    /// Salted hash of the client address; never the address itself.
    pub client_hash: Option<String>,
    /// The first reply of the thread (itself for a top-level reply).
    pub root_id: Option<Uuid>,
    /// Ids of the replies above, thread start first, `/`-separated; empty at
    /// the top level, `None` for rows written before it was kept.
    pub thread_path: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
