//! The cached public read path. A published article is read millions of times
//! per edit, so what the public is sent (the REST article, a REST list page,
//! an anonymous GraphQL answer) is built once and then served from memory as
//! bytes with its ETag, until public content changes.
//!
//! Correctness rests on the store's content generation: every write that
//! changes what the public sees bumps it after its commit (on every node,
//! through the change feed on PostgreSQL), and entries are keyed by the
//! generation they were built at, so a bump retires them all at once. A reader
//! takes the generation *before* it reads the database, so an entry built from
//! data older than a write can never carry the generation that follows it.
//!
//! Readers who miss together wait for one build: after a write (or at start),
//! a hot article costs the database one read, not one per waiting reader.
//! And readers who arrive while an entry is being rebuilt do not wait at all:
//! they get the newest answer built so far (at most one rebuild old), as a
//! CDN serves stale-while-revalidate. A reader who finds no rebuild under way
//! builds and waits, so a client reading after its own write sees it unless
//! another reader's rebuild was already under way. Without this, a busy
//! newsroom (a bump every few milliseconds) made nearly every reader wait for
//! a rebuild on a database busy with the writes (issue 12).
//!
//! An answer that shows one article only (its page, its reply threads) says
//! so ([`CachedBody::about`]) and outlives the generation it was built at:
//! when the generation has moved on because *other* articles changed, the
//! store's [`ContentClock`] tells that this article and what every article
//! shares have not, and the answer is kept for the new generation without a
//! rebuild. A newsroom publishing and moderating all day no longer sends the
//! readers of every other article to the database after each write.
//!
//! Scheduled articles come due without a write: the scheduler (which looks
//! once a second) bumps the generation when their time comes. A single article
//! is only cached once it is public. Entries also expire after [`MAX_AGE`], a
//! safety net only: it bounds the harm of a change the generation never heard
//! of (another process writing a SQLite file by hand).
//!
//! Memory is bounded by weight (bytes of key and body), not by entry count.
//! Entries of retired generations are never read again: the first read at a
//! newer generation drops them all, so a busy newsroom (a bump per write)
//! does not fill the bound with dead answers (the writers benchmark did:
//! 26 MB of them with the default 16 MiB bound).

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::http::header::EntityTag;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use masthead_domain::ArticleId;
use masthead_persistence::content_clock::ContentClock;
use moka::future::Cache;
use moka::Expiry;

use crate::error::ApiError;
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
    /// The one article this answer shows, if it shows only one: it stays good
    /// while that article (and what all articles share) is unchanged.
    pub about: Option<ArticleId>,
    /// When it was built: no copy of it is served past [`MAX_AGE`] after.
    built: Instant,
}

impl CachedBody {
    /// A body to keep, with its ETag.
    pub fn new(body: Vec<u8>, last_modified: Option<DateTime<Utc>>) -> Self {
        Self {
            etag: strong_etag(&body),
            json: Bytes::from(body),
            last_modified,
            about: None,
            built: Instant::now(),
        }
    }

    /// The same body, showing only `article` (see [`CachedBody::about`]).
    pub fn about(mut self, article: ArticleId) -> Self {
        self.about = Some(article);
        self
    }
}

/// A read whose result is not kept; every reader who waited for it gets it.
#[derive(Debug)]
pub enum Uncached {
    /// Nothing public there.
    NotFound,
    /// A former slug: the article's current slug.
    Moved(String),
    /// The read failed.
    Failed(ApiError),
    /// An answer that must not be kept (a GraphQL response with errors).
    Answer {
        /// Its HTTP status.
        status: u16,
        /// Its body.
        body: Bytes,
    },
}

impl From<ApiError> for Uncached {
    fn from(error: ApiError) -> Self {
        Self::Failed(error)
    }
}

/// What a cached read gives: the body, or why there is none to keep.
pub type Read = Result<Arc<CachedBody>, Arc<Uncached>>;

