//! The read pool, which survives a PostgreSQL session ended under a query.
//!
//! An administrator's `pg_terminate_backend`, a failover or a restart ends
//! the session a read was running on (SQLSTATE 57P01–57P03, or a connection
//! exception of class 08). A read changes nothing, so it is safe to ask
//! again: [`Reader`] runs a `SELECT` once more on a connection the pool
//! checks out anew (the pool tests a connection before handing it out, so the
//! ended one is not given back). A second failure is the caller's `503`.
//! Statements that may change rows are never repeated: whether the first try
//! took effect is unknown.

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};

use crate::error::is_session_lost;

/// The connection pool for reads, retrying a read once when the database
/// ended its session (see the module documentation).
#[derive(Debug, Clone)]
pub struct Reader(DatabaseConnection);

impl Reader {
    /// Reads through `pool`.
    pub(crate) fn new(pool: DatabaseConnection) -> Self {
        Self(pool)
    }

    /// The pool itself, for what is not a statement (listening for notifications).
    pub(crate) fn pool(&self) -> &DatabaseConnection {
        &self.0
    }
}

/// True for a statement that only reads: safe to repeat.
fn is_read(statement: &Statement) -> bool {
    let sql = statement.sql.trim_start();
    sql.get(..6)
        .is_some_and(|start| start.eq_ignore_ascii_case("select"))
        && !sql.to_ascii_lowercase().contains(" for update")
}

/// Runs `attempt` and, when a read's session was ended under it, once more.
async fn once_more<T, F, Fut>(statement: Statement, attempt: F) -> Result<T, DbErr>
where
    F: Fn(Statement) -> Fut,
    Fut: std::future::Future<Output = Result<T, DbErr>>,
{
    let retry = is_read(&statement).then(|| statement.clone());
    match (attempt(statement).await, retry) {
        (Err(error), Some(statement)) if is_session_lost(&error) => {
            tracing::warn!(%error, "the database ended a read's session; reading again");
            attempt(statement).await
        }
        (result, _) => result,
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for Reader {
    fn get_database_backend(&self) -> DbBackend {
        self.0.get_database_backend()
    }

    async fn execute(&self, statement: Statement) -> Result<ExecResult, DbErr> {
        self.0.execute(statement).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.0.execute_unprepared(sql).await
    }

    async fn query_one(&self, statement: Statement) -> Result<Option<QueryResult>, DbErr> {
        once_more(statement, |statement| self.0.query_one(statement)).await
    }

    async fn query_all(&self, statement: Statement) -> Result<Vec<QueryResult>, DbErr> {
        once_more(statement, |statement| self.0.query_all(statement)).await
    }

    fn support_returning(&self) -> bool {
        self.0.support_returning()
    }
}

#[cfg(test)]
mod tests {
    use super::is_read;
    use sea_orm::{DbBackend, Statement};

    fn statement(sql: &str) -> Statement {
        Statement::from_string(DbBackend::Postgres, sql)
    }

    #[test]
    fn only_plain_selects_are_repeated() {
        assert!(is_read(&statement("SELECT \"id\" FROM \"articles\"")));
        assert!(is_read(&statement("  select 1")));
        for sql in [
            "INSERT INTO articles (id) VALUES ($1) RETURNING id",
            "UPDATE articles SET version = 2",
            "DELETE FROM replies",
            "SELECT id FROM articles WHERE id = $1 FOR UPDATE",
            "WITH moved AS (DELETE FROM replies RETURNING id) SELECT id FROM moved",
            "SEL",
            "",
        ] {
            assert!(!is_read(&statement(sql)), "{sql}");
        }
    }
}
