//! `/admin/tags`: creating, renaming and deleting tags (editors and admins).

use actix_web::{delete, post, put, web, HttpRequest, HttpResponse};
use masthead_domain::policy::Action;
use masthead_domain::{TagId, TagInput};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::tags;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json};
use crate::rest::views::TagView;
use crate::state::AppState;

/// `POST /admin/tags` and `PUT /admin/tags/{id}` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TagWrite)]
pub struct TagBody {
    /// Display name (1–100 characters).
    pub name: String,
    /// URL name; derived from the name when absent.
    #[serde(default)]
    pub slug: Option<String>,
    /// What the collection is about.
    #[serde(default)]
    pub description: Option<String>,
}

impl From<TagBody> for TagInput {
    fn from(body: TagBody) -> Self {
        Self {
            name: body.name,
            slug: body.slug,
            description: body.description,
        }
    }
}

fn tag_id(id: &str) -> Result<TagId, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// Creates a tag; a taken slug is `409 DUPLICATE`.
#[utoipa::path(
    post,
    path = "/admin/tags",
    operation_id = "create_tag",
    tag = "admin",
    security(("bearer" = [])),
    request_body(content = TagBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created.", body = TagView),
        (status = 409, description = "The slug is taken (`DUPLICATE`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/tags")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Only callers who may manage tags make the server read a body.
    caller.authorize(Action::ManageTags)?;
    let body = read_json::<TagBody>(&request, payload.into_inner(), limit_for(&request)).await?;
    let tag = tags::create(&state, caller, body.value.into()).await?;
    Ok(HttpResponse::Created().json(TagView::from(&tag)))
}

/// Replaces a tag's name, slug and description.
#[utoipa::path(
    put,
    path = "/admin/tags/{id}",
    operation_id = "update_tag",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The tag's id.")),
    request_body(content = TagBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The tag as saved.", body = TagView),
        (status = 409, description = "The slug is taken (`DUPLICATE`).", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[put("/admin/tags/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Only callers who may manage tags make the server read a body.
    caller.authorize(Action::ManageTags)?;
    let body = read_json::<TagBody>(&request, payload.into_inner(), limit_for(&request)).await?;
    let tag = tags::update(&state, caller, tag_id(&id)?, body.value.into()).await?;
    Ok(HttpResponse::Ok().json(TagView::from(&tag)))
}

/// Deletes a tag; articles filed under it lose it.
#[utoipa::path(
    delete,
    path = "/admin/tags/{id}",
    operation_id = "delete_tag",
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The tag's id.")),
    responses(
        (status = 204, description = "Deleted."),
    )
)]
#[delete("/admin/tags/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    tags::delete(&state, caller, tag_id(&id)?).await?;
    Ok(HttpResponse::NoContent().finish())
}
