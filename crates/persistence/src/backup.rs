//! Online copies of a SQLite database: `masthead backup` while the server
//! keeps serving. `VACUUM INTO` reads the database inside one read
//! transaction, so the copy is the state at one instant (WAL mode lets the
//! server's writers go on meanwhile), compacted, and never half-written into
//! an existing file. PostgreSQL has its own tools (`pg_dump`), and is refused
//! here with a pointer to them.

use std::path::{Path, PathBuf};

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};

use crate::error::{PersistenceError, Result};
use crate::store::Store;

/// Why a PostgreSQL URL is refused, on one line: what to run instead.
pub const POSTGRES_REFUSAL: &str = "masthead backup copies SQLite databases; back up PostgreSQL with pg_dump (e.g. `pg_dump --format=custom --file masthead.dump \"$MASTHEAD_DATABASE_URL\"`, see the README's Operations section)";

/// The database file a SQLite URL names (`sqlite://news.db?mode=rwc`,
/// `sqlite:news.db`); `None` for an in-memory database or another backend.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(""))
        .filter(|path| !path.is_empty() && !path.starts_with(":memory:"))
        .filter(|_| !url.contains("mode=memory"))
        .map(PathBuf::from)
}

/// Copies the SQLite database at `url` to the new file `out`, consistently,
/// while other processes keep reading and writing it; returns the copy's size
/// in bytes. Refuses (with [`PersistenceError::BackupRefused`]) a PostgreSQL
/// or in-memory URL, a database file that does not exist (rather than
/// creating an empty one), and an `out` that already exists.
pub async fn backup_sqlite(url: &str, out: &Path) -> Result<u64> {
    let refuse = |reason: String| Err(PersistenceError::BackupRefused(reason));
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return refuse(POSTGRES_REFUSAL.to_owned());
    }
    let Some(source) = sqlite_file(url) else {
        return refuse(format!(
            "{url} is not a SQLite database file (an in-memory database has nothing to keep)"
        ));
    };
    if !source.is_file() {
        return refuse(format!("no SQLite database at {}", source.display()));
    }
    if out.exists() {
        return refuse(format!(
            "{} already exists; a backup never overwrites a file",
            out.display()
        ));
    }
    let Some(target) = out.to_str() else {
        return refuse(format!("{} is not a UTF-8 path", out.display()));
    };
    let store = Store::connect(url).await?;
    store.vacuum_into(target).await?;
    store.close().await?;
    Ok(std::fs::metadata(out).map(|meta| meta.len()).unwrap_or(0))
}

impl Store {
    /// `VACUUM INTO target` on the read pool: one read transaction, so the
    /// copy is consistent and this process's writers are not held up.
    async fn vacuum_into(&self, target: &str) -> Result<()> {
        if self.backend() != DatabaseBackend::Sqlite {
            return Err(PersistenceError::BackupRefused(POSTGRES_REFUSAL.to_owned()));
        }
        self.db()
            .execute(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                "VACUUM INTO ?",
                [target.into()],
            ))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::sqlite_file;

    #[test]
    fn the_file_of_a_sqlite_url_is_found_and_memory_is_not_a_file() {
        assert_eq!(
            sqlite_file("sqlite://news.db?mode=rwc"),
            Some(PathBuf::from("news.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/masthead/news.db"),
            Some(PathBuf::from("/var/lib/masthead/news.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:news.db"),
            Some(PathBuf::from("news.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(
            sqlite_file("sqlite://shared?mode=memory&cache=shared"),
            None
        );
        assert_eq!(sqlite_file("postgres://postgres@localhost/news"), None);
        assert_eq!(sqlite_file("sqlite://"), None);
    }
}
