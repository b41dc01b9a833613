//! Public reads.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, Object, Result};
use masthead_persistence::{ArticleFilter, ArticleOrder, Cursor, PageRequest, Visibility};

use crate::error::ApiError;
use crate::graphql::types::ArticleNode;
use crate::state::AppState;

/// Public article reads.
#[derive(Default)]
pub struct ArticleQuery;

/// Largest page a client may ask for.
const MAX_FIRST: i32 = 100;

#[Object]
impl ArticleQuery {
    /// One published article by its slug; `null` when there is none (or it is not public).
    async fn article(&self, ctx: &Context<'_>, slug: String) -> Result<Option<ArticleNode>> {
        let state = ctx.data::<AppState>()?;
        let now = masthead_persistence::now();
        let article = state
            .store
            .articles()
            .by_slug(&slug, Visibility::Public { now })
            .await
            .map_err(|error| ApiError::from(error).to_graphql())?;
        Ok(article.map(|article| ArticleNode::new(article, now)))
    }

    /// Published articles, newest first, as a Relay connection.
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<Connection<String, ArticleNode, EmptyFields, EmptyFields>> {
        let state = ctx.data::<AppState>()?;
        let first = first.unwrap_or(20);
        if !(1..=MAX_FIRST).contains(&first) {
            return Err(ApiError::from(masthead_domain::FieldError::new(
                "first",
                "must be between 1 and 100",
            ))
            .to_graphql());
        }
        let after = after
            .as_deref()
            .map(|cursor| Cursor::decode("after", cursor))
            .transpose()
            .map_err(|error| ApiError::from(error).to_graphql())?;
        let now = masthead_persistence::now();
        let page = state
            .store
            .articles()
            .list(
                Visibility::Public { now },
                &ArticleFilter::default(),
                ArticleOrder::PublishedAt,
                PageRequest::after(first as u64, after),
                true,
            )
            .await
            .map_err(|error| ApiError::from(error).to_graphql())?;
        let mut connection = Connection::new(page.has_previous, page.has_next);
        connection.edges.extend(
            page.items.into_iter().map(|(cursor, article)| {
                Edge::new(cursor.encode(), ArticleNode::new(article, now))
            }),
        );
        Ok(connection)
    }
}
