//! The one keyed rate limiter behind every limit of the server (sign-in per
//! client and per account, replies per window and per day), and the clock it
//! reads, so tests can move time instead of sleeping.
//!
//! Each limit is a GCRA limiter from `governor`: a burst of `limit` events,
//! then one more every `window / limit`. Past it the caller gets
//! [`ApiError::RateLimited`] with the whole seconds to wait (`429` with
//! `Retry-After`, GraphQL `RATE_LIMITED`).

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::clock::Clock;
use governor::middleware::StateInformationMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use crate::error::ApiError;

/// Forget idle keys every this many checks, so random keys (addresses,
/// e-mails) cannot grow memory without bound.
const SWEEP_EVERY: u64 = 1_024;

/// The time source of every rate limit: the system's monotonic clock, or a
/// manual one that only moves when told (tests). Both can be moved forward
/// with [`LimitClock::advance`], which is how tests wait out a limit.
#[derive(Debug, Clone)]
pub struct LimitClock {
    /// `None` for a manual clock.
    started: Option<Instant>,
    /// Nanoseconds added by [`LimitClock::advance`].
    skipped: Arc<AtomicU64>,
}

impl LimitClock {
    /// Real time (what a running server uses).
    pub fn system() -> Self {
        Self {
            started: Some(Instant::now()),
            skipped: Arc::default(),
        }
    }

    /// A clock that stands still until [`LimitClock::advance`] moves it, so a
    /// test's limits cannot refill while a slow machine runs it.
    pub fn manual() -> Self {
        Self {
            started: None,
            skipped: Arc::default(),
        }
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = u64::try_from(by.as_nanos()).unwrap_or(u64::MAX);
        // `fetch_update` never fails with a closure that always answers.
        let _ = self
            .skipped
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
                Some(now.saturating_add(nanos))
            });
    }
}

impl LimitClock {
    /// Wall-clock time on this clock, for windows that nodes share: the
    /// system's time, or for a manual clock a fixed midnight (UTC, so windows
    /// up to a day start with it), plus whatever [`LimitClock::advance`] added.
    pub fn wall_now(&self) -> chrono::DateTime<chrono::Utc> {
        let base = match self.started {
            Some(_) => chrono::Utc::now(),
            None => chrono::DateTime::UNIX_EPOCH + chrono::Duration::seconds(MANUAL_WALL_EPOCH),
        };
        let skipped = i64::try_from(self.skipped.load(Ordering::Acquire)).unwrap_or(i64::MAX);
        base + chrono::Duration::nanoseconds(skipped)
    }
}

/// Where a manual clock's wall time starts: 2026-01-01T00:00:00Z.
const MANUAL_WALL_EPOCH: i64 = 1_767_225_600;

impl Default for LimitClock {
    fn default() -> Self {
        Self::system()
    }
}

impl Clock for LimitClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let elapsed = self.started.map_or(0, |started| {
            u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX)
        });
        Nanos::from(elapsed.saturating_add(self.skipped.load(Ordering::Acquire)))
    }
}

type Limiter<K> = RateLimiter<K, DefaultKeyedStateStore<K>, LimitClock, StateInformationMiddleware>;

/// One limit counted per key (a client, an account): `limit` events per
/// `window`, in memory, per process.
pub struct KeyedLimiter<K: Hash + Eq + Clone> {
    limiter: Limiter<K>,
    quota: Quota,
    checks: AtomicU64,
}

impl<K: Hash + Eq + Clone> KeyedLimiter<K> {
    /// `limit` events per `window` on `clock`; `what` names the limit in the
    /// start-up error when the numbers cannot work (zero, or too large).
    pub fn new(
        what: &str,
        limit: u32,
        window: Duration,
        clock: &LimitClock,
    ) -> Result<Self, String> {
        let burst =
            NonZeroU32::new(limit).ok_or_else(|| format!("the {what} must be at least 1"))?;
        if window.is_zero() {
            return Err(format!("the {what} window must be longer than zero"));
        }
        let quota = Quota::with_period(window / limit)
            .map(|quota| quota.allow_burst(burst))
            .ok_or_else(|| format!("the {what} is too large for its window"))?;
        Ok(Self {
            limiter: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone()),
            quota,
            checks: AtomicU64::new(0),
        })
    }

    /// Counts one event for `key`: how many more the key may have right now,
    /// or (past the limit, nothing counted) how long until the next one.
    pub fn check(&self, key: &K) -> Result<u32, Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(key) {
            Ok(state) => Ok(state.remaining_burst_capacity()),
            Err(not_until) => Err(not_until.wait_time_from(self.limiter.clock().now())),
        }
    }

    /// How often one more event is allowed once the burst is used up.
    pub fn replenish_interval(&self) -> Duration {
        self.quota.replenish_interval()
    }
}

