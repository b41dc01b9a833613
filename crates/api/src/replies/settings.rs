//! The knobs of reply abuse protection: rate limits, blocked words, and where
//! the client's address comes from.

use clap::{ArgAction, Args};

/// Reply settings, part of [`crate::config::Settings`].
#[derive(Debug, Clone, Args)]
pub struct ReplySettings {
    /// Replies one client may post per `--reply-rate-window` (a burst of this
    /// many, then one per window/limit); past it: 429 with `Retry-After`.
    #[arg(long, env = "MASTHEAD_REPLY_RATE_LIMIT", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub reply_rate_limit: u32,

    /// The window of `--reply-rate-limit`, in seconds.
    #[arg(long, env = "MASTHEAD_REPLY_RATE_WINDOW", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub reply_rate_window: u64,

    /// Replies one client may post per day.
    #[arg(long, env = "MASTHEAD_REPLY_DAILY_LIMIT", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub reply_daily_limit: u32,

    /// Words or phrases, comma-separated, that send a reply under an open
    /// article to moderation (matched as whole words, ignoring case and look-alikes).
    #[arg(long, env = "MASTHEAD_REPLY_BLOCKED_WORDS", value_delimiter = ',')]
    pub reply_blocked_words: Vec<String>,

    /// Take the client's address from `X-Forwarded-For` / `Forwarded`. Only
    /// behind a reverse proxy you run: otherwise anyone can pick their address
    /// and escape the rate limits.
    #[arg(long, env = "MASTHEAD_REPLY_TRUST_FORWARDED_FOR", default_value_t = false,
          action = ArgAction::Set, value_name = "BOOL")]
    pub reply_trust_forwarded_for: bool,
}
