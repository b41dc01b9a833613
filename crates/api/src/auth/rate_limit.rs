//! Sign-in rate limits, so that passwords cannot be guessed at speed: every
//! attempt counts against the client's IP, and every failure counts against
//! the account e-mail (known or not, so the limit reveals nothing). Both are
//! GCRA limiters from `governor`: a burst of `limit` attempts, then one more
//! every `window / limit`. Past a limit the caller gets `429` with
//! `Retry-After` (GraphQL `RATE_LIMITED`).

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::Settings;
use crate::error::ApiError;
use crate::state::AppState;

/// How often idle limiter entries are swept out, so random e-mails or
/// addresses cannot grow memory without bound.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

type FailureLimiter =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// The sign-in limits of this process (each node counts on its own).
pub struct LoginLimiter {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    failures: FailureLimiter,
    /// Accounts whose failure allowance is used up, until when.
    locked: Mutex<HashMap<String, Instant>>,
    last_sweep: Mutex<Instant>,
}

impl LoginLimiter {
    /// Limits from the settings; a zero limit or window is refused.
    pub fn new(settings: &Settings) -> Result<Self, String> {
        let per_ip = quota(
            "login IP limit",
            settings.login_ip_limit,
            settings.login_ip_window,
        )?;
        let failures = quota(
            "login account failure limit",
            settings.login_account_failures,
            settings.login_account_window,
        )?;
        Ok(Self {
            per_ip: RateLimiter::keyed(per_ip),
            failures: RateLimiter::keyed(failures).with_middleware::<StateInformationMiddleware>(),
            locked: Mutex::new(HashMap::new()),
            last_sweep: Mutex::new(Instant::now()),
        })
    }

    /// Counts one sign-in attempt from `client`; refuses it past the limit.
    pub fn check_ip(&self, client: ClientIp) -> Result<(), ApiError> {
        self.sweep();
        self.per_ip
            .check_key(&client.bucket())
            .map_err(|not_until| rate_limited(not_until.wait_time_from(self.per_ip.clock().now())))
    }

    /// Refuses an attempt on an account whose failure allowance is used up.
    /// Does not count anything: only failures count.
    pub fn check_account(&self, email: &str) -> Result<(), ApiError> {
        let key = account_key(email);
        let locked = lock(&self.locked);
        match locked.get(&key) {
            Some(until) => {
                let now = Instant::now();
                if *until > now {
                    Err(rate_limited(*until - now))
                } else {
                    Ok(())
                }
            }
            None => Ok(()),
        }
    }

    /// Counts a failed attempt on an account; the failure that uses up the
    /// allowance locks the account until one more attempt is allowed.
    pub fn record_failure(&self, email: &str) {
        let key = account_key(email);
        let wait = match self.failures.check_key(&key) {
            Ok(state) if state.remaining_burst_capacity() > 0 => return,
            // The next attempt conforms at most one replenish interval from now.
            Ok(state) => state.quota().replenish_interval(),
            Err(not_until) => not_until.wait_time_from(self.failures.clock().now()),
        };
        lock(&self.locked).insert(key, Instant::now() + wait);
    }

    fn sweep(&self) {
        let now = Instant::now();
        {
            let mut last = lock(&self.last_sweep);
            if now.duration_since(*last) < SWEEP_EVERY {
                return;
            }
            *last = now;
        }
        self.per_ip.retain_recent();
        self.per_ip.shrink_to_fit();
        self.failures.retain_recent();
        self.failures.shrink_to_fit();
        lock(&self.locked).retain(|_, until| *until > now);
    }
}

