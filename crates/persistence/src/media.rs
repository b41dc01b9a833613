//! The media library: one row per distinct upload (identical bytes, found by
//! their SHA-256, are stored once), metadata edits and deletion, and search
//! in alt text, caption, credit and file name, newest first with keyset
//! paging. The bytes live in the object store; this repository only records
//! them. Each write is audited in its own transaction, naming the actor given
//! by [`MediaRepo::acting_as`].

use std::collections::HashMap;

use masthead_domain::media::{FocalPoint, MediaFormat, MediaItem, MediaMeta};
use masthead_domain::{
    ArticleId, ArticleStatus, DomainError, FieldError, LibraryImage, MediaId, UserId,
};
use sea_orm::sea_query::{Condition, Expr, Func, LikeExpr, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, SqlErr, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::{article, article_media, media};
use crate::error::{parse_stored, PersistenceError, Result};
use crate::page::{Cursor, Page, PageRequest};
use crate::store::Store;

/// Most characters of a library search.
pub const QUERY_MAX: usize = 200;

/// What an upload is recorded with once its bytes are checked and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMedia {
    /// The id the bytes were stored under.
    pub id: MediaId,
    /// Hex SHA-256 of the uploaded bytes.
    pub sha256: String,
    /// Sniffed format.
    pub format: MediaFormat,
    /// Width after EXIF orientation.
    pub width: u32,
    /// Height after EXIF orientation.
    pub height: u32,
    /// Size of the upload.
    pub bytes: u64,
    /// Cleaned file name.
    pub file_name: String,
    /// Validated description.
    pub meta: MediaMeta,
}

/// The outcome of recording an upload.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// A new library item.
    Created(MediaItem),
    /// The same bytes were already in the library: that item, unchanged.
    Existing(MediaItem),
}

impl Recorded {
    /// The item, new or existing.
    pub fn item(&self) -> &MediaItem {
        match self {
            Self::Created(item) | Self::Existing(item) => item,
        }
    }
}

/// Images in the library.
pub struct MediaRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The media repository.
    pub fn media(&self) -> MediaRepo<'_> {
        MediaRepo {
            store: self,
            actor: None,
        }
    }
}

