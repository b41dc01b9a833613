//! Public article reads: cacheable (strong `ETag`, 304, `Cache-Control: public`).

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use masthead_domain::{Article, ArticleId};
use masthead_persistence::{ArticleFilter, ArticleOrder, Cursor, PageRequest, Visibility};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;
use crate::public_cache::{CachedBody, Read, Uncached};
use crate::rest::caching::cached_answer;
use crate::rest::listing::{self, list_body, Fields};
use crate::rest::views::ArticleView;
use crate::state::AppState;

/// Query of `GET /articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Comma-separated top-level fields to return for each item (e.g. `id,slug,title`).
    pub fields: Option<String>,
}

/// The fields `fields=` may name on article lists: the `ArticleSummary` properties.
pub fn summary_fields() -> &'static [String] {
    static FIELDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        listing::property_names::<ArticleView>()
            .into_iter()
            .filter(|field| {
                !matches!(
                    field.as_str(),
                    "sections" | "structured_data" | "corrections"
                )
            })
            .collect()
    })
}

/// When the article (as the public sees it) last changed.
pub fn last_modified(article: &Article) -> DateTime<Utc> {
    article
        .lifecycle
        .published_at
        .map_or(article.updated_at, |published| {
            published.max(article.updated_at)
        })
}

/// Renders a page of articles (without bodies) with their approved reply counts.
pub async fn summaries(
    state: &AppState,
    articles: &[Article],
    now: DateTime<Utc>,
) -> Result<Vec<ArticleView>, ApiError> {
    let ids: Vec<ArticleId> = articles.iter().map(|article| article.id).collect();
    let counts = state.store.replies().approved_counts(&ids).await?;
    Ok(counted_summaries(state, articles, &counts, now))
}

/// [`summaries`] when the approved replies are counted already.
fn counted_summaries(
    state: &AppState,
    articles: &[Article],
    counts: &HashMap<ArticleId, u64>,
    now: DateTime<Utc>,
) -> Vec<ArticleView> {
    articles
        .iter()
        .map(|article| {
            let count = counts.get(&article.id).copied().unwrap_or(0);
            ArticleView::new(state, article, count, false, now)
        })
        .collect()
}

/// Published articles, newest first.
#[utoipa::path(
    get,
    path = "/articles",
    operation_id = "list_articles",
    tag = "articles",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of published articles (without bodies).",
            body = ref("#/components/schemas/ArticlePage")),
        (status = 304, description = "The page is unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/articles")]
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    // The generation is taken before anything is read: see `public_cache`.
    let generation = state.store.content_generation();
    let key = format!("rest:{}", request.uri());
    let read = state
        .public_cache
        .response(&key, generation, build_list(&state, &query))
        .await;
    answer(&request, &state, read)
}

/// Reads and renders a page of the public list.
async fn build_list(state: &AppState, query: &ListQuery) -> Result<CachedBody, Uncached> {
    let limit = listing::page_size(query.limit)?;
    let fields = Fields::parse(query.fields.as_deref(), summary_fields())?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()
        .map_err(ApiError::from)?;
    let now = masthead_persistence::now();
    let filter = ArticleFilter {
        status: None,
        tag: query.tag.clone(),
        author: query.author.clone(),
        title: None,
    };
    let (page, reply_counts) = state
        .store
        .articles()
        .list_with_reply_counts(
            Visibility::Public { now },
            &filter,
            ArticleOrder::PublishedAt,
            PageRequest::after(limit, cursor),
        )
        .await
        .map_err(ApiError::from)?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let articles: Vec<Article> = page.items.into_iter().map(|(_, article)| article).collect();
    let data = counted_summaries(state, &articles, &reply_counts, now);
    let modified = articles.iter().map(last_modified).max();
    let body = list_body(&data, next_cursor, &fields)?;
    Ok(CachedBody::new(body, modified))
}

/// One published article with its whole body. A slug the article held
/// before its slug changed answers 301 with the current address.
#[utoipa::path(
    get,
    path = "/articles/{slug}",
    operation_id = "get_article",
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug (a former slug redirects).")),
    responses(
        (status = 200, description = "The article with its sections.", body = ArticleView),
        (status = 301, description = "A former slug: `Location` names the current address.",
            headers(("Location" = String))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/articles/{slug}")]
pub async fn show(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let generation = state.store.content_generation();
    let read = state
        .public_cache
        .article(&slug, generation, build_article(&state, &slug))
        .await;
    answer(&request, &state, read)
}

/// Reads and renders one public article; a former slug is `Moved`.
async fn build_article(state: &AppState, slug: &str) -> Result<CachedBody, Uncached> {
    let now = masthead_persistence::now();
    let article = public_article(state, slug, now).await?;
    if article.slug.as_str() != slug {
        return Err(Uncached::Moved(article.slug.to_string()));
    }
    // Independent of each other: asked at once (one round, not two).
    let (replies, corrections, ids) = (
        state.store.replies(),
        state.store.corrections(),
        [article.id],
    );
    let (counts, mut corrections) =
        tokio::try_join!(replies.approved_counts(&ids), corrections.of_articles(&ids))
            .map_err(ApiError::from)?;
    let corrections = corrections.remove(&article.id).unwrap_or_default();
    let view = ArticleView::new(
        state,
        &article,
        counts.get(&article.id).copied().unwrap_or(0),
        true,
        now,
    )
    .with_corrections(state, &article, &corrections, now);
    let body = serde_json::to_vec(&view)
        .map_err(|error| ApiError::Internal(format!("serialize: {error}")))?;
    let modified = crate::syndication::model::modified_at(&article, &corrections);
    Ok(CachedBody::new(body, Some(modified)).about(article.id))
}

/// The HTTP answer to a public read: the body (or 304), a redirect for a
/// former slug, or the error.
fn answer(request: &HttpRequest, state: &AppState, read: Read) -> Result<HttpResponse, ApiError> {
    cached_answer(request, &state.settings, &read, "application/json")
}

/// The public article with this slug (current or retired), or 404.
async fn public_article(
    state: &AppState,
    slug: &str,
    now: DateTime<Utc>,
) -> Result<Article, Uncached> {
    state
        .store
        .articles()
        .by_slug(slug, Visibility::Public { now })
        .await
        .map_err(ApiError::from)?
        .ok_or(Uncached::NotFound)
}