/// Bounded in-memory caches of public reads.
pub struct PublicCache {
    articles: Shelf,
    responses: Shelf,
    /// False with a bound of 0: every read is built, none shared or kept.
    enabled: bool,
    /// The newest generation a read has asked for: older entries are dead.
    newest: AtomicU64,
    /// Which articles changed since a generation (the store's).
    clock: Arc<ContentClock>,
}

impl PublicCache {
    /// Caches holding about `max_bytes` in all (0 keeps nothing), whose
    /// generations are those of `clock`.
    pub fn new(max_bytes: u64, clock: Arc<ContentClock>) -> Self {
        Self {
            articles: Shelf::new(max_bytes / 2),
            responses: Shelf::new(max_bytes / 2),
            enabled: max_bytes > 0,
            newest: AtomicU64::new(0),
            clock,
        }
    }

    /// Drops every entry when `generation` is newer than any asked for
    /// before: those entries can never be read again. (An entry of
    /// `generation` inserted just before may go too: one rebuild, no harm.)
    fn retire_before(&self, generation: u64) {
        if self.newest.fetch_max(generation, Ordering::AcqRel) < generation {
            self.articles.current.invalidate_all();
            self.responses.current.invalidate_all();
        }
    }

    /// The public article of `slug` at `generation`, built by `build` unless
    /// cached (or being built for another reader already).
    pub async fn article<F>(&self, slug: &str, generation: u64, build: F) -> Read
    where
        F: Future<Output = Result<CachedBody, Uncached>>,
    {
        self.get_or_build(&self.articles, generation, slug, build)
            .await
    }

    /// The response under `key` (a list's path and query, a GraphQL request's
    /// digest) at `generation`, built by `build` unless cached.
    pub async fn response<F>(&self, key_text: &str, generation: u64, build: F) -> Read
    where
        F: Future<Output = Result<CachedBody, Uncached>>,
    {
        self.get_or_build(&self.responses, generation, key_text, build)
            .await
    }

    /// The response under `key` at `generation`, only if it is cached now
    /// (for callers that must decide whether a miss may be built shared).
    pub async fn cached_response(
        &self,
        key_text: &str,
        generation: u64,
    ) -> Option<Arc<CachedBody>> {
        if !self.enabled {
            return None;
        }
        self.retire_before(generation);
        let cached = self.responses.current.get(&key(generation, key_text)).await;
        if cached.is_some() {
            crate::metrics::recorded().cache_hits.inc();
        }
        cached
    }

    /// Entries and bytes held now, as the caches last counted them (cheap,
    /// for the metrics endpoint; may lag a little behind).
    pub fn size(&self) -> (u64, u64) {
        let (articles, responses) = (self.articles.size(), self.responses.size());
        (articles.0 + responses.0, articles.1 + responses.1)
    }

    /// Bytes held now, by the caches' own weighing.
    pub async fn weighted_size(&self) -> u64 {
        self.articles.weighted_size().await + self.responses.weighted_size().await
    }
}

/// What an entry costs beyond its key and body (the entry, its `Arc`, the ETag).
const ENTRY_OVERHEAD: usize = 160;

fn key(generation: u64, text: &str) -> String {
    format!("{generation}:{text}")
}

/// One kind of entry: the answers of the current generation, and the newest
/// answer of each key whatever its generation, served while it is rebuilt.
struct Shelf {
    current: Cache<String, Arc<CachedBody>>,
    latest: Cache<String, (u64, Arc<CachedBody>)>,
    /// Keys being built now, with how many builds of each (one per generation).
    building: Mutex<HashMap<String, usize>>,
}

