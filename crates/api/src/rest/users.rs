//! `/admin/users`: staff accounts, for admins only. Passwords and their hashes
//! never appear here; a generated first password is shown once, on creation.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use masthead_domain::policy::Action;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::app::accounts::{self, AccountUpdate, NewAccount};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json};
use crate::rest::views::{AuthorView, ListView, UserView};
use crate::state::AppState;

/// `POST /admin/users` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UserCreateWrite)]
pub struct CreateUserBody {
    /// Sign-in address (unique, any case).
    #[schema(format = Email)]
    pub email: String,
    /// Byline name.
    pub display_name: String,
    /// `admin`, `editor` or `author`.
    #[schema(value_type = crate::rest::views::RoleName)]
    pub role: String,
    /// First password; generated and returned once when absent.
    #[serde(default)]
    pub password: Option<String>,
    /// Biography.
    #[serde(default)]
    pub bio: Option<String>,
}

/// `PATCH /admin/users/{id}` body: absent fields stay as they are; `"bio": null` clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = UserUpdateWrite)]
pub struct UpdateUserBody {
    /// New byline name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// New biography (`null` clears it).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    /// New role; existing tokens of the user stop working.
    #[serde(default)]
    #[schema(value_type = Option<crate::rest::views::RoleName>)]
    pub role: Option<String>,
    /// `false` disables the account and ends its logins.
    #[serde(default)]
    pub active: Option<bool>,
}

/// A field that was sent, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// The answer to a creation or a password reset.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = CreatedUser)]
pub struct CreatedUserView {
    /// The account.
    pub user: UserView,
    /// Only when the server generated the password (always after a reset): shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

fn private(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header(("cache-control", "private, no-store"))
}

/// Every account, by display name.
#[utoipa::path(
    get,
    path = "/admin/users",
    operation_id = "list_users",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account, by display name, in one page (`next_cursor` is null).",
            body = ref("#/components/schemas/UserPage")),
    )
)]
#[get("/admin/users")]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let users = accounts::list(&state, &caller).await?;
    Ok(private(&mut HttpResponse::Ok()).json(ListView {
        data: users.iter().map(UserView::from).collect(),
        next_cursor: None,
    }))
}

/// One account.
#[utoipa::path(
    get,
    path = "/admin/users/{id}",
    operation_id = "get_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "The account.", body = UserView),
    )
)]
#[get("/admin/users/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts::get(&state, &caller, &id).await?;
    Ok(private(&mut HttpResponse::Ok()).json(UserView::from(&user)))
}

/// Creates an account.
#[utoipa::path(
    post,
    path = "/admin/users",
    operation_id = "create_user",
    tag = "users",
    security(("bearer" = [])),
    request_body(content = CreateUserBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created; `Location` names the account.", body = CreatedUserView,
            headers(("Location" = String))),
        (status = 409, description = "The e-mail address is taken.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users")]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageUsers)?;
    let body: CreateUserBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let created = accounts::create(
        &state,
        &caller,
        NewAccount {
            email: body.email,
            display_name: body.display_name,
            role: body.role,
            password: body.password,
            bio: body.bio,
        },
    )
    .await?;
    Ok(private(&mut HttpResponse::Created())
        .insert_header((
            "location",
            format!("/api/v1/admin/users/{}", created.user.id),
        ))
        .json(CreatedUserView {
            user: UserView::from(&created.user),
            generated_password: created.generated_password,
        }))
}

/// Changes an account's name, biography, role or active flag.
#[utoipa::path(
    patch,
    path = "/admin/users/{id}",
    operation_id = "update_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id.")),
    request_body(content = UpdateUserBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The account as changed.", body = UserView),
        (status = 403, description = "The caller is not an admin, or the change would leave no active admin.",
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.authorize(Action::ManageUsers)?;
    let body: UpdateUserBody = read_json(&request, payload.into_inner(), limit_for(&request))
        .await?
        .value;
    let user = accounts::update(
        &state,
        &caller,
        &id,
        AccountUpdate {
            display_name: body.display_name,
            bio: body.bio,
            role: body.role,
            active: body.active,
        },
    )
    .await?;
    Ok(private(&mut HttpResponse::Ok()).json(UserView::from(&user)))
}

/// Replaces an account's password with a generated one, shown this once to
/// hand over; every login of the account ends.
#[utoipa::path(
    post,
    path = "/admin/users/{id}/password",
    operation_id = "reset_user_password",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id.")),
    responses(
        (status = 200, description = "Reset: `generated_password` is the new password, shown this once (`private, no-store`).",
            body = CreatedUserView),
        (status = 404, description = "No such account.", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/users/{id}/password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (user, password) = accounts::reset_password(&state, &caller, &id).await?;
    Ok(private(&mut HttpResponse::Ok()).json(CreatedUserView {
        user: UserView::from(&user),
        generated_password: Some(password),
    }))
}

/// Everyone who may stand on a byline: the active staff, by display name,
/// without e-mail addresses (any signed-in staff member).
#[utoipa::path(
    get,
    path = "/admin/bylines",
    operation_id = "list_bylines",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The active staff accounts, by display name, in one page (`next_cursor` is null).",
            body = ref("#/components/schemas/AuthorPage")),
    )
)]
#[get("/admin/bylines")]
pub async fn bylines(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let users = accounts::bylines(&state, &caller).await?;
    Ok(private(&mut HttpResponse::Ok()).json(ListView {
        data: users
            .iter()
            .map(|user| AuthorView::from(&user.as_author()))
            .collect(),
        next_cursor: None,
    }))
}
