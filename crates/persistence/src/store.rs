//! Opening the database: connection pool, SQLite tuning, migrations.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use masthead_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection, Statement,
};

use masthead_domain::ArticleId;

use crate::content_clock::{Change, ContentClock};
use crate::error::{PersistenceError, Result};
use crate::reader::Reader;

/// More articles changed at once than this counts as a change of everything.
const MANY_ARTICLES: usize = 8;

/// A handle on the database: cheap to clone, shared by every request.
///
/// Writes go through [`Store::writer`]. On SQLite that is a pool of one
/// connection, so this process's writers queue for it (fairly, without
/// failing) instead of racing for SQLite's single write lock: a transaction
/// that read and then writes can never lose its lock upgrade to another
/// writer here ("database is locked" at once, which `busy_timeout` does not
/// cover), and a write transaction never waits on a connection the pool
/// cannot give. Reads use the pool and, in WAL mode, never wait for writers.
/// On PostgreSQL, which locks rows, writers share a pool of their own
/// ([`default_postgres_writers`] connections unless configured), so a burst of writers can take every
/// writer connection but never the connections public reads need.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    reader: Reader,
    writer: DatabaseConnection,
    clock: Arc<ContentClock>,
    /// This process among the nodes sharing a PostgreSQL database: its own
    /// change notices come back to it and are not counted twice.
    node: Arc<str>,
    revisions_keep: u32,
    /// The text-search language (PostgreSQL configuration name).
    search_language: Arc<str>,
    /// SQL statements run through this pool so far (see [`Store::statements_executed`]).
    statements: Arc<AtomicU64>,
    /// The public address of an article, `{slug}` replaced: the `url` of webhook payloads.
    article_url: Arc<str>,
    /// Woken after a commit that may have written webhook deliveries.
    outbox_wake: Arc<tokio::sync::Notify>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite runs in WAL
    /// mode with an explicit busy timeout and `synchronous = NORMAL`, the
    /// durable-enough setting for WAL.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_writers(url, None).await
    }

    /// [`Self::connect`] with `postgres_writers` connections for PostgreSQL's
    /// writers instead of [`default_postgres_writers`] (ignored on SQLite,
    /// which has one writer).
    pub async fn connect_with_writers(url: &str, postgres_writers: Option<u32>) -> Result<Self> {
        let mut reads = pool_options(
            url,
            read_connections(url),
            Duration::from_secs(3),
            READER_PAGE_CACHE_KIB,
        );
        // Reads are planned for their actual values every time. Left to
        // itself, PostgreSQL switches a statement prepared five times to one
        // generic plan; for search that plan cannot tell a word in every
        // article from a rare one, and a broad query got the rare one's plan
        // (bitmap over all matches: 47 ms, 320 ms for a phrase, instead of
        // 1 ms walking the newest documents; bench/search.sh).
        reads.map_sqlx_postgres_opts(|postgres| {
            postgres.options([("plan_cache_mode", "force_custom_plan")])
        });
        let db = Database::connect(reads)
            .await
            .map_err(PersistenceError::Unavailable)?;
        let mut store = Self::from_connection(db);
        // An in-memory database lives in its pool: a second pool would be
        // another, empty database, so there the pool is also the writer.
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let writers = match store.backend() {
            // One writer connection; waiting writers queue for it, up to the
            // busy timeout SQLite itself would give a writer.
            DatabaseBackend::Sqlite if !in_memory => Some(1),
            DatabaseBackend::Postgres => {
                Some(postgres_writers.unwrap_or_else(default_postgres_writers))
            }
            _ => None,
        };
        if let Some(connections) = writers {
            let mut writer = Database::connect(pool_options(
                url,
                connections,
                WRITER_WAIT,
                WRITER_PAGE_CACHE_KIB,
            ))
            .await
            .map_err(PersistenceError::Unavailable)?;
            let counter = store.statements.clone();
            writer.set_metric_callback(move |_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
            store.writer = writer;
        }
        Ok(store)
    }

    /// Wraps an existing connection, counting the statements it runs.
    pub fn from_connection(mut db: DatabaseConnection) -> Self {
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        Self {
            writer: db.clone(),
            reader: Reader::new(db.clone()),
            db,
            clock: Arc::new(ContentClock::default()),
            node: Arc::from(uuid::Uuid::now_v7().simple().to_string()),
            revisions_keep: 0,
            search_language: Arc::from(DEFAULT_SEARCH_LANGUAGE),
            statements,
            article_url: Arc::from(DEFAULT_ARTICLE_URL),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// A number that changes whenever content the public can see may have
    /// changed (on this node, or on another node sharing a PostgreSQL database
    /// once [`crate::change_feed`] has relayed it). Caches of public reads
    /// compare it to decide whether an entry is still good.
    pub fn content_generation(&self) -> u64 {
        self.clock.generation()
    }

    /// The generation with its per-article marks, for caches that can keep an
    /// answer about one article while others change.
    pub fn content_clock(&self) -> Arc<ContentClock> {
        self.clock.clone()
    }

    /// Names this process in the change notices it sends (see [`crate::change_feed`]).
    pub(crate) fn node(&self) -> &str {
        &self.node
    }

    /// Records a change of public content that no write of this process
    /// announced: another node's write, or a scheduled article coming due.
    pub fn note_change(&self, change: Change) {
        self.clock.record(change);
    }

    /// Records a change of public content made here, and tells the other
    /// nodes on PostgreSQL (best effort: a lost notice only delays their refresh
    /// until the next change).
    pub(crate) async fn content_changed(&self, change: Change) {
        self.clock.record(change);
        self.outbox_wake.notify_one();
        crate::change_feed::announce(self, change).await;
    }

    /// [`Self::content_changed`] of each of `articles` (a bulk moderation's),
    /// or of everything when they are many: one notice instead of dozens.
    pub(crate) async fn articles_changed(
        &self,
        articles: impl ExactSizeIterator<Item = ArticleId>,
    ) {
        if articles.len() > MANY_ARTICLES {
            return self.content_changed(Change::Everything).await;
        }
        for article in articles {
            self.content_changed(Change::Article(article)).await;
        }
    }

    /// Records a write no reader can see (a draft created or saved): cached
    /// public reads stay good, so they are not retired; only the webhook
    /// outbox is woken. A newsroom saves drafts far more often than it
    /// publishes, and each retirement makes the next readers wait on a rebuild.
    pub(crate) fn staff_content_changed(&self) {
        self.outbox_wake.notify_one();
    }

    /// [`Self::content_changed`] of `article` when `public`, else
    /// [`Self::staff_content_changed`].
    pub(crate) async fn article_changed(&self, article: ArticleId, public: bool) {
        if public {
            self.content_changed(Change::Article(article)).await;
        } else {
            self.staff_content_changed();
        }
    }

    /// The same store, naming articles in webhook payloads by `template`
    /// (the site's address of an article, `{slug}` replaced).
    pub fn with_article_url(mut self, template: &str) -> Self {
        self.article_url = Arc::from(template);
        self
    }

    /// The public address of the article with `slug`.
    pub fn article_url(&self, slug: &str) -> String {
        self.article_url.replace("{slug}", slug)
    }

    /// What a webhook delivery worker waits on: woken after each commit that
    /// may have queued deliveries on this node.
    pub fn outbox_wake(&self) -> Arc<tokio::sync::Notify> {
        self.outbox_wake.clone()
    }

    /// Wakes this node's delivery worker (after a commit that queued deliveries).
    pub(crate) fn wake_outbox(&self) {
        self.outbox_wake.notify_one();
    }

    /// The same store, keeping at most `keep` revisions per article (0 keeps
    /// all); the published revision is kept beyond the cap.
    pub fn with_revisions_keep(mut self, keep: u32) -> Self {
        self.revisions_keep = keep;
        self
    }

    /// The same store, searching in `language` (a PostgreSQL text-search
    /// configuration such as `english` or `german`: stemming and stop words;
    /// SQLite does not stem). The index is rebuilt at [`Store::migrate`] when
    /// it was built in another language.
    pub fn with_search_language(mut self, language: &str) -> Self {
        self.search_language = Arc::from(language);
        self
    }

    /// The text-search language.
    pub fn search_language(&self) -> &str {
        &self.search_language
    }

    /// The revision cap per article (0 = unlimited).
    pub fn revisions_keep(&self) -> u32 {
        self.revisions_keep
    }

    /// How many SQL statements this store has run since it was opened: how
    /// tests prove that a GraphQL query costs a fixed number of statements.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Applies pending migrations, refusing a schema newer than this binary.
    /// Each migration runs in a transaction on PostgreSQL (SeaORM's default there).
    /// Word counts are recomputed in Rust after the migration that asks for it.
    pub async fn migrate(&self) -> Result<()> {
        self.refuse_newer_schema().await?;
        let recount = Migrator::get_pending_migrations(&self.db)
            .await?
            .iter()
            .any(|m| m.name() == crate::word_counts::RECOMPUTE_AFTER);
        Migrator::up(&self.db, None).await?;
        if recount {
            let changed = self.recompute_word_counts().await?;
            tracing::info!(changed, "recomputed stored word counts");
        }
        self.check_search_language().await?;
        self.rebuild_search_index_if_stale().await
    }

    async fn refuse_newer_schema(&self) -> Result<()> {
        let exists = match self.backend() {
            DatabaseBackend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
            _ => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'seaql_migrations'",
        };
        let row = self
            .db
            .query_one(Statement::from_string(self.backend(), exists))
            .await?;
        let count: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        if count == 0 {
            return Ok(());
        }
        let known: HashSet<String> = Migrator::migrations()
            .iter()
            .map(|m| m.name().to_owned())
            .collect();
        let applied = self
            .db
            .query_all(Statement::from_string(
                self.backend(),
                "SELECT version FROM seaql_migrations",
            ))
            .await?;
        let unknown: Vec<String> = applied
            .iter()
            .filter_map(|row| row.try_get::<String>("", "version").ok())
            .filter(|version| !known.contains(version))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(PersistenceError::SchemaTooNew(unknown.join(", ")))
        }
    }

    /// True when the database answers a trivial query: what `/readyz` reports.
    pub async fn ping(&self) -> Result<()> {
        self.db.ping().await.map_err(PersistenceError::Unavailable)
    }

    /// True when no article or user exists yet: a fresh install that may get demo content.
    pub async fn is_empty(&self) -> Result<bool> {
        let row = self
            .db
            .query_one(Statement::from_string(
                self.backend(),
                "SELECT (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM users) AS n",
            ))
            .await?;
        let count: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(count == 0)
    }

    /// The SQL dialect in use.
    pub fn backend(&self) -> DatabaseBackend {
        self.db.get_database_backend()
    }

    /// True on PostgreSQL, where several server nodes may share the database
    /// (and so what they count, such as rate limits, is kept in it).
    pub fn is_postgres(&self) -> bool {
        self.backend() == DatabaseBackend::Postgres
    }

    /// The connection pool, for reads: a read whose session the database
    /// ended is asked once more (see [`Reader`]).
    pub(crate) fn db(&self) -> &Reader {
        &self.reader
    }

    /// The connection for writes: every write transaction and every
    /// statement that changes rows (see the type's documentation).
    pub(crate) fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }

    /// The connections of the read pool and of the write pool, in use and
    /// idle, for the metrics endpoint (sqlx does not say how many callers wait).
    pub fn pool_connections(&self) -> [PoolConnections; 2] {
        [
            PoolConnections::of("read", &self.db),
            PoolConnections::of("write", &self.writer),
        ]
    }

    /// Closes the pools (graceful shutdown).
    pub async fn close(self) -> Result<()> {
        self.writer.close().await.map_err(PersistenceError::from)?;
        self.db.close().await.map_err(PersistenceError::from)
    }
}

