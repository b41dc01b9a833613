//! Protections every answer gets, whatever route produced it: headers that
//! stop browsers from second-guessing content types or leaking addresses in
//! `Referer`, and a bound on the total size of a request's head.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::web;
use actix_web::ResponseError;

use crate::error::ApiError;
use crate::state::AppState;

/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer` on
/// every answer, errors and CORS preflights included.
pub fn default_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
}

/// The size of a request's head as a client sent it: the request line and
/// every header line (`name: value\r\n`).
pub fn head_size(request: &ServiceRequest) -> usize {
    let line = request.method().as_str().len() + request.uri().to_string().len() + 12;
    request.headers().iter().fold(line, |total, (name, value)| {
        total + name.as_str().len() + value.len() + 4
    })
}

/// Refuses (`431`, problem+json `HEADERS_TOO_LARGE`) a request whose head is
/// larger than `--max-header-bytes`, before any handler sees it.
pub async fn bound_request_head(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limit = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.max_header_bytes);
    let size = head_size(&request);
    if let Some(limit) = limit.filter(|limit| size > *limit) {
        let response = ApiError::HeadersTooLarge { size, limit }.error_response();
        return Ok(request.into_response(response).map_into_right_body());
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::head_size;

    #[test]
    fn the_head_size_counts_the_request_line_and_every_header_line() {
        let small = TestRequest::get().uri("/a").to_srv_request();
        let big = TestRequest::get()
            .uri("/a")
            .insert_header(("x-filler", "v".repeat(1_000)))
            .to_srv_request();
        assert!(head_size(&small) < 64);
        assert_eq!(head_size(&big) - head_size(&small), 1_000 + 8 + 4);
    }
}
