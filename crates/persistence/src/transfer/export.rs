//! Writing an export: every table of [`super::TABLES`], streamed row by row
//! out of one read transaction, so the file is the newsroom at one instant
//! (PostgreSQL: a read-only repeatable-read snapshot; SQLite: a read
//! transaction, which in WAL mode does not hold up the server's writers) and
//! memory stays flat whatever the size (rows are read through a cursor,
//! never a table at once).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use sea_orm::{AccessMode, DatabaseBackend, IsolationLevel, TransactionTrait};

use super::{schema, End, Header, Summary, FORMAT_NAME, FORMAT_VERSION, TABLES};
use crate::error::{PersistenceError, Result};
use crate::store::Store;

fn refused(reason: String) -> PersistenceError {
    PersistenceError::Transfer(reason)
}

/// Writes the export of `store` to `out` (header, every row, end line);
/// returns what was written. `out` is not flushed.
pub async fn export_to_writer(store: &Store, out: &mut (dyn Write + Send)) -> Result<Summary> {
    let pool = store.db().pool();
    let txn = match store.backend() {
        DatabaseBackend::Postgres => {
            pool.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => pool.begin().await?,
    };
    let header = Header {
        format: FORMAT_NAME.to_owned(),
        version: FORMAT_VERSION,
        created_at: crate::now(),
        source: match store.backend() {
            DatabaseBackend::Postgres => "postgres",
            DatabaseBackend::MySql => "mysql",
            DatabaseBackend::Sqlite => "sqlite",
        }
        .to_owned(),
        schema: schema(),
    };
    line(out, &header)?;
    let mut summary = Summary::default();
    for table in TABLES {
        let rows = table.export(&txn, out).await?;
        summary.add(&table.name(), rows);
    }
    line(
        out,
        &End {
            end: summary.clone(),
        },
    )?;
    txn.commit().await?;
    Ok(summary)
}

fn line(out: &mut (dyn Write + Send), value: &impl serde::Serialize) -> Result<()> {
    serde_json::to_writer(&mut *out, value)
        .map_err(|error| refused(format!("writing the export failed: {error}")))?;
    out.write_all(b"\n")
        .map_err(|error| refused(format!("writing the export failed: {error}")))
}

/// Exports the database at `url` into the new file `out`, gzipped when its
/// name ends in `.gz`; returns what was written. The database is migrated
/// first (rows take this binary's shape). The file is written beside `out`
/// under a `.partial` name and renamed when complete, so `out` is never a
/// half export; it is readable by its owner only (it holds password hashes
/// and webhook secrets). Refuses an `out` that exists and a SQLite file that
/// does not. `search_language` is the server's (migrating with another one
/// would rebuild the search index in it).
pub async fn export_to_file(url: &str, search_language: &str, out: &Path) -> Result<Summary> {
    if out.exists() {
        return Err(refused(format!(
            "{} already exists; an export never overwrites a file",
            out.display()
        )));
    }
    if let Some(file) = crate::backup::sqlite_file(url) {
        if !file.is_file() {
            return Err(refused(format!("no SQLite database at {}", file.display())));
        }
    }
    let partial = partial_path(out);
    let file = create_private(&partial).map_err(|error| {
        refused(format!(
            "cannot create {}: {error}",
            partial.as_path().display()
        ))
    })?;
    let result = write_file(url, search_language, out, file).await;
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    } else {
        std::fs::rename(&partial, out)
            .map_err(|error| refused(format!("cannot rename {}: {error}", partial.display())))?;
    }
    result
}

async fn write_file(url: &str, search_language: &str, out: &Path, file: File) -> Result<Summary> {
    let store = Store::connect(url)
        .await?
        .with_search_language(search_language);
    store.migrate().await?;
    let io = |error: std::io::Error| refused(format!("writing the export failed: {error}"));
    let gzip = out
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("gz"));
    let buffered = BufWriter::with_capacity(1 << 20, file);
    let (summary, buffered) = if gzip {
        let mut encoder = GzEncoder::new(buffered, Compression::default());
        let summary = export_to_writer(&store, &mut encoder).await?;
        (summary, encoder.finish().map_err(io)?)
    } else {
        let mut buffered = buffered;
        let summary = export_to_writer(&store, &mut buffered).await?;
        (summary, buffered)
    };
    let file = buffered
        .into_inner()
        .map_err(|error| io(error.into_error()))?;
    file.sync_all().map_err(io)?;
    store.close().await?;
    Ok(summary)
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// A new file only its owner may read (on Unix).
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
