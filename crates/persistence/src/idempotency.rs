//! Idempotency keys: a `POST` that carries an `Idempotency-Key` claims the key
//! before it runs and records its answer after, so a retry of the same request
//! gets the first answer instead of a second article or reply. Keys are scoped
//! per caller and expire.

use std::time::Duration;

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::entities::idempotency_key;
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// The answer recorded for a key, replayed to retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// The headers worth replaying (content type, location, ETag), in order.
    pub headers: Vec<(String, String)>,
    /// The body, as sent.
    pub body: String,
}

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or expired, or abandoned): this request runs and must
    /// then [`IdempotencyRepo::complete`] or [`IdempotencyRepo::release`] it.
    Acquired,
    /// The same request ran before: here is its answer.
    Replay(StoredResponse),
    /// The same request is running right now.
    InProgress,
    /// The key was used with a different request.
    Mismatch,
}

/// How a key is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimTerms {
    /// How long the recorded answer is kept.
    pub ttl: Duration,
    /// After how long a claim that never finished (the process died) may be taken over.
    pub abandoned_after: Duration,
}

/// The idempotency-key repository.
pub struct IdempotencyRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The idempotency-key repository.
    pub fn idempotency(&self) -> IdempotencyRepo<'_> {
        IdempotencyRepo { store: self }
    }
}

impl IdempotencyRepo<'_> {
    /// Claims `key` within `scope` for the request whose fingerprint is `request_hash`.
    pub async fn claim(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        terms: ClaimTerms,
    ) -> Result<Claim> {
        let db = self.store.writer();
        let now = crate::now();
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::ExpiresAt.lt(now))
            .exec(db)
            .await?;
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Scope.eq(scope))
            .filter(idempotency_key::Column::IdempotencyKey.eq(key))
            .filter(idempotency_key::Column::ResponseStatus.is_null())
            .filter(
                idempotency_key::Column::CreatedAt.lt(now - chrono_duration(terms.abandoned_after)),
            )
            .exec(db)
            .await?;
        // Two rounds: the row found on conflict may expire or be released in between.
        for _ in 0..2 {
            let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
                scope: Set(scope.to_owned()),
                idempotency_key: Set(key.to_owned()),
                request_hash: Set(request_hash.to_owned()),
                response_status: Set(None),
                response_headers: Set(None),
                response_body: Set(None),
                created_at: Set(now),
                expires_at: Set(now + chrono_duration(terms.ttl)),
            })
            .on_conflict(
                OnConflict::columns([
                    idempotency_key::Column::Scope,
                    idempotency_key::Column::IdempotencyKey,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
            if inserted == 1 {
                return Ok(Claim::Acquired);
            }
            let Some(row) = idempotency_key::Entity::find_by_id((scope.to_owned(), key.to_owned()))
                .one(db)
                .await?
            else {
                continue;
            };
            return Ok(if row.request_hash != request_hash {
                Claim::Mismatch
            } else {
                match row.response_status {
                    None => Claim::InProgress,
                    Some(status) => Claim::Replay(stored(row, status)?),
                }
            });
        }
        Ok(Claim::InProgress)
    }

    /// Records the answer of a claimed key, for retries to get.
    pub async fn complete(&self, scope: &str, key: &str, response: &StoredResponse) -> Result<()> {
        let headers = serde_json::to_string(&response.headers)
            .map_err(|error| PersistenceError::Corrupt(error.to_string()))?;
        idempotency_key::Entity::update_many()
            .set(idempotency_key::ActiveModel {
                response_status: Set(Some(i32::from(response.status))),
                response_headers: Set(Some(headers)),
                response_body: Set(Some(response.body.clone())),
                ..Default::default()
            })
            .filter(idempotency_key::Column::Scope.eq(scope))
            .filter(idempotency_key::Column::IdempotencyKey.eq(key))
            .exec(self.store.writer())
            .await?;
        Ok(())
    }

    /// Gives a claimed key up (the request failed and changed nothing), so a retry runs anew.
    pub async fn release(&self, scope: &str, key: &str) -> Result<()> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::Scope.eq(scope))
            .filter(idempotency_key::Column::IdempotencyKey.eq(key))
            .filter(idempotency_key::Column::ResponseStatus.is_null())
            .exec(self.store.writer())
            .await?;
        Ok(())
    }
}

fn stored(row: idempotency_key::Model, status: i32) -> Result<StoredResponse> {
    let headers = match row.response_headers.as_deref() {
        Some(json) => serde_json::from_str(json)
            .map_err(|error| PersistenceError::Corrupt(format!("idempotency headers: {error}")))?,
        None => Vec::new(),
    };
    Ok(StoredResponse {
        status: u16::try_from(status)
            .map_err(|_| PersistenceError::Corrupt(format!("idempotency status {status}")))?,
        headers,
        body: row.response_body.unwrap_or_default(),
    })
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    const TERMS: ClaimTerms = ClaimTerms {
        ttl: Duration::from_secs(3_600),
        abandoned_after: Duration::from_secs(60),
    };

    fn answer() -> StoredResponse {
        StoredResponse {
            status: 201,
            headers: vec![("location".into(), "/x".into())],
            body: "{\"id\":1}".into(),
        }
    }

    #[tokio::test]
    async fn a_key_is_claimed_once_then_replayed_and_refused_for_other_requests() {
        for database in TestDatabase::all().await {
            let store = database.store().await;
            let keys = store.idempotency();
            assert_eq!(
                keys.claim("user:a", "k1", "h1", TERMS).await.unwrap(),
                Claim::Acquired
            );
            assert_eq!(
                keys.claim("user:a", "k1", "h1", TERMS).await.unwrap(),
                Claim::InProgress
            );
            assert_eq!(
                keys.claim("user:a", "k1", "h2", TERMS).await.unwrap(),
                Claim::Mismatch
            );
            assert_eq!(
                keys.claim("user:b", "k1", "h2", TERMS).await.unwrap(),
                Claim::Acquired,
                "keys are scoped per caller ({})",
                database.backend
            );
            keys.complete("user:a", "k1", &answer()).await.unwrap();
            assert_eq!(
                keys.claim("user:a", "k1", "h1", TERMS).await.unwrap(),
                Claim::Replay(answer()),
                "{}",
                database.backend
            );
        }
    }

    #[tokio::test]
    async fn a_released_or_expired_key_can_be_claimed_again() {
        for database in TestDatabase::all().await {
            let store = database.store().await;
            let keys = store.idempotency();
            assert_eq!(
                keys.claim("anonymous", "k", "h", TERMS).await.unwrap(),
                Claim::Acquired
            );
            keys.release("anonymous", "k").await.unwrap();
            assert_eq!(
                keys.claim("anonymous", "k", "h2", TERMS).await.unwrap(),
                Claim::Acquired
            );
            let gone = ClaimTerms {
                ttl: Duration::ZERO,
                abandoned_after: Duration::ZERO,
            };
            assert_eq!(
                keys.claim("anonymous", "z", "h", gone).await.unwrap(),
                Claim::Acquired
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert_eq!(
                keys.claim("anonymous", "z", "other", gone).await.unwrap(),
                Claim::Acquired,
                "an expired key is forgotten ({})",
                database.backend
            );
        }
    }
}
