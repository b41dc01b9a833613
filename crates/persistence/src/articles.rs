//! Articles: create, read, update with an optimistic version check, change
//! lifecycle, delete, and list with keyset pagination and filters.
//!
//! Every write also records, in its own transaction: a revision for content
//! saves ([`crate::revisions`]), the slug history ([`crate::slug_history`]) and
//! an audit entry ([`crate::audit`]) naming the actor given by
//! [`ArticleRepo::acting_as`]. Write transactions start with their write (the
//! version bump or the insert), so SQLite takes its write lock first and
//! concurrent writers queue on `busy_timeout` instead of failing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use masthead_domain::webhook::WebhookEventType;
use masthead_domain::{
    Article, ArticleContent, ArticleId, ArticleStatus, Author, DomainError, FeatureImage,
    FieldError, ImageSize, Lifecycle, MediaId, Seo, Slug, SlugFallback, Tag, Title, UserId,
};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::article_body;
use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::entities::{article, article_author, article_tag, tag, user};
use crate::error::{parse_stored, PersistenceError, Result};
use crate::outbox;
use crate::page::{Cursor, Page, PageRequest};
use crate::revisions::{self, Saved};
use crate::search;
use crate::slug_history;
use crate::store::Store;

/// How many times a create retries a derived slug that a concurrent create
/// took first (each try allocates the next free suffix).
const DERIVED_SLUG_ATTEMPTS: u32 = 64;

/// Who is looking: the public sees published articles whose time has come;
/// staff see everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Anonymous readers, at this instant.
    Public {
        /// The instant that decides whether a scheduled article is out yet.
        now: DateTime<Utc>,
    },
    /// Signed-in staff (previews).
    Staff,
}

/// Which articles a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// Only this stored status (staff lists).
    pub status: Option<ArticleStatus>,
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Only articles whose title contains this text, ignoring case (staff
    /// lists: the desk's title search; not a full-text search).
    pub title: Option<String>,
}

impl ArticleFilter {
    /// Refuses slugs longer than any stored one, by parameter name.
    pub(crate) fn check(&self) -> std::result::Result<(), masthead_domain::DomainError> {
        use masthead_domain::limits::{check_filter, SLUG_MAX, TITLE_MAX};
        check_filter("tag", self.tag.as_deref(), SLUG_MAX)?;
        check_filter("author", self.author.as_deref(), SLUG_MAX)?;
        check_filter("q", self.title.as_deref(), TITLE_MAX)
    }
}

/// The order of a list (always newest first, id as tie-breaker).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleOrder {
    /// By publication time: the public front page.
    #[default]
    PublishedAt,
    /// By last change: the editors' desk.
    UpdatedAt,
}

/// The article repository. Writes through it are recorded as done by nobody
/// in particular (the system) unless [`ArticleRepo::acting_as`] names someone.
pub struct ArticleRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The article repository.
    pub fn articles(&self) -> ArticleRepo<'_> {
        ArticleRepo {
            store: self,
            actor: None,
        }
    }
}

impl<'a> ArticleRepo<'a> {
    /// The same repository, recording `actor` as the one who saves, publishes
    /// or deletes (in revisions and in the audit log).
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    pub(crate) fn store(&self) -> &'a Store {
        self.store
    }

    pub(crate) fn db(&self) -> &'a crate::reader::Reader {
        self.store.db()
    }

    pub(crate) fn actor(&self) -> Option<UserId> {
        self.actor
    }
}

