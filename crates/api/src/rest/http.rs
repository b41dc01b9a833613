//! The REST edge: what every request under `/api/v1` goes through.
//!
//! - A staff route (an operation whose documented `security` requires a
//!   bearer token) refuses a request without a valid token with 401 and
//!   `WWW-Authenticate: Bearer` first, before its body, query or `If-Match`
//!   is looked at; the verified caller is handed to the handler's
//!   [`Caller`] extractor.
//! - A URL whose path or query decodes to invalid UTF-8 or to NUL characters is
//!   refused with 400 before any handler (and any database) sees it.
//! - A response that did not choose its caching is `private, no-store`.
//! - A path that exists with other methods answers 405 with `Allow` (and
//!   `OPTIONS` answers 204 with `Allow`); the methods come from the OpenAPI
//!   document, so documenting a route is what teaches the edge about it.

use std::sync::OnceLock;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use percent_encoding::percent_decode_str;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::caching::PRIVATE;
use crate::rest::openapi;
use crate::state::AppState;

/// Where the REST API is mounted.
pub const PREFIX: &str = "/api/v1";

/// The middleware of the `/api/v1` scope (see the module documentation).
pub async fn edge(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let checked = match authenticate_staff(&request).await {
        Ok(()) => check_url(request.uri()),
        Err(error) => Err(error),
    };
    if let Err(error) = checked {
        let response = actix_web::ResponseError::error_response(&error);
        return Ok(request.into_response(response).map_into_right_body());
    }
    let mut response = next.call(request).await?;
    let bare_405 = response.status() == StatusCode::METHOD_NOT_ALLOWED
        && response.headers().get(header::CONTENT_TYPE).is_none();
    if bare_405 {
        // A resource registered as `web::resource(..).route(..)` answers 405 by
        // itself, bare: give it our problem document (and `OPTIONS` its 204).
        let given = response
            .headers()
            .get(header::ALLOW)
            .and_then(|value| value.to_str().ok())
            .map(|allow| complete_allow(allow.split(',').map(str::trim)));
        let request = response.into_parts().0;
        let relative = request
            .path()
            .strip_prefix(PREFIX)
            .unwrap_or(request.path());
        let allow = given
            .or_else(|| allowed_methods(relative).map(str::to_owned))
            .unwrap_or_default();
        let answer = if request.method() == Method::OPTIONS && !allow.is_empty() {
            HttpResponse::NoContent()
                .insert_header((header::ALLOW, allow))
                .insert_header((header::CACHE_CONTROL, PRIVATE))
                .finish()
        } else {
            actix_web::ResponseError::error_response(&ApiError::MethodNotAllowed { allow })
        };
        return Ok(ServiceResponse::new(request, answer).map_into_right_body());
    }
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static(PRIVATE),
        );
    }
    Ok(response.map_into_left_body())
}

/// On a staff route: refuses a request without a valid bearer token, and
/// keeps the verified caller in the request for the [`Caller`] extractor.
async fn authenticate_staff(request: &ServiceRequest) -> Result<(), ApiError> {
    let relative = request
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or(request.path());
    if !requires_bearer(request.method(), relative) {
        return Ok(());
    }
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated)?
        .to_str()
        .map_err(|_| ApiError::Unauthenticated)?;
    let state = request
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state missing".into()))?;
    let caller = Caller::from_header(state, Some(value)).await?;
    request.extensions_mut().insert(caller);
    Ok(())
}

/// Whether `method path` (relative to `/api/v1`) is documented as needing a bearer token.
fn requires_bearer(method: &Method, path: &str) -> bool {
    static STAFF: OnceLock<Vec<(ResourceDef, String)>> = OnceLock::new();
    let staff = STAFF.get_or_init(|| {
        openapi::bearer_operations()
            .into_iter()
            .map(|(path, method)| (ResourceDef::new(path), method))
            .collect()
    });
    staff
        .iter()
        .any(|(pattern, verb)| verb == method.as_str() && pattern.is_match(path))
}