/// The refusal for a wait of `wait`: whole seconds, rounded up, at least one.
pub fn rate_limited(wait: Duration) -> ApiError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::RateLimited {
        retry_after: seconds.max(1),
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::Reference;

    use super::*;

    fn limiter(limit: u32, window_seconds: u64, clock: &LimitClock) -> KeyedLimiter<&'static str> {
        KeyedLimiter::new(
            "test limit",
            limit,
            Duration::from_secs(window_seconds),
            clock,
        )
        .unwrap()
    }

    #[test]
    fn a_burst_of_the_limit_passes_then_the_next_waits_one_share_of_the_window() {
        let clock = LimitClock::manual();
        let limits = limiter(3, 6, &clock);
        assert_eq!(limits.check(&"a"), Ok(2));
        assert_eq!(limits.check(&"a"), Ok(1));
        assert_eq!(limits.check(&"a"), Ok(0));
        assert_eq!(limits.check(&"a"), Err(Duration::from_secs(2)));
        assert_eq!(
            limits.check(&"b"),
            Ok(2),
            "another key has its own allowance"
        );
    }

    #[test]
    fn moving_the_clock_gives_the_allowance_back_and_not_a_moment_early() {
        let clock = LimitClock::manual();
        let limits = limiter(2, 10, &clock);
        assert!(limits.check(&"a").is_ok());
        assert!(limits.check(&"a").is_ok());
        clock.advance(Duration::from_secs(4));
        assert_eq!(limits.check(&"a"), Err(Duration::from_secs(1)));
        clock.advance(Duration::from_secs(1));
        assert_eq!(limits.check(&"a"), Ok(0));
        clock.advance(Duration::from_secs(10));
        assert_eq!(
            limits.check(&"a"),
            Ok(1),
            "a whole window refills the burst"
        );
    }

    #[test]
    fn a_clone_of_the_clock_is_the_same_clock() {
        let clock = LimitClock::manual();
        let limits = limiter(1, 60, &clock.clone());
        assert!(limits.check(&"a").is_ok());
        clock.advance(Duration::from_secs(60));
        assert!(limits.check(&"a").is_ok());
    }

    #[test]
    fn the_system_clock_runs_and_can_be_moved_forward() {
        let clock = LimitClock::system();
        let before = clock.now();
        clock.advance(Duration::from_secs(3_600));
        assert!(clock.now().duration_since(before) >= Nanos::from(Duration::from_secs(3_600)));
    }

    #[test]
    fn limits_that_cannot_work_are_refused_with_their_name() {
        let clock = LimitClock::manual();
        let zero = KeyedLimiter::<u8>::new("reply limit", 0, Duration::from_secs(1), &clock);
        assert!(zero.is_err_and(|reason| reason.contains("reply limit")));
        assert!(KeyedLimiter::<u8>::new("x", 1, Duration::ZERO, &clock).is_err());
        assert!(KeyedLimiter::<u8>::new("x", 10, Duration::from_nanos(5), &clock).is_err());
    }

    #[test]
    fn waits_round_up_to_whole_seconds_of_at_least_one() {
        let seconds = |wait| match rate_limited(wait) {
            ApiError::RateLimited { retry_after } => retry_after,
            other => panic!("{other:?}"),
        };
        assert_eq!(seconds(Duration::ZERO), 1);
        assert_eq!(seconds(Duration::from_millis(1_001)), 2);
        assert_eq!(seconds(Duration::from_secs(8 * 3_600)), 8 * 3_600);
    }
}
