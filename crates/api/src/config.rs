//! Typed settings. Each comes from a CLI flag, else a `MASTHEAD_*` environment
//! variable, else a default that runs out of the box on SQLite.

use clap::{ArgAction, Args};

/// Where the database lives; shared by every subcommand so they all work on
/// the database the server uses.
#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database URL: `sqlite://file.db?mode=rwc` or `postgres://user@host/db`.
    #[arg(
        long,
        env = "MASTHEAD_DATABASE_URL",
        default_value = "sqlite://masthead.db?mode=rwc"
    )]
    pub database_url: String,
    /// Text-search language: a PostgreSQL text-search configuration (stemming
    /// and stop words, e.g. `english`, `german`, `simple`). SQLite does not
    /// stem. A change rebuilds the search index when the database is opened.
    #[arg(long, env = "MASTHEAD_SEARCH_LANGUAGE", default_value = "english")]
    pub search_language: String,
    /// Connections for writes on PostgreSQL (1 to 64; default one per core of
    /// this machine, 2 to 8). Raise it when the database has cores to spare:
    /// writers beyond its cores slow public reads. SQLite has one writer.
    #[arg(long, env = "MASTHEAD_POSTGRES_WRITERS",
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub postgres_writers: Option<u32>,
}

/// Everything `masthead serve` needs.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// Address to listen on (`0.0.0.0:8080` in a container; port 0 picks a free port).
    #[arg(long, env = "MASTHEAD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Load demo content into an empty database.
    #[arg(long = "demo", env = "MASTHEAD_DEMO", default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub demo: bool,

    /// Do not load demo content (same as `--demo false`).
    #[arg(long = "no-demo", default_value_t = false)]
    pub no_demo: bool,

    /// Public address of the website, used to build each article's `url`.
    #[arg(
        long,
        env = "MASTHEAD_PUBLIC_URL",
        default_value = "http://localhost:3000"
    )]
    pub public_url: String,

    /// Path of an article on the website; `{slug}` is replaced.
    #[arg(
        long,
        env = "MASTHEAD_ARTICLE_PATH",
        default_value = "/articles/{slug}"
    )]
    pub article_path: String,

    /// Site identity of feeds, sitemaps and structured data.
    #[command(flatten)]
    pub site: SiteSettings,

    /// Where uploaded images and their renditions are kept.
    #[command(flatten)]
    pub media: MediaSettings,

    /// The website's preview route, handed out with each preview link;
    /// `{token}` is replaced by the link's token.
    #[arg(
        long,
        env = "MASTHEAD_PREVIEW_URL",
        default_value = "http://localhost:3000/preview?token={token}",
        value_parser = parse_preview_url
    )]
    pub preview_url: String,

    /// Origins allowed to call the APIs from a browser, comma-separated (`*` for any).
    #[arg(
        long,
        env = "MASTHEAD_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    pub cors_origins: Vec<String>,

    /// `max-age` of public reads, in seconds.
    #[arg(long, env = "MASTHEAD_CACHE_MAX_AGE", default_value_t = 60)]
    pub cache_max_age: u32,

    /// `stale-while-revalidate` of public reads, in seconds: how long a cache may
    /// serve a stale copy while it fetches a fresh one (0 leaves it out).
    #[arg(
        long,
        env = "MASTHEAD_CACHE_STALE_WHILE_REVALIDATE",
        default_value_t = 300
    )]
    pub cache_stale_while_revalidate: u32,

    /// Memory for the cache of public reads (articles, list pages, anonymous
    /// GraphQL answers), in MiB (at most 4096); 0 turns it off.
    #[arg(long, env = "MASTHEAD_PUBLIC_CACHE_MB", default_value_t = 16,
          value_parser = clap::value_parser!(u64).range(0..=4096))]
    pub public_cache_mb: u64,

    /// How long the answer to a `POST` with an `Idempotency-Key` is kept for retries, in seconds.
    #[arg(long, env = "MASTHEAD_IDEMPOTENCY_TTL", default_value_t = 86_400)]
    pub idempotency_ttl: u64,

    /// Answer GraphQL introspection queries (the schema is public documentation).
    #[arg(long, env = "MASTHEAD_GRAPHQL_INTROSPECTION", default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub graphql_introspection: bool,

    /// Serve the GraphiQL IDE at `/graphiql` (`false`: 404, its assets too).
    #[arg(long, env = "MASTHEAD_GRAPHIQL", default_value_t = true, action = ArgAction::Set, value_name = "BOOL")]
    pub graphiql: bool,

    /// Serve the desk's scripts and styles from this directory instead of the
    /// copies built into the binary: for working on the desk
    /// (`crates/api/assets/desk`) with a restart instead of a rebuild.
    #[arg(long, env = "MASTHEAD_DESK_DIR", value_name = "DIR")]
    pub desk_dir: Option<std::path::PathBuf>,

    /// Deepest GraphQL query accepted.
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_DEPTH", default_value_t = 15)]
    pub graphql_max_depth: usize,

    /// Most complex GraphQL query accepted (every field and alias counts).
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_COMPLEXITY", default_value_t = 5_000)]
    pub graphql_max_complexity: usize,

    /// Key that signs access tokens (at least 32 bytes, at least 8 distinct
    /// bytes). When unset, the key file is used (see `--jwt-secret-file`).
    #[arg(long, env = "MASTHEAD_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// File holding the signing key, generated (mode 0600) on first start when
    /// missing. Default: `masthead.jwt.key` beside the SQLite file, or in the
    /// working directory for PostgreSQL. Never kept in the database.
    #[arg(long, env = "MASTHEAD_JWT_SECRET_FILE", value_name = "PATH")]
    pub jwt_secret_file: Option<std::path::PathBuf>,

    /// Lifetime of access tokens, in seconds.
    #[arg(long, env = "MASTHEAD_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,

    /// Lifetime of refresh tokens, in days.
    #[arg(long, env = "MASTHEAD_REFRESH_TOKEN_DAYS", default_value_t = 30)]
    pub refresh_token_days: u32,

    /// Seconds during which a refresh token already exchanged may be exchanged
    /// again without signing the login out (a lost answer, two requests
    /// refreshing at once); later reuse revokes the login. 0 to 3600; 0 turns
    /// the grace off.
    #[arg(long, env = "MASTHEAD_REFRESH_REUSE_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(0..=3600))]
    pub refresh_reuse_seconds: u32,

    /// Largest JSON request body of the REST API (`/api/v1`), in bytes,
    /// counted after decompression (`/graphql` has `--graphql-max-body-bytes`).
    #[arg(long, env = "MASTHEAD_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,

    /// Largest request head (request line and headers together), in bytes;
    /// a larger one is refused with `431` (1 KiB to 128 KiB).
    #[arg(long, env = "MASTHEAD_MAX_HEADER_BYTES", default_value_t = 32_768,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1_024..=131_072))]
    pub max_header_bytes: usize,

    /// Webhook delivery: address rules, worker, retries.
    #[command(flatten)]
    pub webhooks: crate::webhooks::WebhookSettings,

    /// Reply rate limits, blocked words and client addresses.
    #[command(flatten)]
    pub replies: crate::app::replies::settings::ReplySettings,
    /// Sign-in attempts allowed per client IP (an IPv6 /64 counts as one client) per window.
    #[arg(long, env = "MASTHEAD_LOGIN_IP_LIMIT", default_value_t = 10)]
    pub login_ip_limit: u32,

    /// Length of the per-IP sign-in window, in seconds.
    #[arg(long, env = "MASTHEAD_LOGIN_IP_WINDOW", default_value_t = 60)]
    pub login_ip_window: u64,

    /// Failed sign-ins allowed per account e-mail per window, before that account is locked out.
    #[arg(long, env = "MASTHEAD_LOGIN_ACCOUNT_FAILURES", default_value_t = 5)]
    pub login_account_failures: u32,

    /// Length of the per-account failure window, in seconds.
    #[arg(long, env = "MASTHEAD_LOGIN_ACCOUNT_WINDOW", default_value_t = 900)]
    pub login_account_window: u64,

    /// Seconds a node keeps serving after SIGTERM or SIGINT with `/readyz`
    /// answering `503`, so a load balancer takes it out before it stops
    /// accepting (0 to 300).
    #[arg(long, env = "MASTHEAD_SHUTDOWN_DRAIN_SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_drain_seconds: u64,

    /// Address of the Prometheus metrics listener (`GET /metrics`), apart
    /// from the public one so it can stay private, e.g. `127.0.0.1:9464`
    /// (port 0 picks a free port). Unset: no metrics are served or counted.
    #[arg(long, env = "MASTHEAD_METRICS_BIND", value_name = "ADDRESS")]
    pub metrics_bind: Option<String>,

    /// Which reverse proxies are trusted to name the client (sign-in and reply limits).
    #[command(flatten)]
    pub proxies: crate::client_address::ProxySettings,

    /// Not a flag: the time source of every rate limit (tests move it).
    #[arg(skip)]
    pub limit_clock: crate::rate_limit::LimitClock,
    /// Revisions kept per article: beyond it the oldest are pruned, except the
    /// one that went out at the latest publication. 0 keeps every revision.
    #[arg(long, env = "MASTHEAD_REVISIONS_KEEP", default_value_t = 0)]
    pub revisions_keep: u32,
    /// Largest request body accepted by `/graphql`, in bytes (queries are small;
    /// a whole article with its body fits easily).
    #[arg(
        long,
        env = "MASTHEAD_GRAPHQL_MAX_BODY_BYTES",
        default_value_t = 65_536
    )]
    pub graphql_max_body_bytes: usize,

    /// Most field selections in one GraphQL query, every alias and every
    /// fragment use counted: refused before validation, so alias floods cost nothing.
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_FIELDS", default_value_t = 1_000)]
    pub graphql_max_fields: usize,

    /// Most directives (`@include`, `@skip`, …) in one GraphQL query.
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_DIRECTIVES", default_value_t = 50)]
    pub graphql_max_directives: usize,

    /// Most operations in one batched GraphQL request (a JSON array); 0 refuses batches.
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_BATCH", default_value_t = 10)]
    pub graphql_max_batch: usize,

    /// Largest GraphQL document automatic persisted queries register, in bytes.
    #[arg(
        long,
        env = "MASTHEAD_GRAPHQL_PERSISTED_MAX_BYTES",
        default_value_t = 16_384
    )]
    pub graphql_persisted_max_bytes: usize,

    /// Most documents automatic persisted queries keep (in the database);
    /// past it the least recently used go. 0 turns registration off.
    #[arg(
        long,
        env = "MASTHEAD_GRAPHQL_PERSISTED_MAX_DOCUMENTS",
        default_value_t = 10_000
    )]
    pub graphql_persisted_max_documents: u64,

    /// A manifest of trusted GraphQL documents (hash -> document, as GraphQL
    /// Code Generator's client preset and the Relay compiler write it);
    /// each is also addressable by its SHA-256 as a persisted query.
    #[arg(long, env = "MASTHEAD_GRAPHQL_TRUSTED_DOCUMENTS", value_name = "FILE")]
    pub graphql_trusted_documents: Option<std::path::PathBuf>,

    /// Refuse every GraphQL operation from anonymous callers that is not in
    /// `--graphql-trusted-documents` (staff are exempt).
    #[arg(long, env = "MASTHEAD_GRAPHQL_TRUSTED_ONLY", default_value_t = false, action = ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub graphql_trusted_only: bool,

    /// Largest page (`first` / `last`) a GraphQL connection serves (at most 100).
    #[arg(long, env = "MASTHEAD_GRAPHQL_MAX_PAGE_SIZE", default_value_t = 100,
          value_parser = clap::value_parser!(u16).range(1..=100))]
    pub graphql_max_page_size: u16,
}

