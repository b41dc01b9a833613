//! The cached public read path. A published article is read millions of times
//! per edit, so its public JSON (and ETag) is built once and served from memory
//! until content changes. Entries remember the store's content generation when
//! they were built; any write that changes public content bumps it (on every
//! node, through the change feed on PostgreSQL), which retires them all.
//! Memory is bounded by weight (bytes), not entry count.

use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use masthead_domain::Article;
use moka::sync::Cache;
use sha2::{Digest, Sha256};

/// How long a cached list page may be served, at most: scheduled articles
/// appear on their own when their time comes, without a write to announce them.
pub const LIST_TTL: Duration = Duration::from_secs(1);

/// One public article, ready to serve.
#[derive(Debug)]
pub struct CachedArticle {
    /// The article as the public sees it.
    pub article: Arc<Article>,
    /// Approved replies under it.
    pub reply_count: u64,
    /// Its REST representation.
    pub json: Bytes,
    /// Strong validator of `json`.
    pub etag: String,
    generation: u64,
}

/// A cached public response body (list pages).
#[derive(Debug)]
pub struct CachedBody {
    /// The response body.
    pub json: Bytes,
    /// Strong validator of `json`.
    pub etag: String,
    generation: u64,
}

/// Bounded caches of public reads.
pub struct PublicCache {
    articles: Cache<String, Arc<CachedArticle>>,
    pages: Cache<String, Arc<CachedBody>>,
}

impl PublicCache {
    /// Caches holding at most `max_bytes` of JSON in all.
    pub fn new(max_bytes: u64) -> Self {
        Self {
            articles: Cache::builder()
                .max_capacity(max_bytes * 3 / 4)
                .weigher(|key: &String, value: &Arc<CachedArticle>| {
                    weight(key.len() + value.json.len() * 3)
                })
                .build(),
            pages: Cache::builder()
                .max_capacity(max_bytes / 4)
                .time_to_live(LIST_TTL)
                .weigher(|key: &String, value: &Arc<CachedBody>| {
                    weight(key.len() + value.json.len())
                })
                .build(),
        }
    }

    /// The cached article of `slug` if it was built at `generation`.
    pub fn article(&self, slug: &str, generation: u64) -> Option<Arc<CachedArticle>> {
        self.articles
            .get(slug)
            .filter(|entry| entry.generation == generation)
    }

    /// Remembers the public form of an article built at `generation`.
    pub fn put_article(
        &self,
        article: Article,
        reply_count: u64,
        json: Vec<u8>,
        generation: u64,
    ) -> Arc<CachedArticle> {
        let entry = Arc::new(CachedArticle {
            etag: etag_of(&json),
            json: Bytes::from(json),
            reply_count,
            article: Arc::new(article),
            generation,
        });
        self.articles
            .insert(entry.article.slug.to_string(), entry.clone());
        entry
    }

    /// The cached body for `key` (path and query) if built at `generation`.
    pub fn page(&self, key: &str, generation: u64) -> Option<Arc<CachedBody>> {
        self.pages
            .get(key)
            .filter(|entry| entry.generation == generation)
    }

    /// Remembers a list page built at `generation`.
    pub fn put_page(&self, key: String, json: Vec<u8>, generation: u64) -> Arc<CachedBody> {
        let entry = Arc::new(CachedBody {
            etag: etag_of(&json),
            json: Bytes::from(json),
            generation,
        });
        self.pages.insert(key, entry.clone());
        entry
    }

    /// Bytes held now (approximate; eviction runs in the background).
    pub fn weighted_size(&self) -> u64 {
        self.articles.run_pending_tasks();
        self.pages.run_pending_tasks();
        self.articles.weighted_size() + self.pages.weighted_size()
    }
}

fn weight(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}

/// A strong ETag: the first 128 bits of the body's SHA-256, quoted.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("\"{hex}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_follow_the_bytes() {
        assert_eq!(etag_of(b"a"), etag_of(b"a"));
        assert_ne!(etag_of(b"a"), etag_of(b"b"));
        assert!(etag_of(b"a").starts_with('"') && etag_of(b"a").ends_with('"'));
    }

    #[test]
    fn pages_of_an_older_generation_are_not_served() {
        let cache = PublicCache::new(1 << 20);
        cache.put_page("/articles".into(), b"[1]".to_vec(), 1);
        assert!(cache.page("/articles", 1).is_some());
        assert!(cache.page("/articles", 2).is_none());
    }

    #[test]
    fn filling_past_the_bound_evicts_instead_of_growing() {
        let bound = 64 * 1024;
        let cache = PublicCache::new(bound);
        for i in 0..2_000 {
            cache.put_page(format!("/articles?page={i}"), vec![b'x'; 1_000], 0);
        }
        assert!(
            cache.weighted_size() <= bound,
            "{} > {bound}",
            cache.weighted_size()
        );
        assert!(cache.weighted_size() > 0);
    }
}
