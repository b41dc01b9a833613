//! Live updates over WebSocket (`graphql-transport-ws`): new approved replies
//! under an article, and newly published articles. Events come from
//! [`crate::events::Events`], which reaches every node sharing the database.

use async_graphql::{Context, Result, Subscription, ID};
use futures_util::stream::{self, Stream, StreamExt};
use masthead_domain::{ArticleId, ReplyStatus};
use masthead_persistence::Visibility;
use tokio::sync::broadcast::error::RecvError;

use crate::error::ApiError;
use crate::events::Event;
use crate::graphql::context::{state, to_graphql, visibility, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{Loaders, ThreadOf};
use crate::graphql::types::{ArticleNode, ReplyNode};
use crate::state::AppState;

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
        let state = state(ctx)?.clone();
        let loaders = ctx.data::<Loaders>()?.clone();
        let article = ArticleId(
            ids::uuid_of("articleId", &article_id, &[Kind::Article]).map_err(to_graphql)?,
        );
        let receiver = state.events.subscribe();
        state
            .store
            .articles()
            .by_id(article, visibility(ctx))
            .await
            .gql()?
            .ok_or_else(|| to_graphql(ApiError::NotFound))?;
        Ok(events(receiver).filter_map(move |event| {
            let (state, loaders) = (state.clone(), loaders.clone());
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
        let state: AppState = state(ctx)?.clone();
        Ok(events(state.events.subscribe()).filter_map(move |event| {
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

/// The events a receiver hears, skipping over any it was too slow to keep.
fn events(
    receiver: tokio::sync::broadcast::Receiver<Event>,
) -> impl Stream<Item = Event> + Send + 'static {
    stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(event) => return Some((event, receiver)),
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a subscriber fell behind; events skipped");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
