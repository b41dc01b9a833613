//! Telling every server node that public content changed, through PostgreSQL
//! itself (LISTEN/NOTIFY), so each node's caches refresh within moments of a
//! write on any other node. On SQLite there is only one node: nothing to relay.

use std::time::Duration;

use crate::store::Store;

/// The notification channel of content changes.
pub const CHANNEL: &str = "masthead_content_changed";

/// Sends the change notice to the other nodes (PostgreSQL only; errors are
/// logged, not fatal: the write has committed already).
/// The notice names the sending node, which ignores its own echo: its cache
/// was retired at the write already, and a second retirement would make
/// readers wait on a second rebuild of the same content.
pub(crate) async fn announce(store: &Store) {
    if let Err(error) = store.notify(CHANNEL, store.node()).await {
        tracing::warn!(%error, "could not notify other nodes of a content change");
    }
}

/// Listens for other nodes' change notices for as long as the process runs,
/// reconnecting after a database restart. Returns at once on SQLite.
pub async fn relay_remote_changes(store: Store) {
    loop {
        match store.listen(CHANNEL).await {
            Ok(None) => return,
            Ok(Some(mut listener)) => {
                // Anything may have changed while nobody was listening.
                store.note_change();
                loop {
                    match listener.recv().await {
                        Ok(node) if node == store.node() => {}
                        Ok(_) => store.note_change(),
                        Err(error) => {
                            // A lost connection may have swallowed notices: refresh too.
                            store.note_change();
                            tracing::warn!(%error, "change feed lost the database; reconnecting");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "change feed cannot connect; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
