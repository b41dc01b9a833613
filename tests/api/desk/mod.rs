//! The desk (`/desk`) in a real browser: headless Chromium over WebDriver
//! (`browser`), one module per flow, each flow on SQLite and on PostgreSQL.
//! Every screen a flow reaches is scanned with axe-core (no serious or
//! critical violation); a failing flow leaves a screenshot in
//! `target/desk-screenshots/<test>-<db>.png`.
//!
//! Without `chromium` and `chromedriver` the flows pass, saying they were
//! skipped ([`browser::SKIPPED`]); without `MASTHEAD_TEST_POSTGRES_URL` the
//! PostgreSQL variants are ignored, as everywhere in this binary.
//!
//! Run them: `cargo test --test api desk::` (add `-- --nocapture` to see the
//! skip message, `TEST_LOG=1` for the server's log).

mod browser;

mod admin;
mod conflict;
mod moderation;
mod screens;
mod session;
mod steps;
mod writing;

pub use browser::Browser;

use masthead_domain::Role;

use crate::support::{create_staff, Staff, TestApp};

/// A new active account with `role` on `app` (made in the database, with a
/// unique e-mail and a known password), to sign in with in the browser.
pub async fn staff(app: &TestApp, role: Role) -> Staff {
    create_staff(&app.store, role).await
}
