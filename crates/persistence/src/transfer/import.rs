//! Loading an export into an empty database, in one transaction: either the
//! whole file goes in or nothing does (a bad line, a refused row or a
//! truncated file rolls everything back). The cost of one transaction: the
//! database holds the whole load uncommitted until the end (SQLite's WAL, or
//! PostgreSQL's new rows, grow by about the data's size) and a failure late
//! in a large file means starting again; for a newsroom's size that is
//! seconds to minutes, and simpler than resuming.
//!
//! The file is read line by line with a bounded line length, rows are
//! inserted in batches, so memory stays flat. After the commit the search
//! index is rebuilt from the loaded articles.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use sea_orm::{EntityTrait, TransactionTrait};

use super::{
    schema, End, Header, Summary, FORMAT_NAME, FORMAT_VERSION, MAX_LINE_BYTES, SEARCH_LANGUAGE_KEY,
    TABLES,
};
use crate::entities::setting;
use crate::error::{PersistenceError, Result};
use crate::store::Store;

fn refused(reason: String) -> PersistenceError {
    PersistenceError::Transfer(reason)
}

/// The lines of an export, parsed one at a time, numbered from 1.
struct Lines<R> {
    reader: R,
    number: usize,
    buffer: Vec<u8>,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R) -> Self {
        Self {
            reader,
            number: 0,
            buffer: Vec::new(),
        }
    }

    /// The next line as JSON; `None` at the end of the file.
    fn next(&mut self) -> Result<Option<serde_json::Value>> {
        self.buffer.clear();
        let limit = MAX_LINE_BYTES as u64 + 1;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|error| {
                refused(format!(
                    "line {}: cannot read the export: {error}",
                    self.number + 1
                ))
            })?;
        if read == 0 {
            return Ok(None);
        }
        self.number += 1;
        let number = self.number;
        if self.buffer.len() > MAX_LINE_BYTES {
            return Err(refused(format!(
                "line {number}: longer than {} MiB; not an export line",
                MAX_LINE_BYTES >> 20
            )));
        }
        if self.buffer.last() != Some(&b'\n') {
            return Err(refused(format!(
                "line {number}: cut off (no line end): the export is truncated"
            )));
        }
        serde_json::from_slice(&self.buffer)
            .map(Some)
            .map_err(|error| refused(format!("line {number}: not a JSON line: {error}")))
    }
}

/// Reads and checks the header: a Masthead export, of a version and schema
/// this binary knows.
fn header(lines: &mut Lines<impl BufRead>) -> Result<Header> {
    let Some(value) = lines.next()? else {
        return Err(refused(
            "the file is empty: not a Masthead export".to_owned(),
        ));
    };
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
        return Err(refused(format!(
            "line 1: not a Masthead export (the header has no \"format\":\"{FORMAT_NAME}\")"
        )));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(version) if version > u64::from(FORMAT_VERSION) => {
            return Err(refused(format!(
                "line 1: export format version {version} is newer than this binary reads \
                 ({FORMAT_VERSION}); import it with the Masthead that wrote it, or a newer one"
            )))
        }
        Some(version) if version >= 1 => {}
        _ => {
            return Err(refused(
                "line 1: the header has no valid format version".to_owned(),
            ))
        }
    }
    let header: Header = serde_json::from_value(value)
        .map_err(|error| refused(format!("line 1: bad header: {error}")))?;
    let known = schema();
    if let Some(unknown) = header.schema.iter().find(|name| !known.contains(name)) {
        return Err(refused(format!(
            "line 1: the export was written by a newer Masthead (migration {unknown} is \
             unknown here); import it with that version or a newer one"
        )));
    }
    Ok(header)
}

/// Opens `path` (gzipped or not, told by its first bytes).
fn open(path: &Path) -> Result<Lines<Box<dyn BufRead + Send>>> {
    let cannot =
        |error: std::io::Error| refused(format!("cannot read {}: {error}", path.display()));
    let mut file = BufReader::with_capacity(1 << 20, File::open(path).map_err(cannot)?);
    let gzip = file.fill_buf().map_err(cannot)?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if gzip {
        Box::new(BufReader::with_capacity(1 << 20, MultiGzDecoder::new(file)))
    } else {
        Box::new(file)
    };
    Ok(Lines::new(reader))
}

