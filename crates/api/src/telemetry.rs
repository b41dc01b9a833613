//! Structured logs: human-readable on a terminal, JSON when `MASTHEAD_LOG_FORMAT=json`.
//! The level comes from `RUST_LOG` (default `info`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;
use tracing_subscriber::EnvFilter;

/// True when logs are structured (`MASTHEAD_LOG_FORMAT=json`): they are
/// shipped and kept, so secrets must stay out of them entirely.
pub fn json_logs() -> bool {
    std::env::var("MASTHEAD_LOG_FORMAT").is_ok_and(|format| format == "json")
}

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = json_logs();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The span of each HTTP request: method, route, path, status, and the
/// request id and trace of [`crate::trace_context`]. Unlike the
/// stock span of `tracing-actix-web` it carries no client IP and no user
/// agent, so logs never hold a reader's address in clear (replies keep only
/// a salted hash of it).
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let extensions = request.extensions();
        let context = extensions.get::<crate::trace_context::TraceContext>();
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = request.match_pattern().unwrap_or_default(),
            path = request.path(),
            status = tracing::field::Empty,
            request_id = context.map(|context| context.request_id.as_str()),
            trace_id = context.map(|context| context.trace_id.as_str()),
            span_id = context.map(|context| context.span_id.as_str()),
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.response().status(),
            Err(error) => error.as_response_error().status_code(),
        };
        span.record("status", status.as_u16());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn request_spans_hold_no_client_address() {
        let subscriber = tracing_subscriber::registry();
        tracing::subscriber::with_default(subscriber, || {
            let request = TestRequest::get()
                .uri("/api/v1/articles?limit=5")
                .peer_addr("203.0.113.7:4000".parse().unwrap())
                .insert_header(("x-forwarded-for", "198.51.100.9"))
                .to_srv_request();
            let span = RequestSpan::on_request_start(&request);
            let fields: Vec<String> = span
                .metadata()
                .expect("an enabled span")
                .fields()
                .iter()
                .map(|field| field.name().to_owned())
                .collect();
            assert_eq!(
                fields,
                [
                    "method",
                    "route",
                    "path",
                    "status",
                    "request_id",
                    "trace_id",
                    "span_id"
                ]
            );
        });
    }
}
