//! Corrections (editors and admins): one implementation behind
//! `POST /api/v1/admin/articles/{id}/corrections`, `POST
//! /api/v1/admin/corrections/{id}/retract` and the GraphQL `addCorrection` /
//! `retractCorrection`; and the public reads of both APIs. Writes are audited
//! in their own transaction with the caller as actor, and retire every cached
//! public read (the article, its feeds, its JSON-LD) at once.

use masthead_domain::policy::Action;
use masthead_domain::{correction, ArticleId, Correction, CorrectionId, NewCorrection};
use masthead_persistence::{Page, PageRequest};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Appends a correction of `kind` (default `correction`) to public article `id`.
pub async fn add(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    kind: Option<&str>,
    text: &str,
) -> Result<Correction, ApiError> {
    let actor = caller.authorize(Action::CorrectArticle)?;
    let new = NewCorrection::parse(kind, text)?;
    Ok(state
        .store
        .corrections()
        .acting_as(actor.id)
        .add(id, new)
        .await?)
}

/// Retracts correction `id` with `reason`; it stays public, marked
/// retracted. Under REST the path names its `article` (one of another
/// article is 404); GraphQL names the correction alone (`None`).
pub async fn retract(
    state: &AppState,
    caller: Caller,
    article: Option<ArticleId>,
    id: CorrectionId,
    reason: &str,
) -> Result<Correction, ApiError> {
    let actor = caller.authorize(Action::CorrectArticle)?;
    let reason = correction::retraction_reason(reason)?;
    let article = match article {
        Some(article) => article,
        None => {
            state
                .store
                .corrections()
                .by_id(id)
                .await?
                .ok_or(ApiError::NotFound)?
                .article_id
        }
    };
    Ok(state
        .store
        .corrections()
        .acting_as(actor.id)
        .retract(article, id, reason)
        .await?)
}

/// One page of the corrections of public articles, newest first.
pub async fn list_public(
    state: &AppState,
    page: PageRequest,
) -> Result<Page<Correction>, ApiError> {
    let now = masthead_persistence::now();
    Ok(state.store.corrections().list_public(now, page).await?)
}
