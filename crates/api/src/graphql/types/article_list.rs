//! Lists of articles as Relay connections: the front page, a tag's page, an
//! author's page. One place decides what the caller may see in all of them.

use std::sync::Arc;

use async_graphql::{Context, InputObject};
use masthead_domain::{Article, ArticleStatus};
use masthead_persistence::{ArticleFilter, ArticleOrder, Page, Visibility};

use crate::graphql::connection::{connection, page_info, PageArgs, PageInfoNode, Total};
use crate::graphql::context::{visibility, GqlResult, OrGql};
use crate::graphql::loaders::prefetch;
use crate::graphql::types::article::ArticleNode;
use crate::graphql::types::enums::{ArticleOrderBy, ArticleStatusValue};

connection!(ArticleConnection, ArticleEdge, ArticleNode, "articles");

/// Narrows an article list; all given conditions must hold.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ArticleFilterInput {
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Only articles in this status. Anonymous callers see published articles only,
    /// so any other status gives them an empty list; for staff it is the stored
    /// workflow status (a scheduled article stays `SCHEDULED` here once it is out).
    pub status: Option<ArticleStatusValue>,
    /// Only articles whose title contains this text, ignoring case (at most
    /// 300 characters): the desk's title search.
    pub q: Option<String>,
}

/// One page of articles the caller may see, matching `filter`, in `order`.
pub async fn articles_connection(
    ctx: &Context<'_>,
    filter: ArticleFilterInput,
    order: ArticleOrderBy,
    args: PageArgs,
) -> GqlResult<ArticleConnection> {
    let request = args.request(ctx)?;
    let visibility = visibility(ctx);
    let now = match visibility {
        Visibility::Public { now } => now,
        Visibility::Staff => masthead_persistence::now(),
    };
    let mut stored = ArticleFilter {
        status: None,
        tag: filter.tag,
        author: filter.author,
        title: filter.q,
    };
    match (visibility, filter.status) {
        (_, None) => {}
        // Public articles are stored as published, or as scheduled whose time came:
        // the visibility rule already says exactly that.
        (Visibility::Public { .. }, Some(ArticleStatusValue::Published)) => {}
        (Visibility::Public { .. }, Some(_)) => {
            return Ok(ArticleConnection {
                edges: Vec::new(),
                page_info: PageInfoNode {
                    has_previous_page: false,
                    has_next_page: false,
                    start_cursor: None,
                    end_cursor: None,
                },
                total: Total::Known(0),
            })
        }
        (Visibility::Staff, Some(status)) => stored.status = Some(ArticleStatus::from(status)),
    }
    let order = match order {
        ArticleOrderBy::PublishedAtDesc => ArticleOrder::PublishedAt,
        ArticleOrderBy::UpdatedAtDesc => ArticleOrder::UpdatedAt,
    };
    let page: Page<_> = crate::graphql::context::state(ctx)?
        .store
        .articles()
        .list(visibility, &stored, order, request, false)
        .await
        .gql()?;
    let page_info = page_info(&page);
    let page = page.map(Arc::new);
    let articles: Vec<Arc<Article>> = page.items.iter().map(|(_, a)| a.clone()).collect();
    prefetch(ctx, &articles, visibility == Visibility::Staff).await?;
    Ok(ArticleConnection {
        edges: page
            .items
            .into_iter()
            .map(|(cursor, article)| ArticleEdge {
                cursor: cursor.encode(),
                node: ArticleNode::without_body(article, now),
            })
            .collect(),
        page_info,
        total: Total::Articles {
            visibility,
            filter: stored,
        },
    })
}
