//! Request ids and W3C trace context: every request carries an id (the
//! caller's `X-Request-Id` when it is a short token, else a new one) and a
//! trace (the caller's `traceparent` continued when valid, else a new one).
//! Both go into the request span, so every log line of the request shows
//! them, and back on the answer so a caller can quote them.

use std::fmt::Write as _;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use rand::RngCore;

/// The request id header, read and written.
pub const REQUEST_ID: &str = "x-request-id";
/// The W3C trace context header, read and written.
pub const TRACEPARENT: &str = "traceparent";
/// Longest request id accepted from a caller; a longer one is replaced.
pub const MAX_REQUEST_ID: usize = 128;

/// The ids of one request, kept in its extensions for the request span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// The caller's request id, or one made here.
    pub request_id: String,
    /// The trace id: the caller's, or new (32 lowercase hex digits).
    pub trace_id: String,
    /// This server's span id for the request (16 lowercase hex digits).
    pub span_id: String,
    /// Trace flags (`01`: sampled), the caller's when continued.
    pub flags: u8,
}

impl TraceContext {
    /// The context of a request with these header values.
    pub fn from_headers(request_id: Option<&[u8]>, traceparent: Option<&[u8]>) -> Self {
        let request_id = request_id
            .filter(|id| is_request_id(id))
            .and_then(|id| std::str::from_utf8(id).ok())
            .map_or_else(|| hex(&random::<16>()), str::to_owned);
        let (trace_id, flags) = traceparent.and_then(Parent::parse).map_or_else(
            || (hex(&random::<16>()), 0),
            |parent| (parent.trace_id, parent.flags),
        );
        Self {
            request_id,
            trace_id,
            span_id: hex(&nonzero_span_id()),
            flags,
        }
    }

    /// The `traceparent` naming this server's span as the parent.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{:02x}", self.trace_id, self.span_id, self.flags)
    }
}

/// Middleware: settles the request's context before its span opens and puts
/// `X-Request-Id` and `traceparent` on the answer.
pub async fn propagate(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let headers = request.headers();
    let context = TraceContext::from_headers(
        headers.get(REQUEST_ID).map(HeaderValue::as_bytes),
        headers.get(TRACEPARENT).map(HeaderValue::as_bytes),
    );
    let request_id = HeaderValue::from_str(&context.request_id);
    let traceparent = HeaderValue::from_str(&context.traceparent());
    request.extensions_mut().insert(context);
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if let Ok(value) = request_id {
        headers.insert(HeaderName::from_static(REQUEST_ID), value);
    }
    if let Ok(value) = traceparent {
        headers.insert(HeaderName::from_static(TRACEPARENT), value);
    }
    Ok(response)
}

/// 1 to [`MAX_REQUEST_ID`] token characters (RFC 9110 `tchar`).
fn is_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A valid incoming `traceparent`.
struct Parent {
    trace_id: String,
    flags: u8,
}

impl Parent {
    /// Parses per W3C Trace Context level 1: `version-traceid-parentid-flags`,
    /// lowercase hex, version `ff` invalid, ids not all zero; a version
    /// above `00` may carry more after a `-`, which is ignored.
    fn parse(value: &[u8]) -> Option<Self> {
        let head = value.get(..55)?;
        let version = lower_hex(head.get(0..2)?)?;
        if version == "ff" || (version == "00" && value.len() != 55) {
            return None;
        }
        if value.len() > 55 && value[55] != b'-' {
            return None;
        }
        if head[2] != b'-' || head[35] != b'-' || head[52] != b'-' {
            return None;
        }
        let trace_id = lower_hex(&head[3..35])?;
        let parent_id = lower_hex(&head[36..52])?;
        let flags = u8::from_str_radix(&lower_hex(&head[53..55])?, 16).ok()?;
        if trace_id.bytes().all(|b| b == b'0') || parent_id.bytes().all(|b| b == b'0') {
            return None;
        }
        // Of later versions' flags only the sampled bit is understood.
        let flags = if version == "00" { flags } else { flags & 1 };
        Some(Self { trace_id, flags })
    }
}

fn lower_hex(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        .then(|| String::from_utf8_lossy(bytes).into_owned())
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

fn nonzero_span_id() -> [u8; 8] {
    loop {
        let id = random::<8>();
        if id != [0; 8] {
            return id;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn trace_of(value: &str) -> Option<String> {
        Parent::parse(value.as_bytes()).map(|parent| parent.trace_id)
    }

    #[test]
    fn a_valid_traceparent_is_continued_with_a_new_span() {
        let context = TraceContext::from_headers(None, Some(VALID.as_bytes()));
        assert_eq!(context.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(context.flags, 1);
        assert_ne!(context.span_id, "00f067aa0ba902b7");
        let answer = context.traceparent();
        assert_eq!(answer.len(), 55);
        assert!(answer.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        assert!(answer.ends_with("-01"));
    }

    #[test]
    fn invalid_traceparents_are_refused() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        ] {
            assert_eq!(trace_of(bad), None, "{bad:?}");
        }
        // A later version may carry more after a dash.
        assert!(trace_of("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more").is_some());
    }

    #[test]
    fn request_ids_are_bounded_tokens() {
        let kept = TraceContext::from_headers(Some(b"abc-123_x.y"), None);
        assert_eq!(kept.request_id, "abc-123_x.y");
        for bad in [
            &b""[..],
            b"has space",
            b"semi;colon",
            &[b'a'; 129][..],
            b"\xff",
        ] {
            let made = TraceContext::from_headers(Some(bad), None);
            assert_eq!(made.request_id.len(), 32, "{bad:?}");
        }
        let fresh = TraceContext::from_headers(None, Some(b"garbage"));
        assert_eq!(fresh.trace_id.len(), 32);
        assert_eq!(fresh.flags, 0);
    }
}
