//! Keeping the index: one document per article, rewritten inside the
//! transaction of every write that changes its searchable text or its
//! visibility, removed with the article, and rebuilt whole when the schema
//! is new or the text-search language changed.

use chrono::{DateTime, Utc};
use masthead_domain::search::IndexedText;
use masthead_domain::{Article, ArticleId};
use sea_orm::{ConnectionTrait, DatabaseBackend, TransactionTrait};
use uuid::Uuid;

use super::Sql;
use crate::error::Result;
use crate::store::Store;

/// Bits of a document key below the second.
const OFFSET_BITS: u32 = 20;
/// Settings key naming the language the index was built in.
const LANGUAGE_SETTING: &str = "search_language";
/// Articles indexed per transaction when rebuilding.
const REBUILD_BATCH: usize = 500;

/// The first document key of the second of `at` (keys order by recency).
pub(crate) fn bucket_start(at: DateTime<Utc>) -> i64 {
    at.timestamp().max(0) << OFFSET_BITS
}

/// When an article counts as new: its publication time, else its last change.
fn recency(article: &Article) -> DateTime<Utc> {
    crate::articles::public_at(article.lifecycle).unwrap_or(article.updated_at)
}

/// Writes the document of `article` (as just written, inside the caller's
/// transaction `db`), replacing the one it had.
pub(crate) async fn write(
    db: &impl ConnectionTrait,
    language: &str,
    article: &Article,
) -> Result<()> {
    let backend = db.get_database_backend();
    let bucket = bucket_start(recency(article));
    let old = doc_of(db, article.id).await?;
    remove_doc(db, old).await?;
    let doc = match old {
        Some(old) if old >> OFFSET_BITS == bucket >> OFFSET_BITS => old,
        _ => free_key(db, bucket, article.id.0).await?,
    };
    let text = article.search_text().indexed();
    let public_at = crate::articles::public_at(article.lifecycle);
    let mut sql = Sql::new(backend);
    sql.push("INSERT INTO search_documents (doc, article_id, status, public_at")
        .push(if backend == DatabaseBackend::Postgres {
            ", document"
        } else {
            ""
        })
        .push(") VALUES (")
        .bind(doc)
        .push(", ")
        .bind(article.id.0)
        .push(", ")
        .bind(article.lifecycle.status.as_str())
        .push(", ")
        .bind(public_at);
    if backend == DatabaseBackend::Postgres {
        sql.push(", ");
        tsvector(&mut sql, language, &text);
    }
    sql.push(")");
    db.execute(sql.statement()).await?;
    if backend != DatabaseBackend::Postgres {
        let mut sql = Sql::new(backend);
        sql.push("INSERT INTO search_fts (rowid, title, standfirst, body, names) VALUES (")
            .bind(doc)
            .push(", ")
            .bind(text.title)
            .push(", ")
            .bind(text.standfirst)
            .push(", ")
            .bind(text.body)
            .push(", ")
            .bind(text.names)
            .push(")");
        db.execute(sql.statement()).await?;
    }
    Ok(())
}

/// The weighted `tsvector` of `text`: title A, standfirst B, names C, body D.
fn tsvector(sql: &mut Sql, language: &str, text: &IndexedText) {
    let parts = [
        (&text.title, 'A'),
        (&text.standfirst, 'B'),
        (&text.names, 'C'),
        (&text.body, 'D'),
    ];
    for (i, (part, weight)) in parts.into_iter().enumerate() {
        if i > 0 {
            sql.push(" || ");
        }
        sql.push("setweight(to_tsvector(")
            .bind(language)
            .push("::regconfig, ")
            .bind(part.as_str())
            .push(&format!("), '{weight}')"));
    }
}

/// Removes the document of `id` (the article is being deleted), inside `db`.
pub(crate) async fn remove(db: &impl ConnectionTrait, id: ArticleId) -> Result<()> {
    let old = doc_of(db, id).await?;
    remove_doc(db, old).await
}

async fn doc_of(db: &impl ConnectionTrait, id: ArticleId) -> Result<Option<i64>> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT doc FROM search_documents WHERE article_id = ")
        .bind(id.0);
    Ok(match db.query_one(sql.statement()).await? {
        Some(row) => Some(row.try_get("", "doc")?),
        None => None,
    })
}

