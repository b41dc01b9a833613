//! Telling every server node that public content changed, through PostgreSQL
//! itself (LISTEN/NOTIFY), so each node's caches refresh within moments of a
//! write on any other node. On SQLite there is only one node: nothing to relay.

use std::time::Duration;

use masthead_domain::ArticleId;

use crate::content_clock::Change;
use crate::store::Store;

/// The notification channel of content changes.
pub const CHANNEL: &str = "masthead_content_changed";

/// Sends the change notice to the other nodes (PostgreSQL only; errors are
/// logged, not fatal: the write has committed already).
/// The notice names the sending node, which ignores its own echo: its cache
/// was retired at the write already, and a second retirement would make
/// readers wait on a second rebuild of the same content. A change of one
/// article names it after the node (`node article-id`); a notice naming
/// nothing else (or one this version cannot read) changes everything.
pub(crate) async fn announce(store: &Store, change: Change) {
    let notice = match change {
        Change::Everything => store.node().to_owned(),
        Change::Article(id) => format!("{} {}", store.node(), id.0),
    };
    if let Err(error) = store.notify(CHANNEL, &notice).await {
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
                store.note_change(Change::Everything);
                loop {
                    match listener.recv().await {
                        Ok(notice) => {
                            if let Some(change) = heard(&notice, store.node()) {
                                store.note_change(change);
                            }
                        }
                        Err(error) => {
                            // A lost connection may have swallowed notices: refresh too.
                            store.note_change(Change::Everything);
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

/// What another node's `notice` changed; `None` for this node's own echo.
fn heard(notice: &str, own_node: &str) -> Option<Change> {
    let (node, article) = match notice.split_once(' ') {
        Some((node, article)) => (node, Some(article)),
        None => (notice, None),
    };
    if node == own_node {
        return None;
    }
    let article = article.and_then(|id| uuid::Uuid::parse_str(id).ok());
    Some(article.map_or(Change::Everything, |id| Change::Article(ArticleId(id))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_read_as_they_are_sent() {
        let article = ArticleId::generate();
        assert_eq!(heard("b", "a"), Some(Change::Everything));
        assert_eq!(
            heard(&format!("b {}", article.0), "a"),
            Some(Change::Article(article))
        );
        assert_eq!(heard(&format!("a {}", article.0), "a"), None, "own echo");
        assert_eq!(heard("a", "a"), None, "own echo");
        assert_eq!(
            heard("b not-an-id", "a"),
            Some(Change::Everything),
            "unreadable: assume the worst"
        );
    }
}
