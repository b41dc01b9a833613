//! The editorial workflow over GraphQL: `submitArticle`, `publishArticle`
//! (with `at` to schedule), `unpublishArticle`, `archiveArticle`,
//! `restoreRevision`; and the reads `revisions`, `revision`, `revisionDiff`,
//! `auditLog`. Every write takes an optional `expectedVersion`; a stale one
//! fails with `VERSION_CONFLICT` and `extensions.currentVersion`.

use async_graphql::{Context, Object, Result, ID};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use masthead_domain::{ArticleId, FieldError};
use masthead_persistence::audit::AuditFilter;
use masthead_persistence::{Cursor, PageRequest};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::graphql::connection::uncounted_connection;
use crate::graphql::types::ArticleNode;
use crate::graphql::workflow_types::{
    AuditEntryNode, RevisionDiff, RevisionNode, RevisionSummaryNode,
};
use crate::state::AppState;
use crate::workflow::{self, Transition};

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
        #[graphql(desc = "Page size, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<RevisionSummaryConnection> {
        let (state, caller) = context(ctx)?;
        let id = article_id_of("articleId", &article_id).map_err(gql)?;
        let limit = workflow::page_size("first", first.map(i64::from)).map_err(gql)?;
        let after = after
            .as_deref()
            .map(|cursor| workflow::parse_revision_cursor("after", cursor))
            .transpose()
            .map_err(gql)?;
        let page = workflow::revisions(state, caller, id, after, limit)
            .await
            .map_err(gql)?;
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
        let id = article_id_of("articleId", &article_id).map_err(gql)?;
        match workflow::revision(state, caller, id, number).await {
            Ok(revision) => Ok(Some(RevisionNode::from(&revision))),
            Err(ApiError::NotFound) => Ok(None),
            Err(error) => Err(gql(error)),
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
        let id = article_id_of("articleId", &article_id).map_err(gql)?;
        let comparison = workflow::compare(state, caller, id, from, to)
            .await
            .map_err(gql)?;
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
        #[graphql(desc = "Page size, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Only entries about this article (and its replies).")] article_id: Option<
            ID,
        >,
    ) -> Result<AuditEntryConnection> {
        let (state, caller) = context(ctx)?;
        let limit = workflow::page_size("first", first.map(i64::from)).map_err(gql)?;
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .map_err(|error| gql(error.into()))?;
        let article_id = article_id
            .map(|id| article_id_of("articleId", &id))
            .transpose()
            .map_err(gql)?;
        let page = workflow::audit_log(
            state,
            caller,
            AuditFilter { article_id },
            PageRequest::after(limit, after),
        )
        .await
        .map_err(gql)?;
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
        #[graphql(desc = "When to become public; absent or past means now.")] at: Option<
            DateTime<Utc>,
        >,
        expected_version: Option<i32>,
    ) -> Result<ArticleNode> {
        act(ctx, &id, Transition::Publish { at }, expected_version).await
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
        let id = article_id_of("articleId", &article_id).map_err(gql)?;
        let article = workflow::restore(state, caller, id, number, expected_version)
            .await
            .map_err(gql)?;
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
    let id = article_id_of("id", id).map_err(gql)?;
    let article = workflow::transition(state, caller, id, transition, expected_version)
        .await
        .map_err(gql)?;
    Ok(ArticleNode::new(article, masthead_persistence::now()))
}

fn context<'c>(ctx: &Context<'c>) -> Result<(&'c AppState, Caller)> {
    Ok((ctx.data::<AppState>()?, *ctx.data::<Caller>()?))
}

fn gql(error: ApiError) -> async_graphql::Error {
    error.to_graphql()
}

/// An article id as given: the UUID, or a Relay global id `Article:<uuid>` in base64.
fn article_id_of(field: &str, id: &ID) -> Result<ArticleId, ApiError> {
    let raw = id.as_str().trim();
    if let Ok(id) = raw.parse::<ArticleId>() {
        return Ok(id);
    }
    STANDARD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|global| global.strip_prefix("Article:").map(str::to_owned))
        .and_then(|uuid| uuid.parse().ok())
        .ok_or_else(|| FieldError::new(field, "is not an article id").into())
}
