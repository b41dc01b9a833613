//! The desk at `/desk`: the newsroom's editing app, a handful of ES modules
//! (`crates/api/assets/desk`, on Preact and htm vendored in
//! `crates/api/assets/vendor/htm`) that run in the browser and speak the
//! public REST API like any other client. No build step: the files are served
//! as they are written.
//!
//! The modules import each other by relative path (`./api.js`), so they share
//! one directory in URLs: `/desk/assets/{hash}/{name}`, where `hash` is the
//! start of the SHA-256 of all the desk's files together. A URL still names
//! one content forever (a change to any file moves them all), so every file
//! is cached for a year.

use std::collections::HashMap;
use std::path::Path;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use super::IMMUTABLE;
use crate::error::ApiError;

/// The desk's files, in URLs by these names, and whether they are the desk's
/// own (read from `--desk-dir` when given) or vendored (always the binary's).
/// `main.js` starts the app.
const FILES: &[(&str, &[u8], bool)] = &[
    (
        "desk.css",
        include_bytes!("../../assets/desk/desk.css"),
        true,
    ),
    (
        "preact.js",
        include_bytes!("../../assets/vendor/htm/standalone.module.js"),
        false,
    ),
    ("main.js", include_bytes!("../../assets/desk/main.js"), true),
    ("api.js", include_bytes!("../../assets/desk/api.js"), true),
    (
        "session.js",
        include_bytes!("../../assets/desk/session.js"),
        true,
    ),
    (
        "router.js",
        include_bytes!("../../assets/desk/router.js"),
        true,
    ),
    ("ui.js", include_bytes!("../../assets/desk/ui.js"), true),
    (
        "signin.js",
        include_bytes!("../../assets/desk/signin.js"),
        true,
    ),
    (
        "articles.js",
        include_bytes!("../../assets/desk/articles.js"),
        true,
    ),
    (
        "editor.js",
        include_bytes!("../../assets/desk/editor.js"),
        true,
    ),
    (
        "sections.js",
        include_bytes!("../../assets/desk/sections.js"),
        true,
    ),
    (
        "preview.js",
        include_bytes!("../../assets/desk/preview.js"),
        true,
    ),
    (
        "conflict.js",
        include_bytes!("../../assets/desk/conflict.js"),
        true,
    ),
    ("diff.js", include_bytes!("../../assets/desk/diff.js"), true),
    (
        "workflow.js",
        include_bytes!("../../assets/desk/workflow.js"),
        true,
    ),
    (
        "history.js",
        include_bytes!("../../assets/desk/history.js"),
        true,
    ),
    (
        "replies.js",
        include_bytes!("../../assets/desk/replies.js"),
        true,
    ),
    (
        "users.js",
        include_bytes!("../../assets/desk/users.js"),
        true,
    ),
    ("tags.js", include_bytes!("../../assets/desk/tags.js"), true),
    (
        "account.js",
        include_bytes!("../../assets/desk/account.js"),
        true,
    ),
];

