//! Cookie mode: the refresh token in an `HttpOnly` cookie, for a browser app
//! (the desk) that keeps its access token in memory only. A reload then keeps
//! the editor signed in, and no script on the page can read the refresh token.
//!
//! A request opts in with `X-Masthead-Refresh: cookie` ([`REFRESH_COOKIE_HEADER`]).
//! Its answers carry the refresh token in `Set-Cookie` ([`REFRESH_COOKIE_NAME`],
//! `Path=/api/v1/auth; HttpOnly; SameSite=Strict`, `Secure` over https) and
//! an empty `refresh_token` in the body. The header is also the CSRF defence:
//! a page of another site cannot send a custom header without a CORS
//! preflight, so the cookie is only ever used on requests that carry it, and
//! a request in cookie mode whose `Origin` is not this server's own is
//! refused (`403`). Without the header nothing changes (mobile clients).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::app::sessions;
use crate::config::Settings;
use crate::error::ApiError;

/// The request header that opts in to cookie mode; its one value is
/// [`REFRESH_COOKIE_MODE`]. A custom header, so a cross-site page cannot send
/// it without a CORS preflight: requiring it is the CSRF defence.
pub const REFRESH_COOKIE_HEADER: &str = "X-Masthead-Refresh";

/// The one value [`REFRESH_COOKIE_HEADER`] takes (anything else is a `400`,
/// so a typo is not silently a request in body mode).
pub const REFRESH_COOKIE_MODE: &str = "cookie";

/// The cookie that holds the refresh token in cookie mode.
pub const REFRESH_COOKIE_NAME: &str = "masthead_refresh";

/// The cookie's `Path`: the browser sends it to the auth routes only, never
/// to the rest of the API or the site.
pub const REFRESH_COOKIE_PATH: &str = "/api/v1/auth";

/// A request in cookie mode: how its answer sets (or clears) the cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieMode {
    /// Whether the cookie is `Secure` (the request came over https, or the
    /// configured public URL is https).
    pub secure: bool,
    /// `Max-Age` of a new cookie: the refresh token's lifetime, in seconds.
    pub max_age: i64,
}

impl CookieMode {
    /// The cookie mode of `request`: `None` without the header, `400` for a
    /// value other than `cookie`, `403` when its `Origin` is not this server's.
    pub fn of(request: &HttpRequest, settings: &Settings) -> Result<Option<Self>, ApiError> {
        if !requested(request)? {
            return Ok(None);
        }
        same_origin(request)?;
        Ok(Some(Self {
            secure: over_https(request, settings),
            max_age: sessions::refresh_lifetime(settings).num_seconds(),
        }))
    }

    /// The `Set-Cookie` value that hands `token` to the browser.
    pub fn set_cookie(&self, token: &str) -> String {
        cookie(token, self.max_age, self.secure)
    }

    /// The `Set-Cookie` value that makes the browser drop the cookie.
    pub fn clear_cookie(&self) -> String {
        cookie("", 0, self.secure)
    }

