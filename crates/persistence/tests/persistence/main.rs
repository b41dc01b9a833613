//! The persistence tests, in one binary: each module runs the repositories on
//! a fresh SQLite database and, when `MASTHEAD_TEST_POSTGRES_URL` is set, on a
//! PostgreSQL database of its own.

// Tests may unwrap: a panic is a failed test with its message. (clippy.toml
// allows it in test functions; this covers the shared helpers too.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod workflow_fixtures;

mod articles;
mod block_ids;
mod media;
mod pagination;
mod pull_quotes;
mod rate_limits;
mod refresh_tokens;
mod replies;
mod search;
mod session_loss;
mod store;
mod transfer;
mod users_and_tags;
mod workflow_concurrency;
mod workflow_history;
