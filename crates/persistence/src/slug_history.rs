//! Slug history: every slug an article holds or once held while it was out in
//! the world. `article_slugs` has the slug as primary key, so a slug has one
//! owner, ever: a retired slug is never handed to another article, and old
//! links keep finding their story.
//!
//! Rules (applied by [`crate::articles`] inside the write's transaction):
//! - an article holds exactly one current slug (`retired_at` NULL);
//! - when the slug of an article that has been public (published, scheduled
//!   or archived, or with a publication time) changes, the old slug is
//!   retired and keeps resolving to the article; a slug changed while the
//!   article was only ever a draft is simply released;
//! - an article may take back one of its own retired slugs;
//! - deleting an article frees all its slugs (cascade).

use masthead_domain::ArticleId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::articles::ArticleRepo;
use crate::entities::{article, article_slug};
use crate::error::Result;

/// True when `slug` is held (now or once) by an article other than `own`.
/// The articles table is asked too, so rows written around the repository
/// (bulk loads, older databases) are never handed out twice.
pub(crate) async fn taken_by_other(
    db: &impl ConnectionTrait,
    slug: &str,
    own: Option<Uuid>,
) -> Result<bool> {
    let mut held = article_slug::Entity::find().filter(article_slug::Column::Slug.eq(slug));
    let mut current = article::Entity::find().filter(article::Column::Slug.eq(slug));
    if let Some(own) = own {
        held = held.filter(article_slug::Column::ArticleId.ne(own));
        current = current.filter(article::Column::Id.ne(own));
    }
    Ok(held.count(db).await? > 0 || current.count(db).await? > 0)
}

/// Every held slug equal to `base` or starting with `base-`, other than `own`'s
/// (for picking a free numeric suffix).
pub(crate) async fn similar(
    db: &impl ConnectionTrait,
    base: &str,
    own: Option<Uuid>,
) -> Result<Vec<String>> {
    let mut query = article_slug::Entity::find()
        .select_only()
        .column(article_slug::Column::Slug)
        .filter(
            Condition::any()
                .add(article_slug::Column::Slug.eq(base))
                .add(article_slug::Column::Slug.like(format!("{base}-%"))),
        );
    if let Some(own) = own {
        query = query.filter(article_slug::Column::ArticleId.ne(own));
    }
    Ok(query.into_tuple().all(db).await?)
}

/// Makes `slug` the current slug of `article_id` after a write, retiring (when
/// `keep_old`) or releasing its previous one, which it returns when there was
/// a change. A slug held by another article fails with a duplicate-slug error
/// (the primary key decides, under races too).
pub(crate) async fn follow(
    db: &impl ConnectionTrait,
    article_id: Uuid,
    slug: &str,
    keep_old: bool,
) -> Result<Option<String>> {
    let current: Vec<String> = article_slug::Entity::find()
        .select_only()
        .column(article_slug::Column::Slug)
        .filter(article_slug::Column::ArticleId.eq(article_id))
        .filter(article_slug::Column::RetiredAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if current == [slug] {
        return Ok(None);
    }
    let retired = current.into_iter().find(|held| held != slug);
    let now = crate::now();
    let previous = || {
        Condition::all()
            .add(article_slug::Column::ArticleId.eq(article_id))
            .add(article_slug::Column::RetiredAt.is_null())
            .add(article_slug::Column::Slug.ne(slug))
    };
    if keep_old {
        article_slug::Entity::update_many()
            .col_expr(article_slug::Column::RetiredAt, Expr::value(now))
            .filter(previous())
            .exec(db)
            .await?;
    } else {
        article_slug::Entity::delete_many()
            .filter(previous())
            .exec(db)
            .await?;
    }
    // Taking back one of its own retired slugs, or a new one.
    let revived = article_slug::Entity::update_many()
        .col_expr(
            article_slug::Column::RetiredAt,
            Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None),
        )
        .filter(article_slug::Column::Slug.eq(slug))
        .filter(article_slug::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    if revived.rows_affected == 0 {
        article_slug::Entity::insert(article_slug::ActiveModel {
            slug: Set(slug.to_owned()),
            article_id: Set(article_id),
            created_at: Set(now),
            retired_at: Set(None),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(retired)
}

/// The article that once held `slug` and has moved on, if any.
pub(crate) async fn retired_owner(db: &impl ConnectionTrait, slug: &str) -> Result<Option<Uuid>> {
    Ok(article_slug::Entity::find()
        .select_only()
        .column(article_slug::Column::ArticleId)
        .filter(article_slug::Column::Slug.eq(slug))
        .filter(article_slug::Column::RetiredAt.is_not_null())
        .into_tuple()
        .one(db)
        .await?)
}

impl ArticleRepo<'_> {
    /// The slugs `id` held before its current one, most recently retired first:
    /// each still leads to the article.
    pub async fn retired_slugs(&self, id: ArticleId) -> Result<Vec<String>> {
        Ok(article_slug::Entity::find()
            .select_only()
            .column(article_slug::Column::Slug)
            .filter(article_slug::Column::ArticleId.eq(id.0))
            .filter(article_slug::Column::RetiredAt.is_not_null())
            .order_by_desc(article_slug::Column::RetiredAt)
            .into_tuple()
            .all(self.db())
            .await?)
    }
}