impl ArticleRepo<'_> {
    /// Stores a new article at version 1, with revision 1. A requested slug
    /// that is taken (now or once, by another article) is a conflict; a derived
    /// one gets `-2`, `-3`, … until it is free, and when a concurrent create
    /// takes the same one first, the next free suffix is tried: a derived slug
    /// never fails a create.
    pub async fn create(
        &self,
        mut content: ArticleContent,
        lifecycle: Lifecycle,
    ) -> Result<Article> {
        self.check_references(&mut content).await?;
        let derived = content.slug.is_none();
        let mut attempts = 0;
        loop {
            let slug = self.allocate_slug(&content, None).await?;
            match self.insert(&content, &slug, lifecycle).await {
                Err(PersistenceError::Duplicate { field: "slug" })
                    if derived && attempts < DERIVED_SLUG_ATTEMPTS =>
                {
                    attempts += 1;
                }
                done => return done,
            }
        }
    }

    /// One try of [`Self::create`] with `slug`.
    async fn insert(
        &self,
        content: &ArticleContent,
        slug: &Slug,
        lifecycle: Lifecycle,
    ) -> Result<Article> {
        let id = ArticleId::generate();
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let mut row = content_row(content, slug);
        row.id = Set(id.0);
        row.version = Set(1);
        row.created_at = Set(now);
        row.updated_at = Set(now);
        set_lifecycle(&mut row, lifecycle);
        row.insert(&txn).await?;
        write_relations(&txn, id.0, content).await?;
        let article = self.load_in(&txn, id).await?;
        search::index::write(&txn, self.store.search_language(), &article).await?;
        self.record_save(&txn, &article, Saved::Created).await?;
        txn.commit().await?;
        self.store
            .article_changed(article.id, article.is_public_at(crate::now()))
            .await;
        Ok(article)
    }

    /// Replaces the content of `id` if it is still at `expected_version`; the
    /// version goes up by one and a revision is stored. A stale version changes
    /// nothing and reports the current one. Without a requested slug the current
    /// slug is kept; a changed slug of an article that has been public is
    /// retired and keeps leading to it. The lifecycle is untouched: a
    /// published article stays published (a correction), `published_at` kept.
    pub async fn update(
        &self,
        id: ArticleId,
        expected_version: i32,
        content: ArticleContent,
    ) -> Result<Article> {
        self.save(id, expected_version, content, Saved::Updated)
            .await
    }

    /// An update or a restore: the content write and its records, in one transaction.
    pub(crate) async fn save(
        &self,
        id: ArticleId,
        expected_version: i32,
        mut content: ArticleContent,
        saved: Saved,
    ) -> Result<Article> {
        self.check_references(&mut content).await?;
        let slug = match &content.slug {
            Some(_) => Some(self.allocate_slug(&content, Some(id.0)).await?),
            None => None,
        };
        let txn = self.store.writer().begin().await?;
        let mut row = content_row(&content, slug.as_ref().unwrap_or(&placeholder_slug()));
        if slug.is_none() {
            row.slug = sea_orm::NotSet;
        }
        row.updated_at = Set(crate::now());
        bump_version(&txn, id.0, expected_version, row).await?;
        write_relations(&txn, id.0, &content).await?;
        let article = self.load_in(&txn, id).await?;
        search::index::write(&txn, self.store.search_language(), &article).await?;
        self.record_save(&txn, &article, saved).await?;
        txn.commit().await?;
        // The lifecycle is untouched: readers see this save only when the
        // article is public.
        self.store
            .article_changed(article.id, article.is_public_at(crate::now()))
            .await;
        Ok(article)
    }

    /// Moves `id` through the publishing state machine: `change` gets the
    /// current lifecycle and returns the next (or the domain's refusal). With
    /// `expected_version`, a stale version is a conflict; without, a change
    /// that raced with another write is a conflict too (the decision was made on
    /// the state read). Bumps the version and records an audit entry (submit,
    /// publish, schedule, unpublish or archive); stores no revision (content is
    /// unchanged), but publishing marks the latest revision as the published one.
    pub async fn change_lifecycle(
        &self,
        id: ArticleId,
        expected_version: Option<i32>,
        change: impl FnOnce(Lifecycle) -> Result<Lifecycle, masthead_domain::DomainError>,
    ) -> Result<Article> {
        let current = article::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .ok_or(PersistenceError::NotFound)?;
        if let Some(expected) = expected_version {
            if expected != current.version {
                return Err(PersistenceError::VersionConflict {
                    current: current.version,
                });
            }
        }
        let before = lifecycle_of(&current)?;
        let next = change(before)?;
        let now = crate::now();
        let mut row = article::ActiveModel {
            ..Default::default()
        };
        set_lifecycle(&mut row, next);
        row.updated_at = Set(now);
        let txn = self.store.writer().begin().await?;
        bump_version(&txn, id.0, current.version, row).await?;
        let article = self.load_in(&txn, id).await?;
        search::index::write(&txn, self.store.search_language(), &article).await?;
        let action = match next.status {
            ArticleStatus::Draft => AuditAction::Unpublish,
            ArticleStatus::InReview => AuditAction::Submit,
            ArticleStatus::Scheduled => AuditAction::Schedule,
            ArticleStatus::Published => AuditAction::Publish,
            ArticleStatus::Archived => AuditAction::Archive,
        };
        if matches!(
            next.status,
            ArticleStatus::Published | ArticleStatus::Scheduled
        ) {
            revisions::mark_published(&txn, id).await?;
        }
        let mut entry = NewAuditEntry::article(self.actor, action, id)
            .at_version(article.version)
            .with("from", before.status_at(now).as_str())
            .with("to", next.status.as_str());
        if let Some(at) = next.published_at {
            entry = entry.with("published_at", audit::time_text(at));
        }
        audit::record(&txn, entry).await?;
        let (was_public, is_public) = (before.is_public_at(now), next.is_public_at(now));
        let event = match (was_public, is_public) {
            (false, true) => Some(WebhookEventType::ArticlePublished),
            (true, false) => Some(WebhookEventType::ArticleUnpublished),
            _ => None,
        };
        if let Some(event) = event {
            outbox::article_event(&txn, self.store, event, &article, None).await?;
        }
        txn.commit().await?;
        // Between two states no reader sees (draft, in review, scheduled),
        // public reads stay good; the scheduler announces a scheduled one
        // when its time comes.
        self.store
            .article_changed(article.id, was_public || is_public)
            .await;
        Ok(article)
    }

    /// Deletes an article with its body, byline, tags, replies, revisions and
    /// slugs; the audit log keeps an entry naming what was deleted. With
    /// `expected_version`, only that version is deleted; without, the version
    /// read here is: either way a write that lands in between is a conflict
    /// and nothing is deleted.
    pub async fn delete(&self, id: ArticleId, expected_version: Option<i32>) -> Result<()> {
        let current = article::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .ok_or(PersistenceError::NotFound)?;
        if expected_version.is_some_and(|expected| expected != current.version) {
            return Err(PersistenceError::VersionConflict {
                current: current.version,
            });
        }
        let txn = self.store.writer().begin().await?;
        let result = article::Entity::delete_many()
            .filter(article::Column::Id.eq(id.0))
            .filter(article::Column::Version.eq(current.version))
            .exec(&txn)
            .await?;
        if result.rows_affected == 0 {
            let now: Option<i32> = article::Entity::find_by_id(id.0)
                .select_only()
                .column(article::Column::Version)
                .into_tuple()
                .one(&txn)
                .await?;
            return Err(match now {
                Some(current) => PersistenceError::VersionConflict { current },
                None => PersistenceError::NotFound,
            });
        }
        search::index::remove(&txn, id).await?;
        let was_public = current.public_at.is_some_and(|at| at <= crate::now());
        if was_public {
            let data = outbox::article_data(
                self.store,
                id.0,
                &current.slug,
                None,
                current.version,
                &current.title,
                &current.status,
            );
            outbox::enqueue(&txn, WebhookEventType::ArticleDeleted, data).await?;
        }
        let entry = NewAuditEntry::article(self.actor, AuditAction::Delete, id)
            .at_version(current.version)
            .with("slug", current.slug)
            .with("title", current.title)
            .with("status", current.status);
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        self.store.article_changed(id, was_public).await;
        Ok(())
    }

    /// Articles scheduled to become public after `after` and no later than
    /// `until` (at most 1,000, earliest first): what the scheduler announces.
    /// One range scan on the status/publication index.
    pub async fn scheduled_between(
        &self,
        after: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(ArticleId, DateTime<Utc>)>> {
        let rows: Vec<(Uuid, Option<DateTime<Utc>>)> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::PublishedAt)
            .filter(article::Column::Status.eq(ArticleStatus::Scheduled.as_str()))
            .filter(article::Column::PublishedAt.gt(after))
            .filter(article::Column::PublishedAt.lte(until))
            .order_by_asc(article::Column::PublishedAt)
            .limit(1_000)
            .into_tuple()
            .all(self.store.db())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, at)| at.map(|at| (ArticleId(id), at)))
            .collect())
    }

    /// The article as written inside `db` (a transaction), whole.
    async fn load_in(&self, db: &impl ConnectionTrait, id: ArticleId) -> Result<Article> {
        let row = article::Entity::find_by_id(id.0)
            .one(db)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        self.hydrate(db, vec![row], true)
            .await?
            .pop()
            .ok_or(PersistenceError::NotFound)
    }

    /// Rewrites the search documents of `ids` inside the transaction `db`:
    /// after a change to what they show that is not their own write (a tag
    /// or an author renamed), and when the index is rebuilt.
    pub(crate) async fn reindex_in(&self, db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<()> {
        for chunk in ids.chunks(500) {
            let rows = article::Entity::find()
                .filter(article::Column::Id.is_in(chunk.iter().copied()))
                .all(db)
                .await?;
            for article in self.hydrate(db, rows, true).await? {
                search::index::write(db, self.store.search_language(), &article).await?;
            }
        }
        Ok(())
    }

    /// The article with this id, if `visibility` may see it.
    pub async fn by_id(&self, id: ArticleId, visibility: Visibility) -> Result<Option<Article>> {
        let row = visible(article::Entity::find_by_id(id.0), visibility)
            .one(self.store.db())
            .await?;
        Ok(self
            .hydrate(self.store.db(), row.into_iter().collect(), true)
            .await?
            .pop())
    }

    /// The article with this slug, if `visibility` may see it. A retired slug
    /// (one the article held before its slug changed) finds the article too:
    /// compare the answer's `slug` with the one asked for to redirect.
    pub async fn by_slug(&self, slug: &str, visibility: Visibility) -> Result<Option<Article>> {
        let query = article::Entity::find().filter(article::Column::Slug.eq(slug));
        let row = visible(query, visibility).one(self.store.db()).await?;
        if let Some(found) = self
            .hydrate(self.store.db(), row.into_iter().collect(), true)
            .await?
            .pop()
        {
            return Ok(Some(found));
        }
        match slug_history::retired_owner(self.store.db(), slug).await? {
            Some(id) => self.by_id(ArticleId(id), visibility).await,
            None => Ok(None),
        }
    }

    /// The articles with these ids that `visibility` may see, without their bodies
    /// unless `with_body`; in no particular order.
    pub async fn by_ids(
        &self,
        ids: &[ArticleId],
        visibility: Visibility,
        with_body: bool,
    ) -> Result<Vec<Article>> {
        let query =
            article::Entity::find().filter(article::Column::Id.is_in(ids.iter().map(|id| id.0)));
        let rows = visible(query, visibility).all(self.store.db()).await?;
        self.hydrate(self.store.db(), rows, with_body).await
    }

    /// One page of a list. Costs the same few statements for page 1 and page 1,000
    /// (a keyset condition on an index, never an OFFSET), and loads bylines, tags and
    /// (when `with_body`) bodies for the whole page at once.
    pub async fn list(
        &self,
        visibility: Visibility,
        filter: &ArticleFilter,
        order: ArticleOrder,
        page: PageRequest,
        with_body: bool,
    ) -> Result<Page<Article>> {
        let (page, _) = self
            .list_loading(visibility, filter, order, page, with_body, false)
            .await?;
        Ok(page)
    }

    /// [`Self::list`] with each article's approved replies, counted at the
    /// same time as bylines and tags are loaded: a public list page waits for
    /// one round to the database less than asking afterwards.
    pub async fn list_with_reply_counts(
        &self,
        visibility: Visibility,
        filter: &ArticleFilter,
        order: ArticleOrder,
        page: PageRequest,
    ) -> Result<(Page<Article>, HashMap<ArticleId, u64>)> {
        self.list_loading(visibility, filter, order, page, false, true)
            .await
    }

    async fn list_loading(
        &self,
        visibility: Visibility,
        filter: &ArticleFilter,
        order: ArticleOrder,
        page: PageRequest,
        with_body: bool,
        with_reply_counts: bool,
    ) -> Result<(Page<Article>, HashMap<ArticleId, u64>)> {
        filter.check()?;
        let sort = sort_column(visibility, order);
        let key = sort_key(visibility, sort);
        let backwards = page.backwards;
        // Walking a public list by publication time after a cursor, the
        // cursor's time is the one upper bound of `public_at` that matters:
        // said as one bound, SQLite starts its index walk there instead of at
        // "now" (it takes only one of two upper bounds as the range).
        let visibility = match (visibility, sort, page.after) {
            (Visibility::Public { now }, article::Column::PublishedAt, Some(after)) => {
                Visibility::Public {
                    now: now.min(after.at),
                }
            }
            _ => visibility,
        };
        let mut query = filtered(visibility, filter);
        if let Some(after) = page.after {
            query = query.filter(before_in_order(key.clone(), after));
        }
        if let Some(before) = page.before {
            query = query.filter(after_in_order(key.clone(), before));
        }
        query = if backwards {
            query
                .order_by(key, Order::Asc)
                .order_by_asc(article::Column::Id)
        } else {
            query
                .order_by(key, Order::Desc)
                .order_by_desc(article::Column::Id)
        };
        let mut rows = query.limit(page.size + 1).all(self.store.db()).await?;
        let more = rows.len() as u64 > page.size;
        rows.truncate(page.size as usize);
        if backwards {
            rows.reverse();
        }
        let ids: Vec<ArticleId> = rows.iter().map(|row| ArticleId(row.id)).collect();
        let (articles, reply_counts) =
            tokio::try_join!(self.hydrate(self.store.db(), rows, with_body), async {
                match with_reply_counts && !ids.is_empty() {
                    true => self.store.replies().approved_counts(&ids).await,
                    false => Ok(HashMap::new()),
                }
            })?;
        let items = articles
            .into_iter()
            .map(|article| (cursor_of(&article, sort), article))
            .collect();
        let (has_next, has_previous) = if backwards {
            (page.before.is_some(), more)
        } else {
            (more, page.after.is_some())
        };
        let page = Page {
            items,
            has_next,
            has_previous,
        };
        Ok((page, reply_counts))
    }

    /// How many articles a list holds in total (GraphQL `totalCount`).
    pub async fn count(&self, visibility: Visibility, filter: &ArticleFilter) -> Result<u64> {
        filter.check()?;
        Ok(filtered(visibility, filter).count(self.store.db()).await?)
    }

    /// Turns article rows into domain articles, loading bylines, tags and bodies
    /// (through `db`, which may be a transaction) for all of them with a fixed
    /// number of statements. Keeps the rows' order.
    async fn hydrate(
        &self,
        db: &impl ConnectionTrait,
        rows: Vec<article::Model>,
        with_body: bool,
    ) -> Result<Vec<Article>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        // Bylines, tags and bodies do not depend on each other: on the read
        // pool they run on connections of their own at once, so a public read
        // waits for three rounds to the database instead of seven (inside a
        // transaction they simply take turns on its connection).
        let ((author_links, authors), (tag_links, tags), mut bodies) =
            tokio::try_join!(bylines_of(db, &ids), tags_of(db, &ids), async {
                if with_body {
                    article_body::load(db, &ids).await
                } else {
                    Ok(HashMap::new())
                }
            })?;
        rows.into_iter()
            .map(|row| {
                let byline = author_links
                    .iter()
                    .filter(|link| link.article_id == row.id)
                    .filter_map(|link| authors.get(&link.user_id).cloned())
                    .collect();
                let article_tags = tag_links
                    .iter()
                    .filter(|link| link.article_id == row.id)
                    .filter_map(|link| tags.get(&link.tag_id).cloned())
                    .collect();
                let sections = bodies.remove(&row.id).unwrap_or_default();
                article_from_row(row, sections, byline, article_tags)
            })
            .collect()
    }

    /// Refuses bylines and tags that name nobody, and completes library images
    /// from the library (refusing unknown ones and missing alt text), before
    /// anything is written. A library item deleted after this check cannot
    /// slip in: `article_media`'s foreign key refuses the write.
    async fn check_references(&self, content: &mut ArticleContent) -> Result<()> {
        let db = self.store.db();
        let author_ids: Vec<Uuid> = content.authors.iter().map(|id| id.0).collect();
        let found = user::Entity::find()
            .filter(user::Column::Id.is_in(author_ids.clone()))
            .count(db)
            .await?;
        if found != author_ids.len() as u64 {
            return Err(
                FieldError::new("authors", "names a user that does not exist").into_persistence(),
            );
        }
        let tag_ids: Vec<Uuid> = content.tags.iter().map(|id| id.0).collect();
        let found = tag::Entity::find()
            .filter(tag::Column::Id.is_in(tag_ids.clone()))
            .count(db)
            .await?;
        if found != tag_ids.len() as u64 {
            return Err(
                FieldError::new("tags", "names a tag that does not exist").into_persistence()
            );
        }
        let media_ids = content.media_ids();
        if !media_ids.is_empty() {
            let library = crate::media::library_images(db, &media_ids).await?;
            content
                .place_media(&library)
                .map_err(|errors| PersistenceError::Domain(DomainError::Invalid(errors)))?;
        }
        Ok(())
    }

    /// The slug to store: a requested one must be free (or already this
    /// article's, now or once); a derived one gets the first free numeric
    /// suffix. Current and retired slugs of every article count as taken.
    async fn allocate_slug(&self, content: &ArticleContent, own_id: Option<Uuid>) -> Result<Slug> {
        let db = self.store.db();
        if let Some(requested) = &content.slug {
            if slug_history::taken_by_other(db, requested.as_str(), own_id).await? {
                return Err(PersistenceError::Duplicate { field: "slug" });
            }
            return Ok(requested.clone());
        }
        let base = content
            .slug_or_derived()
            .unwrap_or_else(|| Slug::fallback(SlugFallback::Article));
        let similar = slug_history::similar(db, base.as_str(), own_id).await?;
        let mut candidate = base.clone();
        let mut n = 2;
        // `similar` misses suffixed slugs whose base had to be shortened to fit the
        // bound, so a candidate it does not list is still checked before use.
        while similar.iter().any(|slug| slug == candidate.as_str())
            || slug_history::taken_by_other(db, candidate.as_str(), own_id).await?
        {
            candidate = base.with_suffix(n);
            n += 1;
        }
        Ok(candidate)
    }
}

