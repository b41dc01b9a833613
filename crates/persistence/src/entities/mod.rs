//! SeaORM entities: the tables as SeaORM sees them. Private to this crate;
//! repositories translate them to and from domain types.

pub mod article;
pub mod article_author;
pub mod article_block;
pub mod article_media;
pub mod article_revision;
pub mod article_section;
pub mod article_slug;
pub mod article_tag;
pub mod audit_entry;
pub mod correction;
pub mod idempotency_key;
pub mod media;
pub mod persisted_document;
pub mod preview_link;
pub mod rate_limit;
pub mod refresh_token;
pub mod reply;
pub mod setting;
pub mod tag;
pub mod user;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_event;
