//! The metrics listener (`--metrics-bind`): `GET /metrics` and nothing else,
//! apart from the public port so it can stay on a private network.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use prometheus_client::registry::Registry;

use super::sampled::Sources;

/// The content type of the OpenMetrics text format `prometheus-client` writes.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Binds `bind` and serves the metrics of `sources` there; returns the
/// server (to run beside the main one) and the address bound.
pub fn serve(bind: &str, sources: Sources) -> anyhow::Result<(Server, std::net::SocketAddr)> {
    let listener = TcpListener::bind(bind)?;
    let address = listener.local_addr()?;
    let registry = web::Data::new(Arc::new(super::registry(sources)));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(registry.clone())
            .route("/metrics", web::get().to(metrics))
            .default_service(web::to(HttpResponse::NotFound))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    Ok((server, address))
}

async fn metrics(registry: web::Data<Arc<Registry>>) -> HttpResponse {
    let mut body = String::with_capacity(16 * 1024);
    match prometheus_client::encoding::text::encode(&mut body, &registry) {
        Ok(()) => HttpResponse::Ok().content_type(OPENMETRICS).body(body),
        Err(error) => {
            tracing::error!(%error, "could not encode the metrics");
            HttpResponse::InternalServerError().finish()
        }
    }
}
