//! `/auth`: sign in, refresh, sign out, change one's password, and who am I.
//! Sign-in, refresh and password changes hand out the refresh token in the
//! body, or in an `HttpOnly` cookie for browser apps that ask for it (see
//! [`crate::rest::refresh_cookie`]).

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::sessions::{self, Session};
use crate::auth::Caller;
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::rest::body::{limit_for, read_json, JsonBody};
use crate::rest::refresh_cookie::{self, CookieMode};
use crate::rest::views::UserView;
use crate::state::AppState;

pub use crate::rest::refresh_cookie::REFRESH_COOKIE_HEADER;

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
    /// In cookie mode (the request sent `X-Masthead-Refresh: cookie`) it is the empty string:
    /// the token is in the `HttpOnly` cookie `masthead_refresh` instead, out of reach of script.
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

/// What the cookie-mode header does (`X-Masthead-Refresh` in the document).
const MODE_HEADER_ABOUT: &str = "`cookie`: cookie mode, for a browser app that keeps its access token in memory. \
    The refresh token travels in the `HttpOnly` cookie `masthead_refresh` (`Path=/api/v1/auth; SameSite=Strict`, \
    `Secure` over https) and the body's `refresh_token` is `\"\"`. A request with this header and an `Origin` \
    other than this server's own is refused (403).";

/// What the refresh cookie is (`masthead_refresh` in the document).
const COOKIE_ABOUT: &str = "The refresh token set in cookie mode. Taken only from a request without a body \
    that sends `X-Masthead-Refresh: cookie`; one longer than its `maxLength` is refused like an unknown one (401).";

/// The 403 of sign-in and password changes in cookie mode.
const FOREIGN_ORIGIN: &str = "Cookie mode (`X-Masthead-Refresh: cookie`) from a page whose `Origin` is not this server's own.";

/// The 403 of refresh and logout.
const COOKIE_REFUSED: &str =
    "The refresh cookie was sent without `X-Masthead-Refresh: cookie`, or cookie mode \
    from a page whose `Origin` is not this server's own.";

fn private(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header(("cache-control", "private, no-store"))
}

/// The answer that hands out `session`: the token pair in the body, or, in
/// cookie mode, the refresh token in `Set-Cookie` and `""` in the body.
fn hand_out(session: Session, mode: Option<CookieMode>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    private(&mut response);
    let mut view = SessionView::from(session);
    if let Some(mode) = mode {
        response.append_header((
            actix_web::http::header::SET_COOKIE,
            mode.set_cookie(&view.refresh_token),
        ));
        view.refresh_token = String::new();
    }
    response.json(view)
}

/// The refresh token a request without a body names by its cookie: `Ok(None)`
/// when it has a body (read it as JSON), `Ok(Some(..))` in cookie mode, and
/// `403` for a cookie sent without `X-Masthead-Refresh: cookie`. A request
/// with neither header nor cookie is read as JSON too (a `415`, as before).
fn cookie_request(
    request: &HttpRequest,
    mode: Option<CookieMode>,
) -> Result<Option<(CookieMode, Option<String>)>, ApiError> {
    if !refresh_cookie::without_body(request) {
        return Ok(None);
    }
    let token = refresh_cookie::token(request);
    match mode {
        Some(mode) => Ok(Some((mode, token))),
        None if token.is_some() => Err(ApiError::Forbidden(format!(
            "the refresh cookie is only taken with {REFRESH_COOKIE_HEADER}: {}",
            refresh_cookie::REFRESH_COOKIE_MODE
        ))),
        None => Ok(None),
    }
}

/// Reads the JSON body of refresh and logout, as every JSON route does.
async fn refresh_body(request: &HttpRequest, payload: web::Payload) -> Result<String, ApiError> {
    let limit = limit_for(request);
    let body = read_json::<RefreshBody>(request, payload.into_inner(), limit).await?;
    Ok(body.value.refresh_token)
}

