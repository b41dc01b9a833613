//! Searching the archive: one function both APIs call. The caller decides
//! what may be found (the public: articles whose time has come; staff:
//! drafts too, and the `status` filter), the query is parsed here (never
//! passed on as typed), and each result comes with escaped highlights.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masthead_domain::policy::Action;
use masthead_domain::search::{highlight, Highlights, SearchQuery};
use masthead_domain::{Article, ArticleId, FieldError};
use masthead_persistence::{SearchCursor, SearchFilter, SearchOrder, SearchRequest, Visibility};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Largest page of results.
pub const MAX_RESULTS: u64 = 100;

/// A search as a client asks for it, before any check.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    /// What the reader typed.
    pub q: String,
    /// Tag, author, status and time bounds.
    pub filter: SearchFilter,
    /// Best match or newest first.
    pub order: SearchOrder,
    /// Page size, 1–100.
    pub limit: u64,
    /// Where the previous page ended (`next_cursor`).
    pub cursor: Option<String>,
}

/// One result: the article (with its body, for rendering as the API likes),
/// how well it matched and its highlights.
#[derive(Debug, Clone)]
pub struct Found {
    /// The article.
    pub article: Article,
    /// Relevance score (higher is better, comparable within one search).
    pub score: f64,
    /// Title and snippet as escaped HTML with `<mark>`.
    pub highlights: Highlights,
}

/// A page of results.
#[derive(Debug, Clone)]
pub struct Results {
    /// In order.
    pub found: Vec<Found>,
    /// Cursors of each result, for Relay edges.
    pub cursors: Vec<String>,
    /// Where the next page starts, if there is one.
    pub next_cursor: Option<String>,
    /// The instant visibility was decided at.
    pub now: DateTime<Utc>,
}

/// Who may see what: anonymous callers the public; staff everything their
/// role may read. A `status` filter needs a staff role (401/403 otherwise).
pub fn visibility(
    caller: Caller,
    filter: &SearchFilter,
    now: DateTime<Utc>,
) -> Result<Visibility, ApiError> {
    if filter.status.is_some() {
        caller.authorize(Action::ReadDrafts)?;
    }
    Ok(match caller.0 {
        Some(_) if caller.authorize(Action::ReadDrafts).is_ok() => Visibility::Staff,
        _ => Visibility::Public { now },
    })
}

/// Runs a search for `caller`.
pub async fn search(
    state: &AppState,
    caller: Caller,
    params: SearchParams,
) -> Result<Results, ApiError> {
    let now = masthead_persistence::now();
    let visibility = visibility(caller, &params.filter, now)?;
    if !(1..=MAX_RESULTS).contains(&params.limit) {
        return Err(
            FieldError::new("limit", format!("must be between 1 and {MAX_RESULTS}")).into(),
        );
    }
    if let (Some(from), Some(to)) = (params.filter.from, params.filter.to) {
        if from > to {
            return Err(FieldError::new("from", "must not be after `to`").into());
        }
    }
    let query = SearchQuery::parse(&params.q)?;
    let after = params
        .cursor
        .as_deref()
        .map(|cursor| SearchCursor::decode("cursor", cursor))
        .transpose()?;
    let page = state
        .store
        .search(SearchRequest {
            query: &query,
            visibility,
            filter: &params.filter,
            order: params.order,
            size: params.limit,
            after,
        })
        .await?;
    let ids: Vec<ArticleId> = page.hits.iter().map(|hit| hit.article_id).collect();
    let mut articles: HashMap<ArticleId, Article> = state
        .store
        .articles()
        .by_ids(&ids, visibility, true)
        .await?
        .into_iter()
        .map(|article| (article.id, article))
        .collect();
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let mut found = Vec::with_capacity(page.hits.len());
    let mut cursors = Vec::with_capacity(page.hits.len());
    for hit in page.hits {
        // An article deleted between the two reads is simply not shown.
        if let Some(article) = articles.remove(&hit.article_id) {
            let highlights = highlight(&article.search_text(), &query);
            cursors.push(hit.cursor.encode());
            found.push(Found {
                article,
                score: hit.score,
                highlights,
            });
        }
    }
    Ok(Results {
        found,
        cursors,
        next_cursor,
        now,
    })
}
