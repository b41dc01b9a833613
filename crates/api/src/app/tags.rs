//! Managing tags (editors and admins): one implementation behind
//! `/api/v1/admin/tags` and the GraphQL `createTag` / `updateTag` / `deleteTag`.
//! Every write is audited, naming the caller.

use masthead_domain::policy::Action;
use masthead_domain::{Tag, TagId, TagInput};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Creates a tag; a taken slug is `Duplicate`.
pub async fn create(state: &AppState, caller: Caller, input: TagInput) -> Result<Tag, ApiError> {
    let actor = caller.authorize(Action::ManageTags)?;
    let content = input.validate()?;
    Ok(state
        .store
        .tags()
        .acting_as(actor.id)
        .create(content)
        .await?)
}

/// Replaces a tag's name, slug and description.
pub async fn update(
    state: &AppState,
    caller: Caller,
    id: TagId,
    input: TagInput,
) -> Result<Tag, ApiError> {
    let actor = caller.authorize(Action::ManageTags)?;
    let content = input.validate()?;
    Ok(state
        .store
        .tags()
        .acting_as(actor.id)
        .update(id, content)
        .await?)
}

/// Deletes a tag; articles filed under it lose it.
pub async fn delete(state: &AppState, caller: Caller, id: TagId) -> Result<(), ApiError> {
    let actor = caller.authorize(Action::ManageTags)?;
    Ok(state.store.tags().acting_as(actor.id).delete(id).await?)
}
