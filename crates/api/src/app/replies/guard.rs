//! Abuse protection for replies: who the client is (a salted hash of their
//! network address, never the address itself), how often they may post
//! (per-client [`Limit`]s: in memory on SQLite, shared by every node on
//! PostgreSQL, see [`crate::shared_limit`]), and the spam rules in
//! force. The address comes from the one [`ClientAddress`] rule.

use std::net::IpAddr;
use std::time::Duration;

use masthead_domain::spam::SpamRules;
use masthead_persistence::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::app::replies::settings::ReplySettings;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::rate_limit::{rate_limited, LimitClock};
use crate::shared_limit::{Counting, Limit};

/// The settings row that keeps the salt, so every node and restart agrees.
const SALT_KEY: &str = "reply_client_salt";

/// A client as the reply code knows it: the salted hash of its address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Client {
    /// 64 hex characters; what `replies.client_hash` stores.
    pub hash: String,
}

/// Rate limits and spam rules for replies, shared by every worker.
pub struct ReplyGuard {
    salt: String,
    per_window: Limit,
    per_day: Limit,
    spam: SpamRules,
}

impl ReplyGuard {
    /// Loads (or creates, once for all nodes) the salt and sets up the
    /// limits on `clock`, counted where `counting` says.
    pub async fn new(
        store: &Store,
        settings: &ReplySettings,
        clock: &LimitClock,
        counting: &Counting,
    ) -> anyhow::Result<Self> {
        let salt = store
            .settings()
            .get_or_insert(SALT_KEY, random_salt)
            .await?;
        Self::build(salt, settings, clock, counting)
    }

    /// The guard with a given salt, counting in memory (tests).
    pub fn with_salt(
        salt: String,
        settings: &ReplySettings,
        clock: &LimitClock,
    ) -> anyhow::Result<Self> {
        Self::build(salt, settings, clock, &Counting::Local)
    }

    fn build(
        salt: String,
        settings: &ReplySettings,
        clock: &LimitClock,
        counting: &Counting,
    ) -> anyhow::Result<Self> {
        let per_window = Limit::new(
            "reply_window",
            "reply rate limit",
            settings.reply_rate_limit,
            Duration::from_secs(settings.reply_rate_window),
            clock,
            counting,
        );
        let per_day = Limit::new(
            "reply_day",
            "reply daily limit",
            settings.reply_daily_limit,
            Duration::from_secs(86_400),
            clock,
            counting,
        );
        Ok(Self {
            salt,
            per_window: per_window.map_err(anyhow::Error::msg)?,
            per_day: per_day.map_err(anyhow::Error::msg)?,
            spam: SpamRules::new(&settings.reply_blocked_words),
        })
    }

    /// The client behind `address`. IPv6 clients count per /64 (one
    /// household or server usually has a whole /64 to rotate through).
    pub fn client(&self, address: ClientAddress) -> Client {
        let key = match address.bucket() {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let segments = v6.segments();
                format!(
                    "{:x}:{:x}:{:x}:{:x}::/64",
                    segments[0], segments[1], segments[2], segments[3]
                )
            }
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
    pub async fn admit(&self, client: &Client) -> Result<(), ApiError> {
        for limit in [&self.per_window, &self.per_day] {
            limit.hit(&client.hash).await?.map_err(rate_limited)?;
        }
        Ok(())
    }

    /// The blocked words and the other spam signals.
    pub fn spam_rules(&self) -> &SpamRules {
        &self.spam
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
            reply_trust_forwarded_for: None,
        }
    }

    fn address(text: &str) -> ClientAddress {
        ClientAddress(text.parse().unwrap())
    }

    #[tokio::test]
    async fn the_hash_is_salted_and_never_the_address() {
        let one =
            ReplyGuard::with_salt("salt-one".into(), &settings(5), &LimitClock::manual()).unwrap();
        let two =
            ReplyGuard::with_salt("salt-two".into(), &settings(5), &LimitClock::manual()).unwrap();
        let hash = one.client(address("203.0.113.7")).hash;
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("203"));
        assert_eq!(hash, one.client(address("203.0.113.7")).hash);
        assert_ne!(hash, one.client(address("203.0.113.8")).hash);
        assert_ne!(hash, two.client(address("203.0.113.7")).hash);
        assert_eq!(hash, one.client(address("::ffff:203.0.113.7")).hash);
    }

    #[tokio::test]
    async fn ipv6_clients_count_per_64() {
        let guard = ReplyGuard::with_salt("s".into(), &settings(5), &LimitClock::manual()).unwrap();
        assert_eq!(
            guard.client(address("2001:db8:1:2::1")).hash,
            guard.client(address("2001:db8:1:2:ffff::9")).hash
        );
        assert_ne!(
            guard.client(address("2001:db8:1:2::1")).hash,
            guard.client(address("2001:db8:1:3::1")).hash
        );
    }

    #[tokio::test]
    async fn past_the_limit_a_client_waits_and_others_do_not() {
        let clock = LimitClock::manual();
        let guard = ReplyGuard::with_salt("s".into(), &settings(2), &clock).unwrap();
        let client = guard.client(address("198.51.100.1"));
        assert!(guard.admit(&client).await.is_ok());
        assert!(guard.admit(&client).await.is_ok());
        // Two per hour: one more every 30 minutes.
        assert_eq!(retry_after(guard.admit(&client).await), 1_800);
        assert!(guard
            .admit(&guard.client(address("198.51.100.2")))
            .await
            .is_ok());
        clock.advance(Duration::from_secs(1_799));
        assert_eq!(retry_after(guard.admit(&client).await), 1);
        clock.advance(Duration::from_secs(1));
        assert!(guard.admit(&client).await.is_ok());
    }

    #[tokio::test]
    async fn the_daily_limit_holds_past_the_window_until_its_share_of_the_day_is_over() {
        let clock = LimitClock::manual();
        let mut daily = settings(100);
        daily.reply_daily_limit = 3;
        let guard = ReplyGuard::with_salt("s".into(), &daily, &clock).unwrap();
        let client = guard.client(address("2001:db8:1:2::1"));
        for _ in 0..3 {
            assert!(guard.admit(&client).await.is_ok());
        }
        assert_eq!(retry_after(guard.admit(&client).await), 8 * 3_600);
        clock.advance(Duration::from_secs(8 * 3_600 - 60));
        assert!(guard
            .admit(&guard.client(address("2001:db8:1:2::ffff")))
            .await
            .is_err());
        clock.advance(Duration::from_secs(60));
        assert!(guard.admit(&client).await.is_ok());
    }

    fn retry_after(result: Result<(), ApiError>) -> u64 {
        match result {
            Err(ApiError::RateLimited { retry_after }) => retry_after,
            other => panic!("expected a rate limit, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn zero_limits_are_refused() {
        assert!(ReplyGuard::with_salt("s".into(), &settings(0), &LimitClock::manual()).is_err());
    }
}
