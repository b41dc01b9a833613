//! Graceful drain, so a rolling restart drops nothing. On SIGTERM (or SIGINT)
//! `/readyz` answers `503` at once and every answer says `Connection: close`,
//! so a load balancer takes the node out and clients move to another; the
//! node keeps serving for the drain period (`--shutdown-drain-seconds`), then
//! closes its GraphQL WebSockets with `1001 Going Away` (clients reconnect
//! elsewhere) and stops accepting; actix finishes the requests in flight
//! (bounded by [`SHUTDOWN_TIMEOUT_SECONDS`]) and the process exits 0.

use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web;
use tokio::sync::watch;

use crate::state::AppState;

/// How long, after the drain period, requests in flight may still take
/// before their connections are dropped.
pub const SHUTDOWN_TIMEOUT_SECONDS: u64 = 15;

/// Where the node is in its life, as load balancers and clients see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Ready: serving and taking new work.
    Serving,
    /// Told to stop: still serving, but not ready (`/readyz` is `503`).
    Draining,
    /// The drain period is over: WebSockets close, the listener stops.
    Closing,
}

/// The node's drain state, shared by readiness, the WebSockets and the
/// signal handler. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Drain(std::sync::Arc<watch::Sender<Phase>>);

impl Default for Drain {
    fn default() -> Self {
        Self(std::sync::Arc::new(watch::Sender::new(Phase::Serving)))
    }
}

impl Drain {
    /// The current phase.
    pub fn phase(&self) -> Phase {
        *self.0.borrow()
    }

    /// True once the node was told to stop: it is no longer ready.
    pub fn is_draining(&self) -> bool {
        self.phase() != Phase::Serving
    }

    /// Starts draining (readiness fails from now on).
    pub fn begin(&self) {
        self.0.send_if_modified(|phase| {
            let serving = *phase == Phase::Serving;
            if serving {
                *phase = Phase::Draining;
            }
            serving
        });
    }

    /// Ends the drain period: long-lived connections close now.
    pub fn close(&self) {
        self.0.send_replace(Phase::Closing);
    }

    /// Resolves when the drain period is over (at once if it is).
    pub async fn closing(&self) {
        let mut phases = self.0.subscribe();
        // The sender lives in `self`, so waiting can only end with Closing.
        let _ = phases.wait_for(|phase| *phase == Phase::Closing).await;
    }
}

/// The future that tells the HTTP server to stop accepting: it resolves
/// after a stop signal and the drain period (a second signal cuts the period
/// short), with the WebSockets told to close. Signal handlers are installed
/// now, so a signal that comes before the server runs is not lost.
pub fn on_signal(
    drain: Drain,
    period: Duration,
) -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    let mut signals = Signals::install()?;
    Ok(async move {
        let name = signals.next().await;
        drain.begin();
        tracing::info!(
            signal = name,
            drain_seconds = period.as_secs(),
            "stop requested: /readyz answers 503; still serving for the drain period"
        );
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            name = signals.next() => tracing::info!(signal = name, "second stop signal: drain cut short"),
        }
        tracing::info!("drain period over: closing WebSockets, finishing requests in flight");
        drain.close();
    })
}

/// SIGTERM and SIGINT (Ctrl-C), as one stream.
struct Signals {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                interrupt: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// The name of the next signal.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.terminate.recv() => "SIGTERM",
                _ = self.interrupt.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// While draining, every answer closes its connection, so a client's next
/// request opens a new one (which the load balancer sends to another node).
/// WebSocket upgrades are left alone.
pub async fn close_connections_while_draining(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let draining = request
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.drain.is_draining());
    let mut response = next.call(request).await?;
    if draining && response.response().head().connection_type() != ConnectionType::Upgrade {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::{Drain, Phase};

    #[tokio::test]
    async fn a_drain_goes_from_serving_to_draining_to_closing_and_never_back() {
        let drain = Drain::default();
        assert!(!drain.is_draining());
        let waiter = tokio::spawn({
            let drain = drain.clone();
            async move { drain.closing().await }
        });
        drain.begin();
        assert_eq!(drain.phase(), Phase::Draining);
        assert!(!waiter.is_finished());
        drain.close();
        waiter.await.unwrap();
        drain.begin();
        assert_eq!(
            drain.phase(),
            Phase::Closing,
            "a late signal changes nothing"
        );
        drain.closing().await;
    }
}
