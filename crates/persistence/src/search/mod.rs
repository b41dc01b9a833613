//! Full-text search behind one interface ([`Store::search`]), on the engine
//! of the database in use: SQLite FTS5 or PostgreSQL `tsvector` with a GIN
//! index. The APIs see only [`SearchRequest`] and [`SearchPage`], so another
//! engine could be added here without touching them.
//!
//! **The index** holds one document per article (`search_documents`), keyed by
//! a number that orders documents by recency: the publication time (the last
//! change for articles never published) in seconds, shifted left 20 bits, plus
//! a per-article offset. Walking the engine's index in that order and stopping
//! early is what keeps broad queries cheap. Every write that changes an
//! article's searchable text or visibility rewrites its document in the
//! write's own transaction ([`index`]).
//!
//! **Relevance without ranking everything:** a query takes its matches in
//! windows of the [`WINDOW`] newest; each window is ranked (bm25 on SQLite,
//! `ts_rank` on PostgreSQL, title > standfirst > names > body) and served in
//! that order before the next, older window. When a query matches fewer than
//! [`WINDOW`] articles (most real queries) the order is plain relevance; for
//! broad ones it is relevance among the newest matches, then among the next.

mod cursor;
pub(crate) mod index;
mod postgres;
mod sqlite;

use chrono::{DateTime, Utc};
use masthead_domain::search::SearchQuery;
use masthead_domain::{ArticleId, ArticleStatus};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};
use uuid::Uuid;

pub use cursor::SearchCursor;

use crate::articles::Visibility;
use crate::error::Result;
use crate::store::Store;

/// How many of the newest matches are ranked together.
pub const WINDOW: u64 = 1_000;

/// Which articles a search may return, beyond matching the query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only articles with the tag of this slug.
    pub tag: Option<String>,
    /// Only articles with the author of this slug on the byline.
    pub author: Option<String>,
    /// Only articles in this stored status (staff).
    pub status: Option<ArticleStatus>,
    /// Published (drafts: last changed) at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Published (drafts: last changed) at or before this instant.
    pub to: Option<DateTime<Utc>>,
}

impl SearchFilter {
    /// Refuses slugs longer than any stored one, by parameter name.
    fn check(&self) -> std::result::Result<(), masthead_domain::DomainError> {
        use masthead_domain::limits::{check_filter, SLUG_MAX};
        check_filter("tag", self.tag.as_deref(), SLUG_MAX)?;
        check_filter("author", self.author.as_deref(), SLUG_MAX)
    }
}

/// The order of results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first (see the module documentation for broad queries).
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// One search.
#[derive(Debug, Clone, Copy)]
pub struct SearchRequest<'a> {
    /// The parsed query.
    pub query: &'a SearchQuery,
    /// Who is looking.
    pub visibility: Visibility,
    /// Further conditions.
    pub filter: &'a SearchFilter,
    /// The order.
    pub order: SearchOrder,
    /// Page size (1–100).
    pub size: u64,
    /// Continue after this result of a previous page.
    pub after: Option<SearchCursor>,
}

/// One result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SearchHit {
    /// The article found.
    pub article_id: ArticleId,
    /// How well it matches (higher is better; comparable within one search).
    pub score: f64,
    /// Where the next page starts when this is the last result.
    pub cursor: SearchCursor,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    /// Results in order.
    pub hits: Vec<SearchHit>,
    /// More results follow the last one.
    pub has_next: bool,
}

impl SearchPage {
    /// The cursor of the next page, when there is one.
    pub fn next_cursor(&self) -> Option<SearchCursor> {
        self.has_next
            .then(|| self.hits.last().map(|hit| hit.cursor))
            .flatten()
    }
}

/// A match as the engine returns it: document key, article, score.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    doc: i64,
    article_id: Uuid,
    score: f64,
}

/// What the engines need for one candidate query.
struct Window<'a> {
    request: &'a SearchRequest<'a>,
    /// Document keys below this (exclusive).
    upper: i64,
    /// Document keys from this (inclusive).
    lower: i64,
    limit: u64,
}

