//! The editorial workflow over GraphQL: `submitArticle`, `publishArticle`
//! (with `at` to schedule), `unpublishArticle`, `archiveArticle`,
//! `restoreRevision`; and the reads `revisions`, `revision`, `revisionDiff`,
//! `auditLog`. Every write takes an optional `expectedVersion`; a stale one
//! fails with `VERSION_CONFLICT` and `extensions.currentVersion`.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, Enum, Object, Result, ID};
use masthead_persistence::audit::{AuditFilter, SubjectKind};
use masthead_persistence::{Cursor, PageRequest};

use crate::app::workflow::{self, Transition};
use crate::app::BasedOn;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::graphql::connection::{page_size, uncounted_connection};
use crate::graphql::context::{caller, state, OrGql};
use crate::graphql::ids;
use crate::graphql::types::ArticleNode;
use crate::graphql::workflow_types::{
    AuditEntryNode, RevisionDiff, RevisionNode, RevisionSummaryNode,
};
use crate::state::AppState;

uncounted_connection!(
    RevisionSummaryConnection,
    RevisionSummaryEdge,
    RevisionSummaryNode,
    "an article's revisions"
);
uncounted_connection!(
    AuditEntryConnection,
    AuditEntryEdge,
    AuditEntryNode,
    "audit log entries"
);

/// What an audit entry is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum AuditSubjectType {
    /// Articles.
    Article,
    /// Replies.
    Reply,
    /// Tags.
    Tag,
    /// Staff accounts (security events).
    User,
    /// Webhook endpoints.
    Webhook,
    /// Images in the media library.
    Media,
}

impl From<AuditSubjectType> for SubjectKind {
    fn from(kind: AuditSubjectType) -> Self {
        match kind {
            AuditSubjectType::Article => SubjectKind::Article,
            AuditSubjectType::Reply => SubjectKind::Reply,
            AuditSubjectType::Tag => SubjectKind::Tag,
            AuditSubjectType::User => SubjectKind::User,
            AuditSubjectType::Webhook => SubjectKind::Webhook,
            AuditSubjectType::Media => SubjectKind::Media,
        }
    }
}

/// Workflow reads (staff; the audit log: admins).
#[derive(Default)]
pub struct WorkflowQuery;

#[Object]
impl WorkflowQuery {
    /// An article's revisions, oldest first.
    async fn revisions(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        #[graphql(desc = "Page size, 1 to the configured maximum (default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<RevisionSummaryConnection> {
        let (state, caller) = context(ctx)?;
        let id = ids::article("articleId", &article_id).gql()?;
        let limit = page_size(ctx, "first", first)?;
        let after = after
            .as_deref()
            .map(|cursor| workflow::parse_revision_cursor("after", cursor))
            .transpose()
            .gql()?;
        let page = workflow::revisions(state, caller, id, after, limit)
            .await
            .gql()?;
        let items = page.items.iter().map(|info| {
            (
                workflow::revision_cursor(info.number),
                RevisionSummaryNode::from(info),
            )
        });
        let (edges, page_info) =
            RevisionSummaryEdge::page(items, after.is_some(), page.next_after.is_some());
        Ok(RevisionSummaryConnection { edges, page_info })
    }

    /// One revision, whole; `null` when the article has no such revision.
    async fn revision(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        number: i32,
    ) -> Result<Option<RevisionNode>> {
        let (state, caller) = context(ctx)?;
        let id = ids::article("articleId", &article_id).gql()?;
        match workflow::revision(state, caller, id, number).await {
            Ok(revision) => Ok(Some(RevisionNode::from(&revision))),
            Err(ApiError::NotFound) => Ok(None),
            Err(error) => Err(error.to_graphql()),
        }
    }

    /// What changed from revision `from` to revision `to`.
    async fn revision_diff(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        from: i32,
        to: i32,
    ) -> Result<RevisionDiff> {
        let (state, caller) = context(ctx)?;
        let id = ids::article("articleId", &article_id).gql()?;
        let comparison = workflow::compare(state, caller, id, from, to).await.gql()?;
        Ok(RevisionDiff::new(
            &comparison.from,
            &comparison.to,
            &comparison.diff,
        ))
    }

    /// The audit log, newest first (admins only).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1 to the configured maximum (default 20).")] first: Option<
            i32,
        >,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Only entries about this article (and its replies).")] article_id: Option<
            ID,
        >,
        #[graphql(desc = "Only entries about this kind of subject.")] subject_type: Option<
            AuditSubjectType,
        >,
    ) -> Result<AuditEntryConnection> {
        let (state, caller) = context(ctx)?;
        let limit = page_size(ctx, "first", first)?;
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .gql()?;
        let article_id = article_id
            .map(|id| ids::article("articleId", &id).gql())
            .transpose()?;
        let page = workflow::audit_log(
            state,
            caller,
            AuditFilter {
                article_id,
                subject: subject_type.map(SubjectKind::from),
            },
            PageRequest::after(limit, after),
        )
        .await
        .gql()?;
        let items = page
            .items
            .iter()
            .map(|(cursor, entry)| (cursor.encode(), AuditEntryNode::from(entry)));
        let (edges, page_info) = AuditEntryEdge::page(items, page.has_previous, page.has_next);
        Ok(AuditEntryConnection { edges, page_info })
    }
}

/// Workflow writes.
#[derive(Default)]
pub struct WorkflowMutation;

#[Object]
impl WorkflowMutation {
    /// Hands an article to the editors (authors: their own drafts).
    async fn submit_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        act(ctx, &id, Transition::Submit, expected_version).await
    }

    /// Publishes now, or schedules for `at` when it is in the future (editors and admins).
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        #[graphql(desc = "When to become public; absent or past means now.")] at: Option<Timestamp>,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        act(
            ctx,
            &id,
            Transition::Publish {
                at: at.map(|at| at.0),
            },
            expected_version,
        )
        .await
    }

    /// Takes an article back to draft (editors and admins).
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        act(ctx, &id, Transition::Unpublish, expected_version).await
    }

    /// Archives an article (editors and admins).
    async fn archive_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        act(ctx, &id, Transition::Archive, expected_version).await
    }

    /// Makes revision `number` the article's current content, as a new version
    /// (its lifecycle and slug stay).
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        article_id: ID,
        number: i32,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        let (state, caller) = context(ctx)?;
        let id = ids::article("articleId", &article_id).gql()?;
        let based_on = BasedOn::version(expected_version);
        let article = workflow::restore(state, caller, id, number, based_on)
            .await
            .gql()?;
        Ok(ArticleNode::new(article, masthead_persistence::now()))
    }
}

async fn act(
    ctx: &Context<'_>,
    id: &ID,
    transition: Transition,
    expected_version: Option<i32>,
) -> Result<ArticleNode> {
    let (state, caller) = context(ctx)?;
    let id = ids::article("id", id).gql()?;
    let based_on = BasedOn::version(expected_version);
    let article = workflow::transition(state, caller, id, transition, based_on)
        .await
        .gql()?;
    Ok(ArticleNode::new(article, masthead_persistence::now()))
}

fn context<'c>(ctx: &Context<'c>) -> Result<(&'c AppState, Caller)> {
    Ok((state(ctx)?, caller(ctx)))
}
