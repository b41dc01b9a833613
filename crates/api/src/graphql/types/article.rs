//! The `Article` object: a story with everything a frontend renders.

use std::sync::Arc;

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use masthead_domain::{Article, Section};
use masthead_persistence::ArticleFilter;
use uuid::Uuid;

use super::timestamp::Timestamp;

use crate::graphql::connection::PageArgs;
use crate::graphql::context::{state, GqlResult};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{BodyOf, Loaders, ReplyCountOf};
use crate::graphql::types::body::{placed_quotes, PullQuoteNode, SectionNode};
use crate::graphql::types::enums::{ArticleStatusValue, ReplyPolicyValue};
use crate::graphql::types::image::FeatureImageNode;
use crate::graphql::types::people::AuthorNode;
use crate::graphql::types::reply::{replies_connection, ReplyConnection};
use crate::graphql::types::tag::TagNode;

/// A story, as the caller may see it (drafts only for staff).
#[derive(Clone)]
pub struct ArticleNode {
    article: Arc<Article>,
    /// False for list items: their bodies come through the body loader.
    body_loaded: bool,
    now: DateTime<Utc>,
}

impl ArticleNode {
    /// Wraps a fully loaded `article` (body included) as seen at `now`.
    pub fn new(article: Article, now: DateTime<Utc>) -> Self {
        Self {
            article: Arc::new(article),
            body_loaded: true,
            now,
        }
    }

    /// Wraps an article loaded without its body (lists): the body is batched on demand.
    pub fn without_body(article: impl Into<Arc<Article>>, now: DateTime<Utc>) -> Self {
        Self {
            article: article.into(),
            body_loaded: false,
            now,
        }
    }

    /// The domain article.
    pub fn article(&self) -> &Article {
        &self.article
    }

