//! Abuse protection for replies: who the client is (a salted hash of their
//! network address, never the address itself), how often they may post
//! (per-client rate limits with `governor`), and the spam rules in force.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::HttpRequest;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use masthead_domain::spam::SpamRules;
use masthead_persistence::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::replies::settings::ReplySettings;

/// The settings row that keeps the salt, so every node and restart agrees.
const SALT_KEY: &str = "reply_client_salt";
/// Forget idle clients every this many checks, so the limiter's memory stays bounded.
const SWEEP_EVERY: u64 = 1_024;

/// The network address a request came from, as far as the server can tell.
/// Put into GraphQL requests so resolvers can protect themselves too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClientAddress(pub Option<IpAddr>);

impl ClientAddress {
    /// The peer's address, or (when `trust_forwarded_for`) the one a proxy reported.
    pub fn of(request: &HttpRequest, trust_forwarded_for: bool) -> Self {
        let forwarded = trust_forwarded_for
            .then(|| {
                request
                    .connection_info()
                    .realip_remote_addr()
                    .and_then(parse_address)
            })
            .flatten();
        Self(forwarded.or_else(|| request.peer_addr().map(|peer| peer.ip())))
    }
}

/// `1.2.3.4`, `1.2.3.4:5`, `::1`, `[::1]:5`.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>().ok().or_else(|| {
        text.parse::<std::net::SocketAddr>()
            .ok()
            .map(|socket| socket.ip())
    })
}

/// A client as the reply code knows it: the salted hash of its address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    /// 64 hex characters; what `replies.client_hash` stores.
    pub hash: String,
}

/// Rate limits and spam rules for replies, shared by every worker.
pub struct ReplyGuard {
    salt: String,
    per_window: DefaultKeyedRateLimiter<String>,
    per_day: DefaultKeyedRateLimiter<String>,
    spam: SpamRules,
    trust_forwarded_for: bool,
    checks: AtomicU64,
}

impl ReplyGuard {
    /// Loads (or creates, once for all nodes) the salt and sets up the limits.
    pub async fn new(store: &Store, settings: &ReplySettings) -> anyhow::Result<Self> {
        let salt = store
            .settings()
            .get_or_insert(SALT_KEY, random_salt)
            .await?;
        Self::with_salt(salt, settings)
    }

    /// The guard with a given salt (tests).
    pub fn with_salt(salt: String, settings: &ReplySettings) -> anyhow::Result<Self> {
        let per_window = quota(
            settings.reply_rate_limit,
            Duration::from_secs(settings.reply_rate_window),
        )?;
        let per_day = quota(settings.reply_daily_limit, Duration::from_secs(86_400))?;
        Ok(Self {
            salt,
            per_window: RateLimiter::keyed(per_window),
            per_day: RateLimiter::keyed(per_day),
            spam: SpamRules::new(&settings.reply_blocked_words),
            trust_forwarded_for: settings.reply_trust_forwarded_for,
            checks: AtomicU64::new(0),
        })
    }

    /// Where this request came from, by the configured rule.
    pub fn address_of(&self, request: &HttpRequest) -> ClientAddress {
        ClientAddress::of(request, self.trust_forwarded_for)
    }

    /// The client behind `address`. IPv6 clients count per /64 (one
    /// household or server usually has a whole /64 to rotate through).
    pub fn client(&self, address: ClientAddress) -> Client {
        let key = match address.0.map(canonical) {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let segments = v6.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
            None => "unknown".to_owned(),
        };
        let digest = Sha256::new()
            .chain_update(self.salt.as_bytes())
            .chain_update(b"|")
            .chain_update(key.as_bytes())
            .finalize();
        Client {
            hash: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
        }
    }

    /// Counts one post by `client`, or refuses with `RATE_LIMITED` and the
    /// seconds to wait.
    pub fn admit(&self, client: &Client) -> Result<(), ApiError> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            for limiter in [&self.per_window, &self.per_day] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        for limiter in [&self.per_window, &self.per_day] {
            if let Err(not_until) = limiter.check_key(&client.hash) {
                let wait = not_until.wait_time_from(limiter.clock().now());
                let retry_after = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                return Err(ApiError::RateLimited {
                    retry_after: retry_after.max(1),
                });
            }
        }
        Ok(())
    }

    /// The blocked words and the other spam signals.
    pub fn spam_rules(&self) -> &SpamRules {
        &self.spam
    }
}

/// `limit` posts per `window`: a burst of `limit`, then one per `window / limit`.
fn quota(limit: u32, window: Duration) -> anyhow::Result<Quota> {
    let burst = NonZeroU32::new(limit)
        .ok_or_else(|| anyhow::anyhow!("reply rate limits must be at least 1"))?;
    Quota::with_period(window / limit)
        .map(|quota| quota.allow_burst(burst))
        .ok_or_else(|| anyhow::anyhow!("the reply rate window must be longer than zero"))
}

/// An IPv4 address in IPv6 clothing counts as the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

fn random_salt() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(limit: u32) -> ReplySettings {
        ReplySettings {
            reply_rate_limit: limit,
            reply_rate_window: 3_600,
            reply_daily_limit: 1_000,
            reply_blocked_words: Vec::new(),
            reply_trust_forwarded_for: false,
        }
    }

    fn address(text: &str) -> ClientAddress {
        ClientAddress(Some(text.parse().unwrap()))
    }

    #[test]
    fn the_hash_is_salted_and_never_the_address() {
        let one = ReplyGuard::with_salt("salt-one".into(), &settings(5)).unwrap();
        let two = ReplyGuard::with_salt("salt-two".into(), &settings(5)).unwrap();
        let hash = one.client(address("203.0.113.7")).hash;
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("203"));
        assert_eq!(hash, one.client(address("203.0.113.7")).hash);
        assert_ne!(hash, one.client(address("203.0.113.8")).hash);
        assert_ne!(hash, two.client(address("203.0.113.7")).hash);
        assert_eq!(hash, one.client(address("::ffff:203.0.113.7")).hash);
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let guard = ReplyGuard::with_salt("s".into(), &settings(5)).unwrap();
        assert_eq!(
            guard.client(address("2001:db8:1:2::1")).hash,
            guard.client(address("2001:db8:1:2:ffff::9")).hash
        );
        assert_ne!(
            guard.client(address("2001:db8:1:2::1")).hash,
            guard.client(address("2001:db8:1:3::1")).hash
        );
    }

    #[test]
    fn past_the_limit_a_client_waits_and_others_do_not() {
        let guard = ReplyGuard::with_salt("s".into(), &settings(2)).unwrap();
        let client = guard.client(address("198.51.100.1"));
        assert!(guard.admit(&client).is_ok());
        assert!(guard.admit(&client).is_ok());
        match guard.admit(&client) {
            Err(ApiError::RateLimited { retry_after }) => assert!(retry_after >= 1),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(guard.admit(&guard.client(address("198.51.100.2"))).is_ok());
    }

    #[test]
    fn zero_limits_are_refused() {
        assert!(ReplyGuard::with_salt("s".into(), &settings(0)).is_err());
    }
}