/// The address of an article in webhook payloads unless configured otherwise.
pub const DEFAULT_ARTICLE_URL: &str = "http://localhost:3000/articles/{slug}";

/// The text-search language unless configured otherwise.
pub const DEFAULT_SEARCH_LANGUAGE: &str = "english";

impl Store {
    /// Refuses a search language PostgreSQL does not know, at start-up.
    async fn check_search_language(&self) -> Result<()> {
        let language = self.search_language();
        let valid = !language.is_empty()
            && language.len() <= 63
            && language
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(PersistenceError::UnknownSearchLanguage(language.to_owned()));
        }
        if self.backend() == DatabaseBackend::Postgres {
            let known = self
                .db
                .query_one(Statement::from_sql_and_values(
                    DatabaseBackend::Postgres,
                    "SELECT COUNT(*) AS n FROM pg_ts_config WHERE cfgname = $1",
                    [language.into()],
                ))
                .await?;
            let count: i64 = match known {
                Some(row) => row.try_get("", "n")?,
                None => 0,
            };
            if count == 0 {
                return Err(PersistenceError::UnknownSearchLanguage(language.to_owned()));
            }
        }
        Ok(())
    }
}

/// How long a writer waits for its connection before the request is
/// answered `503` (as long as SQLite's own `busy_timeout`).
const WRITER_WAIT: Duration = Duration::from_secs(5);

