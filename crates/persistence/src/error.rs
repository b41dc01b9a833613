//! What can go wrong in storage, in terms the API edge can map to statuses.

use masthead_domain::DomainError;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

/// Every failure of a repository call.
#[derive(Debug, thiserror::Error)]
pub enum PersistenceError {
    /// No row with that identity (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The write was based on an old version; nothing was changed.
    #[error("version conflict: the current version is {current}")]
    VersionConflict {
        /// The version now stored, so the client can fetch it and re-apply.
        current: i32,
    },
    /// A unique value (slug, e-mail) is already in use.
    #[error("{field} is already taken")]
    Duplicate {
        /// The input field that collided.
        field: &'static str,
    },
    /// The row is still used by others and may not be deleted (a media item
    /// that current articles show); the list names them.
    #[error("still used by {}", .0.join(", "))]
    InUse(Vec<String>),
    /// A domain rule refused the change (validation, transition, permission).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The database cannot be reached right now; retrying later may work.
    #[error("the database is unavailable")]
    Unavailable(#[source] DbErr),
    /// The database refused or failed the statement.
    #[error("database error")]
    Database(#[source] DbErr),
    /// A stored value does not parse as the domain type it should be.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database was migrated by a newer Masthead than this binary.
    #[error("the database schema has migrations this binary does not know: {0}")]
    SchemaTooNew(String),
    /// The configured search language is not a PostgreSQL text-search
    /// configuration (or not a plain name).
    #[error("unknown search language {0:?} (see pg_ts_config for the known ones)")]
    UnknownSearchLanguage(String),
    /// `masthead backup` cannot copy this database to that file (the reason
    /// says what to do instead).
    #[error("{0}")]
    BackupRefused(String),
    /// `masthead export` / `masthead import` refused its input or target
    /// (the message says which line of the file, or what is in the way).
    #[error("{0}")]
    Transfer(String),
}

impl From<DbErr> for PersistenceError {
    fn from(error: DbErr) -> Self {
        match &error {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => Self::Unavailable(error),
            DbErr::Exec(RuntimeErr::SqlxError(inner))
            | DbErr::Query(RuntimeErr::SqlxError(inner))
                if is_connection_error(inner) || is_contention(inner) =>
            {
                Self::Unavailable(error)
            }
            _ => match error.sql_err() {
                Some(SqlErr::UniqueConstraintViolation(message)) => Self::Duplicate {
                    field: unique_field(&message),
                },
                _ => Self::Database(error),
            },
        }
    }
}

/// Lock contention that outlasted the busy timeout (SQLite `SQLITE_BUSY*`,
/// `SQLITE_LOCKED*`), work the server broke up (PostgreSQL serialization
/// failure, deadlock) or a session it ended: retryable, so a 503 rather than
/// a 500.
fn is_contention(error: &sea_orm::sqlx::Error) -> bool {
    match error {
        sea_orm::sqlx::Error::Database(database) => {
            database.code().is_some_and(|code| is_retryable_code(&code))
        }
        _ => false,
    }
}

/// Database error codes that say "try again", not "your request is wrong":
/// SQLite busy/locked, PostgreSQL serialization failure and deadlock, an
/// administrator or crash ending the session (57P01–57P03), and every
/// connection exception (class 08).
fn is_retryable_code(code: &str) -> bool {
    matches!(
        code,
        "5" | "6" | "261" | "262" | "517" | "773" | "40001" | "40P01" | "57P01" | "57P02" | "57P03"
    ) || code.starts_with("08")
}

/// True when the database ended the session a statement ran on (SQLSTATE
/// 57P01–57P03, a connection exception of class 08, or the socket closing):
/// the statement may be asked again on another connection if it only reads.
pub(crate) fn is_session_lost(error: &DbErr) -> bool {
    use sea_orm::sqlx::Error;
    let inner = match error {
        DbErr::Conn(RuntimeErr::SqlxError(inner))
        | DbErr::Exec(RuntimeErr::SqlxError(inner))
        | DbErr::Query(RuntimeErr::SqlxError(inner)) => inner,
        _ => return false,
    };
    match inner {
        Error::Io(_) | Error::WorkerCrashed => true,
        Error::Database(database) => database.code().is_some_and(|code| {
            matches!(&*code, "57P01" | "57P02" | "57P03") || code.starts_with("08")
        }),
        _ => false,
    }
}

fn is_connection_error(error: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    matches!(
        error,
        Error::Io(_)
            | Error::PoolTimedOut
            | Error::PoolClosed
            | Error::WorkerCrashed
            | Error::Tls(_)
    )
}

/// Names the input field behind a unique-constraint message of either backend.
fn unique_field(message: &str) -> &'static str {
    if message.contains("email") {
        "email"
    } else if message.contains("sha256") {
        "sha256"
    } else {
        "slug"
    }
}

/// Shorthand for repository results.
pub type Result<T, E = PersistenceError> = std::result::Result<T, E>;

/// Parses a stored enum-like column, reporting corruption instead of panicking.
pub(crate) fn parse_stored<T: std::str::FromStr<Err = String>>(value: &str) -> Result<T> {
    value.parse().map_err(PersistenceError::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::is_retryable_code;

    #[test]
    fn lost_connections_and_lock_contention_are_retryable_and_bad_statements_are_not() {
        for code in [
            "5", "517", "40001", "40P01", "57P01", "57P02", "57P03", "08006", "08P01",
        ] {
            assert!(is_retryable_code(code), "{code}");
        }
        for code in ["23505", "22021", "42P01", "19"] {
            assert!(!is_retryable_code(code), "{code}");
        }
    }
}
