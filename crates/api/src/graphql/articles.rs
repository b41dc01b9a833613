//! Writing articles: create, update with an optimistic version check, delete.
//! Who may do what is the domain policy's call (`Caller::authorize`).

use async_graphql::{Context, Object, ID};
use masthead_domain::policy::{Action, ArticleFacts};
use masthead_domain::{Article, ArticleId, Lifecycle};
use masthead_persistence::Visibility;

use crate::error::ApiError;
use crate::graphql::context::{caller, field_errors, state, to_graphql, GqlResult, OrGql};
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
        let actor = caller(ctx)
            .authorize(Action::CreateArticle)
            .map_err(to_graphql)?;
        let content = input
            .validate(actor.id)
            .map_err(|errors| field_errors(ctx, errors))?;
        let article = state(ctx)?
            .store
            .articles()
            .create(content, Lifecycle::draft())
            .await
            .gql()?;
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
        let article = editable(ctx, &id).await?;
        let actor = caller(ctx)
            .authorize(Action::EditArticle(facts(ctx, &article)))
            .map_err(to_graphql)?;
        let content = input
            .validate(actor.id)
            .map_err(|errors| field_errors(ctx, errors))?;
        let article = state(ctx)?
            .store
            .articles()
            .update(article.id, expected_version, content)
            .await
            .gql()?;
        Ok(ArticleNode::new(article, masthead_persistence::now()))
    }

    /// Deletes an article with its body and replies, for good. Returns its ID.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global ID (or UUID).")] id: ID,
    ) -> GqlResult<ID> {
        let article = editable(ctx, &id).await?;
        caller(ctx)
            .authorize(Action::DeleteArticle(facts(ctx, &article)))
            .map_err(to_graphql)?;
        state(ctx)?
            .store
            .articles()
            .delete(article.id)
            .await
            .gql()?;
        Ok(ids::encode(Kind::Article, article.id))
    }
}

/// The article `id` names, for a signed-in member of staff; anonymous callers
/// are refused before anything is looked up.
async fn editable(ctx: &Context<'_>, id: &ID) -> GqlResult<Article> {
    caller(ctx)
        .authorize(Action::ReadDrafts)
        .map_err(to_graphql)?;
    let uuid = ids::uuid_of("id", id, &[Kind::Article]).map_err(to_graphql)?;
    state(ctx)?
        .store
        .articles()
        .by_id(ArticleId(uuid), Visibility::Staff)
        .await
        .gql()?
        .ok_or_else(|| to_graphql(ApiError::NotFound))
}

fn facts(ctx: &Context<'_>, article: &Article) -> ArticleFacts {
    ArticleFacts {
        actor_is_author: caller(ctx).0.is_some_and(|actor| article.is_by(actor.id)),
        status: article.lifecycle.status,
    }
}