fn quota(what: &str, limit: u32, window_seconds: u64) -> Result<Quota, String> {
    let burst = NonZeroU32::new(limit).ok_or_else(|| format!("the {what} must be at least 1"))?;
    if window_seconds == 0 {
        return Err(format!("the {what} window must be at least 1 second"));
    }
    let period = Duration::from_secs(window_seconds) / limit;
    Quota::with_period(period)
        .map(|quota| quota.allow_burst(burst))
        .ok_or_else(|| format!("the {what} is too large for its window"))
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

fn rate_limited(wait: Duration) -> ApiError {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ApiError::RateLimited {
        retry_after: seconds.max(1),
    }
}

/// The address a request came from: the TCP peer, or with `--trust-proxy`
/// the client named by `Forwarded` / `X-Forwarded-For`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// The client of `request`.
    pub fn of(request: &HttpRequest, trust_proxy: bool) -> Self {
        let forwarded = if trust_proxy {
            request
                .connection_info()
                .realip_remote_addr()
                .and_then(parse_ip)
        } else {
            None
        };
        let peer = request.peer_addr().map(|address| address.ip());
        Self(
            forwarded
                .or(peer)
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        )
    }

    /// The rate-limit bucket: the IPv4 address, or the /64 of an IPv6 one
    /// (one subscriber usually holds a whole /64).
    fn bucket(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
            },
        }
    }
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    text.parse::<SocketAddr>()
        .map(|address| address.ip())
        .ok()
        .or_else(|| {
            text.trim_start_matches('[')
                .trim_end_matches(']')
                .parse()
                .ok()
        })
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_proxy = request
            .app_data::<web::Data<AppState>>()
            .is_some_and(|state| state.settings.trust_proxy);
        ready(Ok(Self::of(request, trust_proxy)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(ip_limit: u32, failures: u32) -> LoginLimiter {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_ip_limit = ip_limit;
        settings.login_account_failures = failures;
        LoginLimiter::new(&settings).unwrap()
    }

    fn client(text: &str) -> ClientIp {
        ClientIp(text.parse().unwrap())
    }

    #[test]
    fn zero_limits_are_refused() {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_ip_limit = 0;
        assert!(LoginLimiter::new(&settings).is_err());
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.login_account_window = 0;
        assert!(LoginLimiter::new(&settings).is_err());
    }

    #[test]
    fn each_ip_has_its_own_allowance() {
        let limits = limiter(2, 5);
        assert!(limits.check_ip(client("192.0.2.1")).is_ok());
        assert!(limits.check_ip(client("192.0.2.1")).is_ok());
        match limits.check_ip(client("192.0.2.1")) {
            Err(ApiError::RateLimited { retry_after }) => assert!(retry_after >= 1),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(limits.check_ip(client("192.0.2.2")).is_ok());
    }

    #[test]
    fn one_ipv6_subnet_is_one_client_and_mapped_ipv4_is_ipv4() {
        let limits = limiter(1, 5);
        assert!(limits.check_ip(client("2001:db8::1")).is_ok());
        assert!(limits.check_ip(client("2001:db8::2")).is_err());
        assert!(limits.check_ip(client("2001:db8:0:1::1")).is_ok());
        assert!(limits.check_ip(client("::ffff:192.0.2.9")).is_ok());
        assert!(limits.check_ip(client("192.0.2.9")).is_err());
    }

    #[test]
    fn failures_lock_the_account_in_any_case_of_its_email() {
        let limits = limiter(100, 2);
        assert!(limits.check_account("Ana@Example.org").is_ok());
        limits.record_failure("ana@example.org");
        assert!(limits.check_account("ana@example.org").is_ok());
        limits.record_failure(" ANA@example.org ");
        assert!(matches!(
            limits.check_account("ana@example.org"),
            Err(ApiError::RateLimited { .. })
        ));
        assert!(limits.check_account("bo@example.org").is_ok());
    }

    #[test]
    fn forwarded_addresses_parse_with_or_without_ports() {
        assert_eq!(parse_ip("192.0.2.1:443"), Some(client("192.0.2.1").0));
        assert_eq!(parse_ip("192.0.2.1"), Some(client("192.0.2.1").0));
        assert_eq!(parse_ip("[2001:db8::1]:80"), Some(client("2001:db8::1").0));
        assert_eq!(parse_ip("[2001:db8::1]"), Some(client("2001:db8::1").0));
        assert_eq!(parse_ip("unknown"), None);
    }
}