/// Connections of the PostgreSQL writer pool unless configured: one per core
/// of this machine (2 to 8), beside the 16 for reads ([`read_connections`]).
/// Each writer keeps a PostgreSQL backend busy; more of them than cores only
/// queue for the CPU, where public reads queue behind them, instead of in the
/// pool. Measured with `bench/writers.sh` on 2 cores shared with the database:
/// public reads' p99 during 50 writers was 62 ms with 8 writer connections,
/// 34 ms with 4 and 17 ms with 2 (alone: 2 ms), writes' p99 at most 572 ms.
pub fn default_postgres_writers() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from(cores).unwrap_or(8).clamp(2, 8)
}

/// Connections of the read pool. PostgreSQL: 16. SQLite: two per core
/// (4 to 16): its reads run on the server's own cores, so more connections
/// only wait their turn, each keeping its page and statement caches (16 on
/// 2 cores held 25 MB more after the writers benchmark than 4 did).
fn read_connections(url: &str) -> u32 {
    if url.starts_with("postgres") {
        return 16;
    }
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    u32::try_from(cores * 2).unwrap_or(16).clamp(4, 16)
}

/// SQLite's page cache of each read connection, in KiB. Sixteen of them at
/// SQLite's default (2 MiB) held 34 MB once the file had grown (the writers
/// benchmark); the operating system caches the file as well, so a page one
/// connection misses costs a copy, not a disk read.
const READER_PAGE_CACHE_KIB: u32 = 512;