    /// The answer to a refused cookie: `error`'s problem document, and the
    /// cookie cleared so the browser stops sending a token that cannot work.
    pub fn refused(&self, error: &ApiError) -> HttpResponse {
        let mut response = error.error_response();
        if let Ok(value) = HeaderValue::from_str(&self.clear_cookie()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }
}

/// A `Set-Cookie` value for the refresh cookie.
fn cookie(value: &str, max_age: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{REFRESH_COOKIE_NAME}={value}; Path={REFRESH_COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    )
}

/// Whether `request` carries `X-Masthead-Refresh: cookie` (every line of it).
fn requested(request: &HttpRequest) -> Result<bool, ApiError> {
    let mut values = request.headers().get_all(REFRESH_COOKIE_HEADER).peekable();
    if values.peek().is_none() {
        return Ok(false);
    }
    if values.all(|value| value.as_bytes() == REFRESH_COOKIE_MODE.as_bytes()) {
        Ok(true)
    } else {
        Err(ApiError::BadRequest(format!(
            "{REFRESH_COOKIE_HEADER} takes only the value `{REFRESH_COOKIE_MODE}`"
        )))
    }
}

/// Refuses a request whose `Origin` (when it has one) is not this server's
/// own: `scheme://host[:port]` as the request reached it (a proxy in front
/// tells it with `X-Forwarded-Proto`/`X-Forwarded-Host` or `Forwarded`),
/// compared as URL origins (any case, default ports implied).
fn same_origin(request: &HttpRequest) -> Result<(), ApiError> {
    let Some(origin) = request.headers().get(header::ORIGIN) else {
        return Ok(());
    };
    let info = request.connection_info();
    let own = url::Url::parse(&format!("{}://{}", info.scheme(), info.host()))
        .ok()
        .map(|url| url.origin());
    let theirs = origin
        .to_str()
        .ok()
        .and_then(|origin| url::Url::parse(origin).ok())
        .map(|url| url.origin());
    match (own, theirs) {
        (Some(own), Some(theirs)) if own.is_tuple() && own == theirs => Ok(()),
        _ => Err(ApiError::Forbidden(format!(
            "{REFRESH_COOKIE_HEADER}: {REFRESH_COOKIE_MODE} is for pages of this server's own origin"
        ))),
    }
}

/// Whether the cookie must be `Secure`: the request came over https (as the
/// server or a proxy in front saw it), or the site is served over https.
fn over_https(request: &HttpRequest, settings: &Settings) -> bool {
    request
        .connection_info()
        .scheme()
        .eq_ignore_ascii_case("https")
        || settings
            .public_url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
}

/// The refresh token in the request's cookie, if it sent one.
pub fn token(request: &HttpRequest) -> Option<String> {
    request
        .cookie(REFRESH_COOKIE_NAME)
        .map(|cookie| cookie.value().to_owned())
}

/// Whether the request has no body: no `Content-Type` and nothing announced
/// (`Content-Length` absent or 0, no `Transfer-Encoding`). Only such a request
/// may use the cookie; one with a body is read as JSON, as without cookie mode.
pub fn without_body(request: &HttpRequest) -> bool {
    let headers = request.headers();
    !headers.contains_key(header::CONTENT_TYPE)
        && !headers.contains_key(header::TRANSFER_ENCODING)
        && headers
            .get(header::CONTENT_LENGTH)
            .is_none_or(|length| length.as_bytes() == b"0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn settings(public_url: &str) -> Settings {
        let mut settings = Settings::for_database("sqlite::memory:");
        settings.public_url = public_url.to_owned();
        settings
    }

    #[test]
    fn the_cookie_has_exactly_its_attributes() {
        let mode = CookieMode {
            secure: false,
            max_age: 2_592_000,
        };
        assert_eq!(
            mode.set_cookie("abc"),
            "masthead_refresh=abc; Path=/api/v1/auth; Max-Age=2592000; HttpOnly; SameSite=Strict"
        );
        assert_eq!(
            mode.clear_cookie(),
            "masthead_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict"
        );
        let secure = CookieMode {
            secure: true,
            ..mode
        };
        assert!(secure
            .set_cookie("abc")
            .ends_with("; SameSite=Strict; Secure"));
        assert!(REFRESH_COOKIE_PATH.starts_with(crate::rest::http::PREFIX));
    }

    #[test]
    fn cookie_mode_needs_the_header_and_takes_one_value() {
        let plain = settings("http://localhost:3000");
        let request = TestRequest::default().to_http_request();
        assert_eq!(CookieMode::of(&request, &plain).ok(), Some(None));
        let request = TestRequest::default()
            .insert_header((REFRESH_COOKIE_HEADER, "cookie"))
            .to_http_request();
        let mode = CookieMode::of(&request, &plain).ok().flatten();
        assert_eq!(
            mode,
            Some(CookieMode {
                secure: false,
                max_age: 30 * 86_400
            })
        );
        let request = TestRequest::default()
            .insert_header((REFRESH_COOKIE_HEADER, "body"))
            .to_http_request();
        assert!(matches!(
            CookieMode::of(&request, &plain),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn secure_follows_the_request_scheme_or_the_public_url() {
        let request = TestRequest::default()
            .insert_header((REFRESH_COOKIE_HEADER, "cookie"))
            .to_http_request();
        let https_site = CookieMode::of(&request, &settings("https://news.example"));
        assert!(https_site.ok().flatten().is_some_and(|mode| mode.secure));
        let forwarded = TestRequest::default()
            .insert_header((REFRESH_COOKIE_HEADER, "cookie"))
            .insert_header(("x-forwarded-proto", "https"))
            .to_http_request();
        let mode = CookieMode::of(&forwarded, &settings("http://localhost:3000"));
        assert!(mode.ok().flatten().is_some_and(|mode| mode.secure));
    }

    #[test]
    fn a_foreign_origin_is_refused_and_the_own_one_taken() {
        let plain = settings("http://localhost:3000");
        let with_origin = |origin: &str| {
            TestRequest::default()
                .insert_header((REFRESH_COOKIE_HEADER, "cookie"))
                .insert_header((header::HOST, "cms.example:8080"))
                .insert_header((header::ORIGIN, origin.to_owned()))
                .to_http_request()
        };
        for own in ["http://cms.example:8080", "HTTP://CMS.example:8080"] {
            assert!(CookieMode::of(&with_origin(own), &plain).is_ok(), "{own}");
        }
        for foreign in [
            "http://evil.example",
            "https://cms.example:8080",
            "http://cms.example",
            "null",
        ] {
            assert!(
                matches!(
                    CookieMode::of(&with_origin(foreign), &plain),
                    Err(ApiError::Forbidden(_))
                ),
                "{foreign}"
            );
        }
        // The scheme's default port is the same origin as none.
        let default_port = TestRequest::default()
            .insert_header((REFRESH_COOKIE_HEADER, "cookie"))
            .insert_header((header::HOST, "cms.example"))
            .insert_header((header::ORIGIN, "http://cms.example:80"))
            .to_http_request();
        assert!(CookieMode::of(&default_port, &plain).is_ok());
    }

    #[test]
    fn the_token_is_read_from_any_cookie_line() {
        let request = TestRequest::default()
            .insert_header((
                header::COOKIE,
                "theme=dark; masthead_refresh=tok-1; other=x",
            ))
            .to_http_request();
        assert_eq!(token(&request).as_deref(), Some("tok-1"));
        let request = TestRequest::default()
            .insert_header((header::COOKIE, "masthead_refresh_old=zzz"))
            .to_http_request();
        assert_eq!(token(&request), None);
    }

    #[test]
    fn a_request_without_content_type_or_length_has_no_body() {
        assert!(without_body(&TestRequest::default().to_http_request()));
        let empty = TestRequest::default()
            .insert_header((header::CONTENT_LENGTH, "0"))
            .to_http_request();
        assert!(without_body(&empty));
        let json = TestRequest::default()
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .to_http_request();
        assert!(!without_body(&json));
        let sized = TestRequest::default()
            .insert_header((header::CONTENT_LENGTH, "12"))
            .to_http_request();
        assert!(!without_body(&sized));
    }
}
