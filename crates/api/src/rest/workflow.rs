//! The editorial workflow over REST, under `/api/v1/admin`:
//!
//! - `POST /admin/articles/{id}/submit | publish | unpublish | archive`;
//!   `publish` takes an optional JSON body `{"at": "<RFC 3339>"}` to schedule;
//! - `GET /admin/articles/{id}/revisions?limit=&cursor=` (oldest first),
//!   `GET …/revisions/{n}`, `POST …/revisions/{n}/restore`,
//!   `GET …/revisions/{a}/diff/{b}`;
//! - `GET /admin/audit?limit=&cursor=&article_id=` (admins).
//!
//! Writes take an optional `If-Match` with the article's ETag, which is its
//! version as a quoted decimal (`"7"`; `*` means any); a stale one is a 412
//! `PRECONDITION_FAILED` whose body names `current_version` (without
//! `If-Match`, a write that lands in between is a 409 `VERSION_CONFLICT`).
//! Answers to writes carry the new `ETag`.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use masthead_domain::{Article, ArticleId, FieldError};
use masthead_persistence::audit::{AuditFilter, SubjectKind};
use masthead_persistence::{Cursor, PageRequest};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::app::workflow::{self, Transition};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::admin_articles::article_id;
use crate::rest::caching::{version_etag, Precondition, PRIVATE};
use crate::rest::listing;
use crate::rest::views::{ArticleView, ListView};
use crate::rest::workflow_views::{AuditEntryView, DiffView, RevisionInfoView, RevisionView};
use crate::state::AppState;

/// Largest body `publish` reads.
const PUBLISH_BODY_MAX: usize = 4_096;

/// Mounts the workflow routes (inside the `/api/v1` scope).
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .service(submit)
        .service(publish)
        .service(unpublish)
        .service(archive)
        .service(revisions)
        .service(revision)
        .service(restore)
        .service(diff)
        .service(audit);
}

/// Hands an article to the editors (authors: their own).
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/submit",
    operation_id = "submit_article",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = Option<String>, Header, description = "Act only if this is still the current version: the article's `ETag` (e.g. `\"3\"`), or `*`.")),
    responses(
        (status = 200, description = "The article as it is now; `ETag` is its new version.", body = ArticleView,
            headers(("ETag" = String))),
        (status = 409, description = "Not possible from the article's current status (`INVALID_TRANSITION`), or the article changed while acting on it (`VERSION_CONFLICT`, with `current_version`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an old version (`PRECONDITION_FAILED`, with `current_version`); nothing changed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    act(&state, caller, &id, Transition::Submit, &request).await
}

/// Publishes now, or schedules with `{"at": "…"}` (editors and admins).
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/publish",
    operation_id = "publish_article",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = Option<String>, Header, description = "Act only if this is still the current version: the article's `ETag` (e.g. `\"3\"`), or `*`.")),
    request_body(content = Option<PublishBody>, content_type = "application/json",
        description = "Optional: no body publishes now; `at` schedules (a past time means now). At most 4 KB."),
    responses(
        (status = 200, description = "The article as it is now; `ETag` is its new version.", body = ArticleView,
            headers(("ETag" = String))),
        (status = 409, description = "Not possible from the article's current status (`INVALID_TRANSITION`), or the article changed while acting on it (`VERSION_CONFLICT`, with `current_version`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an old version (`PRECONDITION_FAILED`, with `current_version`); nothing changed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/publish")]
pub async fn publish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = payload
        .to_bytes_limited(PUBLISH_BODY_MAX)
        .await
        .map_err(|_| ApiError::PayloadTooLarge {
            limit: PUBLISH_BODY_MAX,
        })?
        .map_err(|error| ApiError::BadRequest(format!("the body could not be read ({error})")))?;
    let at = publish_at(&body)?;
    act(&state, caller, &id, Transition::Publish { at }, &request).await
}

