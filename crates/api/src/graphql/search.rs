//! `search(query, filter, orderBy, first, after)`: full-text search as a
//! Relay connection of articles whose edges carry the score and highlights.
//! The same application operation as REST `GET /api/v1/search`.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use masthead_persistence::{SearchFilter, SearchOrder};

use crate::app::search::{self, Results, SearchParams};
use crate::graphql::connection::{page_info_of, page_size, PageInfoNode};
use crate::graphql::context::{caller, input_errors, state, GqlResult};
use crate::graphql::types::enums::ArticleStatusValue;
use crate::graphql::types::ArticleNode;

/// Narrows a search; all given conditions must hold.
#[derive(InputObject, Debug, Clone, Default)]
#[graphql(name = "SearchFilter")]
pub struct SearchFilterInput {
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Staff only (`UNAUTHENTICATED` otherwise): only articles in this stored status.
    pub status: Option<ArticleStatusValue>,
    /// Only articles published (drafts: last changed) at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only articles published (drafts: last changed) at or before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// The order of search results.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
#[graphql(name = "SearchOrder")]
pub enum SearchOrderValue {
    /// Best match first (among the newest 1,000 matches at a time for broad queries).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// The highlights of a result: escaped HTML, matched words in `<mark>`.
#[derive(SimpleObject)]
#[graphql(name = "SearchHighlights")]
pub struct HighlightsNode {
    /// The title.
    pub title: String,
    /// About 30 words of the best-matching passage (`…` where cut).
    pub text: String,
}

/// One result with its position, score and highlights.
#[derive(SimpleObject)]
pub struct SearchEdge {
    /// Opaque position of the result; pass it as `after`.
    pub cursor: String,
    /// The article.
    pub node: ArticleNode,
    /// How well it matched (higher is better; comparable within one search).
    pub score: f64,
    /// Title and snippet with the matched words marked.
    pub highlights: HighlightsNode,
}

/// A page of search results, Relay style.
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// The results of this page.
    pub edges: Vec<SearchEdge>,
    /// Where this page stands.
    pub page_info: PageInfoNode,
}

/// The search field.
#[derive(Default)]
pub struct ArticleSearch;

#[Object]
impl ArticleSearch {
    /// Articles matching `query`: words (all must match), `"exact phrases"`,
    /// `-excluded` words, `OR` between two words; the last word matches as a
    /// prefix unless followed by a space. 1–200 characters, at most 20 words.
    /// Anonymous callers find public articles only; staff find drafts too.
    #[graphql(complexity = "(first.unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for.")] query: String,
        #[graphql(desc = "Only results matching all of these.")] filter: Option<SearchFilterInput>,
        #[graphql(desc = "The order (default best match first).", default)]
        order_by: SearchOrderValue,
        #[graphql(desc = "Results from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> GqlResult<SearchConnection> {
        let state = state(ctx)?;
        let filter = filter.unwrap_or_default();
        let params = SearchParams {
            q: query,
            filter: SearchFilter {
                tag: filter.tag,
                author: filter.author,
                status: filter.status.map(Into::into),
                from: filter.from,
                to: filter.to,
            },
            order: match order_by {
                SearchOrderValue::Relevance => SearchOrder::Relevance,
                SearchOrderValue::Newest => SearchOrder::Newest,
            },
            limit: page_size(ctx, "first", first)?,
            cursor: after.clone(),
        };
        let Results {
            found,
            cursors,
            next_cursor,
            now,
        } = search::search(state, caller(ctx), params)
            .await
            .map_err(|error| input_errors(ctx, error))?;
        let refs: Vec<&str> = cursors.iter().map(String::as_str).collect();
        let page_info = page_info_of(&refs, after.is_some(), next_cursor.is_some());
        let edges = found
            .into_iter()
            .zip(cursors)
            .map(|(hit, cursor)| SearchEdge {
                cursor,
                node: ArticleNode::new(hit.article, now),
                score: hit.score,
                highlights: HighlightsNode {
                    title: hit.highlights.title,
                    text: hit.highlights.text,
                },
            })
            .collect();
        Ok(SearchConnection { edges, page_info })
    }
}
