//! The cached public read path. A published article is read millions of times
//! per edit, so what the public is sent (the REST article, a REST list page,
//! an anonymous GraphQL answer) is built once and then served from memory as
//! bytes with its ETag, until public content changes.
//!
//! Correctness rests on the store's content generation: every write that
//! changes what the public sees bumps it after its commit (on every node,
//! through the change feed on PostgreSQL), and an entry is only served while
//! the generation it was built at is still current. A reader takes the
//! generation *before* it reads the database, so an entry built from data
//! older than a write can never carry the generation that follows the write.
//!
//! Scheduled articles come due without a write: the scheduler (which looks
//! once a second) bumps the generation when their time comes. A single article
//! is only cached once it is public. Entries also expire after [`MAX_AGE`],
//! a safety net only: it bounds the harm of a change the generation never
//! heard of (another process writing a SQLite file by hand). No shorter
//! expiry, because every expiry sends all concurrent readers of a hot entry
//! to the database at once.
//!
//! Memory is bounded by weight (bytes of key and body), not by entry count.

use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::EntityTag;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use moka::sync::Cache;

use crate::rest::caching::strong_etag;

/// How long any entry may be served, at most (see the module documentation).
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// A public response body, ready to send.
#[derive(Debug)]
pub struct CachedBody {
    /// The response body (JSON).
    pub json: Bytes,
    /// Strong validator of `json`.
    pub etag: EntityTag,
    /// When the content in it last changed, for `Last-Modified`.
    pub last_modified: Option<DateTime<Utc>>,
    generation: u64,
}

/// Bounded in-memory caches of public reads.
pub struct PublicCache {
    articles: Cache<String, Arc<CachedBody>>,
    responses: Cache<String, Arc<CachedBody>>,
}

impl PublicCache {
    /// Caches holding about `max_bytes` in all (0 disables caching).
    pub fn new(max_bytes: u64) -> Self {
        let weigher = |key: &String, value: &Arc<CachedBody>| {
            u32::try_from(key.len() + value.json.len() + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
        };
        Self {
            articles: Cache::builder()
                .max_capacity(max_bytes / 2)
                .time_to_live(MAX_AGE)
                .weigher(weigher)
                .build(),
            responses: Cache::builder()
                .max_capacity(max_bytes / 2)
                .time_to_live(MAX_AGE)
                .weigher(weigher)
                .build(),
        }
    }

    /// The public article of `slug`, if cached at `generation`.
    pub fn article(&self, slug: &str, generation: u64) -> Option<Arc<CachedBody>> {
        current(self.articles.get(slug), generation)
    }

    /// Remembers the public body of the article of `slug`, built from data read
    /// after the store was at `generation`.
    pub fn put_article(
        &self,
        slug: &str,
        body: Vec<u8>,
        last_modified: Option<DateTime<Utc>>,
        generation: u64,
    ) -> Arc<CachedBody> {
        let entry = entry(body, last_modified, generation);
        self.articles.insert(slug.to_owned(), entry.clone());
        entry
    }

    /// The response cached under `key` (a list's path and query, a GraphQL
    /// request's digest) at `generation`.
    pub fn response(&self, key: &str, generation: u64) -> Option<Arc<CachedBody>> {
        current(self.responses.get(key), generation)
    }

    /// Remembers a response built after the store was at `generation`.
    pub fn put_response(
        &self,
        key: String,
        body: Vec<u8>,
        last_modified: Option<DateTime<Utc>>,
        generation: u64,
    ) -> Arc<CachedBody> {
        let entry = entry(body, last_modified, generation);
        self.responses.insert(key, entry.clone());
        entry
    }

    /// Bytes held now, by the caches' own weighing.
    pub fn weighted_size(&self) -> u64 {
        self.articles.run_pending_tasks();
        self.responses.run_pending_tasks();
        self.articles.weighted_size() + self.responses.weighted_size()
    }
}

/// What an entry costs beyond its key and body (the entry, its `Arc`, the ETag).
const ENTRY_OVERHEAD: usize = 160;

fn entry(body: Vec<u8>, last_modified: Option<DateTime<Utc>>, generation: u64) -> Arc<CachedBody> {
    Arc::new(CachedBody {
        etag: strong_etag(&body),
        json: Bytes::from(body),
        last_modified,
        generation,
    })
}

fn current(entry: Option<Arc<CachedBody>>, generation: u64) -> Option<Arc<CachedBody>> {
    entry.filter(|entry| entry.generation == generation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_an_older_generation_are_not_served() {
        let cache = PublicCache::new(1 << 20);
        cache.put_response("/articles".into(), b"[1]".to_vec(), None, 1);
        cache.put_article("front-page", b"{}".to_vec(), None, 1);
        assert!(cache.response("/articles", 1).is_some());
        assert!(cache.response("/articles", 2).is_none());
        assert!(cache.article("front-page", 1).is_some());
        assert!(cache.article("front-page", 2).is_none());
        assert!(cache.article("other", 1).is_none());
    }

    #[test]
    fn an_entry_carries_the_etag_of_its_exact_bytes() {
        let cache = PublicCache::new(1 << 20);
        let entry = cache.put_article("a", b"{\"a\":1}".to_vec(), None, 0);
        assert_eq!(entry.etag, strong_etag(b"{\"a\":1}"));
    }

    #[test]
    fn filling_past_the_bound_evicts_instead_of_growing() {
        let bound = 64 * 1024;
        let cache = PublicCache::new(bound);
        for i in 0..2_000 {
            cache.put_response(format!("/articles?page={i}"), vec![b'x'; 1_000], None, 0);
            cache.put_article(&format!("story-{i}"), vec![b'x'; 1_000], None, 0);
        }
        let held = cache.weighted_size();
        assert!(held <= bound, "{held} > {bound}");
        assert!(held > 0);
    }

    #[test]
    fn a_zero_bound_caches_nothing() {
        let cache = PublicCache::new(0);
        cache.put_article("a", b"{}".to_vec(), None, 0);
        assert_eq!(cache.weighted_size(), 0);
        assert!(cache.article("a", 0).is_none());
    }
}
