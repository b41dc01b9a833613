//! Revisions: every save of an article's content (create, update, restore)
//! stores the whole editable content as it was saved, with the version the save
//! produced, who saved it and when. `number` counts from 1 per article and is
//! never reused. History is never rewritten: a restore is a new save.
//!
//! Lifecycle changes (submit, publish, …) change no content: they bump the
//! version and are recorded in the audit log, not as revisions. Publishing
//! marks the latest revision as `published` (the content that went out);
//! pruning beyond the configured cap never removes that one, nor the latest.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use masthead_domain::{Article, ArticleContent, ArticleId, Author, Slug, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::articles::ArticleRepo;
use crate::entities::article_revision;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::revision_codec::{decode, encode};
use crate::store::Store;

/// What kind of save produced a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevisionKind {
    /// The article was created.
    Create,
    /// An editor saved new content.
    Update,
    /// An earlier revision was restored.
    Restore,
}

impl RevisionKind {
    /// Stable name, as stored and shown in APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            RevisionKind::Create => "create",
            RevisionKind::Update => "update",
            RevisionKind::Restore => "restore",
        }
    }
}

impl fmt::Display for RevisionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RevisionKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [Self::Create, Self::Update, Self::Restore]
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| format!("unknown revision kind {s:?}"))
    }
}

/// A revision without its content: what history lists show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionInfo {
    /// The article.
    pub article_id: ArticleId,
    /// 1, 2, 3, … per article.
    pub number: i32,
    /// The article version this save produced.
    pub version: i32,
    /// Create, update or restore.
    pub kind: RevisionKind,
    /// For restores: the revision brought back.
    pub restored_from: Option<i32>,
    /// This content went out at the article's latest publication.
    pub published: bool,
    /// The headline saved (so lists need no content).
    pub title: String,
    /// Who saved it, by id (kept when the account is gone).
    pub saved_by_id: Option<UserId>,
    /// Who saved it, resolved while the account exists.
    pub saved_by: Option<Author>,
    /// When.
    pub saved_at: DateTime<Utc>,
}

/// A whole revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// Number, author, time.
    pub info: RevisionInfo,
    /// The slug the article had then (every save records it; it is also
    /// `content.slug`).
    pub slug: Slug,
    /// The whole editable content.
    pub content: ArticleContent,
}

/// One page of a history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionPage {
    /// The revisions.
    pub items: Vec<RevisionInfo>,
    /// The number to continue after, when more follow.
    pub next_after: Option<i32>,
}

/// A revision row without its content.
#[derive(FromQueryResult)]
struct InfoRow {
    article_id: Uuid,
    number: i32,
    version: i32,
    kind: String,
    restored_from: Option<i32>,
    published: bool,
    title: String,
    saved_by: Option<Uuid>,
    saved_at: DateTime<Utc>,
}

impl From<article_revision::Model> for InfoRow {
    fn from(row: article_revision::Model) -> Self {
        Self {
            article_id: row.article_id,
            number: row.number,
            version: row.version,
            kind: row.kind,
            restored_from: row.restored_from,
            published: row.published,
            title: row.title,
            saved_by: row.saved_by,
            saved_at: row.saved_at,
        }
    }
}

/// The revision repository (reads; saves record revisions through [`ArticleRepo`]).
pub struct RevisionRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// Article histories.
    pub fn revisions(&self) -> RevisionRepo<'_> {
        RevisionRepo { store: self }
    }
}

impl RevisionRepo<'_> {
    /// Up to `limit` revisions of `article` numbered after `after`, oldest first.
    pub async fn list(
        &self,
        article: ArticleId,
        after: Option<i32>,
        limit: u64,
    ) -> Result<RevisionPage> {
        let mut query = article_revision::Entity::find()
            .select_only()
            .columns([
                article_revision::Column::ArticleId,
                article_revision::Column::Number,
                article_revision::Column::Version,
                article_revision::Column::Kind,
                article_revision::Column::RestoredFrom,
                article_revision::Column::Published,
                article_revision::Column::Title,
                article_revision::Column::SavedBy,
                article_revision::Column::SavedAt,
            ])
            .filter(article_revision::Column::ArticleId.eq(article.0));
        if let Some(after) = after {
            query = query.filter(article_revision::Column::Number.gt(after));
        }
        let mut rows = query
            .order_by_asc(article_revision::Column::Number)
            .limit(limit + 1)
            // The content column is left out: lists stay cheap however long the story.
            .into_model::<InfoRow>()
            .all(self.store.db())
            .await?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let items = self.infos(rows).await?;
        let next_after = if more {
            items.last().map(|info| info.number)
        } else {
            None
        };
        Ok(RevisionPage { items, next_after })
    }

    /// Revision `number` of `article`, whole.
    pub async fn get(&self, article: ArticleId, number: i32) -> Result<Option<Revision>> {
        let row = article_revision::Entity::find()
            .filter(article_revision::Column::ArticleId.eq(article.0))
            .filter(article_revision::Column::Number.eq(number))
            .one(self.store.db())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let content = decode(&row.content, article)?;
        let slug = content.slug.clone().ok_or_else(|| {
            PersistenceError::Corrupt(format!("revision {number} of {article} has no slug"))
        })?;
        let info = self.infos(vec![InfoRow::from(row)]).await?.remove(0);
        Ok(Some(Revision {
            info,
            slug,
            content,
        }))
    }

    async fn infos(&self, rows: Vec<InfoRow>) -> Result<Vec<RevisionInfo>> {
        let mut ids: Vec<Uuid> = rows.iter().filter_map(|row| row.saved_by).collect();
        ids.sort_unstable();
        ids.dedup();
        let authors: HashMap<Uuid, Author> = self
            .store
            .users()
            .authors(&ids)
            .await?
            .into_iter()
            .map(|author| (author.id.0, author))
            .collect();
        rows.into_iter()
            .map(|row| {
                Ok(RevisionInfo {
                    article_id: ArticleId(row.article_id),
                    number: row.number,
                    version: row.version,
                    kind: parse_stored(&row.kind)?,
                    restored_from: row.restored_from,
                    published: row.published,
                    title: row.title,
                    saved_by_id: row.saved_by.map(UserId),
                    saved_by: row.saved_by.and_then(|id| authors.get(&id).cloned()),
                    saved_at: row.saved_at,
                })
            })
            .collect()
    }
}