impl MediaRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// The item `id`.
    pub async fn by_id(&self, id: MediaId) -> Result<Option<MediaItem>> {
        media::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .map(from_row)
            .transpose()
    }

    /// The item holding exactly the bytes hashed to `sha256`, if any: what an
    /// upload checks before doing any image work.
    pub async fn by_sha256(&self, sha256: &str) -> Result<Option<MediaItem>> {
        media::Entity::find()
            .filter(media::Column::Sha256.eq(sha256))
            .one(self.store.db())
            .await?
            .map(from_row)
            .transpose()
    }

    /// Records an upload, or returns the item already holding the same bytes
    /// (also when a concurrent upload of them won the race).
    pub async fn record(&self, new: NewMedia) -> Result<Recorded> {
        if let Some(existing) = self.by_sha256(&new.sha256).await? {
            return Ok(Recorded::Existing(existing));
        }
        let now = crate::now();
        let sha256 = new.sha256.clone();
        let txn = self.store.writer().begin().await?;
        let inserted = media::ActiveModel {
            id: Set(new.id.0),
            sha256: Set(new.sha256),
            format: Set(new.format.as_str().to_owned()),
            width: Set(to_i32(new.width)?),
            height: Set(to_i32(new.height)?),
            bytes: Set(i64::try_from(new.bytes)
                .map_err(|_| PersistenceError::Corrupt("media size".into()))?),
            file_name: Set(new.file_name),
            alt: Set(new.meta.alt),
            caption: Set(new.meta.caption),
            credit: Set(new.meta.credit),
            focal_x: Set(new.meta.focal.x()),
            focal_y: Set(new.meta.focal.y()),
            created_by: Set(self.actor.map(|actor| actor.0)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await;
        let row = match inserted {
            Ok(row) => row,
            Err(error) => {
                drop(txn);
                return match PersistenceError::from(error) {
                    PersistenceError::Duplicate { field: "sha256" } => self
                        .by_sha256(&sha256)
                        .await?
                        .map(Recorded::Existing)
                        .ok_or(PersistenceError::NotFound),
                    other => Err(other),
                };
            }
        };
        let item = from_row(row)?;
        let entry = NewAuditEntry::media(self.actor, AuditAction::Create, item.id)
            .with("sha256", item.sha256.clone())
            .with("file_name", item.file_name.clone());
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        Ok(Recorded::Created(item))
    }

    /// Replaces the metadata of item `id`.
    pub async fn update_meta(&self, id: MediaId, meta: MediaMeta) -> Result<MediaItem> {
        let txn = self.store.writer().begin().await?;
        let row = media::Entity::find_by_id(id.0)
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let mut active: media::ActiveModel = row.into();
        active.alt = Set(meta.alt);
        active.caption = Set(meta.caption);
        active.credit = Set(meta.credit);
        active.focal_x = Set(meta.focal.x());
        active.focal_y = Set(meta.focal.y());
        active.updated_at = Set(crate::now());
        let item = from_row(active.update(&txn).await?)?;
        audit::record(
            &txn,
            NewAuditEntry::media(self.actor, AuditAction::Update, id),
        )
        .await?;
        txn.commit().await?;
        Ok(item)
    }

    /// Deletes the record of item `id` (the caller removes its bytes), unless
    /// a current article uses it: then [`PersistenceError::InUse`] names
    /// those articles (also when one was saved with it meanwhile: the
    /// foreign key of `article_media` refuses the delete).
    pub async fn delete(&self, id: MediaId) -> Result<()> {
        let txn = self.store.writer().begin().await?;
        let users = usage_in(&txn, &[id]).await?;
        if let Some(articles) = users.get(&id).filter(|articles| !articles.is_empty()) {
            return Err(in_use(articles));
        }
        let result = match media::Entity::delete_by_id(id.0).exec(&txn).await {
            Err(error)
                if matches!(
                    error.sql_err(),
                    Some(SqlErr::ForeignKeyConstraintViolation(_))
                ) =>
            {
                return Err(PersistenceError::InUse(vec![
                    "an article saved meanwhile".to_owned()
                ]));
            }
            done => done?,
        };
        if result.rows_affected == 0 {
            return Err(PersistenceError::NotFound);
        }
        audit::record(
            &txn,
            NewAuditEntry::media(self.actor, AuditAction::Delete, id),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The current articles using each of `ids` (items no article uses are
    /// absent): what a library item lists, and what a delete is refused for.
    pub async fn usage(&self, ids: &[MediaId]) -> Result<HashMap<MediaId, Vec<MediaUse>>> {
        usage_in(self.store.db(), ids).await
    }

    /// One page of the library, newest first (forwards from `page.after`),
    /// optionally only items whose alt text, caption, credit or file name
    /// contains `query` (case-insensitive; at most [`QUERY_MAX`] characters).
    pub async fn search(&self, query: Option<&str>, page: PageRequest) -> Result<Page<MediaItem>> {
        let mut select = media::Entity::find();
        if let Some(text) = query.map(str::trim).filter(|text| !text.is_empty()) {
            if text.chars().count() > QUERY_MAX || text.contains('\0') {
                return Err(PersistenceError::Domain(
                    FieldError::new("q", format!("must be at most {QUERY_MAX} characters")).into(),
                ));
            }
            let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
            let mut any = Condition::any();
            for column in [
                media::Column::Alt,
                media::Column::Caption,
                media::Column::Credit,
                media::Column::FileName,
            ] {
                any = any.add(lower(column).like(LikeExpr::new(pattern.clone()).escape('\\')));
            }
            select = select.filter(any);
        }
        if let Some(after) = page.after {
            select = select.filter(
                Condition::any()
                    .add(media::Column::CreatedAt.lt(after.at))
                    .add(
                        Condition::all()
                            .add(media::Column::CreatedAt.eq(after.at))
                            .add(media::Column::Id.lt(after.id)),
                    ),
            );
        }
        let mut rows = select
            .order_by_desc(media::Column::CreatedAt)
            .order_by_desc(media::Column::Id)
            .limit(page.size + 1)
            .all(self.store.db())
            .await?;
        let has_next = rows.len() as u64 > page.size;
        rows.truncate(usize::try_from(page.size).unwrap_or(usize::MAX));
        let items = rows
            .into_iter()
            .map(|row| {
                let cursor = Cursor {
                    at: row.created_at,
                    id: row.id,
                };
                from_row(row).map(|item| (cursor, item))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page {
            items,
            has_next,
            has_previous: page.after.is_some(),
        })
    }
}

fn lower(column: media::Column) -> Expr {
    Expr::expr(SimpleExpr::FunctionCall(Func::lower(Expr::col(column))))
}

/// `text` with LIKE's wildcards and the escape character taken literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn to_i32(value: u32) -> Result<i32> {
    i32::try_from(value).map_err(|_| PersistenceError::Corrupt("media dimension".into()))
}

fn to_u32(value: i32, what: &str) -> Result<u32> {
    u32::try_from(value).map_err(|_| PersistenceError::Corrupt(format!("media {what} {value}")))
}

fn from_row(row: media::Model) -> Result<MediaItem> {
    let format = MediaFormat::parse(&row.format)
        .ok_or_else(|| PersistenceError::Corrupt(format!("media format {:?}", row.format)))?;
    let focal = FocalPoint::new(row.focal_x, row.focal_y)
        .map_err(|_| PersistenceError::Corrupt("media focal point".into()))?;
    Ok(MediaItem {
        id: MediaId(row.id),
        sha256: row.sha256,
        format,
        width: to_u32(row.width, "width")?,
        height: to_u32(row.height, "height")?,
        bytes: u64::try_from(row.bytes)
            .map_err(|_| PersistenceError::Corrupt("media size".into()))?,
        file_name: row.file_name,
        meta: MediaMeta {
            alt: row.alt,
            caption: row.caption,
            credit: row.credit,
            focal,
        },
        created_by: row.created_by.map(UserId),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }
}

/// An article that shows a library item, in its current body or as its
/// feature image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaUse {
    /// The article.
    pub article_id: ArticleId,
    /// Its headline.
    pub title: String,
    /// Its current slug.
    pub slug: String,
    /// Its stored status.
    pub status: ArticleStatus,
}

fn in_use(articles: &[MediaUse]) -> PersistenceError {
    PersistenceError::InUse(
        articles
            .iter()
            .map(|article| format!("“{}” ({})", article.title, article.article_id))
            .collect(),
    )
}

async fn usage_in(
    db: &impl ConnectionTrait,
    ids: &[MediaId],
) -> Result<HashMap<MediaId, Vec<MediaUse>>> {
    let mut usage: HashMap<MediaId, Vec<MediaUse>> = HashMap::new();
    if ids.is_empty() {
        return Ok(usage);
    }
    let rows = article_media::Entity::find()
        .filter(article_media::Column::MediaId.is_in(ids.iter().map(|id| id.0)))
        .find_also_related(article::Entity)
        .order_by_asc(article_media::Column::MediaId)
        .order_by_asc(article_media::Column::ArticleId)
        .all(db)
        .await?;
    for (link, article) in rows {
        if let Some(article) = article {
            usage
                .entry(MediaId(link.media_id))
                .or_default()
                .push(MediaUse {
                    article_id: ArticleId(article.id),
                    title: article.title,
                    slug: article.slug,
                    status: parse_stored(&article.status)?,
                });
        }
    }
    Ok(usage)
}

/// What the library knows of each of `ids` that exists, for placing them in
/// an article.
pub(crate) async fn library_images(
    db: &impl ConnectionTrait,
    ids: &[MediaId],
) -> Result<HashMap<MediaId, LibraryImage>> {
    media::Entity::find()
        .filter(media::Column::Id.is_in(ids.iter().map(|id| id.0)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| from_row(row).map(|item| (item.id, LibraryImage::from(&item))))
        .collect()
}

/// Records that article `article_id` now uses exactly `ids` (inside the
/// save's transaction).
pub(crate) async fn replace_usage(
    db: &impl ConnectionTrait,
    article_id: Uuid,
    ids: &[MediaId],
) -> Result<()> {
    article_media::Entity::delete_many()
        .filter(article_media::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    if ids.is_empty() {
        return Ok(());
    }
    let links = ids.iter().map(|id| article_media::ActiveModel {
        article_id: Set(article_id),
        media_id: Set(id.0),
    });
    match article_media::Entity::insert_many(links).exec(db).await {
        Err(error)
            if matches!(
                error.sql_err(),
                Some(SqlErr::ForeignKeyConstraintViolation(_))
            ) =>
        {
            Err(PersistenceError::Domain(DomainError::Invalid(
                FieldError::new(
                    "media_id",
                    "names an image deleted from the media library meanwhile",
                )
                .into(),
            )))
        }
        done => done.map(drop).map_err(Into::into),
    }
}
