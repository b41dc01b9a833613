//! Article reads: one article by slug or ID, and article lists.

use async_graphql::{Context, Object, ID};
use masthead_domain::{Article, ArticleId};

use crate::graphql::connection::PageArgs;
use crate::graphql::context::{field_error, sees_drafts, GqlResult, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, ArticleBySlug, Loaders};
use crate::graphql::types::{
    article_list::articles_connection, ArticleConnection, ArticleFilterInput, ArticleNode,
    ArticleOrderBy,
};

/// Article reads.
#[derive(Default)]
pub struct ArticleQuery;

#[Object]
impl ArticleQuery {
    /// One article by slug or by ID (give exactly one); `null` when there is none
    /// the caller may see (anonymous callers see published articles only).
    async fn article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's slug.")] slug: Option<String>,
        #[graphql(desc = "The article's global ID (or UUID).")] id: Option<ID>,
    ) -> GqlResult<Option<ArticleNode>> {
        // Through the request's loader: the same lookup under many aliases
        // reads the database once.
        let loaders = ctx.data::<Loaders>()?;
        let staff = sees_drafts(ctx);
        let now = masthead_persistence::now();
        Ok(match (slug, id) {
            (Some(slug), None) => loaders
                .load_one(ArticleBySlug { slug, staff })
                .await?
                .map(|article| ArticleNode::new(Article::clone(&article), now)),
            (None, Some(id)) => {
                let id = ArticleId(ids::uuid_of("id", &id, &[Kind::Article]).gql()?);
                loaders
                    .load_one(ArticleById { id, staff })
                    .await?
                    .map(|article| ArticleNode::without_body(article, now))
            }
            _ => return Err(field_error("slug", "give either slug or id")),
        })
    }

    /// Articles the caller may see, as a Relay connection (newest first by default).
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Items from the end (1-100).")] last: Option<i32>,
        #[graphql(desc = "The `startCursor` of the next page.")] before: Option<String>,
        #[graphql(desc = "Only articles matching all of these.", default)]
        filter: ArticleFilterInput,
        #[graphql(desc = "The order (default newest published first).", default)]
        order_by: ArticleOrderBy,
    ) -> GqlResult<ArticleConnection> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        articles_connection(ctx, filter, order_by, args).await
    }
}