/// Who publishes: the identity feeds, sitemaps and NewsArticle JSON-LD
/// announce. Every absolute URL they carry starts with `--public-url`.
#[derive(Debug, Clone, Args)]
pub struct SiteSettings {
    /// Name of the publication (feed titles, Google News `publication`).
    #[arg(long, env = "MASTHEAD_SITE_NAME", default_value = "Masthead")]
    pub site_name: String,

    /// One-line description of the publication (feed descriptions).
    #[arg(
        long,
        env = "MASTHEAD_SITE_DESCRIPTION",
        default_value = "News from the Masthead newsroom"
    )]
    pub site_description: String,

    /// Language of the content, a BCP 47 tag such as `en` or `pt-BR`.
    #[arg(long, env = "MASTHEAD_SITE_LANGUAGE", default_value = "en",
          value_parser = parse_language)]
    pub site_language: String,

    /// Publisher named in structured data (defaults to the site name).
    #[arg(long, env = "MASTHEAD_PUBLISHER_NAME")]
    pub publisher_name: Option<String>,

    /// Absolute URL of the publisher's logo, for structured data.
    #[arg(long, env = "MASTHEAD_PUBLISHER_LOGO_URL", value_parser = parse_absolute_url)]
    pub publisher_logo_url: Option<String>,

    /// Path of an author's page on the website; `{slug}` is replaced.
    #[arg(long, env = "MASTHEAD_AUTHOR_PATH", default_value = "/authors/{slug}")]
    pub author_path: String,

    /// Path of a tag's page on the website; `{slug}` is replaced.
    #[arg(long, env = "MASTHEAD_TAG_PATH", default_value = "/tags/{slug}")]
    pub tag_path: String,

    /// URLs per monthly article sitemap (at most the protocol's 50,000); a
    /// month with more is split into `{yyyy}-{mm}-{n}.xml` parts.
    #[arg(long, env = "MASTHEAD_SITEMAP_URLS_PER_FILE", default_value_t = 50_000,
          value_parser = clap::value_parser!(u64).range(1..=50_000))]
    pub sitemap_urls_per_file: u64,
}

