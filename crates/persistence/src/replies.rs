//! Readers' replies: posting under a thread, and listing what the public may
//! see. Moderation lives in [`crate::reply_queue`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masthead_domain::reply::child_depth;
use masthead_domain::{ArticleId, FieldError, NewReply, Reply, ReplyId, ReplyStatus, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::content_clock::Change;
use crate::entities::reply;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::page::{Cursor, Page};
use crate::store::Store;

/// A reply ready to store: validated fields plus what the server decided.
#[derive(Debug, Clone)]
pub struct ReplyDraft {
    /// The article it goes under.
    pub article_id: ArticleId,
    /// The reply it answers, if any; must be approved and under the same article.
    pub parent_id: Option<ReplyId>,
    /// The reader's fields.
    pub reply: NewReply,
    /// Decided from the article's policy and spam checks.
    pub status: ReplyStatus,
    /// Posted by staff under their account.
    pub is_staff: bool,
    /// The staff account, if any.
    pub user_id: Option<UserId>,
    /// Salted hash of the client address.
    pub client_hash: Option<String>,
}

/// The reply repository.
pub struct ReplyRepo<'a> {
    pub(crate) store: &'a Store,
}

impl Store {
    /// The reply repository.
    pub fn replies(&self) -> ReplyRepo<'_> {
        ReplyRepo { store: self }
    }
}