trait IntoPersistence {
    fn into_persistence(self) -> PersistenceError;
}

impl IntoPersistence for FieldError {
    fn into_persistence(self) -> PersistenceError {
        PersistenceError::Domain(self.into())
    }
}

fn placeholder_slug() -> Slug {
    Slug::fallback(SlugFallback::Article)
}

/// `UPDATE … SET …, version = version + 1 WHERE id = ? AND version = ?`: the
/// optimistic lock. Zero rows means gone or stale; which one is reported.
async fn bump_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected_version: i32,
    changes: article::ActiveModel,
) -> Result<()> {
    let result = article::Entity::update_many()
        .set(changes)
        .col_expr(
            article::Column::Version,
            Expr::col(article::Column::Version).add(1),
        )
        .filter(article::Column::Id.eq(id))
        .filter(article::Column::Version.eq(expected_version))
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        return Ok(());
    }
    let current: Option<i32> = article::Entity::find_by_id(id)
        .select_only()
        .column(article::Column::Version)
        .into_tuple()
        .one(db)
        .await?;
    Err(match current {
        Some(current) => PersistenceError::VersionConflict { current },
        None => PersistenceError::NotFound,
    })
}

async fn write_relations(
    db: &impl ConnectionTrait,
    id: Uuid,
    content: &ArticleContent,
) -> Result<()> {
    article_author::Entity::delete_many()
        .filter(article_author::Column::ArticleId.eq(id))
        .exec(db)
        .await?;
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(id))
        .exec(db)
        .await?;
    if !content.authors.is_empty() {
        let links = content.authors.iter().enumerate().map(|(position, user)| {
            article_author::ActiveModel {
                article_id: Set(id),
                user_id: Set(user.0),
                position: Set(position as i32),
            }
        });
        article_author::Entity::insert_many(links).exec(db).await?;
    }
    if !content.tags.is_empty() {
        let links =
            content
                .tags
                .iter()
                .enumerate()
                .map(|(position, tag)| article_tag::ActiveModel {
                    article_id: Set(id),
                    tag_id: Set(tag.0),
                    position: Set(position as i32),
                });
        article_tag::Entity::insert_many(links).exec(db).await?;
    }
    article_body::replace(db, id, &content.sections).await?;
    crate::media::replace_usage(db, id, &content.media_ids()).await
}