    async fn corrections_of(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Arc<Vec<masthead_domain::Correction>>> {
        let corrections = ctx
            .data::<Loaders>()?
            .load_one(crate::graphql::loaders::CorrectionsOf(self.article.id))
            .await?;
        Ok(corrections.unwrap_or_default())
    }

    /// The `NewsArticle` JSON-LD document, when the article is public.
    async fn json_ld(&self, ctx: &Context<'_>) -> GqlResult<Option<serde_json::Value>> {
        if !self.article.is_public_at(self.now) {
            return Ok(None);
        }
        let state = state(ctx)?;
        let url = state.article_url(&self.article);
        let corrections = self.corrections_of(ctx).await?;
        Ok(crate::syndication::json_ld::document_for_public(
            &state.settings,
            &self.article,
            &url,
            self.article.word_count(),
            &corrections,
            self.now,
        ))
    }

    async fn body(&self, ctx: &Context<'_>) -> GqlResult<Arc<Vec<Section>>> {
        if self.body_loaded {
            return Ok(Arc::new(self.article.sections.clone()));
        }
        let body = ctx
            .data::<Loaders>()?
            .load_one(BodyOf(self.article.id))
            .await?;
        Ok(body.unwrap_or_default())
    }
}

/// Search-engine and social-card fields; each `effective…` field applies the fallback.
#[derive(SimpleObject)]
pub struct Seo {
    /// `<title>` override as stored (null: none set).
    pub meta_title: Option<String>,
    /// `<meta name="description">` override as stored (null: none set).
    pub meta_description: Option<String>,
    /// Where the original lives when this is a syndicated copy (null: none set).
    pub canonical_url: Option<String>,
    /// The title to put in `<title>`: the override, else the headline.
    pub effective_title: String,
    /// The description to put in `<meta>`: the override, else the standfirst.
    pub effective_description: String,
    /// The canonical URL: the override, else the article's own `url`.
    pub effective_canonical_url: String,
}

/// A story, as the caller may see it: anonymous callers see published articles only.
#[Object(name = "Article")]
impl ArticleNode {
    /// Global ID (for `node(id:)` and client caches).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Article, self.article.id)
    }
    /// The UUID used by the REST API and the database.
    async fn database_id(&self) -> Uuid {
        self.article.id.0
    }
    /// URL name, unique among articles.
    async fn slug(&self) -> &str {
        self.article.slug.as_str()
    }
    /// Headline.
    async fn title(&self) -> &str {
        self.article.title.as_str()
    }
    /// Summary under the headline.
    async fn standfirst(&self) -> &str {
        &self.article.standfirst
    }
    /// Publishing status now (a scheduled article whose time has come is `PUBLISHED`).
    async fn status(&self) -> ArticleStatusValue {
        self.article.lifecycle.status_at(self.now).into()
    }
    /// Who may reply.
    async fn reply_policy(&self) -> ReplyPolicyValue {
        self.article.reply_policy.into()
    }
    /// When it became (or becomes, if scheduled) public.
    async fn published_at(&self) -> Option<Timestamp> {
        self.article.lifecycle.published_at.map(Timestamp)
    }
    /// When it is scheduled to become public (scheduled articles only).
    async fn scheduled_at(&self) -> Option<Timestamp> {
        self.article.lifecycle.scheduled_at.map(Timestamp)
    }
    /// When it was first saved.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.article.created_at)
    }
    /// When it last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.article.updated_at)
    }
    /// Bumped on every write; send it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.article.version
    }
    /// Its address on the website (configured public URL and article path).
    async fn url(&self, ctx: &Context<'_>) -> GqlResult<String> {
        Ok(state(ctx)?.article_url(&self.article))
    }
    /// schema.org `NewsArticle` JSON-LD as a JSON value; null unless public.
    /// To put it in a `<script type="application/ld+json">`, escape `<`, `>`
    /// and `&` as `\u` escapes when serializing (a headline may hold
    /// `</script>`), or take `structuredDataScript`, which is exactly that.
    async fn structured_data(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Option<async_graphql::Json<serde_json::Value>>> {
        Ok(self.json_ld(ctx).await?.map(async_graphql::Json))
    }
    /// The same JSON-LD as text ready to put inside
    /// `<script type="application/ld+json">` (`<`, `>`, `&` written as `\u`
    /// escapes, so no headline can close the element); null unless public.
    async fn structured_data_script(&self, ctx: &Context<'_>) -> GqlResult<Option<String>> {
        Ok(self
            .json_ld(ctx)
            .await?
            .map(|document| crate::syndication::json_ld::script_safe(&document)))
    }
    /// Corrections, newest first; retracted ones stay, marked.
    async fn corrections(
        &self,
        ctx: &Context<'_>,
    ) -> GqlResult<Vec<crate::graphql::corrections::CorrectionNode>> {
        let corrections = self.corrections_of(ctx).await?;
        Ok(corrections
            .iter()
            .cloned()
            .map(crate::graphql::corrections::CorrectionNode)
            .collect())
    }
    /// Search-engine fields, with fallbacks applied in the `effective…` fields.
    async fn seo(&self, ctx: &Context<'_>) -> GqlResult<Seo> {
        let article = &self.article;
        let url = state(ctx)?.article_url(article);
        Ok(Seo {
            meta_title: article.seo.meta_title.clone(),
            meta_description: article.seo.meta_description.clone(),
            canonical_url: article.seo.canonical_url.clone(),
            effective_title: article
                .seo
                .meta_title
                .clone()
                .unwrap_or_else(|| article.title.to_string()),
            effective_description: article
                .seo
                .meta_description
                .clone()
                .unwrap_or_else(|| article.standfirst.clone()),
            effective_canonical_url: article.seo.canonical_url.clone().unwrap_or(url),
        })
    }
    /// The image at the top, if any.
    async fn feature_image(&self) -> Option<FeatureImageNode> {
        self.article.feature_image.as_ref().map(Into::into)
    }
    /// Words in standfirst and body (stored at each save: no body is loaded).
    async fn word_count(&self) -> usize {
        self.article.word_count()
    }
    /// Minutes to read, rounded up.
    async fn reading_time_minutes(&self) -> usize {
        self.article.reading_time_minutes()
    }
    /// The byline, in order.
    async fn authors(&self) -> Vec<AuthorNode> {
        self.article.authors.iter().map(AuthorNode::from).collect()
    }
    /// Tags, primary first.
    async fn tags(&self) -> Vec<TagNode> {
        self.article.tags.iter().map(TagNode::from).collect()
    }
    /// The collection the story is filed in (its first tag).
    async fn primary_tag(&self) -> Option<TagNode> {
        self.article.primary_tag().map(TagNode::from)
    }
    /// The body, in reading order.
    async fn sections(&self, ctx: &Context<'_>) -> GqlResult<Vec<SectionNode>> {
        let body = self.body(ctx).await?;
        Ok(SectionNode::all(self.article.id, &body))
    }
    /// The pull quotes of the body, in reading order.
    async fn pull_quotes(&self, ctx: &Context<'_>) -> GqlResult<Vec<PullQuoteNode>> {
        let body = self.body(ctx).await?;
        Ok(placed_quotes(self.article.id, &body))
    }
    /// How many approved replies it has (all depths).
    async fn reply_count(&self, ctx: &Context<'_>) -> GqlResult<u64> {
        let count = ctx
            .data::<Loaders>()?
            .load_one(ReplyCountOf(self.article.id))
            .await?;
        Ok(count.unwrap_or(0))
    }
    /// Approved replies, oldest thread first; each reply carries its `children`.
    #[graphql(complexity = "(first.unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1")]
    async fn replies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Threads from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> GqlResult<ReplyConnection> {
        let args = PageArgs {
            first,
            after,
            ..PageArgs::default()
        };
        replies_connection(ctx, self.article.id, args).await
    }
}

/// The filter of the articles of one tag or author.
pub fn filter_by(tag: Option<&str>, author: Option<&str>) -> ArticleFilter {
    ArticleFilter {
        status: None,
        tag: tag.map(str::to_owned),
        author: author.map(str::to_owned),
        title: None,
    }
}
