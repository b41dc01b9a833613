//! Telling every server node that public content changed, through PostgreSQL
//! itself (LISTEN/NOTIFY), so each node's caches refresh within moments of a
//! write on any other node. On SQLite there is only one node: nothing to relay.

use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::store::Store;

/// The notification channel of content changes.
pub const CHANNEL: &str = "masthead_content_changed";

/// Sends the change notice to the other nodes (PostgreSQL only; errors are logged, not fatal).
pub(crate) async fn announce(store: &Store) {
    if store.backend() != DatabaseBackend::Postgres {
        return;
    }
    let statement = Statement::from_string(DatabaseBackend::Postgres, format!("NOTIFY {CHANNEL}"));
    if let Err(error) = store.db().execute(statement).await {
        tracing::warn!(%error, "could not notify other nodes of a content change");
    }
}

/// Listens for other nodes' change notices for as long as the process runs,
/// reconnecting after a database restart. Returns at once on SQLite.
pub async fn relay_remote_changes(store: Store, database_url: String) {
    if store.backend() != DatabaseBackend::Postgres {
        return;
    }
    loop {
        match PgListener::connect(&database_url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => {
                    // Anything may have changed while we were not listening.
                    store.note_remote_change();
                    while listener.recv().await.is_ok() {
                        store.note_remote_change();
                    }
                }
                Err(error) => tracing::warn!(%error, "could not LISTEN for content changes"),
            },
            Err(error) => tracing::warn!(%error, "change feed cannot connect; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
