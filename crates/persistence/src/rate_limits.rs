//! Rate-limit counters in the database, so every node on one PostgreSQL
//! database counts against the same allowance. Each limit counts per key in
//! fixed windows (`window_start` aligned to the window's length): one row per
//! limit, key and window, bumped by one atomic upsert that never counts past
//! the limit, so nodes racing for the last event cannot both win it. Rows of
//! windows that are over are pruned. The keys are the caller's (salted)
//! hashes; no address or e-mail is stored in clear.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::rate_limit::{self, Column};
use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// One fixed window of one limit for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'a> {
    /// Which limit (`login_ip`, `reply_day`, …).
    pub limit_name: &'a str,
    /// Whose allowance (a hash, at most 64 characters).
    pub key: &'a str,
    /// When the window began.
    pub start: DateTime<Utc>,
    /// When it ends (and its row may be pruned).
    pub end: DateTime<Utc>,
}

/// The rate-limit counter repository.
pub struct RateLimitRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The shared rate-limit counters.
    pub fn rate_limits(&self) -> RateLimitRepo<'_> {
        RateLimitRepo { store: self }
    }
}

impl RateLimitRepo<'_> {
    /// Counts one event in `window` unless `limit` events are counted there
    /// already: the count with this event, or `None` (nothing counted) when
    /// the allowance was used up. One statement, atomic on every node.
    pub async fn hit(&self, window: Window<'_>, limit: u32) -> Result<Option<u32>> {
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        let hits = Expr::col((rate_limit::Entity, Column::Hits));
        let insert = Query::insert()
            .into_table(rate_limit::Entity)
            .columns([
                Column::LimitName,
                Column::LimitKey,
                Column::WindowStart,
                Column::Hits,
                Column::ExpiresAt,
            ])
            .values([
                window.limit_name.into(),
                window.key.into(),
                window.start.into(),
                1.into(),
                window.end.into(),
            ])
            .map_err(|error| PersistenceError::Database(DbErr::Custom(error.to_string())))?
            .on_conflict(
                OnConflict::columns([Column::LimitName, Column::LimitKey, Column::WindowStart])
                    .value(Column::Hits, hits.clone().add(1))
                    .action_and_where(hits.lt(limit))
                    .to_owned(),
            )
            .returning_col(Column::Hits)
            .to_owned();
        let statement = self.store.backend().build(&insert);
        let row = self.store.writer().query_one(statement).await?;
        match row {
            Some(row) => {
                let hits: i32 = row.try_get("", "hits")?;
                Ok(Some(u32::try_from(hits).unwrap_or(0)))
            }
            None => Ok(None),
        }
    }

    /// Events counted in `window` so far (0 when none).
    pub async fn count(&self, window: Window<'_>) -> Result<u32> {
        let hits: Option<i32> = rate_limit::Entity::find()
            .select_only()
            .column(Column::Hits)
            .filter(Column::LimitName.eq(window.limit_name))
            .filter(Column::LimitKey.eq(window.key))
            .filter(Column::WindowStart.eq(window.start))
            .into_tuple()
            .one(self.store.db())
            .await?;
        Ok(hits.map_or(0, |hits| u32::try_from(hits).unwrap_or(0)))
    }

    /// Deletes the rows of windows that ended before `now`; how many.
    pub async fn prune(&self, now: DateTime<Utc>) -> Result<u64> {
        let deleted = rate_limit::Entity::delete_many()
            .filter(Column::ExpiresAt.lt(now))
            .exec(self.store.writer())
            .await?;
        Ok(deleted.rows_affected)
    }
}
