//! `article_blocks`: every block of every section. One table for all kinds
//! (columns a kind does not use stay NULL) so a body reads in one query and pull
//! quotes can be found by speaker through `speaker_key`'s index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[sea_orm(table_name = "article_blocks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub article_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub section_position: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub position: i32,
    /// Stable identity, kept across saves, reorders, moves and restores (unique).
    pub id: Uuid,
    pub kind: String,
    pub text: Option<String>,
    pub icon: Option<String>,
    pub speaker: Option<String>,
    /// Lower-cased speaker, for case-insensitive lookups through an index.
    pub speaker_key: Option<String>,
    pub context: Option<String>,
    pub ordered: Option<bool>,
    /// List items as a JSON array of Markdown sources.
    pub items: Option<String>,
    /// An image block's placement as JSON (media id, size, alt, caption, …).
    pub image: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