/// Imports the export at `path` into the database at `url`, which is
/// migrated first and must hold no newsroom data; returns what was loaded.
/// The header is checked before the database is touched.
pub async fn import_from_file(url: &str, search_language: &str, path: &Path) -> Result<Summary> {
    let mut lines = open(path)?;
    header(&mut lines)?;
    let store = Store::connect(url)
        .await?
        .with_search_language(search_language);
    store.migrate().await?;
    let summary = load(&store, &mut lines).await?;
    store.close().await?;
    Ok(summary)
}

/// Imports the export read from `reader` into `store` (already migrated),
/// which must hold no newsroom data; returns what was loaded.
pub async fn import_from_reader(store: &Store, reader: impl BufRead + Send) -> Result<Summary> {
    let mut lines = Lines::new(reader);
    header(&mut lines)?;
    load(store, &mut lines).await
}

/// Loads the rows after the header, in one transaction, then rebuilds the
/// search index.
async fn load(store: &Store, lines: &mut Lines<impl BufRead + Send>) -> Result<Summary> {
    let names: Vec<String> = TABLES.iter().map(|table| table.name()).collect();
    let txn = store.writer().begin().await?;
    for (table, name) in TABLES.iter().zip(&names) {
        let rows = table.count(&txn).await?;
        if rows > 0 {
            return Err(refused(format!(
                "the target database is not empty ({name} has {rows} rows); \
                 import loads into a new, empty database"
            )));
        }
    }
    // The index is rebuilt after the load, which records its language again;
    // until then a restart would rebuild it.
    setting::Entity::delete_by_id(SEARCH_LANGUAGE_KEY.to_owned())
        .exec(&txn)
        .await?;
    let mut summary = Summary::default();
    let mut current = 0;
    let mut pending: Vec<(usize, serde_json::Value)> = Vec::new();
    loop {
        let Some(mut value) = lines.next()? else {
            return Err(refused(format!(
                "the export ends at line {} without its end line: the file is truncated",
                lines.number
            )));
        };
        let number = lines.number;
        if value.get("end").is_some() {
            TABLES[current]
                .insert(&txn, std::mem::take(&mut pending))
                .await?;
            let end: End = serde_json::from_value(value)
                .map_err(|error| refused(format!("line {number}: bad end line: {error}")))?;
            if without_empty(&end.end) != without_empty(&summary) {
                return Err(refused(format!(
                    "line {number}: the end line counts {} rows, the file holds {}: rows are missing",
                    end.end.rows, summary.rows
                )));
            }
            if lines.next()?.is_some() {
                return Err(refused(format!(
                    "line {}: more after the end line",
                    lines.number
                )));
            }
            break;
        }
        let (Some(table), Some(row)) = (
            value
                .get("table")
                .and_then(|t| t.as_str())
                .map(str::to_owned),
            value.get_mut("row").map(serde_json::Value::take),
        ) else {
            return Err(refused(format!(
                "line {number}: neither a row ({{\"table\":…,\"row\":…}}) nor the end line"
            )));
        };
        let Some(index) = names.iter().position(|name| *name == table) else {
            return Err(refused(format!("line {number}: unknown table {table:?}")));
        };
        if index < current {
            return Err(refused(format!(
                "line {number}: a row of {table} after rows of {}: the tables are out of order",
                names[current]
            )));
        }
        if index > current {
            TABLES[current]
                .insert(&txn, std::mem::take(&mut pending))
                .await?;
            current = index;
        }
        pending.push((number, row));
        summary.add(&table, 1);
        if pending.len() >= TABLES[current].batch() {
            TABLES[current]
                .insert(&txn, std::mem::take(&mut pending))
                .await?;
        }
    }
    txn.commit().await?;
    store.rebuild_search_index().await?;
    Ok(summary)
}

/// The counts with tables of no rows left out (the export lists them, the
/// load does not see them).
fn without_empty(summary: &Summary) -> Summary {
    Summary {
        rows: summary.rows,
        tables: summary
            .tables
            .iter()
            .filter(|(_, rows)| **rows > 0)
            .map(|(name, rows)| (name.clone(), *rows))
            .collect(),
    }
}
