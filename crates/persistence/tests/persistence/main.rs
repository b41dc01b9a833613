//! The persistence tests, in one binary: each module runs the repositories on
//! a fresh SQLite database and, when `MASTHEAD_TEST_POSTGRES_URL` is set, on a
//! PostgreSQL database of its own.

mod support;
mod workflow_fixtures;

mod articles;
mod pagination;
mod pull_quotes;
mod replies;
mod store;
mod users_and_tags;
mod workflow_concurrency;
mod workflow_history;
