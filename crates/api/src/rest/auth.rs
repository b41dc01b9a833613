//! `/auth`: sign in, refresh, sign out, change one's password, and who am I.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::login::{self as sessions, Session};
use crate::auth::rate_limit::ClientIp;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::rest::views::UserView;
use crate::state::AppState;

/// `POST /auth/login` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    /// Sign-in address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /auth/refresh` and `/auth/logout` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    /// The refresh token of the login.
    pub refresh_token: String,
}

/// `POST /auth/password` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordBody {
    /// The password now, to prove it is the owner at the keyboard.
    pub current_password: String,
    /// The new password (10 characters to 1,024 bytes).
    pub new_password: String,
}

/// A token pair.
#[derive(Debug, Serialize)]
pub struct SessionView {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub refresh_token: String,
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
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientIp,
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let session = sessions::login(&state, client, &body.email, &body.password).await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}

/// Exchanges a refresh token for a new pair.
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    let session = sessions::refresh(&state, &body.refresh_token).await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}

/// Revokes the login of a refresh token.
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: web::Json<RefreshBody>,
) -> Result<HttpResponse, ApiError> {
    sessions::logout(&state, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
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
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.0.ok_or(ApiError::Unauthenticated)?;
    let session =
        sessions::change_password(&state, actor, &body.current_password, &body.new_password)
            .await?;
    Ok(private(&mut HttpResponse::Ok()).json(SessionView::from(session)))
}
