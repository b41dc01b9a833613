//! What every request handler shares.

use std::sync::Arc;

use masthead_domain::Article;
use masthead_persistence::Store;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::events::Events;
use crate::public_cache::PublicCache;

/// Shared, cheaply cloned application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The running configuration.
    pub settings: Arc<Settings>,
    /// Signs and verifies access tokens.
    pub tokens: Arc<TokenKeys>,
    /// Live events for subscriptions.
    pub events: Events,
    /// Reply rate limits, client hashing and spam rules.
    pub replies: Arc<crate::app::replies::guard::ReplyGuard>,
    /// Sign-in rate limits (per client IP, per account).
    pub login_limits: Arc<LoginLimiter>,
    /// Public reads, built once and served from memory until content changes.
    pub public_cache: Arc<PublicCache>,
    /// GraphQL documents addressable by hash: trusted and registered ones.
    pub persisted: Arc<crate::graphql::persisted::PersistedQueries>,
    /// Originals and renditions of the media library.
    pub media: Arc<crate::media::MediaStore>,
    /// Whether the node was told to stop (readiness, WebSockets).
    pub drain: crate::drain::Drain,
}

impl AppState {
    /// The public address of an article on the website.
    pub fn article_url(&self, article: &Article) -> String {
        format!(
            "{}{}",
            self.settings.public_url.trim_end_matches('/'),
            self.settings
                .article_path
                .replace("{slug}", article.slug.as_str())
        )
    }
}