/// Takes an article back to draft (editors and admins).
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/unpublish",
    operation_id = "unpublish_article",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = Option<String>, Header, description = "Act only if this is still the current version: the article's `ETag` (e.g. `\"3\"`), or `*`.")),
    responses(
        (status = 200, description = "The article as it is now; `ETag` is its new version.", body = ArticleView,
            headers(("ETag" = String))),
        (status = 409, description = "Not possible from the article's current status (`INVALID_TRANSITION`), or the article changed while acting on it (`VERSION_CONFLICT`, with `current_version`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an old version (`PRECONDITION_FAILED`, with `current_version`); nothing changed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/unpublish")]
pub async fn unpublish(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    act(&state, caller, &id, Transition::Unpublish, &request).await
}

/// Archives an article (editors and admins).
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/archive",
    operation_id = "archive_article",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = Option<String>, Header, description = "Act only if this is still the current version: the article's `ETag` (e.g. `\"3\"`), or `*`.")),
    responses(
        (status = 200, description = "The article as it is now; `ETag` is its new version.", body = ArticleView,
            headers(("ETag" = String))),
        (status = 409, description = "Not possible from the article's current status (`INVALID_TRANSITION`), or the article changed while acting on it (`VERSION_CONFLICT`, with `current_version`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an old version (`PRECONDITION_FAILED`, with `current_version`); nothing changed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/archive")]
pub async fn archive(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    act(&state, caller, &id, Transition::Archive, &request).await
}

/// Query of the paged lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An article's revisions, oldest first.
#[utoipa::path(
    get,
    path = "/admin/articles/{id}/revisions",
    operation_id = "list_revisions",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), PageQuery),
    responses(
        (status = 200, description = "A page of the article's revisions, oldest first (without content).",
            body = ref("#/components/schemas/RevisionInfoPage")),
    )
)]
#[get("/admin/articles/{id}/revisions")]
pub async fn revisions(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = listing::page_size(query.limit)?;
    let after = query
        .cursor
        .as_deref()
        .map(|cursor| workflow::parse_revision_cursor("cursor", cursor))
        .transpose()?;
    let page = workflow::revisions(&state, caller, article_id(&id)?, after, limit).await?;
    Ok(HttpResponse::Ok().json(ListView {
        data: page.items.iter().map(RevisionInfoView::from).collect(),
        next_cursor: page.next_after.map(workflow::revision_cursor),
    }))
}

/// One revision, whole.
#[utoipa::path(
    get,
    path = "/admin/articles/{id}/revisions/{number}",
    operation_id = "get_revision",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("number" = i32, Path, description = "The revision's number (1 is the first save).")),
    responses(
        (status = 200, description = "The revision with its content.", body = RevisionView),
    )
)]
#[get("/admin/articles/{id}/revisions/{number}")]
pub async fn revision(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let revision = workflow::revision(&state, caller, article_id(&id)?, number).await?;
    Ok(HttpResponse::Ok().json(RevisionView::from(&revision)))
}

/// Makes a revision the current content, as a new version.
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/revisions/{number}/restore",
    operation_id = "restore_revision",
    tag = "workflow",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id."), ("number" = i32, Path, description = "The revision's number (1 is the first save)."), ("If-Match" = Option<String>, Header, description = "Act only if this is still the current version: the article's `ETag` (e.g. `\"3\"`), or `*`.")),
    responses(
        (status = 200, description = "The article as it is now; `ETag` is its new version.", body = ArticleView,
            headers(("ETag" = String))),
        (status = 409, description = "The article changed while acting on it (`VERSION_CONFLICT`, with `current_version`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an old version (`PRECONDITION_FAILED`, with `current_version`); nothing changed.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/revisions/{number}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    let based_on = Precondition::of_write(&request, false)?;
    let article = workflow::restore(&state, caller, article_id(&id)?, number, based_on).await?;
    article_response(&state, &article).await
}

/// What changed from revision `from` to revision `to`.
#[utoipa::path(
    get,
    path = "/admin/articles/{id}/revisions/{from}/diff/{to}",
    operation_id = "diff_revisions",
    tag = "workflow",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The article's id."),
        ("from" = i32, Path, description = "The older revision's number."),
        ("to" = i32, Path, description = "The newer revision's number."),
    ),
    responses(
        (status = 200, description = "What changed.", body = DiffView),
    )
)]
#[get("/admin/articles/{id}/revisions/{from}/diff/{to}")]
pub async fn diff(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, i32, i32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, from, to) = path.into_inner();
    let comparison = workflow::compare(&state, caller, article_id(&id)?, from, to).await?;
    Ok(HttpResponse::Ok().json(DiffView::new(
        &comparison.from,
        &comparison.to,
        &comparison.diff,
    )))
}

