//! Replies over GraphQL: `postReply` for readers and staff, the moderation
//! mutations and the `replyQueue` for editors and admins. Same rules as REST:
//! both call `crate::app::replies`.

use async_graphql::{Context, Object, Result, ID};
use masthead_domain::ModerationAction;
use masthead_persistence::Cursor;

use crate::app::replies::moderation::{self, QueueRequest};
use crate::app::replies::posting::{self, ArticleRef, PostReply};
use crate::client_address::ClientAddress;
use crate::graphql::connection::{page_size, uncounted_connection};
use crate::graphql::context::{caller, field_error, state, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::reply_types::{
    ModerationActionValue, ModerationReply, ModerationResult, PostedReply, ReplyCounts,
    ReplyStatusValue,
};

uncounted_connection!(
    ReplyQueue,
    ReplyQueueEdge,
    ModerationReply,
    "replies in the moderation queue",
    counts: ReplyCounts => "Replies per status under the same article and client filters."
);

/// Reply reads for moderators.
#[derive(Default)]
pub struct ReplyQueueQuery;

/// Reply reads for moderators.
#[Object]
impl ReplyQueueQuery {
    /// The moderation queue, newest first, with counts per status (editors and admins).
    async fn reply_queue(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only this status (default `PENDING`; an explicit `null` shows every status).",
            default_with = "Some(ReplyStatusValue::Pending)"
        )]
        status: Option<ReplyStatusValue>,
        #[graphql(desc = "Only replies under this article (slug or id).")] article: Option<String>,
        #[graphql(desc = "Only replies from this client (a reply's `clientHash`).")] client: Option<
            String,
        >,
        #[graphql(desc = "Page size, 1 to the configured maximum (default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<ReplyQueue> {
        let state = state(ctx)?;
        let caller = caller(ctx);
        let size = page_size(ctx, "first", first)?;
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .gql()?;
        let request = QueueRequest {
            status: status.map(Into::into),
            article,
            client,
            size,
            after,
        };
        let page = moderation::queue(state, caller, request).await.gql()?;
        let articles = page.articles;
        let items = page
            .items
            .into_iter()
            .map(|(cursor, reply)| (cursor.encode(), ModerationReply::new(reply, &articles)));
        let (edges, page_info) =
            ReplyQueueEdge::page(items, after.is_some(), page.next_cursor.is_some());
        Ok(ReplyQueue {
            edges,
            page_info,
            counts: (&page.counts).into(),
        })
    }
}

/// Reply writes.
#[derive(Default)]
pub struct ReplyMutation;

/// Reply writes.
#[Object]
impl ReplyMutation {
    /// Posts a reply under a published article (name it by `articleSlug` or
    /// `articleId`). Staff signed in post under their account and appear at
    /// once; readers' replies follow the article's reply policy. Leave
    /// `website` empty: it is a trap for robots.
    #[allow(clippy::too_many_arguments)]
    async fn post_reply(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article, by slug (or give `articleId`).")] article_slug: Option<
            String,
        >,
        #[graphql(desc = "The article, by id (or give `articleSlug`).")] article_id: Option<ID>,
        #[graphql(desc = "The approved reply this one answers, under the same article.")]
        parent_id: Option<ID>,
        #[graphql(desc = "1-80 characters (staff: taken from the account).")] author_name: Option<
            String,
        >,
        #[graphql(
            desc = "Never shown publicly; at most 254 characters (staff: from the account)."
        )]
        author_email: Option<String>,
        #[graphql(desc = "Plain text, 1-5,000 characters once trimmed.")] body: String,
        #[graphql(desc = "Leave empty.")] website: Option<String>,
    ) -> Result<PostedReply> {
        let state = state(ctx)?;
        let caller = caller(ctx);
        let address = ctx.data_opt::<ClientAddress>().copied().unwrap_or_default();
        let article = match (article_slug, article_id) {
            (Some(slug), None) => ArticleRef::Slug(slug),
            (None, Some(id)) => ArticleRef::Id(ids::local_key(&id, &[Kind::Article])),
            _ => {
                return Err(field_error(
                    "articleSlug",
                    "give either articleSlug or articleId",
                ))
            }
        };
        let input = PostReply {
            parent_id: parent_id.map(|id| ids::local_key(&id, &[Kind::Reply])),
            author_name,
            author_email,
            body: Some(body),
            website,
        };
        let reply = posting::post_reply(state, caller, address, article, input)
            .await
            .gql()?;
        Ok(PostedReply(reply))
    }

    /// Makes a reply public (editors and admins).
    async fn approve_reply(&self, ctx: &Context<'_>, id: ID) -> Result<ModerationReply> {
        moderate_one(ctx, id, ModerationAction::Approve).await
    }

    /// Refuses a reply (editors and admins).
    async fn reject_reply(&self, ctx: &Context<'_>, id: ID) -> Result<ModerationReply> {
        moderate_one(ctx, id, ModerationAction::Reject).await
    }

    /// Refuses a reply as spam (editors and admins).
    async fn mark_reply_spam(&self, ctx: &Context<'_>, id: ID) -> Result<ModerationReply> {
        moderate_one(ctx, id, ModerationAction::Spam).await
    }

    /// Deletes a reply for good; its answers keep their place. Returns its id.
    async fn delete_reply(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        moderate_one(ctx, id.clone(), ModerationAction::Delete).await?;
        Ok(id)
    }

    /// One action on 1-100 replies in one transaction: all change, or none
    /// does (an unknown id is named in the error).
    async fn moderate_replies(
        &self,
        ctx: &Context<'_>,
        ids: Vec<ID>,
        action: ModerationActionValue,
    ) -> Result<ModerationResult> {
        let state = state(ctx)?;
        let caller = caller(ctx);
        let ids: Vec<String> = ids
            .iter()
            .map(|id| ids::local_key(id, &[Kind::Reply]))
            .collect();
        let replies = moderation::moderate_many(state, caller, &ids, action.into())
            .await
            .gql()?;
        let none = Default::default();
        Ok(ModerationResult {
            action,
            count: replies.len(),
            replies: replies
                .into_iter()
                .map(|reply| ModerationReply::new(reply, &none))
                .collect(),
        })
    }
}

async fn moderate_one(
    ctx: &Context<'_>,
    id: ID,
    action: ModerationAction,
) -> Result<ModerationReply> {
    let state = state(ctx)?;
    let caller = caller(ctx);
    let id = ids::local_key(&id, &[Kind::Reply]);
    let reply = moderation::moderate_one(state, caller, &id, action)
        .await
        .gql()?;
    Ok(ModerationReply::new(reply, &Default::default()))
}
