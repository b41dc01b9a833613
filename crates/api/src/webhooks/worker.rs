//! The delivery worker: one task per node (when `--webhooks-worker` is on).
//! It claims due deliveries in batches (see
//! `masthead_persistence::webhook_deliveries`), posts each signed body with a
//! 10 s timeout and no redirects through the address [`Guard`], and records
//! the outcome: delivered on 2xx; otherwise retried with exponential backoff
//! and jitter until the delivery's 24 h window closes, then `failed`. An
//! endpoint whose every attempt failed for 3 days is disabled (audited).
//! It wakes at once when this node commits a change that may have queued
//! deliveries, and polls for the rest (other nodes' writes, retries).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use masthead_persistence::webhook_deliveries::{Attempt, ClaimedDelivery};
use masthead_persistence::Store;
use rand::Rng;
use tokio::task::JoinHandle;

use super::signing;
use super::target::Guard;
use super::WebhookSettings;

/// Deliveries claimed (and sent concurrently) per round.
const BATCH: u64 = 16;
/// How long a claim holds a delivery: longer than a send can take, so a
/// delivery is only claimed again when its node died (or lost the database).
const LEASE: chrono::Duration = chrono::Duration::seconds(60);
/// Longest wait between two attempts.
const MAX_DELAY: chrono::Duration = chrono::Duration::hours(6);
/// An endpoint failing this long in a row is disabled.
pub const DISABLE_AFTER: chrono::Duration = chrono::Duration::days(3);
/// Per-request timeout of a delivery.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest `last_error` kept.
const ERROR_MAX: usize = 500;

/// Starts the worker on the current runtime; it runs until the runtime stops.
pub fn spawn(
    store: Store,
    settings: WebhookSettings,
    guard: Guard,
) -> anyhow::Result<JoinHandle<()>> {
    let client = reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(guard.clone()))
        .user_agent(concat!("Masthead-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let worker = Worker {
        store,
        client,
        guard,
        retry_base: chrono::Duration::milliseconds(settings.webhooks_retry_base_ms as i64),
        poll: Duration::from_millis(settings.webhooks_poll_ms),
    };
    Ok(tokio::spawn(worker.run()))
}

struct Worker {
    store: Store,
    client: reqwest::Client,
    guard: Guard,
    retry_base: chrono::Duration,
    poll: Duration,
}

impl Worker {
    async fn run(self) {
        let wake = self.store.outbox_wake();
        loop {
            let claimed = match self.store.webhooks().claim(BATCH, LEASE).await {
                Ok(claimed) => claimed,
                Err(error) => {
                    tracing::warn!(%error, "claiming webhook deliveries failed");
                    Vec::new()
                }
            };
            if claimed.is_empty() {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(self.poll) => {}
                }
                continue;
            }
            join_all(claimed.into_iter().map(|delivery| self.deliver(delivery))).await;
        }
    }

    /// One attempt at `delivery`, recorded.
    async fn deliver(&self, delivery: ClaimedDelivery) {
        let now = masthead_persistence::now();
        let attempt = match self.send(&delivery, now).await {
            Ok(status) => Attempt {
                status_code: Some(i32::from(status)),
                error: None,
                retry_at: None,
            },
            Err((status, error)) => Attempt {
                status_code: status.map(i32::from),
                error: Some(truncate(error)),
                retry_at: self.retry_at(&delivery, masthead_persistence::now()),
            },
        };
        let succeeded = attempt.error.is_none();
        let repo = self.store.webhooks();
        if let Err(error) = repo.record_attempt(delivery.id, attempt).await {
            tracing::warn!(%error, delivery = %delivery.id, "recording a webhook attempt failed");
        }
        match repo
            .note_attempt(delivery.endpoint.id, succeeded, DISABLE_AFTER)
            .await
        {
            Ok(true) => tracing::warn!(
                endpoint = %delivery.endpoint.id,
                "webhook endpoint disabled after 3 days of failures"
            ),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "recording a webhook endpoint's health failed"),
        }
    }

    /// Posts the signed body; the answer's status on 2xx, else the status
    /// (when an answer came) and why it failed.
    async fn send(
        &self,
        delivery: &ClaimedDelivery,
        now: DateTime<Utc>,
    ) -> Result<u16, (Option<u16>, String)> {
        let endpoint = &delivery.endpoint;
        if !endpoint.enabled {
            return Err((None, "the endpoint is disabled".to_owned()));
        }
        let url = reqwest::Url::parse(&endpoint.url)
            .map_err(|_| (None, "the endpoint URL is not valid".to_owned()))?;
        match url.scheme() {
            "https" => {}
            "http" if self.guard.allows_http() => {}
            _ => return Err((None, "refused: the endpoint URL must use https".to_owned())),
        }
        self.guard
            .check_literal(&url)
            .map_err(|error| (None, error))?;
        let id = delivery.event_id.to_string();
        let timestamp = now.timestamp();
        let signature = signing::signature_header(
            &endpoint.signing_secrets(now),
            &id,
            timestamp,
            &delivery.payload,
        );
        let response = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await
            .map_err(|error| (None, describe(&error)))?;
        let status = response.status();
        if status.is_success() {
            Ok(status.as_u16())
        } else {
            Err((
                Some(status.as_u16()),
                format!("the endpoint answered {status}"),
            ))
        }
    }

    /// When to try again after a failure at `now`, or `None` once the retry
    /// window has closed: `base * 2^(attempts)` (capped at 6 h) scaled by a
    /// random factor in [0.5, 1), never past the window's end.
    fn retry_at(&self, delivery: &ClaimedDelivery, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if now >= delivery.give_up_at {
            return None;
        }
        let doublings = delivery.attempts.clamp(0, 20) as u32;
        let delay = self
            .retry_base
            .checked_mul(1 << doublings)
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY);
        let factor = rand::rng().random_range(0.5..1.0);
        let jittered = chrono::Duration::milliseconds(
            (delay.num_milliseconds() as f64 * factor).max(1.0) as i64,
        );
        Some((now + jittered).min(delivery.give_up_at))
    }
}

/// A send error in words, with its cause chain (timeouts and refused
/// addresses say so), without the URL.
fn describe(error: &reqwest::Error) -> String {
    use std::error::Error;
    let mut text = if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn truncate(mut text: String) -> String {
    if text.len() > ERROR_MAX {
        let mut end = ERROR_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}
