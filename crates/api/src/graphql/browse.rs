//! Browsing reads: tags, authors and pull quotes across the archive.

use async_graphql::{Context, Object};
use masthead_persistence::pull_quotes::QuotePosition;
use masthead_persistence::Visibility;

use crate::graphql::connection::{connection, PageArgs, PageInfoNode, Total};
use crate::graphql::context::{state, visibility, GqlResult, OrGql};
use crate::graphql::loaders::{ArticleById, Loaders};
use crate::graphql::types::{AuthorNode, PullQuoteNode, TagNode};

connection!(
    PullQuoteConnection,
    PullQuoteEdge,
    PullQuoteNode,
    "pull quotes"
);

/// Tag, author and quote reads.
#[derive(Default)]
pub struct BrowseQuery;

#[Object]
impl BrowseQuery {
    /// Every tag, by name.
    async fn tags(&self, ctx: &Context<'_>) -> GqlResult<Vec<TagNode>> {
        let tags = state(ctx)?.store.tags().list().await.gql()?;
        Ok(tags.iter().map(TagNode::from).collect())
    }

    /// The tag with this slug, or null.
    async fn tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's slug.")] slug: String,
    ) -> GqlResult<Option<TagNode>> {
        let tag = state(ctx)?.store.tags().by_slug(&slug).await.gql()?;
        Ok(tag.as_ref().map(TagNode::from))
    }

    /// Every author with an article the caller may see, by name.
    async fn authors(&self, ctx: &Context<'_>) -> GqlResult<Vec<AuthorNode>> {
        let authors = state(ctx)?
            .store
            .authors()
            .list(visibility(ctx))
            .await
            .gql()?;
        Ok(authors.iter().map(AuthorNode::from).collect())
    }

    /// The author with this slug, or null (also when none of their articles is visible).
    async fn author(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The author's slug.")] slug: String,
    ) -> GqlResult<Option<AuthorNode>> {
        let author = state(ctx)?
            .store
            .authors()
            .by_slug(&slug, visibility(ctx))
            .await
            .gql()?;
        Ok(author.as_ref().map(AuthorNode::from))
    }

    /// Pull quotes across the articles the caller may see, newest publication
    /// first (ties: the greater article id first), in reading order within an
    /// article; by one speaker (any letter case) when `speaker` is given.
    #[graphql(complexity = "(first.unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1")]
    async fn pull_quotes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only quotes by this speaker.")] speaker: Option<String>,
        #[graphql(desc = "Items from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> GqlResult<PullQuoteConnection> {
        let args = PageArgs {
            first,
            ..PageArgs::default()
        };
        let size = args.request(ctx)?.size;
        let after = after
            .as_deref()
            .map(|cursor| QuotePosition::decode("after", cursor))
            .transpose()
            .gql()?;
        let visibility = visibility(ctx);
        let mut quotes = state(ctx)?
            .store
            .pull_quotes()
            .list(speaker.as_deref(), visibility, after, size + 1)
            .await
            .gql()?;
        let has_next_page = quotes.len() as u64 > size;
        quotes.truncate(size as usize);
        let look = ctx.look_ahead();
        if look.field("edges").field("node").field("article").exists()
            || look.field("nodes").field("article").exists()
        {
            let staff = visibility == Visibility::Staff;
            let keys = quotes.iter().map(|placed| ArticleById {
                id: placed.position.article_id,
                staff,
            });
            ctx.data::<Loaders>()?.load_many(keys).await?;
        }
        let edges: Vec<PullQuoteEdge> = quotes
            .into_iter()
            .map(|placed| PullQuoteEdge {
                cursor: placed.position.encode(),
                node: PullQuoteNode::new(placed.position.article_id, placed.id, placed.quote),
            })
            .collect();
        Ok(PullQuoteConnection {
            page_info: PageInfoNode {
                has_next_page,
                has_previous_page: after.is_some(),
                start_cursor: edges.first().map(|edge| edge.cursor.clone()),
                end_cursor: edges.last().map(|edge| edge.cursor.clone()),
            },
            edges,
            total: Total::PullQuotes {
                visibility,
                speaker,
            },
        })
    }
}
