//! Where rate limits count. On SQLite (one node) each limit counts in memory
//! ([`KeyedLimiter`], GCRA: a burst of `limit`, then one more every
//! `window / limit`). On PostgreSQL, where several nodes share the database,
//! they count in its `rate_limits` table instead, in fixed windows aligned to
//! the window's length (see [`masthead_persistence::rate_limits`]): two nodes
//! together allow the limit once, not once each. A refused event counts
//! nothing either way; the wait is until one more event is allowed (on
//! PostgreSQL, the end of the window).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use masthead_persistence::rate_limits::Window;
use masthead_persistence::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::rate_limit::{KeyedLimiter, LimitClock};

/// The settings row holding the salt of shared keys, so every node hashes alike.
const SALT_KEY: &str = "rate_limit_salt";

/// Prune windows that are over every this many events of a limit.
const PRUNE_EVERY: u64 = 256;

/// Where this server's limits count.
#[derive(Debug, Clone)]
pub enum Counting {
    /// In this process (SQLite, tests).
    Local,
    /// In the database all nodes share (PostgreSQL).
    Shared(Shared),
}

/// The database counters and the salt their keys are hashed with.
#[derive(Debug, Clone)]
pub struct Shared {
    store: Store,
    salt: Arc<str>,
}

impl Counting {
    /// Shared on PostgreSQL (the salt made once for all nodes), local otherwise.
    pub async fn for_store(store: &Store) -> anyhow::Result<Self> {
        if !store.is_postgres() {
            return Ok(Self::Local);
        }
        let salt = store
            .settings()
            .get_or_insert(SALT_KEY, || {
                let mut bytes = [0u8; 32];
                rand::rng().fill_bytes(&mut bytes);
                bytes.iter().map(|byte| format!("{byte:02x}")).collect()
            })
            .await?;
        Ok(Self::Shared(Shared {
            store: store.clone(),
            salt: Arc::from(salt),
        }))
    }
}

/// One limit: `limit` events per `window` per key, counted where
/// [`Counting`] says.
pub struct Limit {
    name: &'static str,
    limit: u32,
    window_seconds: i64,
    clock: LimitClock,
    backing: Backing,
    events: AtomicU64,
}

enum Backing {
    Local(KeyedLimiter<String>),
    Shared(Shared),
}

impl Limit {
    /// The limit `name` (its row name in the shared table); `what` names it
    /// in the start-up error when the numbers cannot work (zero, too large).
    pub fn new(
        name: &'static str,
        what: &str,
        limit: u32,
        window: Duration,
        clock: &LimitClock,
        counting: &Counting,
    ) -> Result<Self, String> {
        // Checked the same way for both, so a setting refused on one
        // database is refused on the other.
        let local = KeyedLimiter::new(what, limit, window, clock)?;
        let backing = match counting {
            Counting::Local => Backing::Local(local),
            Counting::Shared(shared) => Backing::Shared(shared.clone()),
        };
        Ok(Self {
            name,
            limit,
            window_seconds: i64::try_from(window.as_secs().max(1)).unwrap_or(i64::MAX),
            clock: clock.clone(),
            backing,
            events: AtomicU64::new(0),
        })
    }

    /// True when the count is kept in the shared database.
    pub fn is_shared(&self) -> bool {
        matches!(self.backing, Backing::Shared(_))
    }

    /// How long until one more event is allowed once the allowance is used
    /// up: a share of the window in memory, at most the whole window shared.
    pub fn replenish_interval(&self) -> Duration {
        match &self.backing {
            Backing::Local(limiter) => limiter.replenish_interval(),
            Backing::Shared(_) => {
                Duration::from_secs(u64::try_from(self.window_seconds).unwrap_or(u64::MAX))
            }
        }
    }

    /// Counts one event for `key`: how many more the key may have now, or
    /// (past the limit, nothing counted) how long until the next one.
    pub async fn hit(&self, key: &str) -> Result<Result<u32, Duration>, ApiError> {
        let shared = match &self.backing {
            Backing::Local(limiter) => return Ok(limiter.check(&key.to_owned())),
            Backing::Shared(shared) => shared,
        };
        let now = self.clock.wall_now();
        let key = shared.key(self.name, key);
        let window = self.window(&key, now);
        let counted = shared.store.rate_limits().hit(window, self.limit).await?;
        if self.events.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            if let Err(error) = shared.store.rate_limits().prune(now).await {
                tracing::warn!(%error, "could not prune rate-limit windows");
            }
        }
        Ok(match counted {
            Some(hits) => Ok(self.limit.saturating_sub(hits)),
            None => Err(until(window.end, now)),
        })
    }

    /// Without counting anything: the wait before `key` may have one more
    /// event when its allowance in the shared window is used up. Only for a
    /// shared limit (`None` for a local one, which keeps no such record).
    pub async fn used_up(&self, key: &str) -> Result<Option<Duration>, ApiError> {
        let Backing::Shared(shared) = &self.backing else {
            return Ok(None);
        };
        let now = self.clock.wall_now();
        let key = shared.key(self.name, key);
        let window = self.window(&key, now);
        let hits = shared.store.rate_limits().count(window).await?;
        Ok((hits >= self.limit).then(|| until(window.end, now)))
    }

    /// The fixed window `now` falls in.
    fn window<'a>(&'a self, key: &'a str, now: DateTime<Utc>) -> Window<'a> {
        let seconds = now.timestamp();
        let start_seconds = seconds - seconds.rem_euclid(self.window_seconds);
        let start = Utc.timestamp_opt(start_seconds, 0).single().unwrap_or(now);
        Window {
            limit_name: self.name,
            key,
            start,
            end: start + chrono::Duration::seconds(self.window_seconds),
        }
    }
}

impl Shared {
    /// The stored key: salted SHA-256 of the limit and the caller's key.
    fn key(&self, name: &str, key: &str) -> String {
        Sha256::new()
            .chain_update(self.salt.as_bytes())
            .chain_update(b"|")
            .chain_update(name.as_bytes())
            .chain_update(b"|")
            .chain_update(key.as_bytes())
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// The time from `now` to `end`, never negative.
fn until(end: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (end - now).to_std().unwrap_or(Duration::ZERO)
}
