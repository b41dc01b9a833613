//! `HEAD` wherever `GET` answers: one rule for every route (health checks,
//! pages, feeds, sitemaps, both APIs) instead of a `HEAD` route beside each
//! `GET`. The request reaches the `GET` handler; the HTTP layer, which
//! remembers the method it parsed, sends the status and headers (with the
//! `Content-Length` the body would have) and drops the body.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

/// Routes a `HEAD` request as the `GET` of the same URL.
pub async fn as_get(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if request.method() == Method::HEAD {
        request.head_mut().method = Method::GET;
    }
    next.call(request).await
}
