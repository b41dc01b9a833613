//! The editorial workflow as both APIs offer it: lifecycle actions (submit,
//! publish or schedule, unpublish, archive), revision history with diff and
//! restore, and the audit log. REST (`rest::workflow`) and GraphQL
//! (`graphql::workflow`) only translate to and from these functions, so the
//! two can never disagree about a rule.
//!
//! Every action follows the order of checks of [`crate::app`]: the caller
//! (401), the article (404), the policy on the article as read (403), the
//! client's `If-Match`/`expectedVersion` against that version (412 /
//! `VERSION_CONFLICT`), then a compare-and-swap on that same version, so a
//! write that lands in between makes the action fail rather than act on a
//! state the policy never saw.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use masthead_domain::diff::{self, ContentDiff};
use masthead_domain::policy::{Action, ArticleFacts};
use masthead_domain::{Article, ArticleId, FieldError};
use masthead_persistence::audit::{AuditEntry, AuditFilter};
use masthead_persistence::revisions::{Revision, RevisionPage};
use masthead_persistence::{Page, PageRequest, Visibility};

use crate::app::{articles, BasedOn};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::Event;
use crate::state::AppState;

/// How far ahead an article may be scheduled.
pub const SCHEDULE_HORIZON_DAYS: i64 = 5 * 366;

/// A move through the publishing state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Hand to the editors (authors: own articles).
    Submit,
    /// Publish now, or schedule for `at` when it is in the future.
    Publish {
        /// When to become public; `None` (or a past time) means now.
        at: Option<DateTime<Utc>>,
    },
    /// Back to draft.
    Unpublish,
    /// Out of circulation.
    Archive,
}

/// Applies `transition` to article `id` as `caller`. Raises `ArticlePublished`
/// when the article became public by it (a scheduled one is announced by the
/// scheduler when its time comes).
pub async fn transition(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    transition: Transition,
    based_on: BasedOn,
) -> Result<Article, ApiError> {
    let action: fn(ArticleFacts) -> Action = match transition {
        Transition::Submit => Action::SubmitArticle,
        _ => |_| Action::PublishArticle,
    };
    let (actor, article) = articles::editable(state, caller, id, action).await?;
    let version = based_on.authorize(&article)?;
    let now = masthead_persistence::now();
    if let Transition::Publish { at: Some(at) } = transition {
        if at > now + Duration::days(SCHEDULE_HORIZON_DAYS) {
            return Err(FieldError::new("at", "must be within five years from now").into());
        }
    }
    let was_public = article.is_public_at(now);
    let changed = state
        .store
        .articles()
        .acting_as(actor.id)
        .change_lifecycle(id, Some(version), |lifecycle| match transition {
            Transition::Submit => lifecycle.submit(),
            Transition::Publish { at: None } => lifecycle.publish(now),
            Transition::Publish { at: Some(at) } => lifecycle.schedule(at, now),
            Transition::Unpublish => lifecycle.unpublish(now),
            Transition::Archive => lifecycle.archive(now),
        })
        .await
        .map_err(|error| based_on.lost(error.into()))?;
    if !was_public && changed.is_public_at(now) {
        state
            .events
            .publish(Event::ArticlePublished { article_id: id });
    }
    Ok(changed)
}

/// Makes revision `number` the current content of `id` (a new version and a
/// new revision); the lifecycle and the slug stay as they are.
pub async fn restore(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    number: i32,
    based_on: BasedOn,
) -> Result<Article, ApiError> {
    let (actor, article) = articles::editable(state, caller, id, Action::EditArticle).await?;
    let version = based_on.authorize(&article)?;
    state
        .store
        .articles()
        .acting_as(actor.id)
        .restore(id, number, version)
        .await
        .map_err(|error| based_on.lost(error.into()))
}

/// One page of `id`'s history, oldest first.
pub async fn revisions(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    after: Option<i32>,
    limit: u64,
) -> Result<RevisionPage, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    article_exists(state, id).await?;
    Ok(state.store.revisions().list(id, after, limit).await?)
}

/// Revision `number` of `id`, whole.
pub async fn revision(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    number: i32,
) -> Result<Revision, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    state
        .store
        .revisions()
        .get(id, number)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Two revisions of `id` and what changed from the first to the second.
pub struct Comparison {
    /// The older side (as asked: `from` may be the higher number).
    pub from: Revision,
    /// The newer side.
    pub to: Revision,
    /// What differs.
    pub diff: ContentDiff,
}

/// Compares revisions `from` and `to` of `id`.
pub async fn compare(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    from: i32,
    to: i32,
) -> Result<Comparison, ApiError> {
    let from = revision(state, caller, id, from).await?;
    let to = revision(state, caller, id, to).await?;
    let diff = diff::diff(&from.content, &to.content);
    Ok(Comparison { from, to, diff })
}

/// One page of the audit log, newest first (admins only).
pub async fn audit_log(
    state: &AppState,
    caller: Caller,
    filter: AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEntry>, ApiError> {
    caller.authorize(Action::ReadAuditLog)?;
    Ok(state.store.audit().list(filter, page).await?)
}

/// The opaque cursor after revision `number`.
pub fn revision_cursor(number: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("revision:{number}"))
}

/// Reads a revision cursor given as `field`.
pub fn parse_revision_cursor(field: &str, cursor: &str) -> Result<i32, ApiError> {
    let invalid = || ApiError::from(FieldError::new(field, "is not a valid cursor"));
    if cursor.len() > 64 {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("revision:")
        .and_then(|number| number.parse().ok())
        .ok_or_else(invalid)
}

async fn article_exists(state: &AppState, id: ArticleId) -> Result<(), ApiError> {
    let found = state
        .store
        .articles()
        .by_ids(&[id], Visibility::Staff, false)
        .await?;
    if found.is_empty() {
        Err(ApiError::NotFound)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(
            parse_revision_cursor("after", &revision_cursor(42)).unwrap(),
            42
        );
        for bad in ["", "!!", "cmV2aXNpb246eA", &"a".repeat(100)] {
            assert!(parse_revision_cursor("after", bad).is_err(), "{bad}");
        }
    }
}
