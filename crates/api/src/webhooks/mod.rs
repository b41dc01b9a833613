//! Signed webhooks: the settings, the address guard against server-side
//! request forgery ([`target`]), Standard Webhooks signing ([`signing`]) and
//! the delivery worker every node runs ([`worker`]). The outbox rows are
//! written by the persistence layer inside each change's transaction.

pub mod signing;
pub mod target;
pub mod worker;

use clap::{ArgAction, Args};

/// Webhook delivery settings.
#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Allow endpoints on loopback, private, link-local and unique-local
    /// addresses (development and tests only; cloud metadata stays refused).
    #[arg(long, env = "MASTHEAD_WEBHOOKS_ALLOW_PRIVATE", default_value_t = false)]
    pub webhooks_allow_private: bool,

    /// Allow `http://` endpoints (development and tests only).
    #[arg(long, env = "MASTHEAD_WEBHOOKS_ALLOW_HTTP", default_value_t = false)]
    pub webhooks_allow_http: bool,

    /// Run the delivery worker on this node (`false`: this node only queues;
    /// another node, or this one after a restart, delivers).
    #[arg(long, env = "MASTHEAD_WEBHOOKS_WORKER", default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub webhooks_worker: bool,

    /// First retry delay in milliseconds; each retry doubles it (capped at
    /// 6 h, with jitter) until the 24 h retry window closes. Tests shorten it.
    #[arg(long, env = "MASTHEAD_WEBHOOKS_RETRY_BASE_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub webhooks_retry_base_ms: u64,

    /// How often the worker looks for due deliveries without being woken, in
    /// milliseconds (wake-ups come at once for this node's own writes; other
    /// nodes' writes and retries are found by this poll).
    #[arg(long, env = "MASTHEAD_WEBHOOKS_POLL_MS", default_value_t = 1_000,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub webhooks_poll_ms: u64,

    /// Test-only name overrides, `NAME=IP` (like curl's `--resolve`): the
    /// guard treats NAME as resolving to IP, so address checks can be tested offline.
    #[arg(
        long = "webhooks-resolve",
        env = "MASTHEAD_WEBHOOKS_RESOLVE",
        hide = true,
        value_delimiter = ',',
        value_name = "NAME=IP"
    )]
    pub webhooks_resolve: Vec<String>,
}
