//! Moving a newsroom between databases: `masthead export` writes every table
//! that holds the newsroom to one versioned JSON Lines file, and
//! `masthead import` loads such a file into an empty database of either kind.
//! It is the documented way from the default SQLite file to PostgreSQL (and
//! back).
//!
//! The format (version [`FORMAT_VERSION`]), one JSON object per line:
//!
//! - line 1, the header: `{"format":"masthead-export","version":2,
//!   "created_at":…,"source":"sqlite","schema":[migration names…]}`;
//! - then one line per row, `{"table":"articles","row":{…}}`, table by table
//!   in [`TABLES`] order (parents before children, so foreign keys hold as the
//!   rows go in), rows in primary-key order (byte order on both databases), so
//!   two exports of the same data are the same bytes but for the header;
//! - last, the end line `{"end":{"rows":N,"tables":{"users":3,…}}}`: a file
//!   cut short anywhere, even between lines, is refused.
//!
//! A row is the table's SeaORM model serialized with serde, so a new table is
//! one line in [`TABLES`] (or in [`SKIPPED`], with the reason). A test fails
//! while a table of the migrations is in neither list.

mod export;
mod import;
mod table;

pub use export::{export_to_file, export_to_writer};
pub use import::{import_from_file, import_from_reader};

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, QueryFilter, Select};
use table::{Of, Table};

use crate::entities::{
    article, article_author, article_block, article_media, article_revision, article_section,
    article_slug, article_tag, audit_entry, correction, media, persisted_document, preview_link,
    reply, setting, tag, user, webhook_delivery, webhook_endpoint, webhook_event,
};

/// The value of the header's `format`: what tells an export from other JSON.
pub const FORMAT_NAME: &str = "masthead-export";

/// The format version this binary writes and the newest it reads; a file of
/// a newer version is refused rather than half understood.
pub const FORMAT_VERSION: u32 = 2;

/// The longest line an import accepts (a row is at most one article's
/// revision, far below this): a bound on memory for a file from outside.
pub const MAX_LINE_BYTES: usize = 64 * 1024 * 1024;

/// The settings key that records the language the search index was built
/// in: index bookkeeping, not newsroom data, so neither exported nor imported
/// (the import rebuilds the index and writes it again).
const SEARCH_LANGUAGE_KEY: &str = "search_language";

/// Every exported table, parents before children: the order of the file and
/// of the load.
static TABLES: &[&dyn Table] = &[
    &Of::<user::Entity>::ALL,
    &Of::<tag::Entity>::ALL,
    &Of::<article::Entity>::ALL,
    &Of::<article_section::Entity>::ALL,
    &Of::<article_block::Entity>::ALL,
    &Of::<article_author::Entity>::ALL,
    &Of::<article_tag::Entity>::ALL,
    &Of::<article_revision::Entity>::ALL,
    &Of::<article_slug::Entity>::ALL,
    &Of::<correction::Entity>::ALL,
    &Of::<reply::Entity>::ALL,
    &Of::<audit_entry::Entity>::ALL,
    &Of::<setting::Entity>::scoped(newsroom_settings),
    &Of::<webhook_endpoint::Entity>::ALL,
    &Of::<webhook_event::Entity>::ALL,
    &Of::<webhook_delivery::Entity>::ALL,
    &Of::<preview_link::Entity>::ALL,
    &Of::<persisted_document::Entity>::ALL,
    &Of::<media::Entity>::ALL,
    &Of::<article_media::Entity>::ALL,
];

/// Settings but the search index's bookkeeping.
fn newsroom_settings(select: Select<setting::Entity>) -> Select<setting::Entity> {
    select.filter(setting::Column::Key.ne(SEARCH_LANGUAGE_KEY))
}

/// Tables of the schema that are deliberately left out, and why. Every table
/// the migrations create is either here or in [`TABLES`] (a test checks, on
/// both databases).
pub const SKIPPED: &[(&str, &str)] = &[
    (
        "seaql_migrations",
        "the schema's history: the target is migrated by the importing binary",
    ),
    (
        "search_documents",
        "the search index: derived from the articles, rebuilt after the import",
    ),
    ("search_fts", "the SQLite search index (FTS5), rebuilt"),
    ("search_fts_config", "FTS5's own bookkeeping"),
    ("search_fts_data", "FTS5's own bookkeeping"),
    ("search_fts_docsize", "FTS5's own bookkeeping"),
    ("search_fts_idx", "FTS5's own bookkeeping"),
    (
        "refresh_tokens",
        "live sessions: staff sign in again on the new database (copying them \
         would hand every session to whoever holds the file)",
    ),
    (
        "idempotency_keys",
        "a 24-hour replay cache of requests to the old server",
    ),
    (
        "rate_limits",
        "counters of the current minute, shared by the old server's nodes",
    ),
];

/// The names of the exported tables, in file order.
pub fn exported_tables() -> Vec<String> {
    TABLES.iter().map(|table| table.name()).collect()
}

/// What an export or an import did: rows per table, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Every row.
    pub rows: u64,
    /// Rows per table (tables without rows included).
    pub tables: BTreeMap<String, u64>,
}

impl Summary {
    fn add(&mut self, table: &str, rows: u64) {
        self.rows += rows;
        match self.tables.get_mut(table) {
            Some(count) => *count += rows,
            None => {
                self.tables.insert(table.to_owned(), rows);
            }
        }
    }
}

/// The first line of an export.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Header {
    format: String,
    version: u32,
    created_at: chrono::DateTime<chrono::Utc>,
    source: String,
    /// The migrations of the exporting binary, in order: rows have the shape
    /// of that schema.
    schema: Vec<String>,
}

/// The last line of an export.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    end: Summary,
}

/// The names of this binary's migrations, in order.
fn schema() -> Vec<String> {
    use masthead_migrations::MigratorTrait;
    masthead_migrations::Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect()
}

/// Tables present in the database that are neither exported nor listed in
/// [`SKIPPED`]: empty unless someone added a table and forgot to decide.
pub async fn undecided_tables(store: &crate::Store) -> crate::error::Result<Vec<String>> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    let sql = match store.backend() {
        DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY table_name"
        }
        _ => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
    };
    let names: Vec<String> = store
        .db()
        .query_all(Statement::from_string(store.backend(), sql))
        .await?
        .into_iter()
        .map(|row| row.try_get("", "name"))
        .collect::<std::result::Result<_, _>>()?;
    let exported = exported_tables();
    Ok(names
        .into_iter()
        .filter(|name| !exported.contains(name) && !SKIPPED.iter().any(|(table, _)| table == name))
        .collect())
}

/// Sequences in the PostgreSQL schema (serial or identity columns), which an
/// import would have to move past the loaded ids; none today, as every key
/// is a UUID or a natural key. Always empty on SQLite.
pub async fn sequences(store: &crate::Store) -> crate::error::Result<Vec<String>> {
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
    if store.backend() != DatabaseBackend::Postgres {
        return Ok(Vec::new());
    }
    Ok(store
        .db()
        .query_all(Statement::from_string(
            DatabaseBackend::Postgres,
            "SELECT sequence_name AS name FROM information_schema.sequences \
             WHERE sequence_schema = current_schema()",
        ))
        .await?
        .into_iter()
        .map(|row| row.try_get("", "name"))
        .collect::<std::result::Result<_, _>>()?)
}