/// The columns an editor's save sets.
fn content_row(content: &ArticleContent, slug: &Slug) -> article::ActiveModel {
    let image = content.feature_image.as_ref();
    article::ActiveModel {
        slug: Set(slug.as_str().to_owned()),
        title: Set(content.title.as_str().to_owned()),
        standfirst: Set(content.standfirst.clone()),
        reply_policy: Set(content.reply_policy.as_str().to_owned()),
        word_count: Set(content.word_count() as i32),
        meta_title: Set(content.seo.meta_title.clone()),
        meta_description: Set(content.seo.meta_description.clone()),
        canonical_url: Set(content.seo.canonical_url.clone()),
        feature_image_url: Set(image.map(|image| image.url.clone())),
        feature_image_alt: Set(image.map(|image| image.alt.clone())),
        feature_image_caption: Set(image.and_then(|image| image.caption.clone())),
        feature_image_media_id: Set(image.and_then(|image| image.media_id).map(|id| id.0)),
        feature_image_width: Set(image
            .and_then(|image| image.size)
            .map(|size| size.width as i32)),
        feature_image_height: Set(image
            .and_then(|image| image.size)
            .map(|size| size.height as i32)),
        ..Default::default()
    }
}

fn set_lifecycle(row: &mut article::ActiveModel, lifecycle: Lifecycle) {
    row.status = Set(lifecycle.status.as_str().to_owned());
    row.published_at = Set(lifecycle.published_at);
    row.scheduled_at = Set(lifecycle.scheduled_at);
    row.public_at = Set(public_at(lifecycle));
}

