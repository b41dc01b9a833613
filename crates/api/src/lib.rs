//! The Masthead HTTP edge.
pub mod demo;
