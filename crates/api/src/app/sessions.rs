//! Signing in, refreshing and signing out: one implementation behind both APIs.

use chrono::Duration;
use masthead_domain::limits::PASSWORD_MAX_BYTES;
use masthead_domain::policy::Actor;
use masthead_domain::{FieldError, Password, User};
use masthead_persistence::refresh_tokens::Rotation;

use crate::auth::password::{self, Verification};
use crate::auth::tokens::{hash_refresh_token, new_refresh_token};
use crate::client_address::ClientAddress;
use crate::config::Settings;
use crate::error::ApiError;
use crate::state::AppState;

/// The longest refresh token looked up (those issued are 43 characters): a
/// longer one, in a body or a cookie, is refused like an unknown one without
/// hashing it.
pub const REFRESH_TOKEN_MAX_BYTES: usize = 256;

/// What a successful sign-in or refresh hands out.
#[derive(Debug, Clone)]
pub struct Session {
    /// Short-lived bearer JWT.
    pub access_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque long-lived token for `refresh`.
    pub refresh_token: String,
    /// Who signed in.
    pub user: User,
}

/// Checks e-mail and password. Unknown e-mail, wrong password and disabled
/// account all get the same answer, after the same amount of hashing work.
/// Every attempt counts against the client's IP, every failure against the
/// e-mail; past either limit the answer is `RateLimited`.
pub async fn login(
    state: &AppState,
    client: ClientAddress,
    email: &str,
    secret: &str,
) -> Result<Session, ApiError> {
    state.login_limits.check_ip(client).await?;
    if secret.len() > PASSWORD_MAX_BYTES {
        return Err(FieldError::new(
            "password",
            format!("must be at most {PASSWORD_MAX_BYTES} bytes"),
        )
        .into());
    }
    if email.len() > masthead_domain::limits::EMAIL_MAX {
        return Err(FieldError::new("email", "is too long").into());
    }
    state.login_limits.check_account(email).await?;
    let account = state.store.users().by_email(email).await?;
    let (user, hash) = match account {
        Some((user, hash)) => (Some(user), hash),
        None => (None, password::dummy_hash().await.to_owned()),
    };
    let verification = password::verify(secret.to_owned(), hash).await?;
    let user = match (user, verification) {
        (Some(user), Verification::Match | Verification::MatchNeedsRehash) if user.active => user,
        (user, _) => {
            if state.login_limits.record_failure(email).await? {
                if let Some(user) = user {
                    record_lockout(state, &user).await;
                }
            }
            return Err(ApiError::InvalidCredentials);
        }
    };
    if verification == Verification::MatchNeedsRehash {
        if let Ok(parsed) = masthead_domain::Password::parse("password", secret) {
            let stronger = password::hash(parsed).await?;
            state
                .store
                .users()
                .upgrade_password_hash(user.id, stronger)
                .await?;
        }
    }
    new_login(state, user).await
}

/// Changes the signed-in user's own password after checking the current one.
/// Every refresh token of the user is revoked and every older access token
/// refused; the answer is a fresh login, so the caller stays signed in.
/// Wrong current passwords count against the account like failed sign-ins.
pub async fn change_password(
    state: &AppState,
    actor: Actor,
    current: &str,
    new: &str,
) -> Result<Session, ApiError> {
    if current.len() > PASSWORD_MAX_BYTES {
        return Err(FieldError::new(
            "current_password",
            format!("must be at most {PASSWORD_MAX_BYTES} bytes"),
        )
        .into());
    }
    Password::parse("new_password", new)?;
    let (user, hash) = state
        .store
        .users()
        .credentials(actor.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let related = [user.email.as_str(), user.display_name.as_str()];
    let new = Password::parse_new("new_password", new, &related)?;
    state
        .login_limits
        .check_account(user.email.as_str())
        .await?;
    if password::verify(current.to_owned(), hash).await? == Verification::Mismatch {
        if state
            .login_limits
            .record_failure(user.email.as_str())
            .await?
        {
            record_lockout(state, &user).await;
        }
        return Err(FieldError::new("current_password", "is not correct").into());
    }
    let hash = password::hash(new).await?;
    state
        .store
        .users()
        .acting_as(actor.id)
        .change_password(user.id, hash)
        .await?;
    new_login(state, user).await
}

/// Audits that the sign-in limiter locked `user`'s account. A failure to
/// record is logged, never shown: the caller gets the same refusal either way.
async fn record_lockout(state: &AppState, user: &User) {
    if let Err(error) = state.store.users().record_lockout(user.id).await {
        tracing::warn!(%error, "could not audit an account lockout");
    }
}

/// Starts a new login (a new refresh-token family) for `user`.
async fn new_login(state: &AppState, user: User) -> Result<Session, ApiError> {
    let (refresh_token, refresh_hash) = new_refresh_token();
    state
        .store
        .refresh_tokens()
        .issue(user.id, refresh_hash, refresh_expiry(state))
        .await?;
    session(state, user, refresh_token)
}

/// Exchanges a refresh token for a new pair; the old one is retired. A
/// retired token presented again within `--refresh-reuse-seconds` of its
/// retirement gets a fresh pair too (the login stays as it is); later, it
/// revokes the whole login.
pub async fn refresh(state: &AppState, refresh_token: &str) -> Result<Session, ApiError> {
    if refresh_token.len() > REFRESH_TOKEN_MAX_BYTES {
        return Err(ApiError::InvalidCredentials);
    }
    let (next, next_hash) = new_refresh_token();
    let rotation = state
        .store
        .refresh_tokens()
        .rotate(
            &hash_refresh_token(refresh_token),
            next_hash,
            refresh_expiry(state),
            Duration::seconds(i64::from(state.settings.refresh_reuse_seconds)),
        )
        .await?;
    let user_id = match rotation {
        Rotation::Rotated(user) => user,
        Rotation::Reissued(user) => {
            tracing::info!("a refresh token was exchanged again within the reuse interval");
            user
        }
        Rotation::Reused => {
            tracing::warn!("a retired refresh token was presented again; its login is revoked");
            return Err(ApiError::InvalidCredentials);
        }
        Rotation::Invalid => return Err(ApiError::InvalidCredentials),
    };
    let user = state
        .store
        .users()
        .by_id(user_id)
        .await?
        .ok_or(ApiError::InvalidCredentials)?;
    if !user.active {
        return Err(ApiError::InvalidCredentials);
    }
    session(state, user, next)
}

/// Revokes the login a refresh token belongs to. Unknown tokens are ignored.
pub async fn logout(state: &AppState, refresh_token: &str) -> Result<(), ApiError> {
    if refresh_token.len() <= REFRESH_TOKEN_MAX_BYTES {
        state
            .store
            .refresh_tokens()
            .revoke(&hash_refresh_token(refresh_token))
            .await?;
    }
    Ok(())
}

/// How long a refresh token lives (`--refresh-token-days`): its expiry in
/// the store, and the `Max-Age` of the refresh cookie, so both end together.
pub fn refresh_lifetime(settings: &Settings) -> Duration {
    Duration::days(i64::from(settings.refresh_token_days))
}

fn refresh_expiry(state: &AppState) -> chrono::DateTime<chrono::Utc> {
    masthead_persistence::now() + refresh_lifetime(&state.settings)
}

fn session(state: &AppState, user: User, refresh_token: String) -> Result<Session, ApiError> {
    let access_token = state
        .tokens
        .issue(user.id, user.role, masthead_persistence::now())?;
    Ok(Session {
        access_token,
        expires_in: state.tokens.access_ttl.as_secs(),
        refresh_token,
        user,
    })
}
