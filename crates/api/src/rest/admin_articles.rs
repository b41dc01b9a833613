//! Editors' article desk: `GET/POST /admin/articles`, `GET/PUT/DELETE
//! /admin/articles/{id}`, drafts included. Bearer token required; the domain
//! policy decides per role. Responses are `private, no-store` and carry
//! `ETag: "<version>"`; `PUT` requires `If-Match` with it (428 without, 412
//! when stale, nothing changed); `DELETE` honours it when sent. `POST`
//! honours `Idempotency-Key`.

use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use masthead_domain::policy::Action;
use masthead_domain::{Article, ArticleId, ArticleStatus};
use masthead_persistence::{ArticleFilter, ArticleOrder, Cursor, PageRequest, Visibility};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::articles;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::article_document::ArticleDocument;
use crate::rest::articles::{summaries, summary_fields};
use crate::rest::body::{limit_for, read_json};
use crate::rest::caching::{location, private, version_etag, Precondition};
use crate::rest::idempotency::{self, KeyScope};
use crate::rest::listing::{self, list_body, Fields};
use crate::rest::views::ArticleView;
use crate::state::AppState;

/// Query of `GET /admin/articles`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdminListQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only articles in this stored status.
    #[param(value_type = Option<crate::rest::views::ArticleStatusName>)]
    pub status: Option<String>,
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Only articles whose title contains this text (case-insensitive), at
    /// most 300 characters.
    #[param(max_length = 300)]
    pub q: Option<String>,
    /// Comma-separated top-level fields to return for each item.
    pub fields: Option<String>,
}

/// Every article, drafts included, most recently changed first.
#[utoipa::path(
    get,
    path = "/admin/articles",
    operation_id = "list_admin_articles",
    tag = "admin",
    params(AdminListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of articles (without bodies).", body = ref("#/components/schemas/ArticlePage")),
    )
)]
#[get("/admin/articles")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AdminListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    let limit = listing::page_size(query.limit)?;
    let fields = Fields::parse(query.fields.as_deref(), summary_fields())?;
    let status = query
        .status
        .as_deref()
        .map(|status| {
            status.parse::<ArticleStatus>().map_err(|_| {
                masthead_domain::FieldError::new(
                    "status",
                    "must be draft, in_review, scheduled, published or archived",
                )
            })
        })
        .transpose()?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?;
    let filter = ArticleFilter {
        status,
        tag: query.tag.clone(),
        author: query.author.clone(),
        title: query.q.clone(),
    };
    let page = state
        .store
        .articles()
        .list(
            Visibility::Staff,
            &filter,
            ArticleOrder::UpdatedAt,
            PageRequest::after(limit, cursor),
            false,
        )
        .await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    let articles: Vec<Article> = page.items.into_iter().map(|(_, article)| article).collect();
    let data = summaries(&state, &articles, masthead_persistence::now()).await?;
    Ok(private(HttpResponse::Ok())
        .content_type(header::ContentType::json())
        .body(list_body(&data, next_cursor, &fields)?))
}

/// Starts a new article as a draft. The body is the `Article` document (read-only
/// fields ignored); an empty byline is the caller.
#[utoipa::path(
    post,
    path = "/admin/articles",
    operation_id = "create_article",
    tag = "admin",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Makes retries safe: the same key and body return the first answer; another body is 422; while the first runs, 409.")),
    request_body(content = ArticleDocument, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; `Location` names it and `ETag` is its version.", body = ArticleView,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, description = "The slug is taken, or a request with this `Idempotency-Key` is still running.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.authorize(Action::CreateArticle)?;
    let document =
        read_json::<ArticleDocument>(&request, payload.into_inner(), limit_for(&request)).await?;
    let raw = document.raw.clone();
    let operation = {
        let state = state.clone();
        async move {
            let article = articles::create(&state, caller, |actor, known| {
                document.value.validate(Some(actor.id), known)
            })
            .await?;
            let view = full_view(&state, &article).await?;
            Ok(private(HttpResponse::Created())
                .insert_header(header::ETag(version_etag(article.version)))
                .insert_header((
                    header::LOCATION,
                    location(&format!("/admin/articles/{}", article.id))?,
                ))
                .json(view))
        }
    };
    idempotency::run(&state, &request, KeyScope::User(actor.id), &raw, operation).await
}

/// One article, drafts included, with its body.
#[utoipa::path(
    get,
    path = "/admin/articles/{id}",
    operation_id = "get_admin_article",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id.")),
    responses(
        (status = 200, description = "The article; `ETag` is its version, to send back in `If-Match`.", body = ArticleView,
            headers(("ETag" = String))),
    )
)]
#[get("/admin/articles/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = articles::get(&state, caller, article_id(&id)?).await?;
    let view = full_view(&state, &article).await?;
    Ok(private(HttpResponse::Ok())
        .insert_header(header::ETag(version_etag(article.version)))
        .json(view))
}

/// Replaces an article's content. Send the document GET returned, changed, with
/// `If-Match: "<version>"`. Status and publication times are not changed here.
#[utoipa::path(
    put,
    path = "/admin/articles/{id}",
    operation_id = "update_article",
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The article's id."),
        ("If-Match" = String, Header, description = "The `ETag` of the version edited, e.g. `\"3\"`."),
    ),
    request_body(content = ArticleDocument, content_type = "application/json"),
    responses(
        (status = 200, description = "Saved; `ETag` is the new version.", body = ArticleView, headers(("ETag" = String))),
        (status = 409, description = "The slug is taken.", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version; nothing was saved. `current_version` says which is current.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/articles/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    let based_on = Precondition::of_write(&request, true)?;
    let document =
        read_json::<ArticleDocument>(&request, payload.into_inner(), limit_for(&request)).await?;
    let saved = articles::update(&state, caller, article_id(&id)?, based_on, |_, known| {
        document.value.validate(None, known)
    })
    .await?;
    let view = full_view(&state, &saved).await?;
    Ok(private(HttpResponse::Ok())
        .insert_header(header::ETag(version_etag(saved.version)))
        .json(view))
}

/// Deletes an article with its replies, for good. `If-Match` is honoured when sent.
#[utoipa::path(
    delete,
    path = "/admin/articles/{id}",
    operation_id = "delete_article",
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The article's id."),
        ("If-Match" = Option<String>, Header, description = "Delete only if this is still the current version."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 409, description = "Without `If-Match`: the article changed while it was being deleted (`VERSION_CONFLICT`, with `current_version`); nothing was deleted.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version; nothing was deleted.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/articles/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    let based_on = Precondition::of_write(&request, false)?;
    articles::delete(&state, caller, article_id(&id)?, based_on).await?;
    Ok(private(HttpResponse::NoContent()).finish())
}

/// The article id of a path; a malformed one names nothing.
pub fn article_id(id: &str) -> Result<ArticleId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

async fn full_view(state: &AppState, article: &Article) -> Result<ArticleView, ApiError> {
    let counts = state.store.replies().approved_counts(&[article.id]).await?;
    let count = counts.get(&article.id).copied().unwrap_or(0);
    Ok(ArticleView::new(
        state,
        article,
        count,
        true,
        masthead_persistence::now(),
    ))
}
