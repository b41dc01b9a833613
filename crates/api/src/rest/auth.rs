//! `/auth`: sign in, refresh, sign out, change one's password, and who am I.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::sessions::{self, Session};
use crate::auth::Caller;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::rest::body::JsonBody;
use crate::rest::views::UserView;
use crate::state::AppState;

/// `POST /auth/login` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LoginWrite)]
pub struct LoginBody {
    /// Sign-in address; any text is taken (one no account has is a 401, like a wrong password).
    pub email: String,
    /// Password (at most 1,024 bytes).
    pub password: String,
}

/// `POST /auth/refresh` and `/auth/logout` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RefreshWrite)]
pub struct RefreshBody {
    /// The refresh token of the login.
    pub refresh_token: String,
}

/// `POST /auth/password` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PasswordChangeWrite)]
pub struct ChangePasswordBody {
    /// The password now, to prove it is the owner at the keyboard.
    pub current_password: String,
    /// The new password (10 characters to 1,024 bytes).
    pub new_password: String,
}

/// A token pair, and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionView {
    /// Short-lived bearer JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(value_type = String, pattern = "^Bearer$")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque long-lived token for `POST /auth/refresh` (used once: each refresh returns a new one).
    pub refresh_token: String,
    /// The signed-in account.
    pub user: UserView,
}

impl From<Session> for SessionView {
    fn from(session: Session) -> Self {
        Self {
            access_token: session.access_token,
            token_type: "Bearer",
            expires_in: session.expires_in,
            refresh_token: session.refresh_token,
            user: UserView::from(&session.user),
        }
    }
}

fn private(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header(("cache-control", "private, no-store"))
}

/// Signs in with e-mail and password.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "login",
    tag = "auth",
    request_body(content = LoginBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in: a token pair (`private, no-store`).", body = SessionView),
        (status = 401, description = "Unknown e-mail, wrong password or disabled account (deliberately the same answer).",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
        (status = 429, description = "Too many attempts from this address or for this account; `Retry-After` says when to try again.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientAddress,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let session = sessions::login(&state, client, &body.value.email, &body.value.password).await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}

/// Exchanges a refresh token for a new pair.
#[utoipa::path(
    post,
    path = "/auth/refresh",
    operation_id = "refresh_session",
    tag = "auth",
    request_body(content = RefreshBody, content_type = "application/json"),
    responses(
        (status = 200, description = "A new token pair; the refresh token sent is retired.", body = SessionView),
        (status = 401, description = "The refresh token is unknown, expired or revoked (a retired one presented again revokes its whole login).",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let session = sessions::refresh(&state, &body.value.refresh_token).await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}

/// Revokes the login of a refresh token.
#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "logout",
    tag = "auth",
    request_body(content = RefreshBody, content_type = "application/json"),
    responses(
        (status = 204, description = "Signed out (an unknown token is ignored)."),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    JsonBody(body): JsonBody<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    sessions::logout(&state, &body.value.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(
    get,
    path = "/auth/me",
    operation_id = "get_me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account (`private, no-store`).", body = UserView),
    )
)]
#[get("/auth/me")]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let actor = caller.0.ok_or(ApiError::Unauthenticated)?;
    let user = state
        .store
        .users()
        .by_id(actor.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(private(&mut HttpResponse::Ok()).json(UserView::from(&user)))
}

/// Changes the signed-in user's password. Every other login of the user ends;
/// the answer is a fresh token pair for this one.
#[utoipa::path(
    post,
    path = "/auth/password",
    operation_id = "change_password",
    tag = "auth",
    security(("bearer" = [])),
    request_body(content = ChangePasswordBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed: a fresh token pair; every other login of the account has ended.", body = SessionView),
        (status = 422, description = "`current_password` is not correct, or `new_password` is too short or too long.",
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords for this account; `Retry-After` says when to try again.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.0.ok_or(ApiError::Unauthenticated)?;
    let session = sessions::change_password(
        &state,
        actor,
        &body.value.current_password,
        &body.value.new_password,
    )
    .await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}
