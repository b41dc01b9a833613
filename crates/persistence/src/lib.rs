//! # Masthead's storage
//!
//! SeaORM over SQLite (the default, one file) and PostgreSQL. Repositories take
//! and return domain types; the entities that mirror the tables stay private.
//! Every write that touches several rows runs in one transaction, and article
//! writes carry an optimistic version check so two editors cannot overwrite
//! each other silently.

mod entities;

pub mod article_body;
pub mod articles;
pub mod audit;
pub mod authors;
pub mod backup;
mod bulk;
pub mod change_feed;
pub mod content_clock;
pub mod corrections;
pub mod directory;
pub mod error;
pub mod idempotency;
pub mod media;
pub mod notifications;
pub mod outbox;
pub mod page;
pub mod persisted_documents;
pub mod preview_links;
pub mod pull_quotes;
pub mod rate_limits;
pub mod reader;
pub mod refresh_tokens;
pub mod replies;
pub mod reply_queue;
pub mod reply_targets;
pub mod reply_threads;
mod revision_codec;
pub mod revisions;
mod save_records;
pub mod search;
pub mod settings;
pub mod sitemap;
mod slug_history;
pub mod store;
mod stored_image;
pub mod tags;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod transfer;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
mod word_counts;

pub use articles::{ArticleFilter, ArticleOrder, Visibility};
pub use error::PersistenceError;
pub use page::{Cursor, Page, PageRequest};
pub use search::{SearchCursor, SearchFilter, SearchHit, SearchOrder, SearchPage, SearchRequest};
pub use store::Store;

/// The current time, truncated to microseconds: what both databases store, so
/// that a value written and read back compares equal.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}
