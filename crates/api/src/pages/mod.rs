//! The two browser pages, `/graphiql` (the GraphQL IDE) and `/api/docs` (the
//! REST reference), served with everything they load from this binary: no
//! CDN, so they work on networks without internet access, and a
//! `Content-Security-Policy` that lets them load only from this origin.
//!
//! The policy needs no `'unsafe-inline'` script and no `'unsafe-eval'`: the
//! pages start their viewers from files of their own (`graphiql-start.js`,
//! `api-docs-start.js`) and the vendored bundles never evaluate strings.
//! `img-src` and `font-src` also allow `data:` URLs, because both bundles'
//! stylesheets embed their icons and fonts that way.

pub mod assets;
pub mod desk;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use assets::Assets;

/// The pages' `Content-Security-Policy`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// `Cache-Control` of an asset: its URL names its content, so it never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The pages and their assets, built once at start-up.
#[derive(Debug, Clone)]
pub struct Pages {
    assets: Assets,
    graphiql: Option<String>,
    api_docs: String,
}

impl Pages {
    /// The pages; the IDE and its assets only when `graphiql` is on.
    pub fn new(graphiql: bool) -> Self {
        let assets = Assets::embedded(graphiql);
        let graphiql = graphiql.then(|| {
            page(
                "Masthead GraphiQL",
                &assets,
                &["graphiql.min.css", "pages.css"],
                r#"<div id="graphiql"><p class="loading">Loading GraphiQL…</p></div>"#,
                &[
                    "react.production.min.js",
                    "react-dom.production.min.js",
                    "graphiql.min.js",
                    "graphiql-start.js",
                ],
            )
        });
        let api_docs = page(
            "Masthead REST API",
            &assets,
            &["swagger-ui.css", "pages.css"],
            r#"<noscript>The reference needs JavaScript; the document itself is at
    <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
  <div id="reference"><p class="loading">Loading the API reference…</p></div>"#,
            &["swagger-ui-bundle.js", "api-docs-start.js"],
        );
        Self {
            assets,
            graphiql,
            api_docs,
        }
    }

    /// `GET /graphiql`; `404` when the IDE is switched off.
    pub fn graphiql(&self) -> Result<HttpResponse, ApiError> {
        self.graphiql
            .as_ref()
            .map(|html| html_page(html))
            .ok_or(ApiError::NotFound)
    }

    /// `GET /api/docs`.
    pub fn api_docs(&self) -> HttpResponse {
        html_page(&self.api_docs)
    }
}

/// An HTML page whose styles and scripts are the named assets.
fn page(title: &str, assets: &Assets, styles: &[&str], body: &str, scripts: &[&str]) -> String {
    let styles: String = styles
        .iter()
        .map(|name| {
            format!(
                "  <link rel=\"stylesheet\" href=\"{}\">\n",
                assets.url(name)
            )
        })
        .collect();
    let scripts: String = scripts
        .iter()
        .map(|name| format!("  <script src=\"{}\"></script>\n", assets.url(name)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n  \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n  \
         <title>{title}</title>\n{styles}</head>\n<body>\n  {body}\n{scripts}</body>\n</html>\n"
    )
}

fn html_page(html: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html.to_owned())
}

/// `GET /assets/{hash}/{name}`: an embedded file, cached for a year.
async fn asset(pages: web::Data<Pages>, request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let asset = pages.assets.at(request.path()).ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, IMMUTABLE))
        .insert_header((header::ETAG, format!("\"{}\"", asset.hash)))
        .body(asset.bytes))
}

/// Mounts `/assets/{hash}/{name}` and the desk (the other pages are mounted
/// by the REST and GraphQL routes).
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(web::resource("/assets/{hash}/{name}").route(web::get().to(asset)))
        .configure(desk::routes);
}
