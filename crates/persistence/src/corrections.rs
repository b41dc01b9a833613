//! Corrections: appended to a public article, public at once, never edited;
//! a retraction marks one (time and reason) and it stays visible as retracted.
//! Each write is audited in its own transaction, naming the actor given by
//! [`CorrectionRepo::acting_as`], and retires cached public reads.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masthead_domain::webhook::WebhookEventType;
use masthead_domain::{
    ArticleId, ArticleStatus, Correction, CorrectionId, CorrectionKind, DomainError, NewCorrection,
    UserId,
};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait, Set, TransactionTrait,
};

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::content_clock::Change;
use crate::entities::{article, correction};
use crate::error::{PersistenceError, Result};
use crate::outbox;
use crate::page::{Cursor, Page, PageRequest};
use crate::store::Store;

/// Corrections of articles.
pub struct CorrectionRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The correction repository.
    pub fn corrections(&self) -> CorrectionRepo<'_> {
        CorrectionRepo {
            store: self,
            actor: None,
        }
    }
}

impl CorrectionRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// Appends `new` to article `id`, which must be public now (an unknown
    /// article is `NotFound`; a draft, scheduled or archived one cannot be corrected).
    pub async fn add(&self, id: ArticleId, new: NewCorrection) -> Result<Correction> {
        let now = crate::now();
        let row = article::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .ok_or(PersistenceError::NotFound)?;
        if row.public_at.is_none_or(|at| at > now) {
            let from = crate::error::parse_stored::<ArticleStatus>(&row.status)?;
            return Err(DomainError::InvalidTransition {
                from,
                action: "corrected",
            }
            .into());
        }
        let txn = self.store.writer().begin().await?;
        let stored = correction::ActiveModel {
            id: Set(CorrectionId::generate().0),
            article_id: Set(id.0),
            kind: Set(new.kind.as_str().to_owned()),
            text: Set(new.text),
            published_at: Set(now),
            retracted_at: Set(None),
            retraction_reason: Set(None),
        }
        .insert(&txn)
        .await?;
        let correction = from_row(stored)?;
        let entry = NewAuditEntry::article(self.actor, AuditAction::Correct, id)
            .with("correction", correction.id.to_string())
            .with("kind", correction.kind.as_str());
        audit::record(&txn, entry).await?;
        self.announce(&txn, &row).await?;
        txn.commit().await?;
        self.store.content_changed(Change::Article(id)).await;
        Ok(correction)
    }

    /// Retracts correction `id` of article `article` with `reason` (one of
    /// another article is `NotFound`). Retracting one already retracted
    /// changes nothing and returns it as it stands (the first reason is kept).
    pub async fn retract(
        &self,
        article: ArticleId,
        id: CorrectionId,
        reason: String,
    ) -> Result<Correction> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        // Only a standing correction is marked, so two retractions cannot both win.
        let result = correction::Entity::update_many()
            .col_expr(correction::Column::RetractedAt, Expr::value(now))
            .col_expr(
                correction::Column::RetractionReason,
                Expr::value(reason.clone()),
            )
            .filter(correction::Column::Id.eq(id.0))
            .filter(correction::Column::ArticleId.eq(article.0))
            .filter(correction::Column::RetractedAt.is_null())
            .exec(&txn)
            .await?;
        let row = correction::Entity::find_by_id(id.0)
            .filter(correction::Column::ArticleId.eq(article.0))
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let correction = from_row(row)?;
        if result.rows_affected == 1 {
            let entry = NewAuditEntry::article(
                self.actor,
                AuditAction::RetractCorrection,
                correction.article_id,
            )
            .with("correction", correction.id.to_string())
            .with("reason", reason);
            audit::record(&txn, entry).await?;
            if let Some(article) = article::Entity::find_by_id(article.0).one(&txn).await? {
                if article.public_at.is_some_and(|at| at <= now) {
                    self.announce(&txn, &article).await?;
                }
            }
        }
        txn.commit().await?;
        if result.rows_affected == 1 {
            self.store.content_changed(Change::Article(article)).await;
        }
        Ok(correction)
    }

    /// Queues `article.updated` for the corrected (public) article `row`.
    async fn announce(&self, db: &impl ConnectionTrait, row: &article::Model) -> Result<()> {
        let data = outbox::article_data(
            self.store,
            row.id,
            &row.slug,
            None,
            row.version,
            &row.title,
            &row.status,
        );
        outbox::enqueue(db, WebhookEventType::ArticleUpdated, data).await
    }

    /// The correction `id`, whatever its article.
    pub async fn by_id(&self, id: CorrectionId) -> Result<Option<Correction>> {
        correction::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .map(from_row)
            .transpose()
    }

    /// The corrections of each of `ids` (retracted ones too), newest first;
    /// one statement for any number of articles.
    pub async fn of_articles(
        &self,
        ids: &[ArticleId],
    ) -> Result<HashMap<ArticleId, Vec<Correction>>> {
        let mut found: HashMap<ArticleId, Vec<Correction>> = HashMap::new();
        if ids.is_empty() {
            return Ok(found);
        }
        let rows = correction::Entity::find()
            .filter(correction::Column::ArticleId.is_in(ids.iter().map(|id| id.0)))
            .order_by_desc(correction::Column::PublishedAt)
            .order_by_desc(correction::Column::Id)
            .all(self.store.db())
            .await?;
        for row in rows {
            let correction = from_row(row)?;
            found
                .entry(correction.article_id)
                .or_default()
                .push(correction);
        }
        Ok(found)
    }

    /// One page of the corrections of articles public at `now`, newest first
    /// (forwards from `page.after`), for the newsroom's corrections page.
    pub async fn list_public(
        &self,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<Page<Correction>> {
        let mut query = correction::Entity::find()
            .join(JoinType::InnerJoin, correction::Relation::Article.def())
            .filter(crate::articles::public_at_or_before(now));
        if let Some(after) = page.after {
            query = query.filter(
                Condition::any()
                    .add(correction::Column::PublishedAt.lt(after.at))
                    .add(
                        Condition::all()
                            .add(correction::Column::PublishedAt.eq(after.at))
                            .add(correction::Column::Id.lt(after.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(correction::Column::PublishedAt)
            .order_by_desc(correction::Column::Id)
            .limit(page.size + 1)
            .all(self.store.db())
            .await?;
        let has_next = rows.len() as u64 > page.size;
        rows.truncate(page.size as usize);
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    at: row.published_at,
                    id: row.id,
                };
                from_row(row).map(|correction| (cursor, correction))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            items,
            has_next,
            has_previous: page.after.is_some(),
        })
    }
}

fn from_row(row: correction::Model) -> Result<Correction> {
    let kind = CorrectionKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == row.kind)
        .ok_or_else(|| PersistenceError::Corrupt(format!("correction kind {:?}", row.kind)))?;
    Ok(Correction {
        id: CorrectionId(row.id),
        article_id: ArticleId(row.article_id),
        kind,
        text: row.text,
        published_at: row.published_at,
        retracted_at: row.retracted_at,
        retraction_reason: row.retraction_reason,
    })
}
