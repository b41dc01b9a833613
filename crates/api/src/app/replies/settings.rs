//! The knobs of reply abuse protection: rate limits and blocked words. Where
//! the client's address comes from is the server-wide proxy rule
//! ([`crate::client_address::ProxySettings`]).

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

    /// Retired: the client address follows `--trust-proxy` / `--trusted-proxies`
    /// for sign-in and replies alike. Kept only to refuse `true` at start-up
    /// with the replacement named (see [`ReplySettings::retired`]).
    #[arg(long, env = "MASTHEAD_REPLY_TRUST_FORWARDED_FOR", hide = true,
          action = ArgAction::Set, value_name = "BOOL")]
    pub reply_trust_forwarded_for: Option<bool>,
}

/// What start-up says about a retired reply setting that is still set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retired {
    /// Nothing retired is set.
    Nothing,
    /// Set to a value that changes nothing: start, with a warning.
    Warn(String),
    /// Set to a value the server no longer honours: refuse to start.
    Refuse(String),
}

impl ReplySettings {
    /// Checks for `--reply-trust-forwarded-for`: `true` asked for a behaviour
    /// that is now configured elsewhere, so starting silently without it would
    /// mis-key every limit behind a proxy.
    pub fn retired(&self) -> Retired {
        const REPLACEMENT: &str =
            "--reply-trust-forwarded-for (MASTHEAD_REPLY_TRUST_FORWARDED_FOR) \
            is retired: the client address of replies and sign-in now follows --trust-proxy \
            (MASTHEAD_TRUST_PROXY) and --trusted-proxies (MASTHEAD_TRUSTED_PROXIES)";
        match self.reply_trust_forwarded_for {
            None => Retired::Nothing,
            Some(false) => Retired::Warn(format!("{REPLACEMENT}; remove it")),
            Some(true) => Retired::Refuse(format!(
                "{REPLACEMENT}; remove it and set --trust-proxy or --trusted-proxies instead"
            )),
        }
    }
}