/// Query of `GET /admin/audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only entries about this article.
    #[param(format = "uuid")]
    pub article_id: Option<String>,
    /// Only entries about this kind of subject: `article`, `reply`, `tag`, `user`, `webhook` or `media`.
    #[param(value_type = Option<AuditSubjectName>)]
    pub subject_type: Option<String>,
}

/// What an audit entry is about, as `subject_type` says it.
#[derive(ToSchema)]
#[schema(as = AuditSubjectType, rename_all = "snake_case")]
pub enum AuditSubjectName {
    /// Articles.
    Article,
    /// Replies.
    Reply,
    /// Tags.
    Tag,
    /// Staff accounts (security events).
    User,
    /// Webhook endpoints.
    Webhook,
    /// Images in the media library.
    Media,
}

/// The audit log, newest first (admins only).
#[utoipa::path(
    get,
    path = "/admin/audit",
    operation_id = "list_audit_entries",
    tag = "workflow",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of the audit log, newest first.",
            body = ref("#/components/schemas/AuditEntryPage")),
    )
)]
#[get("/admin/audit")]
pub async fn audit(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = listing::page_size(query.limit)?;
    let cursor = query
        .cursor
        .as_deref()
        .map(|cursor| Cursor::decode("cursor", cursor))
        .transpose()?;
    let article = query
        .article_id
        .as_deref()
        .map(|id| {
            id.parse::<ArticleId>()
                .map_err(|_| FieldError::new("article_id", "is not an article id"))
        })
        .transpose()?;
    let subject = query
        .subject_type
        .as_deref()
        .map(|kind| {
            kind.parse::<SubjectKind>().map_err(|_| {
                FieldError::new(
                    "subject_type",
                    "must be article, reply, tag, user, webhook or media",
                )
            })
        })
        .transpose()?;
    let filter = AuditFilter {
        article_id: article,
        subject,
    };
    let page =
        workflow::audit_log(&state, caller, filter, PageRequest::after(limit, cursor)).await?;
    let next_cursor = page.next_cursor().map(|cursor| cursor.encode());
    Ok(HttpResponse::Ok().json(ListView {
        data: page
            .items
            .iter()
            .map(|(_, entry)| AuditEntryView::from(entry))
            .collect(),
        next_cursor,
    }))
}

async fn act(
    state: &AppState,
    caller: Caller,
    id: &str,
    transition: Transition,
    request: &HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let based_on = Precondition::of_write(request, false)?;
    let article =
        workflow::transition(state, caller, article_id(id)?, transition, based_on).await?;
    article_response(state, &article).await
}

/// The staff view of `article` with its ETag.
async fn article_response(state: &AppState, article: &Article) -> Result<HttpResponse, ApiError> {
    let counts = state.store.replies().approved_counts(&[article.id]).await?;
    let now = masthead_persistence::now();
    let view = ArticleView::new(
        state,
        article,
        counts.get(&article.id).copied().unwrap_or(0),
        true,
        now,
    );
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(version_etag(article.version)))
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .json(view))
}

/// Body of `publish`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PublishWrite)]
pub struct PublishBody {
    /// When to become public (RFC 3339, at most five years ahead); absent, `null` or past: now.
    #[schema(format = DateTime)]
    pub at: Option<String>,
}

/// The schedule time of a `publish` body; an empty body publishes now.
fn publish_at(body: &[u8]) -> Result<Option<DateTime<Utc>>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let parsed: PublishBody = serde_json::from_slice(body)
        .map_err(|error| ApiError::BadRequest(format!("invalid JSON body: {error}")))?;
    parsed
        .at
        .map(|at| {
            DateTime::parse_from_rfc3339(at.trim())
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| {
                    ApiError::from(FieldError::new(
                        "at",
                        "must be an RFC 3339 time such as 2026-05-18T10:00:00Z",
                    ))
                })
        })
        .transpose()
}
