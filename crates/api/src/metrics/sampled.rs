//! Metrics read at scrape time rather than recorded: the database pools,
//! the public cache's size, and the process's memory and CPU time.

use std::sync::Arc;

use masthead_persistence::Store;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use crate::public_cache::PublicCache;

/// What one server's scrape reads: its store and its public cache.
#[derive(Clone)]
pub struct Sources {
    /// The server's database handle (its pools).
    pub store: Store,
    /// The server's public cache.
    pub public_cache: Arc<PublicCache>,
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Sources")
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
}

impl Collector for Sources {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let pools = self.store.pool_connections();
        for (name, help, value) in [
            (
                "masthead_db_connections_in_use",
                "Database connections lent to a statement or transaction",
                (|p: &masthead_persistence::store::PoolConnections| p.in_use)
                    as fn(&masthead_persistence::store::PoolConnections) -> u64,
            ),
            (
                "masthead_db_connections_idle",
                "Database connections open and idle",
                |p| p.idle,
            ),
        ] {
            let mut family = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
            for pool in &pools {
                let gauge = ConstGauge::new(gauge_value(value(pool)));
                gauge.encode(family.encode_family(&PoolLabels { pool: pool.pool })?)?;
            }
        }
        let (entries, bytes) = self.public_cache.size();
        gauge(
            &mut encoder,
            "masthead_public_cache_entries",
            "Entries in the public cache",
            entries,
        )?;
        gauge(
            &mut encoder,
            "masthead_public_cache_bytes",
            "Bytes the public cache holds, by its own weighing",
            bytes,
        )?;
        if let Some(process) = Process::read() {
            gauge(
                &mut encoder,
                "process_resident_memory_bytes",
                "Resident memory of this process",
                process.resident_bytes,
            )?;
            let cpu = ConstCounter::new(process.cpu_seconds);
            cpu.encode(encoder.encode_descriptor(
                "process_cpu_seconds",
                "CPU time this process has used, user and system",
                None,
                MetricType::Counter,
            )?)?;
        }
        Ok(())
    }
}

fn gauge_value(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: u64,
) -> Result<(), std::fmt::Error> {
    let gauge = ConstGauge::new(gauge_value(value));
    gauge.encode(encoder.encode_descriptor(name, help, None, MetricType::Gauge)?)
}

/// Resident memory and CPU time from `/proc/self` (Linux; elsewhere absent).
struct Process {
    resident_bytes: u64,
    cpu_seconds: f64,
}

/// Clock ticks per second of `/proc/<pid>/stat` (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

impl Process {
    fn read() -> Option<Self> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let resident_kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // The command name may hold spaces and parentheses: fields follow the last `)`.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        // utime and stime are fields 14 and 15 of the whole line; 12 and 13 here.
        let user: u64 = fields.get(11)?.parse().ok()?;
        let system: u64 = fields.get(12)?.parse().ok()?;
        Some(Self {
            resident_bytes: resident_kib * 1024,
            #[allow(clippy::cast_precision_loss)]
            cpu_seconds: (user + system) as f64 / TICKS_PER_SECOND,
        })
    }
}
