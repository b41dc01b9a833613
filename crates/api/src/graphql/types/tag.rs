//! The `Tag` object: a collection or topic with its articles.

use async_graphql::{Context, Object, ID};
use masthead_domain::Tag;
use uuid::Uuid;

use crate::graphql::connection::PageArgs;
use crate::graphql::context::GqlResult;
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::article_list::{
    articles_connection, ArticleConnection, ArticleFilterInput,
};
use crate::graphql::types::enums::ArticleOrderBy;

/// A collection or topic; an article's first tag is its primary one.
#[derive(Clone)]
pub struct TagNode {
    tag: Tag,
}

impl From<&Tag> for TagNode {
    fn from(tag: &Tag) -> Self {
        Self { tag: tag.clone() }
    }
}

/// A collection or topic; an article's first tag is its primary one.
#[Object(name = "Tag")]
impl TagNode {
    /// Global ID (for `node(id:)` and client caches).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Tag, self.tag.id)
    }
    /// The UUID used by the REST API and the database.
    async fn database_id(&self) -> Uuid {
        self.tag.id.0
    }
    /// URL name.
    async fn slug(&self) -> &str {
        self.tag.slug.as_str()
    }
    /// Display name.
    async fn name(&self) -> &str {
        &self.tag.name
    }
    /// What the collection is about.
    async fn description(&self) -> Option<&str> {
        self.tag.description.as_deref()
    }
    /// Its articles the caller may see, newest first.
    #[graphql(
        complexity = "(first.or(last).unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1"
    )]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
        #[graphql(desc = "Items from the end (1-100).")] last: Option<i32>,
        #[graphql(desc = "The `startCursor` of the next page.")] before: Option<String>,
        #[graphql(desc = "The order (default newest published first).", default)]
        order_by: ArticleOrderBy,
    ) -> GqlResult<ArticleConnection> {
        let filter = ArticleFilterInput {
            tag: Some(self.tag.slug.to_string()),
            ..ArticleFilterInput::default()
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        articles_connection(ctx, filter, order_by, args).await
    }
}
