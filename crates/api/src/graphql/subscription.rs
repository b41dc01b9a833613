//! Live updates over WebSocket (`graphql-transport-ws`): new approved replies
//! under an article, and newly published articles. Events come from
//! [`crate::events::Events`], which reaches every node sharing the database.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Result, Subscription, ID};
use futures_util::stream::{self, Stream, StreamExt};
use masthead_domain::{ArticleId, ReplyStatus};
use masthead_persistence::Visibility;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::ApiError;
use crate::events::Event;
use crate::graphql::context::{caller, state, visibility, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{Loaders, ThreadOf};
use crate::graphql::tenure::{Holder, Tenure};
use crate::graphql::types::{ArticleNode, ReplyNode};
use crate::state::AppState;

/// Most subscriptions one WebSocket connection may hold at once.
pub const MAX_PER_CONNECTION: usize = 20;

/// The subscriptions a connection may still open; each live one holds a permit.
#[derive(Clone)]
pub struct Budget(Arc<Semaphore>);

impl Default for Budget {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(MAX_PER_CONNECTION)))
    }
}

/// A permit for one subscription of the connection, or `RATE_LIMITED`.
fn permit(ctx: &Context<'_>) -> Result<Option<OwnedSemaphorePermit>> {
    let Ok(budget) = ctx.data::<Budget>() else {
        // Not over a WebSocket connection (nothing long-lived to bound).
        return Ok(None);
    };
    budget.0.clone().try_acquire_owned().map(Some).map_err(|_| {
        async_graphql::Error::new(format!(
            "at most {MAX_PER_CONNECTION} subscriptions per connection; complete one first"
        ))
        .extend_with(|_, extensions| {
            extensions.set("code", "RATE_LIMITED");
            extensions.set("limit", "subscriptions");
            extensions.set("max", MAX_PER_CONNECTION as u64);
        })
    })
}

/// Live updates.
#[derive(Default)]
pub struct Subscription;

/// Live updates over WebSocket (`graphql-transport-ws` at `/graphql`).
#[Subscription]
impl Subscription {
    /// Each reply under the article that becomes public (approved, or posted
    /// under an open policy) from now on. Never a pending or refused reply.
    async fn reply_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID (or UUID).")] article_id: ID,
    ) -> Result<impl Stream<Item = ReplyNode>> {
        let permit = permit(ctx)?;
        let state = state(ctx)?.clone();
        let loaders = ctx.data::<Loaders>()?.clone();
        let watcher = Watcher::of(ctx);
        let article = ArticleId(ids::uuid_of("articleId", &article_id, &[Kind::Article]).gql()?);
        let receiver = state.events.subscribe();
        state
            .store
            .articles()
            .by_id(article, visibility(ctx))
            .await
            .gql()?
            .ok_or(ApiError::NotFound)
            .gql()?;
        let events = events(receiver, permit).take_until_invalid(state.clone(), watcher.clone());
        Ok(events.filter_map(move |event| {
            let (state, loaders, watcher) = (state.clone(), loaders.clone(), watcher.clone());
            async move {
                let Event::ReplyApproved {
                    article_id,
                    reply_id,
                } = event
                else {
                    return None;
                };
                if article_id != article {
                    return None;
                }
                // The article must still be one the caller may see (it may
                // have been unpublished since the subscription began).
                state
                    .store
                    .articles()
                    .by_ids(&[article], watcher.visibility(), false)
                    .await
                    .ok()?
                    .pop()?;
                let reply = state.store.replies().by_id(reply_id).await.ok()??;
                if reply.status != ReplyStatus::Approved || reply.article_id != article {
                    return None;
                }
                let thread = loaders.load_one(ThreadOf(article)).await.ok()??;
                thread.node(reply_id)
            }
        }))
    }

    /// Each article that becomes public from now on.
    async fn article_published(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = ArticleNode>> {
        let permit = permit(ctx)?;
        let state: AppState = state(ctx)?.clone();
        let watcher = Watcher::of(ctx);
        Ok(events(state.events.subscribe(), permit)
            .take_until_invalid(state.clone(), watcher)
            .filter_map(move |event| {
                let state = state.clone();
                async move {
                    let Event::ArticlePublished { article_id } = event else {
                        return None;
                    };
                    let now = masthead_persistence::now();
                    let article = state
                        .store
                        .articles()
                        .by_id(article_id, Visibility::Public { now })
                        .await
                        .ok()??;
                    Some(ArticleNode::new(article, now))
                }
            }))
    }
}

/// Who holds a subscription, checked again at every event: a member of staff
/// whose token expired, whose account was disabled or whose role or
/// credentials changed loses it (the stream completes and the connection is
/// closed with the protocol's close code, see [`Tenure`]), and what the
/// subscriber may see is decided anew each time.
#[derive(Debug, Clone)]
struct Watcher {
    actor: Option<masthead_domain::policy::Actor>,
    tenure: Tenure,
}

impl Watcher {
    fn of(ctx: &Context<'_>) -> Self {
        let actor = caller(ctx).0;
        let tenure = ctx.data_opt::<Tenure>().cloned().unwrap_or_else(|| {
            // Not over a WebSocket (the connection puts its tenure in): the
            // account is still checked at every event.
            Tenure::new(actor.map(|actor| Holder {
                actor,
                since: masthead_persistence::now(),
                expires_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
            }))
        });
        Self { actor, tenure }
    }

    /// Staff see drafts; everyone else what is public now.
    fn visibility(&self) -> Visibility {
        match self.actor {
            Some(_) => Visibility::Staff,
            None => Visibility::Public {
                now: masthead_persistence::now(),
            },
        }
    }
}

/// Ends a stream of events at the first one its watcher may no longer receive.
trait TakeUntilInvalid: Stream<Item = Event> + Sized + Send + 'static {
    fn take_until_invalid(
        self,
        state: AppState,
        watcher: Watcher,
    ) -> impl Stream<Item = Event> + Send + 'static {
        self.take_while(move |_| {
            let (state, tenure) = (state.clone(), watcher.tenure.clone());
            async move { tenure.still_held(&state).await }
        })
    }
}

impl<S: Stream<Item = Event> + Send + 'static> TakeUntilInvalid for S {}

/// The events a receiver hears, skipping over any it was too slow to keep.
/// The connection's permit is held until the subscription ends.
fn events(
    receiver: tokio::sync::broadcast::Receiver<Event>,
    permit: Option<OwnedSemaphorePermit>,
) -> impl Stream<Item = Event> + Send + 'static {
    stream::unfold((receiver, permit), |(mut receiver, permit)| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, (receiver, permit))),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber fell behind; events skipped");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