impl SiteSettings {
    /// The publisher's name: `--publisher-name`, else the site name.
    pub fn publisher(&self) -> &str {
        self.publisher_name.as_deref().unwrap_or(&self.site_name)
    }
}

/// A BCP 47 language tag, loosely: 1–8 letter primary subtag, then
/// alphanumeric subtags of 1–8 characters joined by `-`.
fn parse_language(value: &str) -> Result<String, String> {
    let well_formed = !value.is_empty()
        && value.split('-').enumerate().all(|(i, part)| {
            (1..=8).contains(&part.len())
                && if i == 0 {
                    part.chars().all(|c| c.is_ascii_alphabetic())
                } else {
                    part.chars().all(|c| c.is_ascii_alphanumeric())
                }
        });
    if well_formed {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not a BCP 47 language tag such as `en` or `pt-BR`"
        ))
    }
}

/// An absolute `http(s)` URL with a `{token}` placeholder.
fn parse_preview_url(value: &str) -> Result<String, String> {
    let url = parse_absolute_url(value)?;
    if url.contains("{token}") {
        Ok(url)
    } else {
        Err(format!("`{value}` has no `{{token}}` placeholder"))
    }
}

/// `s3://bucket` or `s3://bucket/prefix`.
fn parse_s3_url(value: &str) -> Result<String, String> {
    match value.strip_prefix("s3://") {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(value.trim_end_matches('/').to_owned())
        }
        _ => Err(format!("`{value}` is not an s3://bucket[/prefix] address")),
    }
}