/// When an article in this state is public: its publication time while it is
/// published or scheduled (`visible` compares it with the clock), else never.
pub(crate) fn public_at(lifecycle: Lifecycle) -> Option<DateTime<Utc>> {
    match lifecycle.status {
        ArticleStatus::Published | ArticleStatus::Scheduled => lifecycle.published_at,
        _ => None,
    }
}

fn lifecycle_of(row: &article::Model) -> Result<Lifecycle> {
    Ok(Lifecycle {
        status: parse_stored(&row.status)?,
        published_at: row.published_at,
        scheduled_at: row.scheduled_at,
    })
}

/// The public rule, as one indexed condition: published (or scheduled) and its
/// time has come, which `public_at` says in one column. Every public read
/// (articles, bylines, tag counts, pull quotes) filters by it.
pub(crate) fn public_at_or_before(now: DateTime<Utc>) -> SimpleExpr {
    Expr::col((article::Entity, article::Column::PublicAt)).lte(now)
}

/// The byline links of `ids` in order, and the authors they name.
async fn bylines_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<(Vec<article_author::Model>, HashMap<Uuid, Author>)> {
    let links = article_author::Entity::find()
        .filter(article_author::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(article_author::Column::Position)
        .all(db)
        .await?;
    let authors = crate::users::authors_in(db, &unique(links.iter().map(|link| link.user_id)))
        .await?
        .into_iter()
        .map(|author| (author.id.0, author))
        .collect();
    Ok((links, authors))
}

/// The tag links of `ids` in order, and the tags they name.
async fn tags_of(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<(Vec<article_tag::Model>, HashMap<Uuid, Tag>)> {
    let links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(article_tag::Column::Position)
        .all(db)
        .await?;
    let tags = crate::tags::by_ids_in(db, &unique(links.iter().map(|link| link.tag_id)))
        .await?
        .into_iter()
        .map(|tag| (tag.id.0, tag))
        .collect();
    Ok((links, tags))
}

/// `query` narrowed to the articles `visibility` may see.
pub(crate) fn visible(
    query: Select<article::Entity>,
    visibility: Visibility,
) -> Select<article::Entity> {
    match visibility {
        Visibility::Staff => query,
        Visibility::Public { now } => query.filter(public_at_or_before(now)),
    }
}

fn filtered(visibility: Visibility, filter: &ArticleFilter) -> Select<article::Entity> {
    let mut query = visible(article::Entity::find(), visibility);
    if let Some(status) = filter.status {
        query = query.filter(article::Column::Status.eq(status.as_str()));
    }
    if let Some(tag_slug) = &filter.tag {
        query = query.filter(
            article::Column::Id.in_subquery(
                Query::select()
                    .column(article_tag::Column::ArticleId)
                    .from(article_tag::Entity)
                    .inner_join(
                        tag::Entity,
                        Expr::col((tag::Entity, tag::Column::Id))
                            .equals((article_tag::Entity, article_tag::Column::TagId)),
                    )
                    .and_where(Expr::col((tag::Entity, tag::Column::Slug)).eq(tag_slug.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(words) = &filter.title {
        query = query.filter(title_contains(words));
    }
    if let Some(author_slug) = &filter.author {
        query = query.filter(
            article::Column::Id.in_subquery(
                Query::select()
                    .column(article_author::Column::ArticleId)
                    .from(article_author::Entity)
                    .inner_join(
                        user::Entity,
                        Expr::col((user::Entity, user::Column::Id))
                            .equals((article_author::Entity, article_author::Column::UserId)),
                    )
                    .and_where(
                        Expr::col((user::Entity, user::Column::Slug)).eq(author_slug.as_str()),
                    )
                    .to_owned(),
            ),
        );
    }
    query
}

/// `lower(title) LIKE '%words%'`, with `%`, `_` and `\\` in `words` taken
/// literally. Both databases lower ASCII the same way; PostgreSQL also lowers
/// other scripts, SQLite matches them as written.
fn title_contains(words: &str) -> SimpleExpr {
    let mut pattern = String::with_capacity(words.len() + 2);
    pattern.push('%');
    for character in words.to_lowercase().chars() {
        if matches!(character, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(character);
    }
    pattern.push('%');
    Expr::expr(Func::lower(Expr::col((
        article::Entity,
        article::Column::Title,
    ))))
    .like(LikeExpr::new(pattern).escape('\\'))
}

fn sort_column(visibility: Visibility, order: ArticleOrder) -> article::Column {
    match (visibility, order) {
        // The public only ever sees published articles, so publication time is always set.
        (_, ArticleOrder::PublishedAt) => article::Column::PublishedAt,
        // Public lists by last change show only what the public may see anyway.
        (_, ArticleOrder::UpdatedAt) => article::Column::UpdatedAt,
    }
}

/// The sort column as lists order and page by it. Staff lists by publication
/// time hold unpublished articles (NULL), which `cursor_of` puts at the epoch; the
/// SQL must agree, or NULLs sort first on PostgreSQL and last on SQLite and no
/// keyset condition ever reaches them. Public lists by publication time order
/// by `public_at` (the same value for every public row), so the
/// `(public_at, id)` index serves the condition and the order in one walk.
fn sort_key(visibility: Visibility, sort: article::Column) -> SimpleExpr {
    let column: SimpleExpr = Expr::col((article::Entity, sort)).into();
    match (visibility, sort) {
        (Visibility::Public { .. }, article::Column::PublishedAt) => {
            Expr::col((article::Entity, article::Column::PublicAt)).into()
        }
        (Visibility::Staff, article::Column::PublishedAt) => {
            Func::coalesce([column, Expr::val(DateTime::<Utc>::UNIX_EPOCH).into()]).into()
        }
        _ => column,
    }
}

/// Rows that come after `cursor` in newest-first order. The first, redundant
/// bound lets the database start its index walk at the cursor instead of
/// filtering every row before it (the 1,000th page costs what the first does).
fn before_in_order(key: SimpleExpr, cursor: Cursor) -> Condition {
    Condition::all()
        .add(Expr::expr(key.clone()).lte(cursor.at))
        .add(
            Condition::any()
                .add(Expr::expr(key.clone()).lt(cursor.at))
                .add(article::Column::Id.lt(cursor.id)),
        )
}

/// Rows that come before `cursor` in newest-first order (bounded as above).
fn after_in_order(key: SimpleExpr, cursor: Cursor) -> Condition {
    Condition::all()
        .add(Expr::expr(key.clone()).gte(cursor.at))
        .add(
            Condition::any()
                .add(Expr::expr(key).gt(cursor.at))
                .add(article::Column::Id.gt(cursor.id)),
        )
}

fn cursor_of(article: &Article, sort: article::Column) -> Cursor {
    let at = match sort {
        article::Column::UpdatedAt => article.updated_at,
        // Staff lists by publication time put unpublished articles (no time) together at the epoch.
        _ => article
            .lifecycle
            .published_at
            .unwrap_or(DateTime::<Utc>::UNIX_EPOCH),
    };
    Cursor {
        at,
        id: article.id.0,
    }
}

fn unique(ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn article_from_row(
    row: article::Model,
    sections: Vec<masthead_domain::Section>,
    authors: Vec<masthead_domain::Author>,
    tags: Vec<masthead_domain::Tag>,
) -> Result<Article> {
    let corrupt = |error: FieldError| PersistenceError::Corrupt(error.to_string());
    let lifecycle = lifecycle_of(&row)?;
    let feature_image = match (row.feature_image_url, row.feature_image_alt) {
        (Some(url), Some(alt)) => Some(FeatureImage {
            url,
            alt,
            caption: row.feature_image_caption,
            media_id: row.feature_image_media_id.map(MediaId),
            size: row
                .feature_image_width
                .zip(row.feature_image_height)
                .map(|(width, height)| ImageSize {
                    width: u32::try_from(width).unwrap_or(0),
                    height: u32::try_from(height).unwrap_or(0),
                }),
        }),
        _ => None,
    };
    Ok(Article {
        id: ArticleId(row.id),
        slug: Slug::parse("slug", &row.slug).map_err(corrupt)?,
        title: Title::parse("title", &row.title).map_err(corrupt)?,
        standfirst: row.standfirst,
        sections,
        authors,
        tags,
        lifecycle,
        reply_policy: parse_stored(&row.reply_policy)?,
        seo: Seo {
            meta_title: row.meta_title,
            meta_description: row.meta_description,
            canonical_url: row.canonical_url,
        },
        feature_image,
        version: row.version,
        word_count: usize::try_from(row.word_count).unwrap_or(0),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
