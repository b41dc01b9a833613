//! Who is calling. Every editor operation, REST or GraphQL, starts by
//! resolving the bearer token into a [`Caller`], then asks
//! [`masthead_domain::policy::authorize`] whether that caller may act.

use std::future::Future;
use std::pin::Pin;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use chrono::{DateTime, Utc};
use masthead_domain::policy::{self, Action, Actor};
use masthead_domain::UserId;

use crate::error::ApiError;
use crate::state::AppState;

/// The verified caller: anonymous, or a member of staff whose token checks out
/// and whose account is still active.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Caller(pub Option<Actor>);

impl Caller {
    /// Asks the policy whether this caller may do `action`.
    pub fn authorize(&self, action: Action) -> Result<Actor, ApiError> {
        policy::authorize(self.0, action)?;
        self.0.ok_or(ApiError::Unauthenticated)
    }

    /// True for signed-in staff (who see drafts in previews).
    pub fn is_staff(&self) -> bool {
        self.0.is_some()
    }

    /// Resolves an `Authorization` header value: no header is anonymous; a
    /// header that is not a valid, current bearer token is refused.
    pub async fn from_header(state: &AppState, value: Option<&str>) -> Result<Self, ApiError> {
        Ok(Self::with_token_times(state, value).await?.0)
    }

    /// [`Caller::from_header`], with when the token was issued and when it
    /// expires (for what outlives the request, such as a WebSocket).
    pub async fn with_token_times(
        state: &AppState,
        value: Option<&str>,
    ) -> Result<(Self, Option<TokenTimes>), ApiError> {
        let Some(value) = value else {
            return Ok((Self(None), None));
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(ApiError::Unauthenticated)?
            .trim();
        let claims = state.tokens.verify(token)?;
        let user: UserId = claims.sub.parse().map_err(|_| ApiError::Unauthenticated)?;
        let standing = state
            .store
            .users()
            .token_standing(user)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let revoked = standing
            .credentials_changed_at
            .is_some_and(|changed| claims.iat_ms < changed.timestamp_millis());
        if !standing.active || revoked || standing.role.as_str() != claims.role {
            return Err(ApiError::Unauthenticated);
        }
        let times = TokenTimes {
            issued_at: DateTime::from_timestamp_millis(claims.iat_ms)
                .ok_or(ApiError::Unauthenticated)?,
            expires_at: DateTime::from_timestamp(claims.exp, 0).ok_or(ApiError::Unauthenticated)?,
        };
        Ok((
            Self(Some(Actor {
                id: user,
                role: standing.role,
            })),
            Some(times),
        ))
    }
}

/// When a verified access token was issued and when it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenTimes {
    /// Issued (credentials changed after this revoke it).
    pub issued_at: DateTime<Utc>,
    /// Expires (`exp`).
    pub expires_at: DateTime<Utc>,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        // The REST edge verified it already on a staff route (before the body).
        if let Some(caller) = request.extensions().get::<Caller>().copied() {
            return Box::pin(std::future::ready(Ok(caller)));
        }
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let value = request
            .headers()
            .get(header::AUTHORIZATION)
            .map(|value| value.to_str().map(str::to_owned));
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            let value = value.transpose().map_err(|_| ApiError::Unauthenticated)?;
            Caller::from_header(&state, value.as_deref()).await
        })
    }
}
