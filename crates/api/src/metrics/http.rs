//! Counts each HTTP request by route template, method and status, and times it.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::Error;

use super::{recorded, MethodLabel, RequestLabels, RouteLabels};

/// The route label of requests no route matched: one series, whatever the path.
pub const UNMATCHED: &str = "unmatched";

/// Middleware: records the request once it is answered.
pub async fn record(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request.match_pattern();
    let outcome = next.call(request).await;
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    let route = route.unwrap_or_else(|| UNMATCHED.to_owned());
    let recorded = recorded();
    recorded
        .request_seconds
        .get_or_create(&RouteLabels {
            route: route.clone(),
            method,
        })
        .observe(started.elapsed().as_secs_f64());
    recorded
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: status.as_u16(),
        })
        .inc();
    outcome
}

fn method_label(method: &Method) -> MethodLabel {
    match *method {
        Method::GET => MethodLabel::GET,
        Method::HEAD => MethodLabel::HEAD,
        Method::POST => MethodLabel::POST,
        Method::PUT => MethodLabel::PUT,
        Method::PATCH => MethodLabel::PATCH,
        Method::DELETE => MethodLabel::DELETE,
        Method::OPTIONS => MethodLabel::OPTIONS,
        _ => MethodLabel::OTHER,
    }
}
