//! The JSON shapes of replies. Public shapes have no `author_email` field at
//! all (nothing to forget to hide); only the moderation shape carries it.

use std::collections::HashMap;

use masthead_domain::thread::ThreadNode;
use masthead_domain::{Article, ArticleId, Reply, ReplyStatus};
use serde::Serialize;
use utoipa::ToSchema;

use crate::rest::views::timestamp;

/// A position in a public thread: a reply, or a placeholder for a removed
/// one (`removed: true`, no name, no text) that keeps its answers in place.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ThreadReply)]
pub struct ThreadReplyView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(required = true, format = "uuid")]
    pub parent_id: Option<String>,
    /// 0 for a top-level reply.
    pub depth: u8,
    /// `null` for a removed reply.
    #[schema(required = true)]
    pub author_name: Option<String>,
    /// Plain text; `null` for a removed reply.
    #[schema(required = true)]
    pub body: Option<String>,
    /// The text as escaped HTML paragraphs; `null` for a removed reply.
    #[schema(required = true)]
    pub body_html: Option<String>,
    /// Written by a member of staff.
    pub is_staff: bool,
    /// A placeholder for a removed reply that has answers.
    pub removed: bool,
    #[schema(required = true, format = DateTime)]
    pub created_at: Option<String>,
    /// The answers, oldest first.
    #[schema(no_recursion)]
    pub children: Vec<ThreadReplyView>,
}

impl From<ThreadNode> for ThreadReplyView {
    fn from(node: ThreadNode) -> Self {
        let reply = node.reply.as_ref();
        Self {
            id: node.id.to_string(),
            parent_id: node.parent_id.map(|id| id.to_string()),
            depth: node.depth,
            author_name: reply.map(|r| r.author_name.clone()),
            body: reply.map(|r| r.body.clone()),
            body_html: reply.map(Reply::body_html),
            is_staff: reply.is_some_and(|r| r.is_staff),
            removed: reply.is_none(),
            created_at: reply.map(|r| timestamp(r.created_at)),
            children: node.children.into_iter().map(Into::into).collect(),
        }
    }
}

/// The answer to posting: the reply as its author may see it (no e-mail).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = PostedReply)]
pub struct PostedReplyView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "uuid")]
    pub article_id: String,
    #[schema(required = true, format = "uuid")]
    pub parent_id: Option<String>,
    pub depth: u8,
    /// `approved` (public now) or `pending` (waits for a moderator).
    #[schema(value_type = ReplyStatusName)]
    pub status: &'static str,
    pub author_name: String,
    pub body: String,
    pub body_html: String,
    pub is_staff: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&Reply> for PostedReplyView {
    fn from(reply: &Reply) -> Self {
        Self {
            id: reply.id.to_string(),
            article_id: reply.article_id.to_string(),
            parent_id: reply.parent_id.map(|id| id.to_string()),
            depth: reply.depth,
            status: reply.status.as_str(),
            author_name: reply.author_name.clone(),
            body: reply.body.clone(),
            body_html: reply.body_html(),
            is_staff: reply.is_staff,
            created_at: timestamp(reply.created_at),
        }
    }
}

/// The article a queued reply is under.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReplyArticle)]
pub struct ReplyArticleView {
    #[schema(format = "uuid")]
    pub id: String,
    pub slug: String,
    pub title: String,
}

/// A reply as moderators see it: everything, e-mail and client hash included.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ModerationReply)]
pub struct ModerationReplyView {
    #[schema(format = "uuid")]
    pub id: String,
    #[schema(format = "uuid")]
    pub article_id: String,
    /// The article, in the queue; `null` in answers to moderation actions.
    #[schema(required = true)]
    pub article: Option<ReplyArticleView>,
    #[schema(required = true, format = "uuid")]
    pub parent_id: Option<String>,
    pub depth: u8,
    #[schema(value_type = ReplyStatusName)]
    pub status: &'static str,
    pub author_name: String,
    #[schema(format = Email)]
    pub author_email: String,
    pub body: String,
    pub body_html: String,
    pub is_staff: bool,
    /// The staff account that wrote it.
    #[schema(required = true, format = "uuid")]
    pub user_id: Option<String>,
    /// A salted hash of the reader's address (filter the queue by it); `null` for staff.
    #[schema(required = true)]
    pub client_hash: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl ModerationReplyView {
    /// Renders `reply`, with its article when known.
    pub fn new(reply: &Reply, article: Option<&Article>) -> Self {
        Self {
            id: reply.id.to_string(),
            article_id: reply.article_id.to_string(),
            article: article.map(|article| ReplyArticleView {
                id: article.id.to_string(),
                slug: article.slug.to_string(),
                title: article.title.to_string(),
            }),
            parent_id: reply.parent_id.map(|id| id.to_string()),
            depth: reply.depth,
            status: reply.status.as_str(),
            author_name: reply.author_name.clone(),
            author_email: reply.author_email.clone(),
            body: reply.body.clone(),
            body_html: reply.body_html(),
            is_staff: reply.is_staff,
            user_id: reply.user_id.map(|id| id.to_string()),
            client_hash: reply.client_hash.clone(),
            created_at: timestamp(reply.created_at),
        }
    }
}

/// Moderation states, as shown in `status`.
#[derive(ToSchema)]
#[schema(as = ReplyStatus, rename_all = "snake_case")]
pub enum ReplyStatusName {
    Pending,
    Approved,
    Rejected,
    Spam,
}

/// Replies per status.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReplyStatusCounts)]
pub struct StatusCountsView {
    pub pending: u64,
    pub approved: u64,
    pub rejected: u64,
    pub spam: u64,
}

impl From<&HashMap<ReplyStatus, u64>> for StatusCountsView {
    fn from(counts: &HashMap<ReplyStatus, u64>) -> Self {
        let count = |status| counts.get(&status).copied().unwrap_or(0);
        Self {
            pending: count(ReplyStatus::Pending),
            approved: count(ReplyStatus::Approved),
            rejected: count(ReplyStatus::Rejected),
            spam: count(ReplyStatus::Spam),
        }
    }
}

/// A page of the moderation queue.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ReplyQueuePage)]
pub struct QueueView {
    pub data: Vec<ModerationReplyView>,
    /// Pass as `cursor` for the next page; null on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
    /// Replies per status under the same filters, whatever `status` is.
    pub counts: StatusCountsView,
}

/// The answer to a batch moderation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Moderated)]
pub struct ModeratedView {
    #[schema(value_type = crate::rest::replies::ModerationActionName)]
    pub action: &'static str,
    /// Replies changed.
    pub count: usize,
    /// Each reply as it is now (as it was, for a deletion).
    pub data: Vec<ModerationReplyView>,
}

/// Looks up the article of each reply in `articles`.
pub fn moderation_views(
    replies: &[Reply],
    articles: &HashMap<ArticleId, Article>,
) -> Vec<ModerationReplyView> {
    replies
        .iter()
        .map(|reply| ModerationReplyView::new(reply, articles.get(&reply.article_id)))
        .collect()
}