async fn remove_doc(db: &impl ConnectionTrait, doc: Option<i64>) -> Result<()> {
    let Some(doc) = doc else {
        return Ok(());
    };
    let backend = db.get_database_backend();
    if backend != DatabaseBackend::Postgres {
        let mut sql = Sql::new(backend);
        sql.push("DELETE FROM search_fts WHERE rowid = ").bind(doc);
        db.execute(sql.statement()).await?;
    }
    let mut sql = Sql::new(backend);
    sql.push("DELETE FROM search_documents WHERE doc = ")
        .bind(doc);
    db.execute(sql.statement()).await?;
    Ok(())
}

/// A free key in the second starting at `bucket`: the article's own offset
/// (from its id) unless another article holds it, then the next free one.
async fn free_key(db: &impl ConnectionTrait, bucket: i64, id: Uuid) -> Result<i64> {
    let span = 1_i64 << OFFSET_BITS;
    let offset = (id.as_u128() as i64).rem_euclid(span);
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("SELECT doc FROM search_documents WHERE doc >= ")
        .bind(bucket)
        .push(" AND doc < ")
        .bind(bucket + span)
        .push(" ORDER BY doc");
    let taken: Vec<i64> = db
        .query_all(sql.statement())
        .await?
        .into_iter()
        .map(|row| row.try_get("", "doc"))
        .collect::<std::result::Result<_, _>>()?;
    let mut candidate = offset;
    while taken.binary_search(&(bucket + candidate)).is_ok() {
        candidate = (candidate + 1) % span;
    }
    Ok(bucket + candidate)
}

impl Store {
    /// Builds the index afresh when it was never built (a new schema over
    /// existing articles) or was built in another language; a no-op otherwise.
    pub(crate) async fn rebuild_search_index_if_stale(&self) -> Result<()> {
        let built_in = self.settings().get(LANGUAGE_SETTING).await?;
        if built_in.as_deref() == Some(self.search_language()) {
            return Ok(());
        }
        self.rebuild_search_index().await
    }

    /// Indexes every article again, in batches, then records the language.
    pub async fn rebuild_search_index(&self) -> Result<()> {
        let backend = self.backend();
        let clear: &[&str] = match backend {
            DatabaseBackend::Postgres => &["DELETE FROM search_documents"],
            _ => &[
                "DELETE FROM search_documents",
                "INSERT INTO search_fts (search_fts) VALUES ('delete-all')",
            ],
        };
        for statement in clear {
            self.writer()
                .execute(sea_orm::Statement::from_string(backend, *statement))
                .await?;
        }
        // Keyset pages of ids, so memory does not grow with the newsroom
        // (all ids at once cost ~25 MB per 100,000 articles as sqlx rows).
        let mut after: Option<Uuid> = None;
        loop {
            let mut sql = Sql::new(backend);
            sql.push("SELECT id FROM articles");
            if let Some(last) = after {
                sql.push(" WHERE id > ").bind(last);
            }
            sql.push(&format!(" ORDER BY id LIMIT {REBUILD_BATCH}"));
            let batch: Vec<Uuid> = self
                .db()
                .query_all(sql.statement())
                .await?
                .into_iter()
                .map(|row| row.try_get("", "id"))
                .collect::<std::result::Result<_, _>>()?;
            let Some(last) = batch.last().copied() else {
                break;
            };
            let txn = self.writer().begin().await?;
            self.articles().reindex_in(&txn, &batch).await?;
            txn.commit().await?;
            after = Some(last);
        }
        self.settings()
            .set(LANGUAGE_SETTING, self.search_language())
            .await
    }
}

/// The articles that carry the tag `tag` (whose documents hold its name).
pub(crate) async fn articles_of_tag(db: &impl ConnectionTrait, tag: Uuid) -> Result<Vec<Uuid>> {
    linked(
        db,
        "SELECT article_id FROM article_tags WHERE tag_id = ",
        tag,
    )
    .await
}

/// The articles with `user` on the byline (whose documents hold the name).
pub(crate) async fn articles_of_author(db: &impl ConnectionTrait, user: Uuid) -> Result<Vec<Uuid>> {
    linked(
        db,
        "SELECT article_id FROM article_authors WHERE user_id = ",
        user,
    )
    .await
}

async fn linked(db: &impl ConnectionTrait, select: &str, id: Uuid) -> Result<Vec<Uuid>> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push(select).bind(id);
    Ok(db
        .query_all(sql.statement())
        .await?
        .into_iter()
        .map(|row| row.try_get("", "article_id"))
        .collect::<std::result::Result<_, _>>()?)
}