impl Shelf {
    /// A shelf of about `max_bytes` (half for each map).
    fn new(max_bytes: u64) -> Self {
        let weight = |key: &String, body: &CachedBody| {
            u32::try_from(key.len() + body.json.len() + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
        };
        Self {
            current: Cache::builder()
                .max_capacity(max_bytes / 2)
                .expire_after(BuiltAt)
                .weigher(move |key: &String, body: &Arc<CachedBody>| weight(key, body))
                .eviction_listener(|_key, _value, cause| {
                    if cause == moka::notification::RemovalCause::Size {
                        crate::metrics::recorded().cache_evictions.inc();
                    }
                })
                .build(),
            latest: Cache::builder()
                .max_capacity(max_bytes / 2)
                .time_to_live(MAX_AGE)
                .weigher(move |key: &String, (_, body): &(u64, Arc<CachedBody>)| weight(key, body))
                .build(),
            building: Mutex::new(HashMap::new()),
        }
    }

    /// Entries and bytes as last counted, without waiting.
    fn size(&self) -> (u64, u64) {
        (
            self.current.entry_count() + self.latest.entry_count(),
            self.current.weighted_size() + self.latest.weighted_size(),
        )
    }

    async fn weighted_size(&self) -> u64 {
        self.current.run_pending_tasks().await;
        self.latest.run_pending_tasks().await;
        self.current.weighted_size() + self.latest.weighted_size()
    }

    fn is_building(&self, key_text: &str) -> bool {
        self.building
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .contains_key(key_text)
    }
}

/// Expires a current entry [`MAX_AGE`] after its body was built, also when
/// it was carried over from an older generation.
struct BuiltAt;

impl Expiry<String, Arc<CachedBody>> for BuiltAt {
    fn expire_after_create(
        &self,
        _key: &String,
        body: &Arc<CachedBody>,
        created_at: Instant,
    ) -> Option<Duration> {
        Some(MAX_AGE.saturating_sub(created_at.saturating_duration_since(body.built)))
    }
}

/// Marks a key as being built for as long as it lives (a cancelled build
/// unmarks it too).
struct Building<'a> {
    shelf: &'a Shelf,
    key_text: &'a str,
}

impl<'a> Building<'a> {
    fn start(shelf: &'a Shelf, key_text: &'a str) -> Self {
        *shelf
            .building
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(key_text.to_owned())
            .or_default() += 1;
        Self { shelf, key_text }
    }
}

impl Drop for Building<'_> {
    fn drop(&mut self) {
        let mut building = self
            .shelf
            .building
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = building.get_mut(self.key_text) {
            *count -= 1;
            if *count == 0 {
                building.remove(self.key_text);
            }
        }
    }
}

