//! Writing articles: create, read for editing, replace the content, delete.
//! Both APIs call these; the order of checks is the one in [`crate::app`].
//!
//! The content arrives as a closure that validates the wire input once the
//! caller is known (an absent byline may default to the caller) and, for an
//! update, the ids of the body as read (the only section and block ids a save
//! may send back), so input errors never come before `401`/`403`/`404`, and
//! validation runs once.

use masthead_domain::policy::{Action, Actor};
use masthead_domain::{Article, ArticleContent, ArticleId, BodyIds, Lifecycle, ValidationErrors};
use masthead_persistence::Visibility;

use crate::app::{facts, BasedOn};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Validated article content, given the actor who saves it and the ids of the
/// body it replaces (none for a new article).
pub trait Content: FnOnce(Actor, &BodyIds) -> Result<ArticleContent, ValidationErrors> {}
impl<F: FnOnce(Actor, &BodyIds) -> Result<ArticleContent, ValidationErrors>> Content for F {}

/// Starts a new article as a draft, by the caller.
pub async fn create(
    state: &AppState,
    caller: Caller,
    content: impl Content,
) -> Result<Article, ApiError> {
    let actor = caller.authorize(Action::CreateArticle)?;
    let content = content(actor, &BodyIds::default())?;
    Ok(state
        .store
        .articles()
        .acting_as(actor.id)
        .create(content, Lifecycle::draft())
        .await?)
}

/// Any article, drafts included, for staff.
pub async fn get(state: &AppState, caller: Caller, id: ArticleId) -> Result<Article, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    stored(state, id).await
}

/// Replaces the content of `id`, if the caller may edit it as it is now and
/// it is still the version `based_on` names. The lifecycle is untouched.
pub async fn update(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    based_on: BasedOn,
    content: impl Content,
) -> Result<Article, ApiError> {
    let (actor, article) = editable(state, caller, id, Action::EditArticle).await?;
    let version = based_on.authorize(&article)?;
    let content = content(actor, &BodyIds::of(&article.sections))?;
    state
        .store
        .articles()
        .acting_as(actor.id)
        .update(id, version, content)
        .await
        .map_err(|error| based_on.lost(error.into()))
}

/// Deletes `id` with its replies and history, if the caller may delete it as
/// it is now and it is still the version `based_on` names.
pub async fn delete(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    based_on: BasedOn,
) -> Result<(), ApiError> {
    let (actor, article) = editable(state, caller, id, Action::DeleteArticle).await?;
    let version = based_on.authorize(&article)?;
    state
        .store
        .articles()
        .acting_as(actor.id)
        .delete(id, Some(version))
        .await
        .map_err(|error| based_on.lost(error.into()))
}

/// The caller (staff) and the article as it is now, once the policy allows
/// `action` on it: the article read here is the one the decision is made on.
pub(crate) async fn editable(
    state: &AppState,
    caller: Caller,
    id: ArticleId,
    action: fn(masthead_domain::policy::ArticleFacts) -> Action,
) -> Result<(Actor, Article), ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    let article = stored(state, id).await?;
    let actor = caller.authorize(action(facts(&article, caller.0)))?;
    Ok((actor, article))
}

/// The stored article `id`, any status.
async fn stored(state: &AppState, id: ArticleId) -> Result<Article, ApiError> {
    state
        .store
        .articles()
        .by_id(id, Visibility::Staff)
        .await?
        .ok_or(ApiError::NotFound)
}