impl Store {
    /// One page of articles matching `request.query` that the caller may see.
    pub async fn search(&self, request: SearchRequest<'_>) -> Result<SearchPage> {
        request.filter.check()?;
        let lower = request.filter.from.map_or(0, index::bucket_start);
        let to_bound = request.filter.to.map_or(i64::MAX, |to| {
            index::bucket_start(to + chrono::Duration::seconds(1))
        });
        match request.order {
            SearchOrder::Newest => {
                let upper = request
                    .after
                    .map_or(to_bound, |after| after.doc.min(to_bound));
                let window = Window {
                    request: &request,
                    upper,
                    lower,
                    limit: request.size + 1,
                };
                let mut rows = self.candidates(&window).await?;
                let has_next = rows.len() as u64 > request.size;
                rows.truncate(request.size as usize);
                let hits = rows
                    .into_iter()
                    .map(|row| hit(row, SearchCursor::newest(row.doc)))
                    .collect();
                Ok(SearchPage { hits, has_next })
            }
            SearchOrder::Relevance => self.ranked(&request, lower, to_bound).await,
        }
    }

    /// Relevance order, window by window (see the module documentation).
    async fn ranked(
        &self,
        request: &SearchRequest<'_>,
        lower: i64,
        to_bound: i64,
    ) -> Result<SearchPage> {
        let mut upper = request
            .after
            .map_or(to_bound, |after| after.window.min(to_bound));
        let mut position = request
            .after
            .and_then(|after| after.score.map(|score| (score, after.doc)));
        let mut hits = Vec::with_capacity(request.size as usize);
        loop {
            let window = Window {
                request,
                upper,
                lower,
                limit: WINDOW,
            };
            let mut rows = self.candidates(&window).await?;
            let full = rows.len() as u64 == WINDOW;
            let oldest = rows.last().map(|row| row.doc);
            rows.sort_by(|a, b| b.score.total_cmp(&a.score).then(b.doc.cmp(&a.doc)));
            let start = position.map_or(0, |(score, doc)| {
                rows.iter()
                    .position(|row| row.score < score || (row.score == score && row.doc < doc))
                    .unwrap_or(rows.len())
            });
            for row in &rows[start..] {
                if hits.len() as u64 == request.size {
                    return Ok(SearchPage {
                        hits,
                        has_next: true,
                    });
                }
                hits.push(hit(*row, SearchCursor::ranked(upper, row.score, row.doc)));
            }
            match (full, oldest) {
                (true, Some(oldest)) => {
                    upper = oldest;
                    position = None;
                }
                _ => {
                    return Ok(SearchPage {
                        hits,
                        has_next: false,
                    })
                }
            }
        }
    }

    async fn candidates(&self, window: &Window<'_>) -> Result<Vec<Candidate>> {
        let statement = match self.backend() {
            DatabaseBackend::Postgres => postgres::candidates(window, self.search_language()),
            _ => sqlite::candidates(window),
        };
        let rows = self.db().query_all(statement).await?;
        rows.into_iter()
            .map(|row| {
                Ok(Candidate {
                    doc: row.try_get("", "doc")?,
                    article_id: row.try_get("", "article_id")?,
                    score: row.try_get("", "score")?,
                })
            })
            .collect()
    }
}

fn hit(row: Candidate, cursor: SearchCursor) -> SearchHit {
    SearchHit {
        article_id: ArticleId(row.article_id),
        score: row.score,
        cursor,
    }
}

/// A statement under construction: SQL text and its values, with the
/// placeholders of `backend`.
struct Sql {
    backend: DatabaseBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            text: String::new(),
            values: Vec::new(),
        }
    }

    /// Appends SQL text.
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    fn bind(&mut self, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        match self.backend {
            DatabaseBackend::Postgres => {
                let n = self.values.len();
                self.text.push_str(&format!("${n}"));
            }
            _ => self.text.push('?'),
        }
        self
    }

    fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }

    /// The conditions every engine shares: visibility and filters, on the
    /// documents table as `d`.
    fn filters(&mut self, request: &SearchRequest<'_>) {
        if let Visibility::Public { now } = request.visibility {
            self.push(" AND d.public_at <= ").bind(now);
        }
        if let Some(status) = request.filter.status {
            self.push(" AND d.status = ").bind(status.as_str());
        }
        if let Some(tag) = &request.filter.tag {
            self.push(
                " AND d.article_id IN (SELECT at.article_id FROM article_tags at \
                 JOIN tags t ON t.id = at.tag_id WHERE t.slug = ",
            )
            .bind(tag.as_str())
            .push(")");
        }
        if let Some(author) = &request.filter.author {
            self.push(
                " AND d.article_id IN (SELECT aa.article_id FROM article_authors aa \
                 JOIN users u ON u.id = aa.user_id WHERE u.slug = ",
            )
            .bind(author.as_str())
            .push(")");
        }
    }
}
