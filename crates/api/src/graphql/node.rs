//! `node(id:)`: refetch any object by its global ID, as Relay and Apollo
//! caches do. It applies the same visibility as every other path: a draft, an
//! unapproved reply or someone else's account is simply `null`.

use async_graphql::{Context, Interface, Object, ID};
use masthead_domain::policy::Action;
use masthead_domain::{ArticleId, BlockContent, ReplyId, ReplyStatus, UserId};

use crate::graphql::context::{
    caller, field_error, sees_drafts, state, visibility, GqlResult, OrGql,
};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, Loaders, ThreadOf};
use crate::graphql::types::{ArticleNode, AuthorNode, PullQuoteNode, ReplyNode, TagNode, UserNode};

/// An object with a global ID that `node(id:)` can refetch.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Global ID: opaque, stable, unique across types."
))]
pub enum Node {
    /// A story.
    Article(ArticleNode),
    /// A byline profile.
    Author(AuthorNode),
    /// A collection or topic.
    Tag(TagNode),
    /// A reader's reply.
    Reply(ReplyNode),
    /// A staff account.
    User(UserNode),
    /// A pull quote.
    PullQuote(PullQuoteNode),
}

/// The `node` root field.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID, or null when there is none the caller may see.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as any object's `id` field gives it.")] id: ID,
    ) -> GqlResult<Option<Node>> {
        let Some((kind, key)) = ids::decode(&id) else {
            return Err(field_error("id", "is not a global ID"));
        };
        let Ok(uuid) = key
            .split('/')
            .next()
            .unwrap_or_default()
            .parse::<uuid::Uuid>()
        else {
            return Ok(None);
        };
        let state = state(ctx)?;
        let visibility = visibility(ctx);
        let now = masthead_persistence::now();
        Ok(match kind {
            Kind::Article => ctx
                .data::<Loaders>()?
                .load_one(ArticleById {
                    id: ArticleId(uuid),
                    staff: sees_drafts(ctx),
                })
                .await?
                .map(|article| Node::Article(ArticleNode::without_body(article, now))),
            Kind::Author => state
                .store
                .authors()
                .by_ids(&[UserId(uuid)], visibility)
                .await
                .gql()?
                .first()
                .map(|author| Node::Author(AuthorNode::from(author))),
            Kind::Tag => state
                .store
                .tags()
                .list()
                .await
                .gql()?
                .iter()
                .find(|tag| tag.id.0 == uuid)
                .map(|tag| Node::Tag(TagNode::from(tag))),
            Kind::User => {
                let caller = caller(ctx);
                let own = caller.0.is_some_and(|actor| actor.id.0 == uuid);
                if own || caller.authorize(Action::ManageUsers).is_ok() {
                    state
                        .store
                        .users()
                        .by_id(UserId(uuid))
                        .await
                        .gql()?
                        .map(|user| Node::User(UserNode::from(&user)))
                } else {
                    None
                }
            }
            Kind::Reply => {
                let reply = state.store.replies().by_id(ReplyId(uuid)).await.gql()?;
                match reply {
                    Some(reply) if reply.status == ReplyStatus::Approved => {
                        let article = state
                            .store
                            .articles()
                            .by_id(reply.article_id, visibility)
                            .await
                            .gql()?;
                        match article {
                            Some(article) => ctx
                                .data::<Loaders>()?
                                .load_one(ThreadOf(article.id))
                                .await?
                                .and_then(|thread| thread.node(reply.id))
                                .map(Node::Reply),
                            None => None,
                        }
                    }
                    _ => None,
                }
            }
            Kind::PullQuote => {
                let Some((article_id, block_id)) = PullQuoteNode::parse_key(&key) else {
                    return Ok(None);
                };
                let article = state
                    .store
                    .articles()
                    .by_id(article_id, visibility)
                    .await
                    .gql()?;
                article.and_then(|article| {
                    let block = article
                        .sections
                        .iter()
                        .flat_map(|section| &section.blocks)
                        .find(|block| block.id == block_id)?;
                    match &block.content {
                        BlockContent::PullQuote(quote) => Some(Node::PullQuote(
                            PullQuoteNode::new(article.id, block.id, quote.clone()),
                        )),
                        _ => None,
                    }
                })
            }
        })
    }
}
