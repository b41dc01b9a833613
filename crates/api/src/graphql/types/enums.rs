//! GraphQL enums mirroring the domain's closed sets.

use async_graphql::Enum;
use masthead_domain::{ArticleStatus, ReplyPolicy, ReplyStatus, Role};

/// Where an article is in its editorial life.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "ArticleStatus")]
pub enum ArticleStatusValue {
    /// Being written; only staff see it.
    Draft,
    /// Submitted by its author, waiting for an editor.
    InReview,
    /// Will become public at `publishedAt`.
    Scheduled,
    /// Public.
    Published,
    /// Taken out of circulation; kept for the record.
    Archived,
}

impl From<ArticleStatus> for ArticleStatusValue {
    fn from(status: ArticleStatus) -> Self {
        match status {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::InReview => Self::InReview,
            ArticleStatus::Scheduled => Self::Scheduled,
            ArticleStatus::Published => Self::Published,
            ArticleStatus::Archived => Self::Archived,
        }
    }
}

impl From<ArticleStatusValue> for ArticleStatus {
    fn from(status: ArticleStatusValue) -> Self {
        match status {
            ArticleStatusValue::Draft => Self::Draft,
            ArticleStatusValue::InReview => Self::InReview,
            ArticleStatusValue::Scheduled => Self::Scheduled,
            ArticleStatusValue::Published => Self::Published,
            ArticleStatusValue::Archived => Self::Archived,
        }
    }
}

/// Who may reply under an article.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "ReplyPolicy")]
pub enum ReplyPolicyValue {
    /// Replies appear at once unless they look like spam.
    Open,
    /// Replies wait for a moderator.
    Moderated,
    /// No new replies.
    Closed,
}

impl From<ReplyPolicy> for ReplyPolicyValue {
    fn from(policy: ReplyPolicy) -> Self {
        match policy {
            ReplyPolicy::Open => Self::Open,
            ReplyPolicy::Moderated => Self::Moderated,
            ReplyPolicy::Closed => Self::Closed,
        }
    }
}

impl From<ReplyPolicyValue> for ReplyPolicy {
    fn from(policy: ReplyPolicyValue) -> Self {
        match policy {
            ReplyPolicyValue::Open => Self::Open,
            ReplyPolicyValue::Moderated => Self::Moderated,
            ReplyPolicyValue::Closed => Self::Closed,
        }
    }
}

/// What a member of staff may do.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "Role")]
pub enum RoleValue {
    /// Everything, including managing users.
    Admin,
    /// All content: edit anyone's, publish, moderate, manage tags.
    Editor,
    /// Own drafts only; submits them for review.
    Author,
}

impl From<Role> for RoleValue {
    fn from(role: Role) -> Self {
        match role {
            Role::Admin => Self::Admin,
            Role::Editor => Self::Editor,
            Role::Author => Self::Author,
        }
    }
}

impl From<RoleValue> for Role {
    fn from(role: RoleValue) -> Self {
        match role {
            RoleValue::Admin => Self::Admin,
            RoleValue::Editor => Self::Editor,
            RoleValue::Author => Self::Author,
        }
    }
}

/// Where a reply is in moderation; the public sees `APPROVED` only.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "ReplyStatus")]
pub enum ReplyStatusValue {
    /// Waiting for a moderator.
    Pending,
    /// Public.
    Approved,
    /// Refused by a moderator.
    Rejected,
    /// Refused as spam.
    Spam,
}

impl From<ReplyStatus> for ReplyStatusValue {
    fn from(status: ReplyStatus) -> Self {
        match status {
            ReplyStatus::Pending => Self::Pending,
            ReplyStatus::Approved => Self::Approved,
            ReplyStatus::Rejected => Self::Rejected,
            ReplyStatus::Spam => Self::Spam,
        }
    }
}

impl From<ReplyStatusValue> for ReplyStatus {
    fn from(status: ReplyStatusValue) -> Self {
        match status {
            ReplyStatusValue::Pending => Self::Pending,
            ReplyStatusValue::Approved => Self::Approved,
            ReplyStatusValue::Rejected => Self::Rejected,
            ReplyStatusValue::Spam => Self::Spam,
        }
    }
}

/// The order of an article list (always newest first, ties broken by id).
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum ArticleOrderBy {
    /// By publication time: the front page. Unpublished drafts (staff only) come last.
    #[default]
    PublishedAtDesc,
    /// By last change: the editors' desk.
    UpdatedAtDesc,
}