/// Refuses a path or query that is not UTF-8 once percent-decoded, or holds NUL.
fn check_url(uri: &actix_web::http::Uri) -> Result<(), ApiError> {
    for (part, raw) in [("path", Some(uri.path())), ("query", uri.query())] {
        let Some(raw) = raw else { continue };
        let decoded = percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| ApiError::BadRequest(format!("the URL {part} is not valid UTF-8")))?;
        if decoded.contains('\0') {
            return Err(ApiError::BadRequest(format!(
                "the URL {part} must not contain NUL characters"
            )));
        }
    }
    Ok(())
}

/// The default service of `/api/v1`: 405 (or 204 for `OPTIONS`) on a known
/// path with another method, else 404.
pub async fn fallback(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = request
        .path()
        .strip_prefix(PREFIX)
        .unwrap_or(request.path());
    let Some(allow) = allowed_methods(path) else {
        return Err(ApiError::NotFound);
    };
    if request.method() == Method::OPTIONS {
        return Ok(HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow))
            .finish());
    }
    Err(ApiError::MethodNotAllowed {
        allow: allow.to_owned(),
    })
}

/// The `Allow` value of a documented path (relative to `/api/v1`), if any.
/// The base path itself (`/api/v1`, relative `""`) is the documented `/`.
pub fn allowed_methods(path: &str) -> Option<&'static str> {
    let path = if path.is_empty() { "/" } else { path };
    static ROUTES: OnceLock<Vec<(ResourceDef, String)>> = OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        openapi::operations()
            .into_iter()
            .map(|(path, methods)| {
                let allow = complete_allow(methods.iter().map(String::as_str));
                (ResourceDef::new(path), allow)
            })
            .collect()
    });
    routes
        .iter()
        .find(|(pattern, _)| pattern.is_match(path))
        .map(|(_, allow)| allow.as_str())
}

/// An `Allow` value from route methods: `HEAD` after `GET` (the edge serves
/// it), and `OPTIONS` last.
fn complete_allow<'a>(methods: impl IntoIterator<Item = &'a str>) -> String {
    let mut allow: Vec<&str> = Vec::new();
    for method in methods {
        if method.is_empty() || method == "HEAD" || method == "OPTIONS" {
            continue;
        }
        allow.push(method);
        if method == "GET" {
            allow.push("HEAD");
        }
    }
    allow.push("OPTIONS");
    allow.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_head_after_get_and_options_last() {
        assert_eq!(complete_allow(["GET", "POST"]), "GET, HEAD, POST, OPTIONS");
        assert_eq!(complete_allow(["DELETE", "HEAD"]), "DELETE, OPTIONS");
    }

    #[test]
    fn staff_routes_are_the_documented_bearer_operations_and_public_ones_are_not() {
        assert!(requires_bearer(&Method::GET, "/admin/articles"));
        assert!(requires_bearer(&Method::PUT, "/admin/articles/some-id"));
        assert!(requires_bearer(&Method::GET, "/auth/me"));
        assert!(requires_bearer(&Method::POST, "/auth/password"));
        assert!(!requires_bearer(&Method::POST, "/auth/login"));
        assert!(!requires_bearer(&Method::GET, "/articles"));
        assert!(
            !requires_bearer(&Method::POST, "/articles/a-slug/replies"),
            "readers post replies without a token"
        );
        assert!(!requires_bearer(&Method::OPTIONS, "/admin/articles"));
    }

    #[test]
    fn urls_with_nul_or_broken_utf8_are_refused() {
        let uri = |text: &str| text.parse::<actix_web::http::Uri>().unwrap();
        assert!(check_url(&uri("/api/v1/articles?tag=world")).is_ok());
        assert!(check_url(&uri("/api/v1/articles/caf%C3%A9")).is_ok());
        assert!(check_url(&uri("/api/v1/articles/%00")).is_err());
        assert!(check_url(&uri("/api/v1/articles?tag=%FF")).is_err());
        assert!(check_url(&uri("/api/v1/articles?tag=a%00")).is_err());
    }
}