impl ReplyRepo<'_> {
    /// Stores a reply, checking its parent (approved, same article) and the
    /// thread depth, and recording its place in the thread.
    pub async fn create(&self, draft: ReplyDraft) -> Result<Reply> {
        let txn = self.store.writer().begin().await?;
        let db = &txn;
        let id = ReplyId::generate();
        let (parent_depth, root_id, path) = match draft.parent_id {
            None => (None, id.0, String::new()),
            Some(parent_id) => {
                let parent = reply::Entity::find_by_id(parent_id.0).one(db).await?;
                match parent {
                    Some(parent)
                        if parent.article_id == draft.article_id.0
                            && parent.status == ReplyStatus::Approved.as_str() =>
                    {
                        let mut chain = ancestors_of(&parent)?;
                        chain.push(ReplyId(parent.id));
                        (
                            Some(parent.depth as u8),
                            parent.root_id.unwrap_or(chain[0].0),
                            encode_path(&chain),
                        )
                    }
                    _ => {
                        return Err(PersistenceError::Domain(
                            FieldError::new(
                                "parent_id",
                                "must be an approved reply under the same article",
                            )
                            .into(),
                        ))
                    }
                }
            }
        };
        let depth =
            child_depth(parent_depth).map_err(|error| PersistenceError::Domain(error.into()))?;
        let now = crate::now();
        let row = reply::ActiveModel {
            id: Set(id.0),
            article_id: Set(draft.article_id.0),
            parent_id: Set(draft.parent_id.map(|id| id.0)),
            depth: Set(depth as i16),
            author_name: Set(draft.reply.author_name.as_str().to_owned()),
            author_email: Set(draft.reply.author_email.as_str().to_owned()),
            body: Set(draft.reply.body.as_str().to_owned()),
            status: Set(draft.status.as_str().to_owned()),
            is_staff: Set(draft.is_staff),
            user_id: Set(draft.user_id.map(|id| id.0)),
            client_hash: Set(draft.client_hash),
            root_id: Set(Some(root_id)),
            thread_path: Set(Some(path)),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        let stored = reply_from_row(row)?;
        crate::outbox::reply_changed(db, self.store, &stored).await?;
        txn.commit().await?;
        self.store.wake_outbox();
        if draft.status == ReplyStatus::Approved {
            // The article's public reply count and threads changed.
            self.store
                .content_changed(Change::Article(draft.article_id))
                .await;
        }
        Ok(stored)
    }

    /// The texts one client posted since `since`, newest first (at most 100):
    /// what the repeat check compares a new reply with.
    pub async fn recent_bodies(
        &self,
        client_hash: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<String>> {
        Ok(reply::Entity::find()
            .select_only()
            .column(reply::Column::Body)
            .filter(reply::Column::ClientHash.eq(client_hash))
            .filter(reply::Column::CreatedAt.gte(since))
            .order_by_desc(reply::Column::CreatedAt)
            .limit(100)
            .into_tuple()
            .all(self.store.db())
            .await?)
    }

    /// Every approved reply under an article, oldest first; threads are rebuilt
    /// with [`masthead_domain::thread::build_threads`].
    pub async fn approved_for_article(&self, article_id: ArticleId) -> Result<Vec<Reply>> {
        reply::Entity::find()
            .filter(reply::Column::ArticleId.eq(article_id.0))
            .filter(reply::Column::Status.eq(ReplyStatus::Approved.as_str()))
            .order_by_asc(reply::Column::CreatedAt)
            .order_by_asc(reply::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(reply_from_row)
            .collect()
    }

    /// One page of an article's public threads, oldest thread first: each item
    /// is every approved reply of one thread (build the tree with
    /// [`masthead_domain::thread::build_threads`]). A thread whose first reply
    /// was removed still counts while it has approved answers. Two statements
    /// whatever the page.
    pub async fn approved_threads(
        &self,
        article_id: ArticleId,
        size: u64,
        after: Option<Cursor>,
    ) -> Result<Page<Vec<Reply>>> {
        let db = self.store.db();
        let approved = || {
            reply::Entity::find()
                .filter(reply::Column::ArticleId.eq(article_id.0))
                .filter(reply::Column::Status.eq(ReplyStatus::Approved.as_str()))
        };
        let mut roots = approved()
            .select_only()
            .column(reply::Column::RootId)
            .distinct()
            .filter(reply::Column::RootId.is_not_null());
        if let Some(after) = after {
            roots = roots.filter(reply::Column::RootId.gt(after.id));
        }
        let mut root_ids: Vec<Option<Uuid>> = roots
            .order_by_asc(reply::Column::RootId)
            .limit(size + 1)
            .into_tuple()
            .all(db)
            .await?;
        let has_next = root_ids.len() as u64 > size;
        root_ids.truncate(size as usize);
        let root_ids: Vec<Uuid> = root_ids.into_iter().flatten().collect();
        let mut threads: HashMap<Uuid, Vec<Reply>> = HashMap::new();
        if !root_ids.is_empty() {
            let rows = approved()
                .filter(reply::Column::RootId.is_in(root_ids.iter().copied()))
                .order_by_asc(reply::Column::Id)
                .all(db)
                .await?;
            for row in rows {
                let root = row.root_id.unwrap_or(row.id);
                threads.entry(root).or_default().push(reply_from_row(row)?);
            }
        }
        let items = root_ids
            .into_iter()
            .map(|root| {
                (
                    thread_cursor(root),
                    threads.remove(&root).unwrap_or_default(),
                )
            })
            .collect();
        Ok(Page {
            items,
            has_next,
            has_previous: after.is_some(),
        })
    }

    /// Approved replies per article, for `reply_count`, in one statement.
    pub async fn approved_counts(
        &self,
        article_ids: &[ArticleId],
    ) -> Result<HashMap<ArticleId, u64>> {
        if article_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(Uuid, i64)> = reply::Entity::find()
            .select_only()
            .column(reply::Column::ArticleId)
            .column_as(Expr::col(reply::Column::Id).count(), "n")
            .filter(reply::Column::ArticleId.is_in(article_ids.iter().map(|id| id.0)))
            .filter(reply::Column::Status.eq(ReplyStatus::Approved.as_str()))
            .group_by(reply::Column::ArticleId)
            .into_tuple()
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, n)| (ArticleId(id), n.max(0) as u64))
            .collect())
    }

    /// One reply, whatever its status (moderation).
    pub async fn by_id(&self, id: ReplyId) -> Result<Option<Reply>> {
        reply::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .map(reply_from_row)
            .transpose()
    }

    /// Moves a reply to `status` (approve, reject, spam).
    pub async fn set_status(&self, id: ReplyId, status: ReplyStatus) -> Result<Reply> {
        let row = reply::ActiveModel {
            id: sea_orm::Unchanged(id.0),
            status: Set(status.as_str().to_owned()),
            updated_at: Set(crate::now()),
            ..Default::default()
        };
        match row.update(self.store.writer()).await {
            Ok(row) => {
                self.store
                    .content_changed(Change::Article(ArticleId(row.article_id)))
                    .await;
                reply_from_row(row)
            }
            Err(sea_orm::DbErr::RecordNotUpdated) => Err(PersistenceError::NotFound),
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes a reply; its children keep their place under a removed parent.
    pub async fn delete(&self, id: ReplyId) -> Result<()> {
        let result = reply::Entity::delete_by_id(id.0)
            .exec(self.store.writer())
            .await?;
        if result.rows_affected == 0 {
            return Err(PersistenceError::NotFound);
        }
        // Which article it was is not asked (deletions are rare): everything.
        self.store.content_changed(Change::Everything).await;
        Ok(())
    }
}

/// The cursor of a thread: its first reply's id (time-ordered) and the time in it.
fn thread_cursor(root: Uuid) -> Cursor {
    let at = root
        .get_timestamp()
        .and_then(|ts| {
            let (seconds, nanos) = ts.to_unix();
            DateTime::from_timestamp(seconds as i64, nanos)
        })
        .unwrap_or(DateTime::UNIX_EPOCH);
    Cursor { at, id: root }
}

fn encode_path(chain: &[ReplyId]) -> String {
    chain
        .iter()
        .map(|id| id.0.hyphenated().to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The chain above a stored reply; rows from before `thread_path` was kept
/// know their parent only.
fn ancestors_of(row: &reply::Model) -> Result<Vec<ReplyId>> {
    match row.thread_path.as_deref() {
        Some("") => Ok(Vec::new()),
        Some(path) => path
            .split('/')
            .map(|part| {
                Uuid::parse_str(part)
                    .map(ReplyId)
                    .map_err(|_| PersistenceError::Corrupt(format!("reply thread path {path:?}")))
            })
            .collect(),
        None => Ok(row.parent_id.map(ReplyId).into_iter().collect()),
    }
}

pub(crate) fn reply_from_row(row: reply::Model) -> Result<Reply> {
    Ok(Reply {
        id: ReplyId(row.id),
        article_id: ArticleId(row.article_id),
        parent_id: row.parent_id.map(ReplyId),
        ancestors: ancestors_of(&row)?,
        depth: u8::try_from(row.depth)
            .map_err(|_| PersistenceError::Corrupt(format!("reply depth {}", row.depth)))?,
        author_name: row.author_name,
        author_email: row.author_email,
        body: row.body,
        status: parse_stored(&row.status)?,
        is_staff: row.is_staff,
        user_id: row.user_id.map(UserId),
        client_hash: row.client_hash,
        created_at: row.created_at,
    })
}
