//! Corrections in GraphQL: `addCorrection` / `retractCorrection` (editors and
//! admins, the same application operations as REST), the site-wide
//! `corrections(first, after)` list and each article's `corrections`.

use crate::graphql::types::timestamp::Timestamp;
use async_graphql::{Context, Enum, Object, ID};
use masthead_domain::{ArticleId, Correction, CorrectionId, CorrectionKind};
use masthead_persistence::Cursor;

use crate::app::corrections;
use crate::graphql::connection::{uncounted_connection, PageArgs};
use crate::graphql::context::{caller, field_error, state, GqlResult, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::loaders::{ArticleById, Loaders};
use crate::graphql::types::ArticleNode;

/// What kind of note a correction is.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "CorrectionKind")]
pub enum CorrectionKindValue {
    /// A fact was wrong.
    Correction,
    /// Something was unclear.
    Clarification,
    /// News since publication.
    Update,
}

impl From<CorrectionKind> for CorrectionKindValue {
    fn from(kind: CorrectionKind) -> Self {
        match kind {
            CorrectionKind::Correction => Self::Correction,
            CorrectionKind::Clarification => Self::Clarification,
            CorrectionKind::Update => Self::Update,
        }
    }
}

impl From<CorrectionKindValue> for CorrectionKind {
    fn from(kind: CorrectionKindValue) -> Self {
        match kind {
            CorrectionKindValue::Correction => Self::Correction,
            CorrectionKindValue::Clarification => Self::Clarification,
            CorrectionKindValue::Update => Self::Update,
        }
    }
}

/// A public note on a published article; retracted ones stay, marked.
pub struct CorrectionNode(pub Correction);

/// A public note on a published article (a correction, clarification or
/// update); retracted ones stay, marked, with the reason.
#[Object(name = "Correction")]
impl CorrectionNode {
    /// The correction's id (a UUID).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// What kind of note it is.
    async fn kind(&self) -> CorrectionKindValue {
        self.0.kind.into()
    }
    /// What readers are told.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// When it was published.
    async fn published_at(&self) -> Timestamp {
        Timestamp(self.0.published_at)
    }
    /// True once retracted; the text stays for the record.
    async fn retracted(&self) -> bool {
        !self.0.stands()
    }
    /// When it was retracted.
    async fn retracted_at(&self) -> Option<Timestamp> {
        self.0.retracted_at.map(Timestamp)
    }
    /// Why it was retracted.
    async fn retraction_reason(&self) -> Option<&str> {
        self.0.retraction_reason.as_deref()
    }
    /// The article it corrects (null if the caller may not see it).
    async fn article(&self, ctx: &Context<'_>) -> GqlResult<Option<ArticleNode>> {
        let staff = crate::graphql::context::sees_drafts(ctx);
        let article = ctx
            .data::<Loaders>()?
            .load_one(ArticleById {
                id: self.0.article_id,
                staff,
            })
            .await?;
        let now = masthead_persistence::now();
        Ok(article.map(|article| ArticleNode::without_body(article, now)))
    }
}

uncounted_connection!(
    CorrectionConnection,
    CorrectionEdge,
    CorrectionNode,
    "corrections"
);

/// Correction reads.
#[derive(Default)]
pub struct CorrectionQuery;

#[Object]
impl CorrectionQuery {
    /// Corrections of public articles, newest first (a newsroom's corrections page).
    #[graphql(complexity = "(first.unwrap_or(20).clamp(1, 100) as usize) * child_complexity + 1")]
    async fn corrections(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Items from the start (1-100, default 20).")] first: Option<i32>,
        #[graphql(desc = "The `endCursor` of the previous page.")] after: Option<String>,
    ) -> GqlResult<CorrectionConnection> {
        let request = PageArgs {
            first,
            after,
            last: None,
            before: None,
        }
        .request(ctx)?;
        let page = corrections::list_public(state(ctx)?, request).await.gql()?;
        let (has_previous, has_next) = (page.has_previous, page.has_next);
        let items = page
            .items
            .into_iter()
            .map(|(cursor, correction): (Cursor, Correction)| {
                (cursor.encode(), CorrectionNode(correction))
            });
        let (edges, page_info) = CorrectionEdge::page(items, has_previous, has_next);
        Ok(CorrectionConnection { edges, page_info })
    }
}

/// Correction writes (editors and admins).
#[derive(Default)]
pub struct CorrectionMutation;

#[Object]
impl CorrectionMutation {
    /// Appends a correction to a published article: public at once, audited.
    async fn add_correction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's ID (or UUID).")] article_id: ID,
        #[graphql(desc = "What readers are told (1-2,000 characters).")] text: String,
        #[graphql(desc = "The kind of note (CORRECTION when absent).")] kind: Option<
            CorrectionKindValue,
        >,
    ) -> GqlResult<CorrectionNode> {
        let id = ids::uuid_of("articleId", &article_id, &[Kind::Article]).gql()?;
        let kind = kind.map_or(CorrectionKind::Correction, CorrectionKind::from);
        let correction = corrections::add(
            state(ctx)?,
            caller(ctx),
            ArticleId(id),
            Some(kind.as_str()),
            &text,
        )
        .await
        .gql()?;
        Ok(CorrectionNode(correction))
    }

    /// Retracts a correction with a reason; it stays public, marked retracted.
    /// Retracting it again changes nothing (the first reason stays).
    async fn retract_correction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The correction's id.")] id: ID,
        #[graphql(desc = "Why it was a mistake (1-500 characters).")] reason: String,
    ) -> GqlResult<CorrectionNode> {
        let id: CorrectionId = id
            .parse()
            .map_err(|_| field_error("id", "is not a correction id"))?;
        let correction = corrections::retract(state(ctx)?, caller(ctx), None, id, &reason)
            .await
            .gql()?;
        Ok(CorrectionNode(correction))
    }
}
