//! Prometheus metrics, served on their own listener (`--metrics-bind`) so the
//! public port never shows them. The counters are process-wide (one process
//! is one scrape target); recording is an atomic increment on a series found
//! by a read lock, never a lock held across a request.

pub mod graphql;
pub mod http;
pub mod sampled;
pub mod server;

use std::sync::OnceLock;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

/// Labels of an HTTP request: the route template (never the raw path, so the
/// number of series stays bounded), the method and the status code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched pattern, e.g. `/api/v1/articles/{slug}`, or `unmatched`.
    pub route: String,
    /// The method, `OTHER` for extension methods.
    pub method: MethodLabel,
    /// The status code of the answer.
    pub status: u16,
}

/// Labels of a request's latency: route template and method.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    /// As in [`RequestLabels::route`].
    pub route: String,
    /// As in [`RequestLabels::method`].
    pub method: MethodLabel,
}

/// The standard methods; anything else is one `OTHER` series.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum MethodLabel {
    GET,
    HEAD,
    POST,
    PUT,
    PATCH,
    DELETE,
    OPTIONS,
    OTHER,
}

/// Labels of a GraphQL operation: its type and outcome (`ok` or the first
/// error's `extensions.code`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    /// `query`, `mutation`, `subscription`, or `unknown` (did not parse).
    pub operation: &'static str,
    /// `ok`, or an error code of the README's GraphQL code table.
    pub outcome: String,
}

/// Labels of the reply counter.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReplyLabels {
    /// `posted` (visible), `held` (for moderation) or `refused`.
    pub outcome: &'static str,
}

/// Every metric recorded as things happen (sampled ones are in [`sampled`]).
#[derive(Debug, Clone)]
pub struct Recorded {
    /// HTTP requests answered.
    pub requests: Family<RequestLabels, Counter>,
    /// HTTP request latency.
    pub request_seconds: Family<RouteLabels, Histogram>,
    /// GraphQL operations run.
    pub graphql_operations: Family<OperationLabels, Counter>,
    /// Public cache reads answered from the cache.
    pub cache_hits: Counter,
    /// Public cache reads that had to be built.
    pub cache_misses: Counter,
    /// Public cache entries evicted for lack of room.
    pub cache_evictions: Counter,
    /// Password hashes waiting for a hashing thread.
    pub hash_queued: Gauge,
    /// Password hashes being computed.
    pub hash_running: Gauge,
    /// Open GraphQL WebSockets.
    pub websockets: Gauge,
    /// Active GraphQL subscriptions.
    pub subscriptions: Gauge,
    /// Replies by outcome.
    pub replies: Family<ReplyLabels, Counter>,
    /// How late due scheduled publications ran.
    pub scheduler_lag_seconds: Histogram,
}

/// The process-wide recorded metrics.
pub fn recorded() -> &'static Recorded {
    static RECORDED: OnceLock<Recorded> = OnceLock::new();
    RECORDED.get_or_init(|| Recorded {
        requests: Family::default(),
        request_seconds: Family::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.000_25, 2.5, 14))
        }),
        graphql_operations: Family::default(),
        cache_hits: Counter::default(),
        cache_misses: Counter::default(),
        cache_evictions: Counter::default(),
        hash_queued: Gauge::default(),
        hash_running: Gauge::default(),
        websockets: Gauge::default(),
        subscriptions: Gauge::default(),
        replies: Family::default(),
        scheduler_lag_seconds: Histogram::new(exponential_buckets(0.1, 3.0, 10)),
    })
}

/// Holds one unit of a gauge (an open socket, a live subscription) until dropped.
#[derive(Debug)]
pub struct Held(&'static Gauge);

impl Held {
    /// Adds one to `gauge` until the returned value is dropped.
    pub fn new(gauge: &'static Gauge) -> Self {
        gauge.inc();
        Self(gauge)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Records one reply outcome (`posted`, `held` or `refused`).
pub fn reply(outcome: &'static str) {
    recorded()
        .replies
        .get_or_create(&ReplyLabels { outcome })
        .inc();
}

/// Labels of `masthead_build_info`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

/// A registry with every recorded metric and the sampled ones of `sources`
/// (one per server, since tests run several servers in one process).
pub fn registry(sources: sampled::Sources) -> Registry {
    let recorded = recorded();
    let mut top = Registry::default();
    // The sampled ones name themselves in full (`process_*` is the standard name).
    top.register_collector(Box::new(sources));
    let registry = top.sub_registry_with_prefix("masthead");
    registry.register(
        "build",
        "Build of this server; the value is always 1",
        Info::new(BuildLabels {
            version: env!("CARGO_PKG_VERSION"),
        }),
    );
    registry.register(
        "http_requests",
        "HTTP requests answered, by route template, method and status",
        recorded.requests.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "Time to answer an HTTP request, by route template and method",
        recorded.request_seconds.clone(),
    );
    registry.register(
        "graphql_operations",
        "GraphQL operations run, by type and outcome",
        recorded.graphql_operations.clone(),
    );
    registry.register(
        "public_cache_hits",
        "Public reads answered from the cache",
        recorded.cache_hits.clone(),
    );
    registry.register(
        "public_cache_misses",
        "Public reads built because the cache held no answer",
        recorded.cache_misses.clone(),
    );
    registry.register(
        "public_cache_evictions",
        "Public cache entries evicted to stay within --public-cache-mb",
        recorded.cache_evictions.clone(),
    );
    registry.register(
        "password_hash_queued",
        "Password hashes waiting for a hashing thread",
        recorded.hash_queued.clone(),
    );
    registry.register(
        "password_hash_running",
        "Password hashes being computed",
        recorded.hash_running.clone(),
    );
    registry.register(
        "graphql_websockets",
        "Open GraphQL WebSocket connections",
        recorded.websockets.clone(),
    );
    registry.register(
        "graphql_subscriptions",
        "Active GraphQL subscriptions",
        recorded.subscriptions.clone(),
    );
    registry.register(
        "replies",
        "Replies by outcome: posted, held for moderation, refused",
        recorded.replies.clone(),
    );
    registry.register(
        "scheduler_lag_seconds",
        "How late a due scheduled publication ran",
        recorded.scheduler_lag_seconds.clone(),
    );
    top
}