/// An absolute `http(s)` URL.
fn parse_absolute_url(value: &str) -> Result<String, String> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !value.chars().any(char::is_whitespace) => {
            Ok(value.to_owned())
        }
        _ => Err(format!("`{value}` is not an absolute http(s) URL")),
    }
}

/// Where the media library keeps its files.
#[derive(Debug, Clone, Args)]
pub struct MediaSettings {
    /// Directory of originals and renditions; default `media/` beside the
    /// SQLite file, or `./media` for PostgreSQL and in-memory databases.
    #[arg(long, env = "MASTHEAD_MEDIA_DIR", conflicts_with = "media_store")]
    pub media_dir: Option<std::path::PathBuf>,

    /// An S3-compatible bucket instead of a directory, shared by every node:
    /// `s3://bucket` or `s3://bucket/prefix`. Credentials, region and endpoint
    /// come from the usual AWS variables (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
    /// `AWS_ENDPOINT_URL` for MinIO, R2 and the like, `AWS_ALLOW_HTTP=true`
    /// for a plain-http endpoint).
    #[arg(long, env = "MASTHEAD_MEDIA_STORE", value_parser = parse_s3_url)]
    pub media_store: Option<String>,

    /// Largest image upload, in bytes (1 KiB to 100 MiB): a larger body is
    /// refused with 413 before it is read to the end.
    #[arg(long, env = "MASTHEAD_MEDIA_MAX_BYTES", default_value_t = crate::media::inspect::DEFAULT_MAX_BYTES,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1024..=104_857_600))]
    pub media_max_bytes: usize,

    /// Absolute address in front of `/media/…` rendition paths wherever an
    /// absolute URL is needed (feeds, sitemaps, NewsArticle JSON-LD); default
    /// `--public-url`. Set it when this server or a CDN serves media on another host.
    #[arg(long, env = "MASTHEAD_MEDIA_PUBLIC_URL", value_parser = parse_absolute_url)]
    pub media_public_url: Option<String>,
}

