//! `GET /search`: full-text search over the archive. Anonymous answers are
//! public reads, cached and validated like the other lists; with a bearer
//! token, staff search drafts too (and may filter by `status`), answered
//! `private, no-store`.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use masthead_domain::policy::Action;
use masthead_domain::{ArticleStatus, FieldError};
use masthead_persistence::{SearchFilter, SearchOrder};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::search::{self as app_search, Results, SearchParams};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::articles::{last_modified, summaries};
use crate::rest::caching::cached_answer;
use crate::rest::listing::{self, list_body, Fields};
use crate::rest::views::ArticleView;
use crate::state::AppState;

/// Query of `GET /search`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQueryParams {
    /// What to look for: words (all must match), `"exact phrases"`,
    /// `-excluded` words, `OR` between two words; the last word matches as a
    /// prefix unless followed by a space. 1–200 characters, at most 20 words
    /// (422 beyond); what cannot be understood is 400 with the reason.
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Only articles published at or after this instant (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Only articles published at or before this instant (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// `relevance` (default) or `newest`.
    #[param(pattern = "^(relevance|newest)$")]
    pub sort: Option<String>,
    /// Staff only (401 anonymously): only articles in this status.
    #[param(pattern = "^(draft|in_review|scheduled|published|archived)$")]
    pub status: Option<String>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Highlights of a result: escaped HTML, matched words in `<mark>`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SearchHighlights)]
pub struct HighlightsView {
    /// The title.
    pub title: String,
    /// About 30 words of the best-matching passage (`…` where cut).
    pub text: String,
}

/// One result: the article summary with its score and highlights.
#[derive(Debug, Serialize)]
pub struct SearchHitView {
    #[serde(flatten)]
    article: ArticleView,
    score: f64,
    highlights: HighlightsView,
}

/// Articles matching a query, best match (or newest) first.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search_articles",
    tag = "articles",
    security((), ("bearer" = [])),
    params(SearchQueryParams),
    responses(
        (status = 200, description = "A page of results (article summaries with `score` and `highlights`).",
            body = ref("#/components/schemas/SearchHitPage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match` (anonymous searches)."),
        (status = 400, description = "The query cannot be understood (the detail says why), or a bad query string.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "A bearer token was sent but is not valid, or `status` was sent without one.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
    )
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    request: HttpRequest,
    caller: Caller,
    query: web::Query<SearchQueryParams>,
) -> Result<HttpResponse, ApiError> {
    if query.status.is_some() {
        caller.authorize(Action::ReadDrafts)?;
    }
    if caller.is_staff() {
        // Staff answers are private (the edge says so) but still validated.
        let body = build(&state, caller, &query).await?;
        return Ok(HttpResponse::Ok()
            .content_type("application/json")
            .insert_header((header::ETAG, body.etag.to_string()))
            .body(body.json));
    }
    let generation = state.store.content_generation();
    let key = format!("rest:{}", request.uri());
    let read = state
        .public_cache
        .response(&key, generation, async {
            build(&state, caller, &query).await.map_err(Uncached::from)
        })
        .await;
    cached_answer(&request, &state.settings, &read, "application/json")
}

async fn build(
    state: &AppState,
    caller: Caller,
    query: &SearchQueryParams,
) -> Result<CachedBody, ApiError> {
    let params = SearchParams {
        q: query.q.clone(),
        filter: SearchFilter {
            tag: query.tag.clone(),
            author: query.author.clone(),
            status: query.status.as_deref().map(parse_status).transpose()?,
            from: query
                .from
                .as_deref()
                .map(|at| instant("from", at))
                .transpose()?,
            to: query
                .to
                .as_deref()
                .map(|at| instant("to", at))
                .transpose()?,
        },
        order: match query.sort.as_deref() {
            None | Some("relevance") => SearchOrder::Relevance,
            Some("newest") => SearchOrder::Newest,
            Some(_) => return Err(FieldError::new("sort", "must be relevance or newest").into()),
        },
        limit: listing::page_size(query.limit)?,
        cursor: query.cursor.clone(),
    };
    let Results {
        found,
        next_cursor,
        now,
        ..
    } = app_search::search(state, caller, params).await?;
    let articles: Vec<_> = found.iter().map(|hit| hit.article.clone()).collect();
    let views = summaries(state, &articles, now).await?;
    let data: Vec<SearchHitView> = views
        .into_iter()
        .zip(found)
        .map(|(article, hit)| SearchHitView {
            article,
            score: hit.score,
            highlights: HighlightsView {
                title: hit.highlights.title,
                text: hit.highlights.text,
            },
        })
        .collect();
    let modified = articles.iter().map(last_modified).max();
    let body = list_body(&data, next_cursor, &Fields::default())?;
    Ok(CachedBody::new(body, modified))
}

fn parse_status(status: &str) -> Result<ArticleStatus, ApiError> {
    status.parse::<ArticleStatus>().map_err(|_| {
        FieldError::new(
            "status",
            "must be draft, in_review, scheduled, published or archived",
        )
        .into()
    })
}

fn instant(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, "must be an RFC 3339 date-time").into())
}
