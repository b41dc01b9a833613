//! Events that live subscriptions listen to ("a reply was approved", "an
//! article was published"). Raised by whichever code made the change, delivered
//! to every subscriber of this process.

use masthead_domain::{ArticleId, ReplyId};
use tokio::sync::broadcast;

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

/// The event bus of this process.
#[derive(Debug, Clone)]
pub struct Events {
    sender: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(1_024).0,
        }
    }
}

impl Events {
    /// Announces `event` to every current subscriber (none is fine).
    pub fn publish(&self, event: Event) {
        let _ = self.sender.send(event);
    }

    /// A stream of events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }
}