impl PublicCache {
    async fn get_or_build<F>(
        &self,
        shelf: &Shelf,
        generation: u64,
        key_text: &str,
        build: F,
    ) -> Read
    where
        F: Future<Output = Result<CachedBody, Uncached>>,
    {
        if !self.enabled {
            return build.await.map(Arc::new).map_err(Arc::new);
        }
        self.retire_before(generation);
        let key = key(generation, key_text);
        let recorded = crate::metrics::recorded();
        if let Some(hit) = shelf.current.get(&key).await {
            recorded.cache_hits.inc();
            return Ok(hit);
        }
        if let Some((built_at, newest)) = shelf.latest.get(key_text).await {
            let still_good = newest
                .about
                .is_some_and(|article| self.clock.unchanged_since(article, built_at));
            if still_good {
                // Other articles changed: carried over to this generation.
                shelf.current.insert(key, newest.clone()).await;
                recorded.cache_hits.inc();
                return Ok(newest);
            }
            if shelf.is_building(key_text) {
                recorded.cache_hits.inc();
                return Ok(newest);
            }
        }
        let _building = Building::start(shelf, key_text);
        let built = std::sync::atomic::AtomicBool::new(false);
        let read = shelf
            .current
            .try_get_with(key, async {
                built.store(true, Ordering::Relaxed);
                build.await.map(Arc::new)
            })
            .await;
        if built.load(Ordering::Relaxed) {
            recorded.cache_misses.inc();
        } else {
            recorded.cache_hits.inc();
        }
        if let Ok(body) = &read {
            let older = shelf
                .latest
                .get(key_text)
                .await
                .is_none_or(|(built_at, _)| built_at <= generation);
            if older {
                shelf
                    .latest
                    .insert(key_text.to_owned(), (generation, body.clone()))
                    .await;
            }
        }
        read
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn cache_of(max_bytes: u64) -> PublicCache {
        PublicCache::new(max_bytes, Arc::new(ContentClock::default()))
    }

    fn body(text: &str) -> Result<CachedBody, Uncached> {
        Ok(CachedBody::new(text.as_bytes().to_vec(), None))
    }

    #[tokio::test]
    async fn a_new_generation_builds_afresh() {
        let cache = cache_of(1 << 20);
        let first = cache.article("front-page", 1, async { body("old") }).await;
        let again = cache.article("front-page", 1, async { body("new") }).await;
        let next = cache.article("front-page", 2, async { body("new") }).await;
        assert_eq!(first.unwrap().json, "old");
        assert_eq!(again.unwrap().json, "old", "same generation: cached");
        assert_eq!(next.unwrap().json, "new", "a write retired it");
    }

    #[tokio::test]
    async fn a_new_generation_drops_the_dead_entries() {
        let cache = cache_of(1 << 20);
        for n in 0..50 {
            let page = format!("/articles?page={n}");
            let _ = cache
                .response(&page, 1, async { body(&"x".repeat(1_000)) })
                .await;
        }
        let current = &cache.responses.current;
        current.run_pending_tasks().await;
        let full = current.weighted_size();
        assert!(full > 50_000, "fifty entries kept: {full}");
        let _ = cache.response("/articles", 2, async { body("[]") }).await;
        current.run_pending_tasks().await;
        let after = current.weighted_size();
        assert!(after < 1_000, "only the new generation's entry: {after}");
        let old = cache.cached_response("/articles?page=0", 1).await;
        assert!(old.is_none(), "a retired entry is gone");
    }

    #[tokio::test]
    async fn an_answer_about_one_article_outlives_other_articles_changes() {
        use masthead_persistence::content_clock::{slot_of, Change};
        let clock = Arc::new(ContentClock::default());
        let cache = PublicCache::new(1 << 20, clock.clone());
        let article = ArticleId::generate();
        let other = std::iter::repeat_with(ArticleId::generate)
            .find(|other| slot_of(*other) != slot_of(article))
            .expect("an article in another slot");
        let about = |text: &str| body(text).map(|body| body.about(article));
        let read = |text: &'static str| {
            cache.article("lighthouse", clock.generation(), async move { about(text) })
        };
        assert_eq!(read("first").await.unwrap().json, "first");
        clock.record(Change::Article(other));
        assert_eq!(read("rebuilt").await.unwrap().json, "first", "kept");
        let list = cache.response("/articles", clock.generation(), async { body("list") });
        assert_eq!(
            list.await.unwrap().json,
            "list",
            "a list is not about one article"
        );
        clock.record(Change::Article(article));
        assert_eq!(
            read("second").await.unwrap().json,
            "second",
            "its own change"
        );
        clock.record(Change::Everything);
        assert_eq!(
            read("third").await.unwrap().json,
            "third",
            "a shared change"
        );
        clock.record(Change::Article(other));
        assert_eq!(read("fourth").await.unwrap().json, "third");
    }

    #[test]
    fn a_carried_over_answer_expires_max_age_after_it_was_built() {
        let mut old = CachedBody::new(b"{}".to_vec(), None);
        old.built = Instant::now() - Duration::from_secs(50);
        let left = BuiltAt.expire_after_create(&String::new(), &Arc::new(old), Instant::now());
        let left = left.expect("entries expire");
        assert!(left <= MAX_AGE - Duration::from_secs(50), "{left:?}");
        let fresh = Arc::new(CachedBody::new(b"{}".to_vec(), None));
        let full = BuiltAt.expire_after_create(&String::new(), &fresh, Instant::now());
        assert!(full.expect("entries expire") > MAX_AGE - Duration::from_secs(1));
    }

