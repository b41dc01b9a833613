//! # Masthead's HTTP edge
//!
//! The actix-web application: GraphQL at `/graphql`, REST under `/api/v1`,
//! health checks, configuration and the command line. This layer only
//! translates: rules live in `masthead-domain`, storage in `masthead-persistence`.

pub mod app;
pub mod auth;
pub mod cli;
pub mod client_address;
pub mod config;
pub mod demo;
pub mod drain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod head;
pub mod health;
pub mod index;
pub mod media;
pub mod metrics;
pub mod pages;
pub mod public_cache;
pub mod rate_limit;
pub mod render;
pub mod rest;
pub mod scheduler;
pub mod security;
pub mod shared_limit;
pub mod startup;
pub mod state;
pub mod syndication;
pub mod telemetry;
pub mod trace_context;
pub mod webhooks;

pub use config::Settings;
pub use startup::Application;
