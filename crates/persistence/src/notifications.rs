//! Cross-node notifications through PostgreSQL itself (`NOTIFY` / `LISTEN`):
//! several stateless server nodes sharing one database learn about each
//! other's events without a protocol of our own. SQLite is single-process, so
//! there the caller delivers in-process and these calls report "unsupported".

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Longest payload PostgreSQL accepts in one notification, in bytes (less one).
pub const MAX_PAYLOAD_BYTES: usize = 7_999;

/// A subscription to one notification channel of the database.
pub struct Listener {
    inner: PgListener,
}

impl Listener {
    /// The next payload sent on the channel (by any node, this one included).
    /// A lost connection is re-established on the next call; notifications
    /// sent while it was down are lost, which is why events are hints.
    pub async fn recv(&mut self) -> Result<String> {
        self.inner
            .recv()
            .await
            .map(|notification| notification.payload().to_owned())
            .map_err(|error| {
                PersistenceError::Unavailable(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(
                    error,
                )))
            })
    }
}

impl Store {
    /// True when notifications reach other processes (PostgreSQL).
    pub fn shares_notifications(&self) -> bool {
        self.backend() == DatabaseBackend::Postgres
    }

    /// Sends `payload` on `channel` to every listener of the database, this
    /// process included. Does nothing on SQLite.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        if !self.shares_notifications() {
            return Ok(());
        }
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Err(PersistenceError::Corrupt(format!(
                "notification payload of {} bytes is too large",
                payload.len()
            )));
        }
        self.db()
            .execute(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [channel.into(), payload.into()],
            ))
            .await?;
        Ok(())
    }

    /// Listens on `channel`; `None` on SQLite, where there is nobody else to hear.
    pub async fn listen(&self, channel: &str) -> Result<Option<Listener>> {
        if !self.shares_notifications() {
            return Ok(None);
        }
        let pool = self.db().pool().get_postgres_connection_pool();
        let unavailable = |error| {
            PersistenceError::Unavailable(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(
                error,
            )))
        };
        let mut inner = PgListener::connect_with(pool).await.map_err(unavailable)?;
        inner.listen(channel).await.map_err(unavailable)?;
        Ok(Some(Listener { inner }))
    }
}