/// Signs in with e-mail and password.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "login",
    tag = "auth",
    params(("X-Masthead-Refresh" = Option<String>, Header, description = MODE_HEADER_ABOUT)),
    request_body(content = LoginBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Signed in: a token pair (`private, no-store`); in cookie mode the refresh token is in `Set-Cookie`, not the body.",
            body = SessionView, headers(("Set-Cookie" = String, description = "In cookie mode: the new refresh token, `masthead_refresh=…; Path=/api/v1/auth; Max-Age=…; HttpOnly; SameSite=Strict` (and `Secure` over https)."))),
        (status = 401, description = "Unknown e-mail, wrong password or disabled account (deliberately the same answer).",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("WWW-Authenticate" = String))),
        (status = 403, description = FOREIGN_ORIGIN,
            body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this address or for this account; `Retry-After` says when to try again.",
            body = crate::error::Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    client: ClientAddress,
    request: HttpRequest,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<HttpResponse, ApiError> {
    let mode = CookieMode::of(&request, &state.settings)?;
    let session = sessions::login(&state, client, &body.value.email, &body.value.password).await?;
    Ok(hand_out(session, mode))
}

/// Exchanges a refresh token for a new pair.
#[utoipa::path(
    post,
    path = "/auth/refresh",
    operation_id = "refresh_session",
    tag = "auth",
    params(("X-Masthead-Refresh" = Option<String>, Header, description = MODE_HEADER_ABOUT),
        ("masthead_refresh" = Option<String>, Cookie, description = COOKIE_ABOUT)),
    request_body(content = Option<RefreshBody>, content_type = "application/json",
        description = "The refresh token; or no body at all (no `Content-Type`) in cookie mode, to use the cookie."),
    responses(
        (status = 200, description = "A new token pair; the refresh token sent is retired. In cookie mode the new refresh token is in `Set-Cookie`, not the body.",
            body = SessionView, headers(("Set-Cookie" = String, description = "In cookie mode: the new refresh token, `masthead_refresh=…; Path=/api/v1/auth; Max-Age=…; HttpOnly; SameSite=Strict` (and `Secure` over https)."))),
        (status = 401, description = "The refresh token is unknown, expired or revoked (a retired one presented again revokes its whole login); in cookie mode also a missing cookie, and a refused cookie is cleared.",
            body = crate::error::Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String), ("Set-Cookie" = String, description = "In cookie mode: `masthead_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict`, clearing the cookie."))),
        (status = 403, description = COOKIE_REFUSED,
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let mode = CookieMode::of(&request, &state.settings)?;
    if let Some((mode, token)) = cookie_request(&request, mode)? {
        let Some(token) = token else {
            return Ok(mode.refused(&ApiError::InvalidCredentials));
        };
        return match sessions::refresh(&state, &token).await {
            Ok(session) => Ok(hand_out(session, Some(mode))),
            Err(ApiError::InvalidCredentials) => Ok(mode.refused(&ApiError::InvalidCredentials)),
            Err(error) => Err(error),
        };
    }
    let token = refresh_body(&request, payload).await?;
    let session = sessions::refresh(&state, &token).await?;
    Ok(hand_out(session, mode))
}

/// Revokes the login of a refresh token.
#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "logout",
    tag = "auth",
    params(("X-Masthead-Refresh" = Option<String>, Header, description = MODE_HEADER_ABOUT),
        ("masthead_refresh" = Option<String>, Cookie, description = COOKIE_ABOUT)),
    request_body(content = Option<RefreshBody>, content_type = "application/json",
        description = "The refresh token; or no body at all (no `Content-Type`) in cookie mode, to use the cookie."),
    responses(
        (status = 204, description = "Signed out (an unknown or missing token is ignored); in cookie mode the cookie is cleared.",
            headers(("Set-Cookie" = String, description = "In cookie mode: `masthead_refresh=; Path=/api/v1/auth; Max-Age=0; HttpOnly; SameSite=Strict`, clearing the cookie."))),
        (status = 403, description = COOKIE_REFUSED,
            body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let mode = CookieMode::of(&request, &state.settings)?;
    let token = match cookie_request(&request, mode)? {
        Some((_, token)) => token,
        None => Some(refresh_body(&request, payload).await?),
    };
    if let Some(token) = token {
        sessions::logout(&state, &token).await?;
    }
    let mut response = HttpResponse::NoContent();
    if let Some(mode) = mode {
        response.append_header((actix_web::http::header::SET_COOKIE, mode.clear_cookie()));
    }
    Ok(response.finish())
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
    params(("X-Masthead-Refresh" = Option<String>, Header, description = MODE_HEADER_ABOUT)),
    request_body(content = ChangePasswordBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Changed: a fresh token pair; every other login of the account has ended. In cookie mode the new refresh token is in `Set-Cookie`, not the body.",
            body = SessionView, headers(("Set-Cookie" = String, description = "In cookie mode: the new refresh token, `masthead_refresh=…; Path=/api/v1/auth; Max-Age=…; HttpOnly; SameSite=Strict` (and `Secure` over https)."))),
        (status = 403, description = FOREIGN_ORIGIN,
            body = crate::error::Problem, content_type = "application/problem+json"),
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
    request: HttpRequest,
    JsonBody(body): JsonBody<ChangePasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let actor = caller.0.ok_or(ApiError::Unauthenticated)?;
    let mode = CookieMode::of(&request, &state.settings)?;
    let session = sessions::change_password(
        &state,
        actor,
        &body.value.current_password,
        &body.value.new_password,
    )
    .await?;
    Ok(hand_out(session, mode))
}
