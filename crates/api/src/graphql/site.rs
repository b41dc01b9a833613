//! The site identity, for frontends' feed autodiscovery and `<meta>` tags.

use async_graphql::{Context, Object};

use crate::graphql::context::{state, GqlResult};
use crate::syndication::site::SiteView;

/// Site reads.
#[derive(Default)]
pub struct SiteQuery;

#[Object]
impl SiteQuery {
    /// The publication: name, description, language and its feeds.
    async fn site(&self, ctx: &Context<'_>) -> GqlResult<SiteView> {
        Ok(SiteView::new(&state(ctx)?.settings))
    }
}
