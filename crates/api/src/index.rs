//! `GET /`: where everything is, for a newcomer who opens the server's
//! address in a browser or with `curl`. JSON by default, HTML when the
//! `Accept` header prefers it. Only paths of this server, nothing secret.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use quick_xml::escape::escape;
use serde::Serialize;

use crate::rest::caching::public_json;
use crate::state::AppState;

/// One entry of the index.
#[derive(Debug, Serialize)]
pub struct Link {
    /// What it is, in a few words.
    pub title: &'static str,
    /// Its path on this server.
    pub href: &'static str,
}

/// The index document.
#[derive(Debug, Serialize)]
pub struct Index {
    /// The publication's name (`--site-name`).
    pub name: String,
    /// What this server is.
    pub about: &'static str,
    /// Where each surface is.
    pub links: Vec<Link>,
}

impl Index {
    /// The index for `state`'s settings.
    pub fn new(state: &AppState) -> Self {
        let mut links = vec![
            Link {
                title: "The desk: where the newsroom writes, edits, publishes and moderates",
                href: "/desk",
            },
            Link {
                title: "GraphQL endpoint (POST; GET for queries; WebSocket subscriptions)",
                href: "/graphql",
            },
            Link {
                title: "GraphiQL, an in-browser GraphQL IDE",
                href: "/graphiql",
            },
            Link {
                title: "REST API base path (each route is in the OpenAPI document)",
                href: "/api/v1",
            },
            Link {
                title: "OpenAPI 3.1 document of the REST API",
                href: "/api/v1/openapi.json",
            },
            Link {
                title: "REST API reference",
                href: "/api/docs",
            },
            Link {
                title: "RSS 2.0 feed",
                href: "/feeds/rss.xml",
            },
            Link {
                title: "Atom 1.0 feed",
                href: "/feeds/atom.xml",
            },
            Link {
                title: "JSON Feed 1.1",
                href: "/feeds/feed.json",
            },
            Link {
                title: "Sitemap index",
                href: "/sitemap.xml",
            },
            Link {
                title: "Liveness",
                href: "/healthz",
            },
            Link {
                title: "Readiness",
                href: "/readyz",
            },
        ];
        // The IDE is listed only when it is served (`--graphiql false` turns it off).
        links.retain(|link| state.settings.graphiql || link.href != "/graphiql");
        Self {
            name: state.settings.site.site_name.clone(),
            about: "Masthead, a headless CMS for news publishers",
            links,
        }
    }

    /// The index as a small HTML page (every text escaped).
    pub fn html(&self) -> String {
        let items: String = self
            .links
            .iter()
            .map(|link| {
                format!(
                    "<li><a href=\"{href}\"><code>{href}</code></a> {title}</li>\n",
                    href = escape(link.href),
                    title = escape(link.title)
                )
            })
            .collect();
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{name}</title></head>\n<body>\n<h1>{name}</h1>\n<p>{about}</p>\n<ul>\n{items}</ul>\n</body>\n</html>\n",
            name = escape(&self.name),
            about = escape(self.about),
        )
    }
}

/// Whether `Accept` ranks `text/html` above `application/json` (a browser's
/// navigation does; `curl` and API clients do not).
pub fn prefers_html(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let quality = |wanted: &[&str]| {
        accept
            .split(',')
            .filter_map(|range| {
                let mut parts = range.split(';');
                let media = parts.next()?.trim().to_ascii_lowercase();
                let q = parts
                    .filter_map(|param| param.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                wanted.contains(&media.as_str()).then_some(q)
            })
            .fold(0.0f32, f32::max)
    };
    let html = quality(&["text/html", "application/xhtml+xml"]);
    html > 0.0 && html > quality(&["application/json"])
}

/// `GET /`: the index.
#[get("/")]
pub async fn index(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let index = Index::new(&state);
    let accept = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok());
    let mut response = if prefers_html(accept) {
        HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(index.html())
    } else {
        match serde_json::to_vec(&index) {
            Ok(body) => public_json(&request, &state.settings, body, None),
            Err(_) => HttpResponse::InternalServerError().finish(),
        }
    };
    response.headers_mut().insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_get_html_and_everyone_else_json() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert!(prefers_html(Some(browser)));
        assert!(!prefers_html(None), "curl sends */* or nothing");
        assert!(!prefers_html(Some("*/*")));
        assert!(!prefers_html(Some("application/json")));
        assert!(!prefers_html(Some("text/html;q=0.5, application/json")));
        assert!(!prefers_html(Some("text/html;q=0")));
    }
}
