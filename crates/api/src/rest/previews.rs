//! Preview links over REST: staff hand out, list and revoke links to an
//! article (`/admin/articles/{id}/preview-links`); the website's preview
//! route reads the article with the token (`GET /preview/{token}`): the
//! public article shape plus `"preview": true`, never cached anywhere
//! (`Cache-Control: private, no-store`) nor indexed (`X-Robots-Tag: noindex`).

use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use masthead_domain::ArticleId;
use masthead_persistence::preview_links::PreviewLink;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::previews::{self, NewPreviewLink};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json};
use crate::rest::caching::PRIVATE;
use crate::rest::views::{timestamp, ArticleView};
use crate::state::AppState;

/// A preview link as listed (the token is shown only when it is handed out).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PreviewLink)]
pub struct PreviewLinkView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "uuid")]
    pub article_id: String,
    /// Who handed it out.
    #[schema(format = "uuid")]
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    #[schema(required = true, format = DateTime)]
    pub revoked_at: Option<String>,
    /// True while the token opens the article (not expired, not revoked).
    pub active: bool,
}

impl PreviewLinkView {
    fn new(link: &PreviewLink, now: chrono::DateTime<chrono::Utc>) -> Self {
        Self {
            id: link.id.to_string(),
            article_id: link.article_id.to_string(),
            created_by: link.created_by.to_string(),
            created_at: timestamp(link.created_at),
            expires_at: timestamp(link.expires_at),
            revoked_at: link.revoked_at.map(timestamp),
            active: link.is_active(now),
        }
    }
}

/// A link just handed out: its token, shown this once, and the website's
/// preview address with the token in it (`--preview-url`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CreatedPreviewLink)]
pub struct CreatedPreviewLinkView {
    #[schema(format = "uuid")]
    pub id: String,
    /// 43 base64url characters; only its hash is stored.
    pub token: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
    #[schema(format = "uri")]
    pub url: String,
}

impl From<&NewPreviewLink> for CreatedPreviewLinkView {
    fn from(created: &NewPreviewLink) -> Self {
        Self {
            id: created.link.id.to_string(),
            token: created.token.clone(),
            expires_at: timestamp(created.link.expires_at),
            url: created.url.clone(),
        }
    }
}

/// The links of an article, newest first (at most 100).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PreviewLinkList)]
pub struct PreviewLinkListView {
    pub data: Vec<PreviewLinkView>,
}

/// Body of `POST /admin/articles/{id}/preview-links`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PreviewLinkWrite)]
pub struct PreviewLinkBody {
    /// Seconds until the link stops working, 1 to 604,800 (7 days); one day when absent.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 604_800)]
    pub expires_in: Option<Value>,
}

/// An article as its preview link shows it: the public article shape
/// (sections included) as it stands now, marked `preview`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PreviewArticle)]
pub struct PreviewArticleView {
    #[serde(flatten)]
    pub article: ArticleView,
    /// Always true: this is not (or not yet) what the public sees.
    pub preview: bool,
}

fn article_id(id: &str) -> Result<ArticleId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// Hands out a preview link to an article (editors and admins; authors for
/// their own articles): audited; the token is shown this once.
#[utoipa::path(
    post,
    path = "/admin/articles/{id}/preview-links",
    operation_id = "create_preview_link",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id.")),
    request_body(content = PreviewLinkBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Handed out; `token` is shown this once.", body = CreatedPreviewLinkView),
        (status = 409, description = "The article has 100 links already (`DUPLICATE`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/articles/{id}/preview-links")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let id = article_id(&id)?;
    caller.authorize(masthead_domain::policy::Action::ReadDrafts)?;
    let body =
        read_json::<PreviewLinkBody>(&request, payload.into_inner(), limit_for(&request)).await?;
    let seconds = previews::expires_in("expires_in", body.value.expires_in.as_ref())?;
    let created = previews::create(&state, caller, id, seconds).await?;
    Ok(HttpResponse::Created().json(CreatedPreviewLinkView::from(&created)))
}

/// The preview links of an article, newest first (never their tokens).
#[utoipa::path(
    get,
    path = "/admin/articles/{id}/preview-links",
    operation_id = "list_preview_links",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The article's id.")),
    responses(
        (status = 200, description = "Every link, active or not.", body = PreviewLinkListView),
    )
)]
#[get("/admin/articles/{id}/preview-links")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let links = previews::list(&state, caller, article_id(&id)?).await?;
    let now = masthead_persistence::now();
    let data = links
        .iter()
        .map(|link| PreviewLinkView::new(link, now))
        .collect();
    Ok(HttpResponse::Ok().json(PreviewLinkListView { data }))
}

/// Revokes a preview link at once (whoever may hand links out for the article).
#[utoipa::path(
    delete,
    path = "/admin/articles/{id}/preview-links/{link_id}",
    operation_id = "revoke_preview_link",
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The article's id."),
        ("link_id" = String, Path, description = "The link's id."),
    ),
    responses(
        (status = 204, description = "Revoked (or already revoked): its token opens nothing."),
    )
)]
#[delete("/admin/articles/{id}/preview-links/{link_id}")]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, link) = path.into_inner();
    let id = article_id(&id)?;
    let link: Uuid = link.parse().map_err(|_| ApiError::NotFound)?;
    previews::revoke(&state, caller, Some(id), link).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The article a preview token opens, as it stands now (drafts included):
/// for the website's preview route. Never cached, never indexed.
#[utoipa::path(
    get,
    path = "/preview/{token}",
    operation_id = "get_preview",
    tag = "articles",
    params(("token" = String, Path, description = "The preview link's token (43 base64url characters).",
        min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")),
    responses(
        (status = 200, description = "The article with its sections, marked `preview` \
            (`Cache-Control: private, no-store`, `X-Robots-Tag: noindex`).", body = PreviewArticleView),
        (status = 404, description = "The token is unknown, expired or revoked, or its article was deleted.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The token is not 43 base64url characters (`BAD_USER_INPUT`, field `token`).",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/preview/{token}")]
pub async fn show(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (article, _, now) = previews::read(&state, &token).await?;
    let counts = state.store.replies().approved_counts(&[article.id]).await?;
    let corrections = state
        .store
        .corrections()
        .of_articles(&[article.id])
        .await?
        .remove(&article.id)
        .unwrap_or_default();
    let count = counts.get(&article.id).copied().unwrap_or(0);
    let view = ArticleView::new(&state, &article, count, true, now).with_corrections(
        &state,
        &article,
        &corrections,
        now,
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, PRIVATE))
        .insert_header(("X-Robots-Tag", "noindex"))
        .json(PreviewArticleView {
            article: view,
            preview: true,
        }))
}
