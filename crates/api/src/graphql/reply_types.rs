//! GraphQL types of replies as their authors and moderators see them. The
//! public type (`PostedReply`) has no e-mail field; only `ModerationReply`,
//! reachable by editors and admins alone, carries it.

use std::collections::HashMap;

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Enum, Object, SimpleObject, ID};
use masthead_domain::{Article, ModerationAction, Reply, ReplyStatus};

pub use crate::graphql::types::enums::ReplyStatusValue;

/// What a moderator does to replies.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(name = "ModerationAction")]
pub enum ModerationActionValue {
    /// Make them public.
    Approve,
    /// Refuse them.
    Reject,
    /// Refuse them as spam.
    Spam,
    /// Remove them for good (answers keep their place under a placeholder).
    Delete,
}

impl From<ModerationActionValue> for ModerationAction {
    fn from(action: ModerationActionValue) -> Self {
        match action {
            ModerationActionValue::Approve => Self::Approve,
            ModerationActionValue::Reject => Self::Reject,
            ModerationActionValue::Spam => Self::Spam,
            ModerationActionValue::Delete => Self::Delete,
        }
    }
}

/// A reply as its author may see it right after posting (no e-mail address).
pub struct PostedReply(pub Reply);

/// A reply as its author may see it right after posting (no e-mail address).
#[Object]
impl PostedReply {
    /// Stable identity.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// The article it is under.
    async fn article_id(&self) -> ID {
        ID(self.0.article_id.to_string())
    }
    /// The reply it answers, if any.
    async fn parent_id(&self) -> Option<ID> {
        self.0.parent_id.map(|id| ID(id.to_string()))
    }
    /// 1 for a top-level reply, at most 5.
    async fn depth(&self) -> u8 {
        self.0.depth
    }
    /// `APPROVED` when public at once, `PENDING` when it waits for a moderator.
    async fn status(&self) -> ReplyStatusValue {
        self.0.status.into()
    }
    /// Name shown with the reply.
    async fn author_name(&self) -> &str {
        &self.0.author_name
    }
    /// The text exactly as written; render it as text, never as HTML.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// The text as safe HTML: escaped, line breaks kept, web links with `rel="nofollow ugc noopener"`.
    async fn body_html(&self) -> String {
        self.0.body_html()
    }
    /// Written by a member of staff under their account.
    async fn is_staff(&self) -> bool {
        self.0.is_staff
    }
    /// When it was posted.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
}

/// A reply as moderators see it: everything, e-mail and client hash included.
pub struct ModerationReply {
    /// The reply.
    pub reply: Reply,
    /// Its article's slug and title, when known.
    pub article: Option<(String, String)>,
}

impl ModerationReply {
    /// Wraps `reply`, looking its article up in `articles`.
    pub fn new(reply: Reply, articles: &HashMap<masthead_domain::ArticleId, Article>) -> Self {
        let article = articles
            .get(&reply.article_id)
            .map(|article| (article.slug.to_string(), article.title.to_string()));
        Self { reply, article }
    }
}

/// A reply as moderators see it: everything, e-mail and client hash included.
#[Object]
impl ModerationReply {
    /// Stable identity.
    async fn id(&self) -> ID {
        ID(self.reply.id.to_string())
    }
    /// The article it is under.
    async fn article_id(&self) -> ID {
        ID(self.reply.article_id.to_string())
    }
    /// The article's slug (queue pages only).
    async fn article_slug(&self) -> Option<&str> {
        self.article.as_ref().map(|(slug, _)| slug.as_str())
    }
    /// The article's headline (queue pages only).
    async fn article_title(&self) -> Option<&str> {
        self.article.as_ref().map(|(_, title)| title.as_str())
    }
    /// The reply it answers, if any.
    async fn parent_id(&self) -> Option<ID> {
        self.reply.parent_id.map(|id| ID(id.to_string()))
    }
    /// 1 for a top-level reply.
    async fn depth(&self) -> u8 {
        self.reply.depth
    }
    /// Moderation state (after the action, for moderation results).
    async fn status(&self) -> ReplyStatusValue {
        self.reply.status.into()
    }
    /// Name shown with the reply.
    async fn author_name(&self) -> &str {
        &self.reply.author_name
    }
    /// The author's address: for moderators only, never public.
    async fn author_email(&self) -> &str {
        &self.reply.author_email
    }
    /// The text exactly as written.
    async fn body(&self) -> &str {
        &self.reply.body
    }
    /// The text as safe HTML.
    async fn body_html(&self) -> String {
        self.reply.body_html()
    }
    /// Written by a member of staff under their account.
    async fn is_staff(&self) -> bool {
        self.reply.is_staff
    }
    /// The staff account, for staff replies.
    async fn user_id(&self) -> Option<ID> {
        self.reply.user_id.map(|id| ID(id.to_string()))
    }
    /// Salted hash of the poster's address (never the address): filter the
    /// queue by it to review one client's replies.
    async fn client_hash(&self) -> Option<&str> {
        self.reply.client_hash.as_deref()
    }
    /// When it was posted.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.reply.created_at)
    }
}

/// Replies per status.
#[derive(SimpleObject, Debug, Default)]
pub struct ReplyCounts {
    /// Waiting for a moderator.
    pub pending: u64,
    /// Public.
    pub approved: u64,
    /// Refused.
    pub rejected: u64,
    /// Refused as spam.
    pub spam: u64,
}

impl From<&HashMap<ReplyStatus, u64>> for ReplyCounts {
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

/// The result of `moderateReplies`.
#[derive(SimpleObject)]
pub struct ModerationResult {
    /// What was done.
    pub action: ModerationActionValue,
    /// How many replies it changed.
    pub count: usize,
    /// The replies as they are now (as they were, for deletions).
    pub replies: Vec<ModerationReply>,
}
