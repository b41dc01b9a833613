//! `/auth`: sign in, refresh, sign out, and who am I.

use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::login::{self as sessions, Session};
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
    body: web::Json<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let session = sessions::login(&state, &body.email, &body.password).await?;
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
