//! Corrections over REST: editors append one to a public article
//! (`POST /admin/articles/{id}/corrections`) or retract one
//! (`POST /admin/articles/{id}/corrections/{correction_id}/retract`); readers
//! see them on the article (`corrections`) and newest first, site-wide, at
//! `GET /corrections` (cached like every public list).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use masthead_domain::policy::Action;
use masthead_domain::{Article, ArticleId, Correction, CorrectionId};
use masthead_persistence::{Cursor, PageRequest, Visibility};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::corrections;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::public_cache::{CachedBody, Uncached};
use crate::rest::body::{limit_for, read_json};
use crate::rest::caching::cached_answer;
use crate::rest::listing::{self, list_body, Fields};
use crate::rest::views::timestamp;
use crate::state::AppState;

/// Kinds of correction, as shown in `kind`.
#[derive(ToSchema)]
#[schema(as = CorrectionKind, rename_all = "snake_case")]
pub enum CorrectionKindName {
    Correction,
    Clarification,
    Update,
}

/// A correction as the public sees it (retracted ones stay, marked).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Correction)]
pub struct CorrectionView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "uuid")]
    pub article_id: String,
    #[schema(value_type = CorrectionKindName)]
    pub kind: &'static str,
    pub text: String,
    #[schema(format = DateTime)]
    pub published_at: String,
    /// True once retracted; the text stays for the record.
    pub retracted: bool,
    #[schema(required = true, format = DateTime)]
    pub retracted_at: Option<String>,
    #[schema(required = true)]
    pub retraction_reason: Option<String>,
}

impl From<&Correction> for CorrectionView {
    fn from(correction: &Correction) -> Self {
        Self {
            id: correction.id.to_string(),
            article_id: correction.article_id.to_string(),
            kind: correction.kind.as_str(),
            text: correction.text.clone(),
            published_at: timestamp(correction.published_at),
            retracted: !correction.stands(),
            retracted_at: correction.retracted_at.map(timestamp),
            retraction_reason: correction.retraction_reason.clone(),
        }
    }
}

/// The article a correction belongs to, in the site-wide list.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CorrectedArticle)]
pub struct CorrectedArticleView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub title: String,
    #[schema(format = "uri")]
    pub url: String,
}

/// A correction with its article: one item of `GET /corrections`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PlacedCorrection)]
pub struct PlacedCorrectionView {
    #[serde(flatten)]
    pub correction: CorrectionView,
    pub article: CorrectedArticleView,
}

/// Body of `POST /admin/articles/{id}/corrections`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CorrectionWrite)]
pub struct CorrectionBody {
    /// What readers are told (1–2,000 characters).
    pub text: String,
    /// `correction` (default), `clarification` or `update`.
    #[serde(default)]
    #[schema(value_type = Option<CorrectionKindName>)]
    pub kind: Option<String>,
}

/// Body of the retraction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RetractionWrite)]
pub struct RetractionBody {
    /// Why the correction was a mistake (1–500 characters); shown with it.
    pub reason: String,
}

fn parse_id<T: std::str::FromStr>(id: &str) -> Result<T, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// Appends a correction to a published article: public at once, audited.
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/corrections",
    operation_id = "add_correction",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id.")),
    request_body(content = CorrectionBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Added; the article's public reads show it at once.", body = CorrectionView),
        (status = 409, description = "The article is not public (`INVALID_TRANSITION`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/corrections")]
pub async fn add(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id: ArticleId = parse_id(&id)?;
    // Only callers who may correct make the server read a body.
    caller.authorize(Action::CorrectArticle)?;
    let body =
        read_json::<CorrectionBody>(&request, payload.into_inner(), limit_for(&request)).await?;
    let body = body.value;
    let correction = corrections::add(&state, caller, id, body.kind.as_deref(), &body.text).await?;
    Ok(HttpResponse::Created().json(CorrectionView::from(&correction)))
}

/// Retracts a correction with a reason; it stays public, marked retracted.
/// Retracting it again changes nothing (the first reason stays).
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/corrections/{correction_id}/retract",
    operation_id = "retract_correction",
    tag = "workflow",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The article's id."),
        ("correction_id" = String, Path, description = "The correction's id."),
    ),
    request_body(content = RetractionBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Retracted (or already retracted).", body = CorrectionView),
    )
)]
#[post("/admin/articles/{id}/corrections/{correction_id}/retract")]
pub async fn retract(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let (article, correction) = path.into_inner();
    let article: ArticleId = parse_id(&article)?;
    let correction: CorrectionId = parse_id(&correction)?;
    caller.authorize(Action::CorrectArticle)?;
    let body =
        read_json::<RetractionBody>(&request, payload.into_inner(), limit_for(&request)).await?;
    let retracted = corrections::retract(
        &state,
        caller,
        Some(article),
        correction,
        &body.value.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(CorrectionView::from(&retracted)))
}

/// Query of `GET /corrections`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CorrectionQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Corrections of public articles, newest first, for a corrections page.
#[utoipa::path(
    get,
    path = "/corrections",
    operation_id = "list_corrections",
    tag = "articles",
    params(CorrectionQuery),
    responses(
        (status = 200, description = "A page of corrections with their articles.",
            body = ref("#/components/schemas/CorrectionPage")),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    )
)]
#[get("/corrections")]
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<CorrectionQuery>,
) -> Result<HttpResponse, ApiError> {
    let generation = state.store.content_generation();
    let key = format!("rest:{}", request.uri());
    let read = state
        .public_cache
        .response(&key, generation, build_list(&state, &query))
        .await;
    cached_answer(&request, &state.settings, &read, "application/json")
}

async fn build_list(state: &AppState, query: &CorrectionQuery) -> Result<CachedBody, Uncached> {
    let limit = listing::page_size(query.limit)?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()
        .map_err(ApiError::from)?;
    let page = corrections::list_public(state, PageRequest::after(limit, cursor)).await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let ids: Vec<ArticleId> = page.items.iter().map(|(_, c)| c.article_id).collect();
    let now = masthead_persistence::now();
    let articles: Vec<Article> = state
        .store
        .articles()
        .by_ids(&ids, Visibility::Public { now }, false)
        .await
        .map_err(ApiError::from)?;
    let mut data = Vec::with_capacity(page.items.len());
    for (_, correction) in &page.items {
        let Some(article) = articles.iter().find(|a| a.id == correction.article_id) else {
            continue;
        };
        data.push(PlacedCorrectionView {
            correction: correction.into(),
            article: CorrectedArticleView {
                id: article.id.to_string(),
                slug: article.slug.to_string(),
                title: article.title.to_string(),
                url: state.article_url(article),
            },
        });
    }
    let modified = page
        .items
        .iter()
        .map(|(_, c)| c.retracted_at.unwrap_or(c.published_at).max(c.published_at))
        .max();
    let body = list_body(&data, next_cursor, &Fields::parse(None, &[])?)?;
    Ok(CachedBody::new(body, modified))
}
