//! Public renditions: `GET|HEAD /media/{id}/{width}[-{aspect}].{ext}`.
//!
//! A rendition is made on its first request (on the bounded image pool) and
//! kept; its bytes never change for a given original, so answers are cached
//! for a year as `immutable` with a strong `ETag`, and `If-None-Match` and
//! single `Range` requests are honoured without re-reading the image.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;
use masthead_domain::media::RenditionSpec;
use masthead_domain::MediaId;

use crate::error::ApiError;
use crate::media::hot::HotRendition;
use crate::media::{inspect, pool, render, shrink, Bounds};
use crate::state::AppState;

/// Renditions never change for a given URL.
const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// Mounts the public rendition route.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/media/{id}/{file}")
            .route(web::get().to(rendition))
            .route(web::head().to(rendition)),
    );
}

async fn rendition(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, file) = path.into_inner();
    let id: MediaId = id.parse().map_err(|_| ApiError::NotFound)?;
    let spec = RenditionSpec::parse(&file).ok_or(ApiError::NotFound)?;
    if let Some(hot) = state.media.hot.get(id, spec) {
        return Ok(answer(&request, spec, &hot.etag, hot.bytes.clone()));
    }
    let item = state
        .store
        .media()
        .by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !item.widths().contains(&spec.width) {
        return Err(ApiError::NotFound);
    }
    // The original's hash and the spec fix the bytes: a strong validator
    // known before the rendition is read or made.
    let etag = format!(
        "\"{}-{}\"",
        &item.sha256[..item.sha256.len().min(32)],
        spec.file_name()
    );
    if matches_etag(&request, &etag) {
        return Ok(not_modified(&etag));
    }
    let focal = item.meta.focal;
    let (width, height) = (item.width, item.height);
    let media = state.media.clone();
    let bytes = state
        .media
        .rendition(id, spec, || async move {
            let original = media.original(id).await?;
            pool::run(move || {
                let inspected = inspect(
                    &original,
                    Bounds {
                        max_bytes: usize::MAX,
                    },
                )?;
                let factor = shrink::reduction(width, height, spec, focal);
                let image = shrink::decode_reduced(&original, inspected, factor)?;
                render(&image, spec, focal).map(|rendered| rendered.bytes)
            })
            .await?
        })
        .await?;
    let response = answer(&request, spec, &etag, bytes.clone());
    state.media.hot.keep(id, spec, HotRendition { bytes, etag });
    Ok(response)
}

fn not_modified(etag: &str) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .finish()
}

/// The answer with rendition `bytes` of `spec`: whole, one range, 304 or 416.
fn answer(request: &HttpRequest, spec: RenditionSpec, etag: &str, bytes: Bytes) -> HttpResponse {
    if matches_etag(request, etag) {
        return not_modified(etag);
    }
    let total = bytes.len();
    let mut answer = HttpResponse::Ok();
    answer
        .insert_header((header::CONTENT_TYPE, spec.format.mime()))
        .insert_header((header::ETAG, etag.to_owned()))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::ACCEPT_RANGES, "bytes"));
    let body = match range(request, total) {
        Requested::Whole => bytes,
        Requested::Part(start, end) => {
            answer.status(StatusCode::PARTIAL_CONTENT).insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            ));
            bytes.slice(start..=end)
        }
        Requested::Unsatisfiable => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
                .finish();
        }
    };
    if request.method() == Method::HEAD {
        answer.insert_header((header::CONTENT_LENGTH, body.len()));
        return answer.finish();
    }
    answer.body(body)
}

fn matches_etag(request: &HttpRequest, etag: &str) -> bool {
    request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag == etag || tag.strip_prefix("W/") == Some(etag))
}

/// What part of the body a `Range` header asks for.
#[derive(Debug, PartialEq, Eq)]
enum Requested {
    Whole,
    /// Inclusive byte offsets.
    Part(usize, usize),
    Unsatisfiable,
}

/// One `bytes=` range; several ranges or an unreadable header get the whole
/// body (allowed by RFC 9110), a range past the end 416.
fn range(request: &HttpRequest, total: usize) -> Requested {
    let Some(value) = request
        .headers()
        .get(header::RANGE)
        .map(HeaderValue::to_str)
    else {
        return Requested::Whole;
    };
    let Some(spec) = value
        .ok()
        .and_then(|value| value.trim().strip_prefix("bytes="))
    else {
        return Requested::Whole;
    };
    if spec.contains(',') {
        return Requested::Whole;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return Requested::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let parsed = match (first.is_empty(), last.is_empty()) {
        (true, true) => return Requested::Whole,
        // Suffix: the last N bytes.
        (true, false) => match last.parse::<usize>() {
            Ok(0) => return Requested::Unsatisfiable,
            Ok(n) => Some((total.saturating_sub(n), total.saturating_sub(1))),
            Err(_) => return Requested::Whole,
        },
        (false, _) => {
            let Ok(start) = first.parse::<usize>() else {
                return Requested::Whole;
            };
            let end = if last.is_empty() {
                Ok(total.saturating_sub(1))
            } else {
                last.parse::<usize>()
                    .map(|end| end.min(total.saturating_sub(1)))
            };
            match end {
                Ok(end) if end < start && !last.is_empty() && start < total => {
                    return Requested::Whole
                }
                Ok(end) => Some((start, end)),
                Err(_) => return Requested::Whole,
            }
        }
    };
    match parsed {
        Some((start, end)) if total > 0 && start < total && start <= end => {
            Requested::Part(start, end)
        }
        _ => Requested::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn asked(value: &str) -> Requested {
        range(
            &TestRequest::default()
                .insert_header((header::RANGE, value))
                .to_http_request(),
            100,
        )
    }

    #[test]
    fn single_ranges_are_served_and_bad_ones_refused_or_ignored() {
        assert_eq!(asked("bytes=0-9"), Requested::Part(0, 9));
        assert_eq!(asked("bytes=90-"), Requested::Part(90, 99));
        assert_eq!(asked("bytes=-10"), Requested::Part(90, 99));
        assert_eq!(asked("bytes=50-500"), Requested::Part(50, 99));
        assert_eq!(asked("bytes=100-"), Requested::Unsatisfiable);
        assert_eq!(asked("bytes=-0"), Requested::Unsatisfiable);
        assert_eq!(asked("bytes=0-1,5-6"), Requested::Whole);
        assert_eq!(asked("items=0-1"), Requested::Whole);
        assert_eq!(asked("bytes=x-1"), Requested::Whole);
        assert_eq!(asked("bytes=9-2"), Requested::Whole);
    }
}
