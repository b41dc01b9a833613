//! The editorial workflow as both APIs offer it: lifecycle actions (submit,
//! publish or schedule, unpublish, archive), revision history with diff and
//! restore, and the audit log. REST (`rest::workflow`) and GraphQL
//! (`graphql::workflow`) only translate to and from these functions, so the
//! two can never disagree about a rule.
//!
//! Every action first resolves the caller (401 for anonymous), then finds the
//! article (404), then asks the policy (403), then writes with an optimistic
//! version check: the version the client names, or else the one the policy
//! decision was made on (409 `VERSION_CONFLICT` with the current version when
//! someone else wrote in between).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use masthead_domain::diff::{self, ContentDiff};
use masthead_domain::policy::{Action, ArticleFacts};
use masthead_domain::{Article, ArticleId, FieldError};
use masthead_persistence::audit::{AuditEntry, AuditFilter};
use masthead_persistence::revisions::{Revision, RevisionPage};
use masthead_persistence::{Page, PageRequest, Visibility};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::Event;
use crate::state::AppState;

/// How far ahead an article may be scheduled.
pub const SCHEDULE_HORIZON_DAYS: i64 = 5 * 366;
/// Largest page of revisions or audit entries.
pub const MAX_PAGE: u64 = 100;

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
    expected_version: Option<i32>,
) -> Result<Article, ApiError> {
    let (actor, article) = staff_and_article(state, caller, id).await?;
    match transition {
        Transition::Submit => caller.authorize(Action::SubmitArticle(facts(&article, actor)))?,
        _ => caller.authorize(Action::PublishArticle)?,
    };
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
        .change_lifecycle(
            id,
            Some(expected_version.unwrap_or(article.version)),
            |lifecycle| match transition {
                Transition::Submit => lifecycle.submit(),
                Transition::Publish { at: None } => lifecycle.publish(now),
                Transition::Publish { at: Some(at) } => lifecycle.schedule(at, now),
                Transition::Unpublish => lifecycle.unpublish(now),
                Transition::Archive => lifecycle.archive(now),
            },
        )
        .await?;
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
    expected_version: Option<i32>,
) -> Result<Article, ApiError> {
    let (actor, article) = staff_and_article(state, caller, id).await?;
    caller.authorize(Action::EditArticle(facts(&article, actor)))?;
    Ok(state
        .store
        .articles()
        .acting_as(actor.id)
        .restore(id, number, expected_version.unwrap_or(article.version))
        .await?)
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

/// Checks a page size given as `field`.
pub fn page_size(field: &str, value: Option<i64>) -> Result<u64, ApiError> {
    match value {
        None => Ok(20),
        Some(n) if (1..=MAX_PAGE as i64).contains(&n) => Ok(n as u64),
        Some(_) => Err(FieldError::new(field, "must be between 1 and 100").into()),
    }
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

async fn staff_and_article(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
) -> Result<(masthead_domain::policy::Actor, Article), ApiError> {
    let actor = caller.authorize(Action::ReadDrafts)?;
    let article = state
        .store
        .articles()
        .by_id(id, Visibility::Staff)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((actor, article))
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

fn facts(article: &Article, actor: masthead_domain::policy::Actor) -> ArticleFacts {
    ArticleFacts {
        actor_is_author: article.is_by(actor.id),
        status: article.lifecycle.status,
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

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(page_size("limit", None).unwrap(), 20);
        assert_eq!(page_size("limit", Some(100)).unwrap(), 100);
        assert!(page_size("limit", Some(0)).is_err());
        assert!(page_size("limit", Some(101)).is_err());
    }
}
