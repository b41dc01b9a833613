//! Refresh tokens: stored only as hashes, rotated on every use, and revoked
//! as a family when a retired one is presented again (a sign it was stolen).
//!
//! Except shortly after its retirement: within the reuse interval a retired
//! token is exchanged for a fresh one of the same family without revoking
//! anything, so a client whose answer to a refresh was lost, or whose two
//! requests refreshed at once, stays signed in. The successor handed out
//! before stays valid too. After the interval, reuse revokes the family.

use chrono::{DateTime, Duration, Utc};
use masthead_domain::UserId;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use uuid::Uuid;

use crate::entities::refresh_token;
use crate::error::Result;
use crate::store::Store;

/// What presenting a refresh token led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// The token was good; it is retired and the new one stored. Whose it was.
    Rotated(UserId),
    /// Unknown, expired or revoked.
    Invalid,
    /// Retired within the reuse interval: a fresh token of the same family
    /// was stored, nothing revoked. Whose it was.
    Reissued(UserId),
    /// Already retired, before the reuse interval: presented twice. Its whole
    /// family is now revoked.
    Reused,
}

/// Refresh tokens.
pub struct RefreshTokenRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The refresh-token repository.
    pub fn refresh_tokens(&self) -> RefreshTokenRepo<'_> {
        RefreshTokenRepo { store: self }
    }
}

impl RefreshTokenRepo<'_> {
    /// Stores a new token of a new login (a new family).
    pub async fn issue(
        &self,
        user: UserId,
        token_hash: String,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.insert(user, Uuid::now_v7(), token_hash, expires_at)
            .await
    }

    async fn insert(
        &self,
        user: UserId,
        family: Uuid,
        token_hash: String,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user.0),
            family_id: Set(family),
            token_hash: Set(token_hash),
            expires_at: Set(expires_at),
            created_at: Set(crate::now()),
            retired_at: Set(None),
            revoked_at: Set(None),
        }
        .insert(self.store.writer())
        .await?;
        Ok(())
    }

    /// Exchanges the token with `presented_hash` for one with `next_hash`, in
    /// one transaction. A token retired less than `reuse` ago is exchanged
    /// too ([`Rotation::Reissued`]); one retired earlier revokes its family.
    pub async fn rotate(
        &self,
        presented_hash: &str,
        next_hash: String,
        expires_at: DateTime<Utc>,
        reuse: Duration,
    ) -> Result<Rotation> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let Some(token) = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(presented_hash))
            .one(&txn)
            .await?
        else {
            return Ok(Rotation::Invalid);
        };
        if token.revoked_at.is_some() || token.expires_at <= now {
            return Ok(Rotation::Invalid);
        }
        // Retire it only if nobody else did in the meantime: the condition makes a race a reuse.
        let retired = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RetiredAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(token.id))
            .filter(refresh_token::Column::RetiredAt.is_null())
            .exec(&txn)
            .await?;
        let rotation = if retired.rows_affected == 1 {
            Rotation::Rotated(UserId(token.user_id))
        } else {
            // Retired before, or by a concurrent refresh that committed while
            // this one waited: read when, as committed.
            let retired_at = refresh_token::Entity::find_by_id(token.id)
                .one(&txn)
                .await?
                .and_then(|row| row.retired_at);
            match retired_at {
                Some(at) if reuse > Duration::zero() && now - at < reuse => {
                    Rotation::Reissued(UserId(token.user_id))
                }
                _ => {
                    revoke_family(&txn, token.family_id, now).await?;
                    txn.commit().await?;
                    return Ok(Rotation::Reused);
                }
            }
        };
        refresh_token::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(token.user_id),
            family_id: Set(token.family_id),
            token_hash: Set(next_hash),
            expires_at: Set(expires_at),
            created_at: Set(now),
            retired_at: Set(None),
            revoked_at: Set(None),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(rotation)
    }

    /// Logout: revokes the login the token belongs to. Unknown tokens are ignored.
    pub async fn revoke(&self, presented_hash: &str) -> Result<()> {
        let db = self.store.writer();
        let token = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(presented_hash))
            .one(db)
            .await?;
        if let Some(token) = token {
            revoke_family(db, token.family_id, crate::now()).await?;
        }
        Ok(())
    }

    /// Revokes every token of a user (password change, disabling).
    pub async fn revoke_all_of_user(&self, user: UserId) -> Result<()> {
        revoke_all_of_user(self.store.writer(), user, crate::now()).await
    }
}

/// Revokes every token of `user` on `db` (a transaction of the caller's, often).
pub(crate) async fn revoke_all_of_user(
    db: &impl sea_orm::ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::UserId.eq(user.0))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn revoke_family(
    db: &impl sea_orm::ConnectionTrait,
    family: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