/// The desk's `Content-Security-Policy`: everything from this origin (images
/// also from the media address, when media are served elsewhere), no inline
/// script or style, no `eval`, never inside a frame.
fn content_security_policy(media_origin: Option<&str>) -> String {
    let images = media_origin.map_or(String::new(), |origin| format!(" {origin}"));
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{images}; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// `scheme://host[:port]` of the media address, for the policy's `img-src`;
/// `None` when it is not an absolute URL (the settings refuse those anyway).
fn media_origin(media_public_url: &str) -> Option<String> {
    url::Url::parse(media_public_url)
        .ok()
        .map(|url| url.origin())
        .filter(url::Origin::is_tuple)
        .map(|origin| origin.ascii_serialization())
}

/// One file of the desk (`Bytes`: every answer shares one copy).
#[derive(Debug, Clone)]
struct DeskFile {
    content_type: &'static str,
    bytes: web::Bytes,
}

/// The desk page and its files, built once at start-up.
#[derive(Debug, Clone)]
pub struct Desk {
    html: web::Bytes,
    policy: String,
    hash: String,
    files: HashMap<&'static str, DeskFile>,
}

/// Hex digits of the SHA-256 kept in a URL.
const HASH_DIGITS: usize = 16;

impl Desk {
    /// The desk from the binary's copies, or from `dir` when given (a missing
    /// file there stops the start, naming it). `media_public_url` is where
    /// media are served when not from this server (`--media-public-url`).
    pub fn new(dir: Option<&Path>, media_public_url: Option<&str>) -> std::io::Result<Self> {
        let mut digest = Sha256::new();
        let mut files = HashMap::new();
        for &(name, embedded, own) in FILES {
            let bytes = match dir.filter(|_| own) {
                Some(dir) => web::Bytes::from(std::fs::read(dir.join(name)).map_err(|error| {
                    std::io::Error::new(error.kind(), format!("desk file {name}: {error}"))
                })?),
                None => web::Bytes::from_static(embedded),
            };
            digest.update(name.as_bytes());
            digest.update((bytes.len() as u64).to_be_bytes());
            digest.update(&bytes);
            let content_type = if name.ends_with(".css") {
                "text/css; charset=utf-8"
            } else {
                "text/javascript; charset=utf-8"
            };
            files.insert(
                name,
                DeskFile {
                    content_type,
                    bytes,
                },
            );
        }
        let hash: String = digest
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let hash = hash[..HASH_DIGITS].to_owned();
        Ok(Self {
            html: web::Bytes::from(page(&hash)),
            policy: content_security_policy(media_public_url.and_then(media_origin).as_deref()),
            hash,
            files,
        })
    }
}

/// The one HTML page: the app draws everything else.
fn page(hash: &str) -> String {
    let base = format!("/desk/assets/{hash}");
    let preloads: String = FILES
        .iter()
        .filter(|(name, _, _)| name.ends_with(".js") && *name != "main.js")
        .map(|(name, _, _)| format!("  <link rel=\"modulepreload\" href=\"{base}/{name}\">\n"))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <title>Masthead desk</title>\n  <link rel=\"icon\" href=\"data:,\">\n  \
         <link rel=\"stylesheet\" href=\"{base}/desk.css\">\n{preloads}  \
         <script type=\"module\" src=\"{base}/main.js\"></script>\n</head>\n<body>\n  \
         <div id=\"desk\"><noscript>The desk needs JavaScript.</noscript>\
         <p class=\"loading\">Loading the desk…</p></div>\n</body>\n</html>\n"
    )
}

/// `GET /desk`: the app's page (always revalidated: it names this release's files).
async fn show(desk: web::Data<Desk>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, desk.policy.clone()))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(desk.html.clone())
}

/// `GET /desk/assets/{hash}/{name}`: one of the desk's files, cached for a year.
async fn file(
    desk: web::Data<Desk>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (hash, name) = path.into_inner();
    let file = desk
        .files
        .get(name.as_str())
        .filter(|_| hash == desk.hash)
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ETAG, format!("\"{}\"", desk.hash)))
        .body(file.bytes.clone()))
}

/// Mounts `/desk` and its files.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/desk").route(web::get().to(show)))
        .service(web::resource("/desk/assets/{hash}/{name}").route(web::get().to(file)));
}

#[cfg(test)]
mod tests {
    use super::{content_security_policy, media_origin, Desk, FILES};

    #[test]
    fn the_page_names_every_file_under_the_hash_of_them_all() {
        let desk = Desk::new(None, None).expect("the embedded desk");
        assert_eq!(desk.hash.len(), 16);
        for &(name, _, _) in FILES {
            assert!(desk.files.contains_key(name), "{name}");
            assert!(
                String::from_utf8_lossy(&desk.html)
                    .contains(&format!("\"/desk/assets/{}/{name}\"", desk.hash)),
                "the page loads {name}"
            );
        }
    }

    #[test]
    fn a_directory_missing_a_file_is_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("masthead-desk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let error = Desk::new(Some(&dir), None).expect_err("no files there");
        assert!(error.to_string().contains("desk.css"), "{error}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_policy_names_the_media_origin_only_for_images() {
        let policy = content_security_policy(Some("https://media.example"));
        assert!(policy.contains("img-src 'self' data: https://media.example;"));
        assert!(policy.contains("script-src 'self';"));
        assert!(!content_security_policy(None).contains("https:"));
    }

    #[test]
    fn the_media_origin_is_the_scheme_host_and_port_of_the_media_address() {
        assert_eq!(
            media_origin("https://cdn.example/news/media").as_deref(),
            Some("https://cdn.example")
        );
        assert_eq!(
            media_origin("http://media.example:8443").as_deref(),
            Some("http://media.example:8443")
        );
        assert_eq!(media_origin("not a url"), None);
    }
}
