//! Demo content: a small fictional newsroom ("Atlas News") that the server can
//! load into an empty database, so a fresh install has something to show.

pub mod content;
pub mod loader;
pub mod photo;
