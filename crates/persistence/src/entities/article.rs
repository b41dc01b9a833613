//! `articles`: one row per story, with its lifecycle and version; the body lives in
//! `article_sections` and `article_blocks`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub standfirst: String,
    pub status: String,
    pub reply_policy: String,
    pub version: i32,
    pub word_count: i32,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub feature_image_url: Option<String>,
    pub feature_image_alt: Option<String>,
    pub feature_image_caption: Option<String>,
    /// The media library item the feature image is, if it is one.
    pub feature_image_media_id: Option<Uuid>,
    pub feature_image_width: Option<i32>,
    pub feature_image_height: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
    pub scheduled_at: Option<DateTimeUtc>,
    /// `published_at` while the status is published or scheduled, else NULL:
    /// the public rule as one indexed column (`public_at <= now`).
    pub public_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
