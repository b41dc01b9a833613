//! Public article reads.

use actix_web::{get, web, HttpResponse};
use masthead_domain::ArticleId;
use masthead_persistence::{ArticleFilter, ArticleOrder, Cursor, PageRequest, Visibility};
use serde::Deserialize;

use crate::error::ApiError;
use crate::rest::views::{ArticleView, ListView};
use crate::state::AppState;

/// Query of `GET /articles`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Page size, 1–100 (default 20).
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this tag's articles.
    pub tag: Option<String>,
    /// Only this author's articles.
    pub author: Option<String>,
}

/// Published articles, newest first.
#[get("/articles")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(masthead_domain::FieldError::new("limit", "must be between 1 and 100").into());
    }
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?;
    let now = masthead_persistence::now();
    let filter = ArticleFilter {
        status: None,
        tag: query.tag.clone(),
        author: query.author.clone(),
    };
    let page = state
        .store
        .articles()
        .list(
            Visibility::Public { now },
            &filter,
            ArticleOrder::PublishedAt,
            PageRequest::after(limit, cursor),
            false,
        )
        .await?;
    let ids: Vec<ArticleId> = page.items.iter().map(|(_, article)| article.id).collect();
    let counts = state.store.replies().approved_counts(&ids).await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let data = page
        .items
        .iter()
        .map(|(_, article)| {
            ArticleView::new(
                &state,
                article,
                counts.get(&article.id).copied().unwrap_or(0),
                false,
                now,
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(ListView { data, next_cursor }))
}

/// One published article with its whole body. A slug the article held
/// before its slug changed answers 301 with the current address.
#[get("/articles/{slug}")]
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = masthead_persistence::now();
    let article = state
        .store
        .articles()
        .by_slug(&slug, Visibility::Public { now })
        .await?
        .ok_or(ApiError::NotFound)?;
    if article.slug.as_str() != slug.as_str() {
        return Ok(HttpResponse::MovedPermanently()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/articles/{}", article.slug),
            ))
            .finish());
    }
    let counts = state.store.replies().approved_counts(&[article.id]).await?;
    let view = ArticleView::new(
        &state,
        &article,
        counts.get(&article.id).copied().unwrap_or(0),
        true,
        now,
    );
    Ok(HttpResponse::Ok().json(view))
}
