//! When public content last changed, as a whole and per article.
//!
//! Caches of public reads keep an answer with the generation it was built at
//! (read *before* the database was). Every change of public content moves the
//! generation on, so anything built earlier may be stale: that is all a list,
//! a search or a GraphQL answer can know. But an answer that shows one article
//! only (its page, its reply threads) changes only when that article, its
//! replies or something shared by every article (a byline's name, a tag) does.
//! Such changes are recorded here too, so that answer stays good while other
//! articles are published and other threads moderated: a busy newsroom (dozens
//! of publishes and moderations a second in the writers benchmark) no longer
//! sends every reader of a quiet article to the database.
//!
//! Per-article marks live in a fixed table of slots chosen by the article's id:
//! memory stays bounded however many articles there are, and two articles that
//! share a slot only cost each other an extra rebuild.

use std::sync::atomic::{AtomicU64, Ordering};

use masthead_domain::ArticleId;

/// Slots of per-article marks (32 KiB). A power of two.
pub const SLOTS: usize = 4096;

/// What a change of public content may have touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Anything: bylines, tags, several articles at once, another node's
    /// write, a scheduled article coming due.
    Everything,
    /// One article: its content, its lifecycle, its replies or corrections.
    Article(ArticleId),
}

/// The generation counter with its marks (see the module documentation).
#[derive(Debug)]
pub struct ContentClock {
    generation: AtomicU64,
    /// The generation a change of [`Change::Everything`] last moved past.
    everything: AtomicU64,
    /// Per slot, the generation a change of one of its articles last moved past.
    articles: Box<[AtomicU64]>,
}

impl Default for ContentClock {
    fn default() -> Self {
        Self {
            generation: AtomicU64::new(0),
            everything: AtomicU64::new(0),
            articles: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl ContentClock {
    /// The generation now: take it before reading what a cached answer shows.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Records `change`, made and committed just before. The mark is set
    /// *before* the generation moves, to a generation higher than any a reader
    /// could have taken before the commit: so an answer built from data older
    /// than the change never passes [`Self::unchanged_since`] once a reader
    /// can see the new generation.
    pub fn record(&self, change: Change) {
        let mark = self.generation.load(Ordering::Acquire) + 1;
        match change {
            Change::Everything => self.everything.fetch_max(mark, Ordering::AcqRel),
            Change::Article(id) => self.slot(id).fetch_max(mark, Ordering::AcqRel),
        };
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// True when an answer showing only `article`, built from data read after
    /// the generation was `built_at`, is still good: neither that article nor
    /// everything has changed since.
    pub fn unchanged_since(&self, article: ArticleId, built_at: u64) -> bool {
        self.everything.load(Ordering::Acquire) <= built_at
            && self.slot(article).load(Ordering::Acquire) <= built_at
    }

    fn slot(&self, article: ArticleId) -> &AtomicU64 {
        &self.articles[slot_of(article)]
    }
}

/// The slot of `article`'s mark: UUIDv7's last bits are random, a fair
/// spread without hashing.
pub fn slot_of(article: ArticleId) -> usize {
    (article.0.as_u128() as usize) & (SLOTS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_articles_in_different_slots() -> (ArticleId, ArticleId) {
        let first = ArticleId::generate();
        loop {
            let second = ArticleId::generate();
            if slot_of(first) != slot_of(second) {
                return (first, second);
            }
        }
    }

    #[test]
    fn an_article_change_leaves_other_articles_good() {
        let clock = ContentClock::default();
        let (changed, other) = two_articles_in_different_slots();
        let built_at = clock.generation();
        clock.record(Change::Article(changed));
        assert!(
            clock.generation() > built_at,
            "lists and GraphQL see every change"
        );
        assert!(!clock.unchanged_since(changed, built_at));
        assert!(clock.unchanged_since(other, built_at));
    }

    #[test]
    fn a_change_of_everything_retires_every_article() {
        let clock = ContentClock::default();
        let (first, second) = two_articles_in_different_slots();
        let built_at = clock.generation();
        clock.record(Change::Everything);
        assert!(!clock.unchanged_since(first, built_at));
        assert!(!clock.unchanged_since(second, built_at));
    }

    #[test]
    fn an_answer_built_after_the_change_is_good() {
        let clock = ContentClock::default();
        let article = ArticleId::generate();
        clock.record(Change::Article(article));
        let built_at = clock.generation();
        assert!(clock.unchanged_since(article, built_at));
        clock.record(Change::Everything);
        assert!(!clock.unchanged_since(article, built_at));
    }

    #[test]
    fn an_answer_built_before_a_change_that_raced_it_is_stale() {
        // A reader took generation 2 before the database read, then another
        // article's change moved the generation on, then this article changed.
        let clock = ContentClock::default();
        let (article, other) = two_articles_in_different_slots();
        clock.record(Change::Article(other));
        clock.record(Change::Article(other));
        let built_at = clock.generation();
        clock.record(Change::Article(other));
        clock.record(Change::Article(article));
        assert!(!clock.unchanged_since(article, built_at));
        assert!(!clock.unchanged_since(article, built_at + 1));
        assert!(clock.unchanged_since(article, clock.generation()));
    }
}
