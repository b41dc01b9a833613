//! Sign-in over GraphQL: the same sessions as `/api/v1/auth`.

use async_graphql::{Context, Object, Result, SimpleObject};

use crate::app::sessions::{self, Session};
use crate::client_address::ClientAddress;
use crate::error::ApiError;
use crate::graphql::context::{caller, state, OrGql};
use crate::graphql::types::UserNode;

/// A token pair handed out by `login` and `refreshToken`.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived bearer JWT for the `Authorization` header.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque token for `refreshToken`; rotated on every use.
    pub refresh_token: String,
    /// Who signed in.
    pub user: UserNode,
}

impl From<Session> for AuthPayload {
    fn from(session: Session) -> Self {
        Self {
            access_token: session.access_token,
            token_type: "Bearer".to_owned(),
            expires_in: session.expires_in,
            refresh_token: session.refresh_token,
            user: UserNode::from(&session.user),
        }
    }
}

/// Sign-in reads.
#[derive(Default)]
pub struct AuthQuery;

#[Object]
impl AuthQuery {
    /// The signed-in user; `null` for anonymous callers.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<UserNode>> {
        let state = state(ctx)?;
        let Some(actor) = caller(ctx).0 else {
            return Ok(None);
        };
        let user = state.store.users().by_id(actor.id).await.gql()?;
        Ok(user.as_ref().map(UserNode::from))
    }
}

/// Sign-in mutations.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in with e-mail and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<AuthPayload> {
        let state = state(ctx)?;
        // Set by the `/graphql` handler; only a schema run without HTTP lacks it.
        let client = ctx.data_opt::<ClientAddress>().copied().unwrap_or_default();
        let session = sessions::login(state, client, &email, &password)
            .await
            .gql()?;
        Ok(session.into())
    }

    /// Exchanges a refresh token for a new pair; the old one stops working.
    async fn refresh_token(&self, ctx: &Context<'_>, refresh_token: String) -> Result<AuthPayload> {
        let state = state(ctx)?;
        let session = sessions::refresh(state, &refresh_token).await.gql()?;
        Ok(session.into())
    }

    /// Revokes the login a refresh token belongs to. Always `true`.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        let state = state(ctx)?;
        sessions::logout(state, &refresh_token).await.gql()?;
        Ok(true)
    }

    /// Changes the signed-in user's password. Every other login of the user
    /// ends; the answer is a fresh token pair for this one.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> Result<AuthPayload> {
        let state = state(ctx)?;
        let actor = caller(ctx).0.ok_or(ApiError::Unauthenticated).gql()?;
        let session = sessions::change_password(state, actor, &current_password, &new_password)
            .await
            .gql()?;
        Ok(session.into())
    }
}
