//! Demo content.
