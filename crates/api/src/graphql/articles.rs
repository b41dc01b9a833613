//! Writing articles over GraphQL: create, update, delete. Each resolver only
//! translates to [`crate::app::articles`] and back.

use async_graphql::{Context, Object, ID};

use crate::app::{articles, BasedOn};
use crate::graphql::context::{caller, input_errors, state, GqlResult, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::inputs::ArticleInput;
use crate::graphql::types::ArticleNode;

/// Article mutations.
#[derive(Default)]
pub struct ArticleMutation;

#[Object]
impl ArticleMutation {
    /// Starts a new article as a draft. Field errors come back one per field
    /// (`extensions.code = BAD_USER_INPUT`, `extensions.field` = its path).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The whole article, body included.")] input: ArticleInput,
    ) -> GqlResult<ArticleNode> {
        let article = articles::create(state(ctx)?, caller(ctx), |actor, known| {
            input.validate(actor.id, known)
        })
        .await
        .map_err(|error| input_errors(ctx, error))?;
        Ok(ArticleNode::new(article, masthead_persistence::now()))
    }

    /// Replaces an article's content (the whole body) if it is still at
    /// `expectedVersion`; otherwise nothing changes and the error is
    /// `VERSION_CONFLICT` with `extensions.currentVersion`.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID (or UUID).")] id: ID,
        #[graphql(desc = "The whole article, body included.")] input: ArticleInput,
        #[graphql(desc = "The `version` the edit was based on.")] expected_version: i32,
    ) -> GqlResult<ArticleNode> {
        let id = ids::article("id", &id).gql()?;
        let based_on = BasedOn::version(Some(expected_version));
        let article = articles::update(state(ctx)?, caller(ctx), id, based_on, |actor, known| {
            input.validate(actor.id, known)
        })
        .await
        .map_err(|error| input_errors(ctx, error))?;
        Ok(ArticleNode::new(article, masthead_persistence::now()))
    }

    /// Deletes an article with its body and replies, for good. Returns its ID.
    /// With `expectedVersion`, only that version is deleted (`VERSION_CONFLICT`
    /// otherwise).
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID (or UUID).")] id: ID,
        #[graphql(desc = "Delete only if this is still the current `version`.")]
        expected_version: Option<i32>,
    ) -> GqlResult<ID> {
        let uuid = ids::article("id", &id).gql()?;
        articles::delete(
            state(ctx)?,
            caller(ctx),
            uuid,
            BasedOn::version(expected_version),
        )
        .await
        .gql()?;
        Ok(ids::encode(Kind::Article, uuid))
    }
}
