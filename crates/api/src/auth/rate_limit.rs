//! Sign-in rate limits, so that passwords cannot be guessed at speed: every
//! attempt counts against the client's IP, and every failure counts against
//! the account e-mail (known or not, so the limit reveals nothing). Both are
//! [`Limit`]s, as replies' are: in memory on SQLite (a burst of `limit`
//! attempts, then one more every `window / limit`), shared by every node on
//! PostgreSQL (`limit` per fixed window; see [`crate::shared_limit`]). Past a
//! limit the caller gets `429` with `Retry-After` (GraphQL `RATE_LIMITED`).
//! The client is the one [`ClientAddress`] rule (trusted proxies, IPv6 per /64).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::{Clock, Reference};
use governor::nanos::Nanos;

use crate::client_address::ClientAddress;
use crate::config::Settings;
use crate::error::ApiError;
use crate::rate_limit::{rate_limited, LimitClock};
use crate::shared_limit::{Counting, Limit};

/// Sweep expired lockouts every this many recorded failures.
const SWEEP_EVERY: u64 = 256;

/// The sign-in limits (of this process on SQLite, of every node on PostgreSQL).
pub struct LoginLimiter {
    per_ip: Limit,
    failures: Limit,
    /// Counted in memory: accounts whose failure allowance is used up, until
    /// when (a shared failure limit keeps that in the database).
    locked: Mutex<HashMap<String, Nanos>>,
    clock: LimitClock,
    recorded: AtomicU64,
}

impl LoginLimiter {
    /// Limits from the settings, on their clock, counted in this process; a
    /// zero limit or window is refused.
    pub fn new(settings: &Settings) -> Result<Self, String> {
        Self::counting(settings, &Counting::Local)
    }

    /// Limits from the settings, counted where `counting` says.
    pub fn counting(settings: &Settings, counting: &Counting) -> Result<Self, String> {
        let clock = &settings.limit_clock;
        Ok(Self {
            per_ip: Limit::new(
                "login_ip",
                "login IP limit",
                settings.login_ip_limit,
                Duration::from_secs(settings.login_ip_window),
                clock,
                counting,
            )?,
            failures: Limit::new(
                "login_account",
                "login account failure limit",
                settings.login_account_failures,
                Duration::from_secs(settings.login_account_window),
                clock,
                counting,
            )?,
            locked: Mutex::new(HashMap::new()),
            clock: clock.clone(),
            recorded: AtomicU64::new(0),
        })
    }

    /// Counts one sign-in attempt from `client`; refuses it past the limit.
    pub async fn check_ip(&self, client: ClientAddress) -> Result<(), ApiError> {
        self.per_ip
            .hit(&client.bucket().to_string())
            .await?
            .map(drop)
            .map_err(rate_limited)
    }

    /// Refuses an attempt on an account whose failure allowance is used up.
    /// Does not count anything: only failures count.
    pub async fn check_account(&self, email: &str) -> Result<(), ApiError> {
        if self.failures.is_shared() {
            return match self.failures.used_up(&account_key(email)).await? {
                Some(wait) => Err(rate_limited(wait)),
                None => Ok(()),
            };
        }
        let now = self.clock.now();
        match lock(&self.locked).get(&account_key(email)) {
            Some(until) if *until > now => Err(rate_limited(until.duration_since(now).into())),
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt on an account; the failure that uses up the
    /// allowance locks the account until one more attempt is allowed. True
    /// when this failure locked an account that was not locked (the moment
    /// the audit log records).
    pub async fn record_failure(&self, email: &str) -> Result<bool, ApiError> {
        let key = account_key(email);
        let counted = self.failures.hit(&key).await?;
        if self.failures.is_shared() {
            // The window's last allowed failure locks it until the window ends.
            return Ok(counted == Ok(0));
        }
        let wait = match counted {
            Ok(remaining) if remaining > 0 => return Ok(false),
            // The next attempt conforms at most one replenish interval from now.
            Ok(_) => self.failures.replenish_interval(),
            Err(wait) => wait,
        };
        let now = self.clock.now();
        let mut locked = lock(&self.locked);
        if self.recorded.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            locked.retain(|_, until| *until > now);
        }
        let was_locked = locked.get(&key).is_some_and(|until| *until > now);
        locked.insert(key, now + Nanos::from(wait));
        Ok(!was_locked)
    }
}

/// E-mails are compared the way sign-in compares them: trimmed, any case.
fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep using it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(ip_limit: u32, failures: u32) -> (LoginLimiter, LimitClock) {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_ip_limit = ip_limit;
        settings.login_ip_window = 60;
        settings.login_account_failures = failures;
        settings.login_account_window = 900;
        settings.limit_clock = LimitClock::manual();
        (LoginLimiter::new(&settings).unwrap(), settings.limit_clock)
    }

