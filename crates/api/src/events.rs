//! Events that live subscriptions listen to ("a reply was approved", "an
//! article was published"). Raised by whichever code made the change with
//! [`Events::publish`], delivered to every subscriber of every server node.
//!
//! On SQLite (one process) an event goes straight to this process's
//! subscribers. On PostgreSQL several nodes may share the database, so an
//! event is sent as a `NOTIFY` on [`CHANNEL`]; every node (this one included)
//! `LISTEN`s there and hands what it hears to its own subscribers. Events are
//! hints for live views, not a log: one sent while the database is down is
//! delivered to this node only, and one sent while a node's listener is
//! reconnecting is missed by that node.

use std::time::Duration;

use masthead_domain::{ArticleId, ReplyId};
use masthead_persistence::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use uuid::Uuid;

/// The PostgreSQL notification channel all nodes listen on.
pub const CHANNEL: &str = "masthead_events";

/// Something subscribers may want to know about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A reply became public (posted under an open policy, or approved).
    ReplyApproved {
        /// The article it is under.
        article_id: ArticleId,
        /// The reply.
        reply_id: ReplyId,
    },
    /// An article became public (published now, or its scheduled time came).
    ArticlePublished {
        /// The article.
        article_id: ArticleId,
    },
}

/// An event as it travels between nodes: small, versionless JSON.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Wire {
    ReplyApproved { article_id: Uuid, reply_id: Uuid },
    ArticlePublished { article_id: Uuid },
}

impl From<&Event> for Wire {
    fn from(event: &Event) -> Self {
        match event {
            Event::ReplyApproved {
                article_id,
                reply_id,
            } => Wire::ReplyApproved {
                article_id: article_id.0,
                reply_id: reply_id.0,
            },
            Event::ArticlePublished { article_id } => Wire::ArticlePublished {
                article_id: article_id.0,
            },
        }
    }
}

impl From<Wire> for Event {
    fn from(wire: Wire) -> Self {
        match wire {
            Wire::ReplyApproved {
                article_id,
                reply_id,
            } => Event::ReplyApproved {
                article_id: ArticleId(article_id),
                reply_id: ReplyId(reply_id),
            },
            Wire::ArticlePublished { article_id } => Event::ArticlePublished {
                article_id: ArticleId(article_id),
            },
        }
    }
}

/// The event bus of this node.
#[derive(Debug, Clone)]
pub struct Events {
    local: broadcast::Sender<Event>,
    /// Present on PostgreSQL: events go out as NOTIFY and come back through the listener.
    outbox: Option<mpsc::UnboundedSender<Event>>,
}

impl Default for Events {
    /// An in-process bus (SQLite, tests, embedding).
    fn default() -> Self {
        Self {
            local: broadcast::channel(1_024).0,
            outbox: None,
        }
    }
}

impl Events {
    /// The bus for `store`: in-process on SQLite; on PostgreSQL it starts
    /// listening on [`CHANNEL`] (refusing to start if it cannot) and sends
    /// published events through the database.
    pub async fn connect(store: &Store) -> anyhow::Result<Self> {
        let mut events = Self::default();
        let Some(mut listener) = store.listen(CHANNEL).await? else {
            return Ok(events);
        };
        let local = events.local.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(payload) => match serde_json::from_str::<Wire>(&payload) {
                        Ok(wire) => {
                            let _ = local.send(wire.into());
                        }
                        Err(error) => tracing::warn!(%error, "ignoring an unreadable event"),
                    },
                    Err(error) => {
                        tracing::warn!(%error, "event listener lost the database; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        let (outbox, mut queue) = mpsc::unbounded_channel::<Event>();
        let (store, local) = (store.clone(), events.local.clone());
        tokio::spawn(async move {
            while let Some(event) = queue.recv().await {
                let payload = match serde_json::to_string(&Wire::from(&event)) {
                    Ok(payload) => payload,
                    Err(error) => {
                        tracing::error!(%error, "could not encode an event");
                        continue;
                    }
                };
                if let Err(error) = store.notify(CHANNEL, &payload).await {
                    // The other nodes miss it; this node's subscribers still hear it.
                    tracing::warn!(%error, "could not notify other nodes of an event");
                    let _ = local.send(event);
                }
            }
        });
        events.outbox = Some(outbox);
        Ok(events)
    }

    /// Announces `event` to every current subscriber on every node (none is
    /// fine). Never blocks: the database round trip happens in the background.
    pub fn publish(&self, event: Event) {
        match &self.outbox {
            Some(outbox) => {
                if let Err(unsent) = outbox.send(event) {
                    let _ = self.local.send(unsent.0);
                }
            }
            None => {
                let _ = self.local.send(event);
            }
        }
    }

    /// A stream of events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// How many subscribers this node has now (live subscriptions hold one each).
    pub fn subscriber_count(&self) -> usize {
        self.local.receiver_count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_survive_the_trip_between_nodes() {
        let events = [
            Event::ReplyApproved {
                article_id: ArticleId::generate(),
                reply_id: ReplyId::generate(),
            },
            Event::ArticlePublished {
                article_id: ArticleId::generate(),
            },
        ];
        for event in events {
            let json = serde_json::to_string(&Wire::from(&event)).unwrap();
            let back: Event = serde_json::from_str::<Wire>(&json).unwrap().into();
            assert_eq!(back, event);
        }
    }

    #[tokio::test]
    async fn an_in_process_bus_delivers_to_current_subscribers() {
        let events = Events::default();
        let mut receiver = events.subscribe();
        let event = Event::ArticlePublished {
            article_id: ArticleId::generate(),
        };
        events.publish(event.clone());
        assert_eq!(receiver.recv().await.unwrap(), event);
    }
}
