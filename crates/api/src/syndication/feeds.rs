//! The feed routes: `/feeds/{rss.xml|atom.xml|feed.json}`, the same under
//! `/feeds/tags/{slug}/` and `/feeds/authors/{slug}/`. The newest public
//! articles (`?limit=` 1–100, default 50), built once per content generation
//! in the public cache and served with a strong `ETag`, `Last-Modified`,
//! `Cache-Control: public` and `304` for a client that holds them already.

use actix_web::{route, web, HttpRequest, HttpResponse};
use masthead_domain::{Article, FieldError};
use masthead_persistence::{ArticleFilter, ArticleOrder, PageRequest, Visibility};
use serde::Deserialize;

use crate::error::ApiError;
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::caching::cached_answer;
use crate::state::AppState;
use crate::syndication::model::{Entry, Feed};
use crate::syndication::site::{author_url, tag_url};
use crate::syndication::{feed_json, feed_xml};

/// Articles in a feed when `limit` is not given.
pub const DEFAULT_LIMIT: u64 = 50;
/// Most articles one feed request may ask for.
pub const MAX_LIMIT: u64 = 100;

/// Query of every feed.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedQuery {
    /// Articles in the feed, 1–100 (default 50).
    pub limit: Option<u64>,
}

/// The three formats, named by the file part of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `rss.xml`
    Rss,
    /// `atom.xml`
    Atom,
    /// `feed.json`
    Json,
}

impl Format {
    /// The format of a file name; anything else is not a feed (404).
    pub fn of_file(file: &str) -> Result<Self, ApiError> {
        match file {
            "rss.xml" => Ok(Self::Rss),
            "atom.xml" => Ok(Self::Atom),
            "feed.json" => Ok(Self::Json),
            _ => Err(ApiError::NotFound),
        }
    }

    /// Its `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Rss => "application/rss+xml; charset=utf-8",
            Self::Atom => "application/atom+xml; charset=utf-8",
            Self::Json => "application/feed+json; charset=utf-8",
        }
    }
}

/// Whose articles a feed holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    Site,
    Tag(String),
    Author(String),
}

/// The site-wide feeds.
#[route("/feeds/{file}", method = "GET", method = "HEAD")]
pub async fn site_feed(
    state: web::Data<AppState>,
    request: HttpRequest,
    file: web::Path<String>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    serve(&state, &request, Scope::Site, &file, &query).await
}

/// The feeds of one tag; an unknown slug is 404.
#[route("/feeds/tags/{slug}/{file}", method = "GET", method = "HEAD")]
pub async fn tag_feed(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    serve(&state, &request, Scope::Tag(slug), &file, &query).await
}

/// The feeds of one author; an unknown slug is 404.
#[route("/feeds/authors/{slug}/{file}", method = "GET", method = "HEAD")]
pub async fn author_feed(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let (slug, file) = path.into_inner();
    serve(&state, &request, Scope::Author(slug), &file, &query).await
}

async fn serve(
    state: &AppState,
    request: &HttpRequest,
    scope: Scope,
    file: &str,
    query: &FeedQuery,
) -> Result<HttpResponse, ApiError> {
    let format = Format::of_file(file)?;
    let limit = feed_size(query.limit)?;
    // The generation is taken before anything is read: see `public_cache`.
    let generation = state.store.content_generation();
    let key = format!("feed:{scope:?}:{format:?}:{limit}");
    let read = state
        .public_cache
        .response(&key, generation, build(state, &scope, format, limit))
        .await;
    cached_answer(request, &state.settings, &read, format.content_type())
}

/// The `limit` of a feed: 1–100, 50 when absent.
pub fn feed_size(limit: Option<u64>) -> Result<u64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit)
    } else {
        Err(FieldError::new("limit", format!("must be between 1 and {MAX_LIMIT}")).into())
    }
}

/// Reads the newest public articles of `scope` and writes them as `format`.
async fn build(
    state: &AppState,
    scope: &Scope,
    format: Format,
    limit: u64,
) -> Result<CachedBody, Uncached> {
    let now = masthead_persistence::now();
    let settings = &state.settings;
    let directory = state.store.directory();
    let (filter, named) = match scope {
        Scope::Site => (ArticleFilter::default(), None),
        Scope::Tag(slug) => {
            let tag = directory
                .tag(now, slug)
                .await
                .map_err(ApiError::from)?
                .ok_or(Uncached::NotFound)?;
            let filter = ArticleFilter {
                tag: Some(slug.clone()),
                ..ArticleFilter::default()
            };
            (filter, Some((tag.item.name, tag_url(settings, slug))))
        }
        Scope::Author(slug) => {
            let author = directory
                .author(now, slug)
                .await
                .map_err(ApiError::from)?
                .ok_or(Uncached::NotFound)?;
            let filter = ArticleFilter {
                author: Some(slug.clone()),
                ..ArticleFilter::default()
            };
            (
                filter,
                Some((author.item.display_name, author_url(settings, slug))),
            )
        }
    };
    let page = state
        .store
        .articles()
        .list(
            Visibility::Public { now },
            &filter,
            ArticleOrder::PublishedAt,
            PageRequest::first(limit),
            true,
        )
        .await
        .map_err(ApiError::from)?;
    let articles: Vec<Article> = page.items.into_iter().map(|(_, article)| article).collect();
    let ids: Vec<_> = articles.iter().map(|article| article.id).collect();
    let corrections = state
        .store
        .corrections()
        .of_articles(&ids)
        .await
        .map_err(ApiError::from)?;
    let entries = articles
        .iter()
        .map(|article| {
            let notes = corrections.get(&article.id).map_or(&[][..], Vec::as_slice);
            Entry::new(settings, article, state.article_url(article), notes)
        })
        .collect();
    let feed = Feed::new(
        settings,
        named
            .as_ref()
            .map(|(name, page)| (name.as_str(), page.clone())),
        entries,
    );
    let body = match format {
        Format::Rss => feed_xml::rss(&feed),
        Format::Atom => feed_xml::atom(&feed),
        Format::Json => serde_json::to_vec(&feed_json::json_feed(&feed)).map_err(Into::into),
    }
    .map_err(|error| ApiError::Internal(format!("write feed: {error}")))?;
    let modified = (!feed.entries.is_empty()).then_some(feed.updated);
    Ok(CachedBody::new(body, modified))
}