    fn client(text: &str) -> ClientAddress {
        ClientAddress(text.parse().unwrap())
    }

    fn retry_after(result: Result<(), ApiError>) -> u64 {
        match result {
            Err(ApiError::RateLimited { retry_after }) => retry_after,
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn zero_limits_are_refused() {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_ip_limit = 0;
        assert!(LoginLimiter::new(&settings).is_err());
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_account_window = 0;
        assert!(LoginLimiter::new(&settings).is_err());
    }

    #[tokio::test]
    async fn each_ip_has_its_own_allowance_and_gets_it_back_with_time() {
        let (limits, clock) = limiter(2, 5);
        assert!(limits.check_ip(client("192.0.2.1")).await.is_ok());
        assert!(limits.check_ip(client("192.0.2.1")).await.is_ok());
        assert_eq!(retry_after(limits.check_ip(client("192.0.2.1")).await), 30);
        assert!(limits.check_ip(client("192.0.2.2")).await.is_ok());
        clock.advance(Duration::from_secs(29));
        assert_eq!(retry_after(limits.check_ip(client("192.0.2.1")).await), 1);
        clock.advance(Duration::from_secs(1));
        assert!(limits.check_ip(client("192.0.2.1")).await.is_ok());
    }

    #[tokio::test]
    async fn one_ipv6_subnet_is_one_client_and_mapped_ipv4_is_ipv4() {
        let (limits, _) = limiter(1, 5);
        assert!(limits.check_ip(client("2001:db8::1")).await.is_ok());
        assert!(limits.check_ip(client("2001:db8::2")).await.is_err());
        assert!(limits.check_ip(client("2001:db8:0:1::1")).await.is_ok());
        assert!(limits.check_ip(client("::ffff:192.0.2.9")).await.is_ok());
        assert!(limits.check_ip(client("192.0.2.9")).await.is_err());
    }

    #[tokio::test]
    async fn failures_lock_the_account_in_any_case_of_its_email_until_the_wait_is_over() {
        let (limits, clock) = limiter(100, 2);
        assert!(limits.check_account("Ana@Example.org").await.is_ok());
        assert!(
            !limits.record_failure("ana@example.org").await.unwrap(),
            "not locked yet"
        );
        assert!(limits.check_account("ana@example.org").await.is_ok());
        assert!(
            limits.record_failure(" ANA@example.org ").await.unwrap(),
            "this one locks"
        );
        // Two failures per 900 s: one more comes back every 450 s.
        assert_eq!(
            retry_after(limits.check_account("ana@example.org").await),
            450
        );
        assert!(limits.check_account("bo@example.org").await.is_ok());
        clock.advance(Duration::from_secs(449));
        assert_eq!(
            retry_after(limits.check_account("ana@example.org").await),
            1
        );
        clock.advance(Duration::from_secs(1));
        assert!(limits.check_account("ana@example.org").await.is_ok());
    }

    #[tokio::test]
    async fn only_the_failure_that_locks_an_account_says_so() {
        let (limits, clock) = limiter(100, 1);
        assert!(limits.record_failure("cy@example.org").await.unwrap());
        assert!(
            !limits.record_failure("cy@example.org").await.unwrap(),
            "already locked: no second lockout"
        );
        clock.advance(Duration::from_secs(2_000));
        assert!(limits.check_account("cy@example.org").await.is_ok());
        assert!(
            limits.record_failure("cy@example.org").await.unwrap(),
            "locked anew"
        );
    }
}
