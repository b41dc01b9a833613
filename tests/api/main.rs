//! Masthead's end-to-end tests, in one binary: each module starts the real
//! server on port 0 (see `support`) and speaks HTTP to it, as a frontend would.
//! One binary links once and runs every test in one parallel pool.
//!
//! Server logs are quiet unless `TEST_LOG=1` is set.

// Tests may unwrap: a panic is a failed test with its message. (clippy.toml
// allows it in test functions; this covers the shared helpers too.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod media_in_articles;
mod media_library;
mod media_renditions;
mod media_s3;
mod openapi_conformance;
mod openapi_requests;
mod reply_support;
mod support;
mod webhook_support;

mod auth_cookie;
mod auth_hash_pool;
mod auth_matrix;
mod auth_passwords;
mod auth_rate_limit;
mod auth_sessions;
mod auth_tags;
mod auth_tokens;
mod auth_user_changes;
mod auth_user_creation;
mod browser_pages;
mod cli;
mod client_address;
mod concurrent_writers;
mod content_model;
mod demo_content;
mod desk;
mod desk_assets;
mod filter_bounds;
mod graphql_batching;
mod graphql_cluster;
mod graphql_http;
mod graphql_http_caching;
mod graphql_limits;
mod graphql_live;
mod graphql_live_close;
mod graphql_persisted;
mod graphql_protocol;
mod graphql_read;
mod graphql_visibility;
mod graphql_write;
mod http_hardening;
mod http_head_and_index;
mod metrics_endpoint;
mod metrics_request_log;
mod nul_text;
mod ops_backup;
mod ops_cluster;
mod ops_drain;
mod ops_shared_limits;
mod ops_transfer;
mod pg_session_kills;
mod preview_links;
mod public_cache;
mod readme_walkthrough;
mod replies_bounds;
mod replies_events;
mod replies_moderation;
mod replies_posting;
mod replies_rate_limit;
mod replies_safety;
mod replies_threads;
mod rest_admin;
mod rest_http;
mod rest_openapi;
mod rest_public;
mod rest_staff_auth;
mod schema;
mod search_graphql;
mod search_rest;
mod syndication_corrections;
mod syndication_feeds;
mod syndication_json_ld;
mod syndication_sitemaps;
mod webhooks_admin;
mod webhooks_delivery;
mod webhooks_giving_up;
mod webhooks_graphql;
mod webhooks_nodes;
mod workflow_audit;
mod workflow_concurrency;
mod workflow_revisions;
mod workflow_schedule;
mod workflow_slugs;
mod workflow_transitions;
mod write_races;
