//! Preview links in GraphQL: `createPreviewLink`, `revokePreviewLink` and
//! `previewLinks(articleId:)` for staff (the same application operations as
//! REST), and `preview(token:) { article { … } }` for the website's preview
//! route: the article as it stands now, with the fields of `article`.
//!
//! An answer that selects `preview` is never cached (neither in the public
//! cache nor by HTTP caches) and carries `X-Robots-Tag: noindex`: the
//! transport asks [`selects_preview`] before it looks at the cache.

use async_graphql::parser::types::{Selection, SelectionSet};
use async_graphql::{Context, Object, ID};
use masthead_domain::ArticleId;
use masthead_persistence::preview_links::PreviewLink;
use uuid::Uuid;

use crate::app::previews::{self, NewPreviewLink};
use crate::graphql::context::{caller, field_error, state, GqlResult, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::timestamp::Timestamp;
use crate::graphql::types::ArticleNode;

/// Whether `query` selects a field named `preview` anywhere (aliases and
/// fragments included): such an answer must not be cached.
pub fn selects_preview(query: &str) -> bool {
    if !query.contains("preview") || crate::graphql::limits::check_nesting(query).is_err() {
        return false;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    document
        .operations
        .iter()
        .any(|(_, operation)| selects(&operation.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| selects(&fragment.node.selection_set.node))
}

fn selects(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            field.node.name.node.as_str() == "preview" || selects(&field.node.selection_set.node)
        }
        Selection::InlineFragment(fragment) => selects(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

/// A preview link as staff see it (its token is shown only when handed out).
pub struct PreviewLinkNode {
    link: PreviewLink,
    now: chrono::DateTime<chrono::Utc>,
}

impl PreviewLinkNode {
    fn new(link: PreviewLink) -> Self {
        Self {
            link,
            now: masthead_persistence::now(),
        }
    }
}

/// A link that opens one article, read-only, to whoever holds its token.
#[Object(name = "PreviewLink")]
impl PreviewLinkNode {
    /// The link's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.link.id.to_string())
    }
    /// The UUID of the article it opens.
    async fn article_id(&self) -> ID {
        ID(self.link.article_id.to_string())
    }
    /// The UUID of the staff member who handed it out.
    async fn created_by(&self) -> ID {
        ID(self.link.created_by.to_string())
    }
    /// When it was handed out.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.link.created_at)
    }
    /// When it stops working.
    async fn expires_at(&self) -> Timestamp {
        Timestamp(self.link.expires_at)
    }
    /// When it was revoked.
    async fn revoked_at(&self) -> Option<Timestamp> {
        self.link.revoked_at.map(Timestamp)
    }
    /// True while its token opens the article.
    async fn active(&self) -> bool {
        self.link.is_active(self.now)
    }
}

/// A link just handed out, with its token (shown this once).
pub struct CreatedPreviewLink(NewPreviewLink);

/// A link just handed out: the token is shown this once.
#[Object(name = "CreatedPreviewLink")]
impl CreatedPreviewLink {
    /// The link's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.link.id.to_string())
    }
    /// The token (43 base64url characters); only its hash is stored.
    async fn token(&self) -> &str {
        &self.0.token
    }
    /// The website's preview address with the token in it (`--preview-url`).
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// When it stops working.
    async fn expires_at(&self) -> Timestamp {
        Timestamp(self.0.link.expires_at)
    }
    /// The link as listed.
    async fn link(&self) -> PreviewLinkNode {
        PreviewLinkNode::new(self.0.link.clone())
    }
}

/// What a preview token opens.
pub struct PreviewNode {
    article: ArticleNode,
    link: PreviewLink,
}

/// What a preview token opens: one article as it stands now.
#[Object(name = "Preview")]
impl PreviewNode {
    /// The article, drafts included, with the fields of `article`.
    async fn article(&self) -> &ArticleNode {
        &self.article
    }
    /// When the token stops working.
    async fn expires_at(&self) -> Timestamp {
        Timestamp(self.link.expires_at)
    }
}

fn article_id(field: &str, id: &ID) -> GqlResult<ArticleId> {
    Ok(ArticleId(ids::uuid_of(field, id, &[Kind::Article]).gql()?))
}

/// Preview reads.
#[derive(Default)]
pub struct PreviewQuery;

#[Object]
impl PreviewQuery {
    /// The article a preview token opens (null when the token is unknown,
    /// expired or revoked, or its article was deleted). Never cached.
    async fn preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The preview link's token.")] token: String,
    ) -> GqlResult<Option<PreviewNode>> {
        match previews::read(state(ctx)?, &token).await {
            Ok((article, link, now)) => Ok(Some(PreviewNode {
                article: ArticleNode::new(article, now),
                link,
            })),
            Err(crate::error::ApiError::NotFound) => Ok(None),
            Err(error) => Err(error.to_graphql()),
        }
    }

    /// The preview links of an article, newest first (staff).
    async fn preview_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's ID (or UUID).")] article_id: ID,
    ) -> GqlResult<Vec<PreviewLinkNode>> {
        let id = self::article_id("articleId", &article_id)?;
        let links = previews::list(state(ctx)?, caller(ctx), id).await.gql()?;
        Ok(links.into_iter().map(PreviewLinkNode::new).collect())
    }
}

/// Preview-link writes.
#[derive(Default)]
pub struct PreviewMutation;

#[Object]
impl PreviewMutation {
    /// Hands out a link that opens the article, read-only, to whoever holds
    /// it (editors and admins; authors for their own articles). Audited.
    async fn create_preview_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's ID (or UUID).")] article_id: ID,
        #[graphql(
            desc = "Seconds until it stops working, 1-604800 (7 days); one day when absent."
        )]
        expires_in: Option<i64>,
    ) -> GqlResult<CreatedPreviewLink> {
        let id = self::article_id("articleId", &article_id)?;
        let state = state(ctx)?;
        let caller = caller(ctx);
        caller
            .authorize(masthead_domain::policy::Action::ReadDrafts)
            .gql()?;
        let seconds = previews::expires_in(
            "expiresIn",
            expires_in.map(serde_json::Value::from).as_ref(),
        )
        .gql()?;
        let created = previews::create(state, caller, id, seconds).await.gql()?;
        Ok(CreatedPreviewLink(created))
    }

    /// Revokes a preview link at once. Revoking it again changes nothing.
    async fn revoke_preview_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link's id.")] id: ID,
    ) -> GqlResult<PreviewLinkNode> {
        let link: Uuid = id
            .parse()
            .map_err(|_| field_error("id", "is not a preview link id"))?;
        let link = previews::revoke(state(ctx)?, caller(ctx), None, link)
            .await
            .gql()?;
        Ok(PreviewLinkNode::new(link))
    }
}