/// SQLite's page cache of the one writer connection: SQLite's default, as
/// every write walks the indexes it changes.
const WRITER_PAGE_CACHE_KIB: u32 = 2_048;

/// Pool settings for `url`: SQLite in WAL mode with an explicit busy timeout,
/// `synchronous = NORMAL` (the durable-enough setting for WAL) and a page
/// cache of `page_cache_kib` per connection.
fn pool_options(
    url: &str,
    connections: u32,
    acquire: Duration,
    page_cache_kib: u32,
) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(acquire)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(move |sqlite| {
            sqlite
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5))
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .pragma("cache_size", format!("-{page_cache_kib}"))
        });
    options
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

    use crate::testing::{TestDatabase, POSTGRES_ENV};

    async fn setting(db: &impl ConnectionTrait, name: &str) -> String {
        let row = db
            .query_one(Statement::from_string(
                DatabaseBackend::Postgres,
                format!("SELECT current_setting('{name}') AS value"),
            ))
            .await
            .expect("a setting")
            .expect("a row");
        row.try_get("", "value").expect("text")
    }

    /// Reads are planned for their values (see [`super::Store::connect`]);
    /// writes keep PostgreSQL's default.
    #[tokio::test]
    async fn postgres_reads_are_planned_for_their_values() {
        let Some(database) = TestDatabase::postgres().await else {
            eprintln!("PostgreSQL skipped: {POSTGRES_ENV} is not set");
            return;
        };
        let store = database.store().await;
        assert_eq!(
            setting(store.db(), "plan_cache_mode").await,
            "force_custom_plan"
        );
        assert_eq!(setting(store.writer(), "plan_cache_mode").await, "auto");
    }

    /// PostgreSQL's writers get the configured number of connections, else
    /// one per core within 2 to 8; SQLite keeps its one writer whatever is asked.
    #[tokio::test]
    async fn writer_connections_are_as_configured() {
        let max = |connection: &sea_orm::DatabaseConnection| match connection {
            sea_orm::DatabaseConnection::SqlxSqlitePoolConnection(_) => connection
                .get_sqlite_connection_pool()
                .options()
                .get_max_connections(),
            _ => connection
                .get_postgres_connection_pool()
                .options()
                .get_max_connections(),
        };
        let sqlite = TestDatabase::sqlite();
        let store = super::Store::connect_with_writers(&sqlite.url, Some(5))
            .await
            .expect("connect");
        assert_eq!(max(store.writer()), 1, "SQLite has one writer");
        assert!((2..=8).contains(&super::default_postgres_writers()));
        let Some(database) = TestDatabase::postgres().await else {
            eprintln!("PostgreSQL skipped: {POSTGRES_ENV} is not set");
            return;
        };
        let configured = super::Store::connect_with_writers(&database.url, Some(3))
            .await
            .expect("connect");
        assert_eq!(max(configured.writer()), 3);
        let default = super::Store::connect(&database.url).await.expect("connect");
        assert_eq!(max(default.writer()), super::default_postgres_writers());
    }
}

/// How many connections a pool holds, busy and idle (see [`Store::pool_connections`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConnections {
    /// `read` or `write`.
    pub pool: &'static str,
    /// Connections lent out to a statement or transaction now.
    pub in_use: u64,
    /// Connections open and waiting for work.
    pub idle: u64,
}

impl PoolConnections {
    fn of(pool: &'static str, connection: &DatabaseConnection) -> Self {
        let (size, idle) = match connection {
            DatabaseConnection::SqlxSqlitePoolConnection(_) => {
                let pool = connection.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseConnection::SqlxPostgresPoolConnection(_) => {
                let pool = connection.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        let idle = u64::try_from(idle).unwrap_or(u64::MAX);
        Self {
            pool,
            in_use: u64::from(size).saturating_sub(idle),
            idle,
        }
    }
}