    #[tokio::test]
    async fn readers_who_miss_together_share_one_build() {
        let cache = cache_of(1 << 20);
        let builds = AtomicUsize::new(0);
        let read = || {
            cache.response("/articles", 7, async {
                builds.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                body("[]")
            })
        };
        let answers = futures_util::future::join_all((0..16).map(|_| read())).await;
        assert!(answers.iter().all(|answer| answer.is_ok()));
        assert_eq!(builds.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn readers_during_a_rebuild_get_the_newest_answer_without_waiting() {
        let cache = cache_of(1 << 20);
        let _ = cache.article("harbour", 1, async { body("old") }).await;
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let rebuild = cache.article("harbour", 2, async {
            let _ = released.await;
            body("new")
        });
        let meanwhile = async {
            // The rebuild has started (it is polled first) and is held.
            let read = cache
                .article("harbour", 3, async { body("never built") })
                .await;
            let _ = release.send(());
            read
        };
        let (rebuilt, meanwhile) = tokio::join!(rebuild, meanwhile);
        assert_eq!(meanwhile.unwrap().json, "old", "served while rebuilt");
        assert_eq!(
            rebuilt.unwrap().json,
            "new",
            "the builder waits for its build"
        );
        let after = cache.article("harbour", 2, async { body("again") }).await;
        assert_eq!(after.unwrap().json, "new");
        let later = cache.article("harbour", 3, async { body("newest") }).await;
        assert_eq!(later.unwrap().json, "newest", "no rebuild under way: built");
    }

    #[tokio::test]
    async fn with_nothing_built_before_readers_wait_for_the_build() {
        let cache = cache_of(1 << 20);
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let first = cache.article("quay", 1, async {
            let _ = released.await;
            body("first")
        });
        let second = async {
            let read = cache.article("quay", 1, async { body("second") });
            let _ = release.send(());
            read.await
        };
        let (first, second) = tokio::join!(first, second);
        assert_eq!(first.unwrap().json, "first");
        assert_eq!(second.unwrap().json, "first", "one build, shared");
    }

    #[tokio::test]
    async fn what_is_not_kept_is_built_again() {
        let cache = cache_of(1 << 20);
        let missing = cache
            .article("gone", 1, async { Err(Uncached::NotFound) })
            .await;
        assert!(matches!(
            missing.as_ref().map_err(|reason| &**reason),
            Err(Uncached::NotFound)
        ));
        let found = cache.article("gone", 1, async { body("{}") }).await;
        assert!(found.is_ok(), "a 404 is not remembered");
    }

    #[tokio::test]
    async fn an_entry_carries_the_etag_of_its_exact_bytes() {
        let cache = cache_of(1 << 20);
        let entry = cache.article("a", 0, async { body("{\"a\":1}") }).await;
        assert_eq!(entry.unwrap().etag, strong_etag(b"{\"a\":1}"));
    }

    #[tokio::test]
    async fn a_zero_bound_builds_every_read() {
        let cache = cache_of(0);
        let first = cache.article("a", 1, async { body("first") }).await;
        let second = cache.article("a", 1, async { body("second") }).await;
        assert_eq!(first.unwrap().json, "first");
        assert_eq!(second.unwrap().json, "second");
        assert!(cache.cached_response("a", 1).await.is_none());
    }

    #[tokio::test]
    async fn filling_past_the_bound_evicts_instead_of_growing() {
        let bound = 64 * 1024;
        let cache = cache_of(bound);
        let page = "x".repeat(1_000);
        for i in 0..2_000 {
            let key = format!("/articles?page={i}");
            let _ = cache.response(&key, 0, async { body(&page) }).await;
            let slug = format!("story-{i}");
            let _ = cache.article(&slug, 0, async { body(&page) }).await;
        }
        let held = cache.weighted_size().await;
        assert!(held <= bound, "{held} > {bound}");
        assert!(held > 0);
    }
}
