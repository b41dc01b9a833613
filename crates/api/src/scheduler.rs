//! Announces scheduled publications. Nothing needs to run for a scheduled
//! article to become public (the read path compares `published_at` with the
//! clock), but subscribers want an `ArticlePublished` event when the time
//! comes. Once a second this task asks for the scheduled articles whose time
//! fell since the previous tick (one range scan on the status/publication
//! index), raises an event for each, and retires the cached public lists that
//! were built before they came due (see `public_cache`).
//!
//! The window reaches back a little before the previous tick, so a schedule
//! committed just as a tick ran is not missed; announcements are remembered
//! for as long as the window can reach them, so nothing is announced twice.
//! Every node runs its own task for its own subscribers; the webhook event
//! of a publication coming due has an id derived from the article and the
//! time, so only one node queues it. Articles whose time passed while no
//! server ran are not announced late.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use masthead_domain::ArticleId;
use masthead_persistence::Store;
use tokio::task::JoinHandle;

use crate::events::{Event, Events};

/// How often the task looks.
const TICK: Duration = Duration::from_secs(1);
/// How far before the previous tick each look reaches.
const OVERLAP: chrono::Duration = chrono::Duration::seconds(10);
/// The longest window after a database outage (older times are not announced).
const CATCH_UP: chrono::Duration = chrono::Duration::hours(1);

/// Starts the task on the current runtime; it runs until the runtime stops.
pub fn spawn(store: Store, events: Events) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut scheduler = Scheduler::new(masthead_persistence::now());
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticker.tick().await;
            scheduler
                .tick(&store, &events, masthead_persistence::now())
                .await;
        }
    })
}

/// The announcer's memory between ticks.
#[derive(Debug)]
pub struct Scheduler {
    last_tick: DateTime<Utc>,
    announced: HashSet<(ArticleId, DateTime<Utc>)>,
}

impl Scheduler {
    /// A scheduler that announces times after `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            last_tick: start,
            announced: HashSet::new(),
        }
    }

    /// Announces every scheduled article whose time came since the last tick
    /// and is not after `now`. A database error is logged and retried next tick.
    pub async fn tick(&mut self, store: &Store, events: &Events, now: DateTime<Utc>) {
        let from = (self.last_tick - OVERLAP).max(now - CATCH_UP);
        let due = match store.articles().scheduled_between(from, now).await {
            Ok(due) => due,
            Err(error) => {
                tracing::warn!(%error, "could not look for scheduled articles");
                return;
            }
        };
        for (article_id, at) in due {
            if self.announced.insert((article_id, at)) {
                // Cached public lists do not hold it yet.
                store.note_change(masthead_persistence::content_clock::Change::Everything);
                // How late this node saw it come due (the tick is once a second).
                let late = (Utc::now() - at).to_std().unwrap_or_default();
                crate::metrics::recorded()
                    .scheduler_lag_seconds
                    .observe(late.as_secs_f64());
                tracing::info!(%article_id, %at, "scheduled article is now public");
                events.publish(Event::ArticlePublished { article_id });
                // Webhooks: one event whichever node's scheduler gets here first.
                if let Err(error) =
                    masthead_persistence::outbox::scheduled_article_due(store, article_id, at).await
                {
                    tracing::warn!(%error, %article_id, "could not queue the webhook of a scheduled article");
                }
            }
        }
        self.announced.retain(|(_, at)| *at > from);
        self.last_tick = now;
    }
}