impl MediaSettings {
    /// The directory media is kept in for the database at `database_url`.
    pub fn dir(&self, database_url: &str) -> std::path::PathBuf {
        if let Some(dir) = &self.media_dir {
            return dir.clone();
        }
        let key = crate::auth::signing_key::default_key_file(database_url);
        key.with_file_name("media")
    }
}

impl Settings {
    /// Whether to load demo content into an empty database.
    pub fn load_demo(&self) -> bool {
        self.demo && !self.no_demo
    }

    /// Settings for tests and embedding: the defaults, on this database, on a
    /// free port. `MASTHEAD_*` variables are ignored, so a developer's own
    /// environment cannot change (or break) what a test runs against.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        use clap::{Command, FromArgMatches};
        let command = Self::augment_args(Command::new("masthead"))
            .mut_args(|arg| arg.env(None::<&'static str>));
        // Without arguments and without environment only the declared defaults
        // are parsed; a default that fails its own parser is a bug in this file.
        #[allow(clippy::expect_used)]
        let mut settings = command
            .try_get_matches_from(["masthead"])
            .and_then(|matches| Self::from_arg_matches(&matches))
            .expect("the declared defaults parse");
        settings.database.database_url = database_url.into();
        settings.bind = "127.0.0.1:0".to_owned();
        settings
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Settings;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    #[test]
    fn site_identity_flags_are_checked_at_start() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("masthead").chain(args.iter().copied()))
                .map(|cli| cli.settings.site)
        };
        let defaults = parse(&[]).unwrap();
        assert_eq!(defaults.site_language, "en");
        assert_eq!(defaults.publisher(), "Masthead", "the site name by default");
        let set = parse(&["--site-name", "The Ledger", "--site-language", "pt-BR"]).unwrap();
        assert_eq!(set.publisher(), "The Ledger");
        assert_eq!(set.site_language, "pt-BR");
        assert!(parse(&["--site-language", "en_GB"]).is_err());
        assert!(parse(&["--site-language", ""]).is_err());
        assert!(parse(&["--site-language", "averyverylongtag"]).is_err());
        assert!(parse(&["--publisher-logo-url", "/logo.png"]).is_err());
        assert!(parse(&["--publisher-logo-url", "javascript:alert(1)"]).is_err());
        assert!(parse(&["--publisher-logo-url", "https://example.com/logo.png"]).is_ok());
    }

    #[test]
    fn the_ide_is_on_unless_switched_off_by_flag_or_environment() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("masthead").chain(args.iter().copied()))
                .map(|cli| cli.settings.graphiql)
        };
        assert_eq!(parse(&[]).ok(), Some(true));
        assert_eq!(parse(&["--graphiql", "false"]).ok(), Some(false));
        assert_eq!(parse(&["--graphiql", "true"]).ok(), Some(true));
        assert!(parse(&["--graphiql", "maybe"]).is_err());
        let command = <Cli as clap::CommandFactory>::command();
        let flag = command
            .get_arguments()
            .find(|arg| arg.get_id() == "graphiql")
            .expect("the --graphiql flag");
        assert_eq!(
            flag.get_env().and_then(|name| name.to_str()),
            Some("MASTHEAD_GRAPHIQL")
        );
    }

    #[test]
    fn the_public_cache_bound_is_checked_at_start() {
        let parse = |mb: &str| Cli::try_parse_from(["masthead", "--public-cache-mb", mb]);
        assert_eq!(
            parse("0").map(|cli| cli.settings.public_cache_mb).ok(),
            Some(0)
        );
        assert_eq!(
            parse("4096").map(|cli| cli.settings.public_cache_mb).ok(),
            Some(4096)
        );
        assert!(parse("4097").is_err(), "more than 4 GiB is refused");
        assert!(parse("-1").is_err());
    }

    #[test]
    fn postgres_writers_are_bounded() {
        let parse = |count: &str| {
            Cli::try_parse_from(["masthead", "--postgres-writers", count])
                .map(|cli| cli.settings.database.postgres_writers)
        };
        assert_eq!(parse("1").ok(), Some(Some(1)));
        assert_eq!(parse("64").ok(), Some(Some(64)));
        for bad in ["0", "65", "-1", "four"] {
            assert!(parse(bad).is_err(), "{bad} is refused");
        }
        let unset =
            Cli::try_parse_from(["masthead"]).map(|cli| cli.settings.database.postgres_writers);
        assert_eq!(unset.ok(), Some(None), "the default is chosen by the store");
    }

    #[test]
    fn the_media_store_is_an_s3_address_and_excludes_a_media_directory() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("masthead").chain(args.iter().copied()))
                .map(|cli| cli.settings.media)
        };
        let store = |args: &[&str]| parse(args).ok().and_then(|media| media.media_store);
        assert_eq!(
            store(&["--media-store", "s3://atlas-media/news/"]).as_deref(),
            Some("s3://atlas-media/news")
        );
        assert_eq!(
            store(&["--media-store", "s3://atlas-media"]).as_deref(),
            Some("s3://atlas-media")
        );
        for bad in [
            "atlas-media",
            "s3://",
            "s3:///news",
            "https://atlas-media",
            "s3://a b",
        ] {
            assert!(parse(&["--media-store", bad]).is_err(), "{bad}");
        }
        let both = parse(&[
            "--media-store",
            "s3://atlas-media",
            "--media-dir",
            "/srv/media",
        ]);
        assert!(both.is_err(), "a bucket and a directory at once");
        assert!(parse(&["--media-public-url", "cdn.example"]).is_err());
    }

    /// Set in the child process of the test below, which runs with a
    /// developer's `MASTHEAD_*` variables; the environment is process-wide, so
    /// only a child may change it without racing the other tests.
    const CHILD: &str = "MASTHEAD_CONFIG_TEST_CHILD";

    #[test]
    fn settings_for_tests_ignore_the_developers_masthead_variables() {
        if std::env::var_os(CHILD).is_some() {
            // The variables are really there: the command line reads them...
            let from_env = Cli::try_parse_from(["masthead"]).map(|cli| cli.settings);
            assert_eq!(
                from_env.map(|settings| settings.public_cache_mb).ok(),
                None,
                "an out-of-range MASTHEAD_GRAPHQL_MAX_PAGE_SIZE fails the command line"
            );
            // ...and the test settings do not.
            let settings = Settings::for_database("sqlite::memory:");
            assert_eq!(settings.public_cache_mb, 16);
            assert!(settings.load_demo());
            assert_eq!(settings.graphql_max_page_size, 100);
            assert_eq!(settings.replies.reply_rate_limit, 5);
            assert_eq!(settings.jwt_secret, None);
            assert_eq!(settings.bind, "127.0.0.1:0");
            assert_eq!(settings.database.database_url, "sqlite::memory:");
            return;
        }
        let name = "config::tests::settings_for_tests_ignore_the_developers_masthead_variables";
        let output = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args(["--exact", name, "--test-threads=1"])
            .env(CHILD, "1")
            .env("MASTHEAD_PUBLIC_CACHE_MB", "0")
            .env("MASTHEAD_DEMO", "false")
            .env("MASTHEAD_GRAPHQL_MAX_PAGE_SIZE", "1000")
            .env("MASTHEAD_REPLY_RATE_LIMIT", "1")
            .env(
                "MASTHEAD_JWT_SECRET",
                "a developer's own secret, 32 bytes long",
            )
            .env("MASTHEAD_BIND", "0.0.0.0:9999")
            .env("MASTHEAD_DATABASE_URL", "postgres://nobody@192.0.2.1/none")
            .output()
            .expect("run the test binary again");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "the child run failed or ran nothing:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    #[test]
    fn the_refresh_reuse_interval_is_bounded_at_start() {
        let parse = |value: &str| {
            Cli::try_parse_from(["masthead", "--refresh-reuse-seconds", value])
                .map(|cli| cli.settings.refresh_reuse_seconds)
        };
        assert_eq!(parse("0").ok(), Some(0), "0 turns the grace off");
        assert_eq!(parse("3600").ok(), Some(3600));
        assert!(parse("3601").is_err());
        assert!(parse("-1").is_err());
        assert_eq!(
            Settings::for_database("sqlite::memory:").refresh_reuse_seconds,
            30
        );
    }

    #[test]
    fn the_request_head_bound_is_checked_at_start() {
        let parse = |bytes: &str| Cli::try_parse_from(["masthead", "--max-header-bytes", bytes]);
        assert_eq!(
            parse("1024").map(|cli| cli.settings.max_header_bytes).ok(),
            Some(1024)
        );
        assert!(parse("1023").is_err());
        assert!(
            parse("131073").is_err(),
            "beyond what the HTTP parser buffers"
        );
    }
}