impl ArticleRepo<'_> {
    /// Makes revision `number` the current content of `id` as a new version
    /// (and a new revision), if `id` is still at `expected_version`. The
    /// article keeps its current slug: addresses are not content.
    pub async fn restore(
        &self,
        id: ArticleId,
        number: i32,
        expected_version: i32,
    ) -> Result<Article> {
        let revision = self
            .store()
            .revisions()
            .get(id, number)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let mut content = revision.content;
        content.slug = None;
        self.save(id, expected_version, content, Saved::Restored(number))
            .await
    }
}

/// Why a save happened, for its revision and audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Saved {
    Created,
    Updated,
    Restored(i32),
}

impl Saved {
    pub(crate) fn kind(self) -> RevisionKind {
        match self {
            Saved::Created => RevisionKind::Create,
            Saved::Updated => RevisionKind::Update,
            Saved::Restored(_) => RevisionKind::Restore,
        }
    }
}

/// Stores `article` (as just written in `db`) as its next revision and prunes
/// beyond `keep` (0 keeps everything). Returns the new number.
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    article: &Article,
    saved: Saved,
    actor: Option<UserId>,
    published: bool,
    keep: u32,
) -> Result<i32> {
    // Runs under the article's row lock (the version bump came first), so no
    // other save of this article can pick the same number; the unique index
    // would refuse it anyway.
    let last: Option<i32> = article_revision::Entity::find()
        .select_only()
        .column_as(article_revision::Column::Number.max(), "last")
        .filter(article_revision::Column::ArticleId.eq(article.id.0))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    let number = last.unwrap_or(0) + 1;
    if published {
        unmark_published(db, article.id).await?;
    }
    article_revision::Entity::insert(article_revision::ActiveModel {
        id: Set(Uuid::now_v7()),
        article_id: Set(article.id.0),
        number: Set(number),
        version: Set(article.version),
        kind: Set(saved.kind().as_str().to_owned()),
        restored_from: Set(match saved {
            Saved::Restored(from) => Some(from),
            _ => None,
        }),
        published: Set(published),
        title: Set(article.title.as_str().to_owned()),
        content: Set(encode(&content_of(article))?),
        saved_by: Set(actor.map(|actor| actor.0)),
        saved_at: Set(article.updated_at),
    })
    .exec_without_returning(db)
    .await?;
    prune(db, article.id, number, keep).await?;
    Ok(number)
}

/// Marks the latest revision of `article` as the published one.
pub(crate) async fn mark_published(db: &impl ConnectionTrait, article: ArticleId) -> Result<()> {
    unmark_published(db, article).await?;
    let last: Option<i32> = article_revision::Entity::find()
        .select_only()
        .column_as(article_revision::Column::Number.max(), "last")
        .filter(article_revision::Column::ArticleId.eq(article.0))
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    if let Some(last) = last {
        article_revision::Entity::update_many()
            .col_expr(article_revision::Column::Published, Expr::value(true))
            .filter(article_revision::Column::ArticleId.eq(article.0))
            .filter(article_revision::Column::Number.eq(last))
            .exec(db)
            .await?;
    }
    Ok(())
}

async fn unmark_published(db: &impl ConnectionTrait, article: ArticleId) -> Result<()> {
    article_revision::Entity::update_many()
        .col_expr(article_revision::Column::Published, Expr::value(false))
        .filter(article_revision::Column::ArticleId.eq(article.0))
        .filter(article_revision::Column::Published.eq(true))
        .exec(db)
        .await?;
    Ok(())
}

/// Deletes revisions older than the newest `keep` (numbers up to `latest - keep`),
/// except the published one.
async fn prune(
    db: &impl ConnectionTrait,
    article: ArticleId,
    latest: i32,
    keep: u32,
) -> Result<()> {
    if keep == 0 {
        return Ok(());
    }
    let oldest_kept = latest.saturating_sub(i32::try_from(keep).unwrap_or(i32::MAX)) + 1;
    article_revision::Entity::delete_many()
        .filter(article_revision::Column::ArticleId.eq(article.0))
        .filter(article_revision::Column::Number.lt(oldest_kept))
        .filter(article_revision::Column::Published.eq(false))
        .exec(db)
        .await?;
    Ok(())
}

/// The editable content of a stored article, with its actual slug.
pub fn content_of(article: &Article) -> ArticleContent {
    ArticleContent {
        title: article.title.clone(),
        slug: Some(article.slug.clone()),
        standfirst: article.standfirst.clone(),
        sections: article.sections.clone(),
        authors: article.authors.iter().map(|author| author.id).collect(),
        tags: article.tags.iter().map(|tag| tag.id).collect(),
        reply_policy: article.reply_policy,
        seo: article.seo.clone(),
        feature_image: article.feature_image.clone(),
    }
}
