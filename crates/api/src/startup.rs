//! Building and running the application: database, migrations, demo content,
//! routes, and the HTTP server with graceful shutdown (see [`crate::drain`]).

use std::net::TcpListener;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, Condition, NormalizePath, TrailingSlash};
use actix_web::{web, App, HttpRequest, HttpServer};
use anyhow::Context;
use masthead_persistence::{change_feed, Store};
use tracing_actix_web::TracingLogger;

use crate::app::replies::settings::Retired;
use crate::auth::rate_limit::LoginLimiter;
use crate::auth::signing_key;
use crate::auth::tokens::TokenKeys;
use crate::config::Settings;
use crate::error::{problem_response, ApiError, ApiErrorKind};
use crate::events::Events;
use crate::graphql::persisted::PersistedQueries;
use crate::graphql::trusted::TrustedDocuments;
use crate::public_cache::PublicCache;
use crate::state::AppState;
use crate::telemetry::RequestSpan;
use crate::{demo, graphql, head, health, index, rest, scheduler, security};

/// A built application, bound to its port but not yet serving.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    events: Events,
    metrics: Option<(Server, std::net::SocketAddr)>,
}

impl Application {
    /// Refuses retired settings, connects, migrates, loads demo content into
    /// an empty database when enabled, and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        match settings.replies.retired() {
            Retired::Nothing => {}
            Retired::Warn(message) => tracing::warn!("{message}"),
            Retired::Refuse(message) => anyhow::bail!("refusing to start: {message}"),
        }
        // A bad manifest stops the start before the database is touched.
        trusted_documents(&settings)?;
        let store = Store::connect_with_writers(
            &settings.database.database_url,
            settings.database.postgres_writers,
        )
        .await?
        .with_revisions_keep(settings.revisions_keep)
        .with_search_language(&settings.database.search_language)
        .with_article_url(&format!(
            "{}{}",
            settings.public_url.trim_end_matches('/'),
            settings.article_path
        ));
        store.migrate().await?;
        let demo = settings.load_demo() && store.is_empty().await?;
        let events = Events::connect(&store).await?;
        let state = AppState::build(store, settings, events).await?;
        if demo {
            // Into the server's own media store: the lead photo lands where it is served from.
            let admin_password = demo::loader::load(&state.store, Some(&state.media))
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            announce_first_admin(&state.settings, &admin_password);
        }
        let listener = TcpListener::bind(&state.settings.bind)?;
        let address = listener.local_addr()?;
        scheduler::spawn(state.store.clone(), state.events.clone());
        tokio::spawn(change_feed::relay_remote_changes(state.store.clone()));
        if state.settings.webhooks.webhooks_worker {
            let guard = crate::webhooks::target::Guard::new(&state.settings.webhooks)?;
            crate::webhooks::worker::spawn(
                state.store.clone(),
                state.settings.webhooks.clone(),
                guard,
            )?;
        }
        let (store, events) = (state.store.clone(), state.events.clone());
        let metrics = match &state.settings.metrics_bind {
            Some(bind) => Some(crate::metrics::server::serve(
                bind,
                crate::metrics::sampled::Sources {
                    store: state.store.clone(),
                    public_cache: state.public_cache.clone(),
                },
            )?),
            None => None,
        };
        let server = serve(listener, state)?;
        if let Some((_, metrics_address)) = &metrics {
            tracing::info!("Masthead metrics on http://{metrics_address}/metrics");
        }
        // Logged once the stop signals are handled: a SIGTERM from here on drains.
        tracing::info!("Masthead listening on http://{address}");
        Ok(Self {
            port: address.port(),
            server,
            store,
            events,
            metrics,
        })
    }

    /// The port of the metrics listener, when `--metrics-bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics.as_ref().map(|(_, address)| address.port())
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database handle the server uses (tests read its statement counter).
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// A handle that stops the server (tests stop a node and start another
    /// on the same database).
    pub fn server_handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The event bus the server uses (tests raise events through it).
    pub fn events(&self) -> Events {
        self.events.clone()
    }

    /// Serves until SIGTERM or SIGINT, drains (see [`crate::drain`]), then
    /// finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Some((metrics, _)) = self.metrics else {
            return self.server.await;
        };
        let metrics_handle = metrics.handle();
        let metrics_task = tokio::spawn(metrics);
        let served = self.server.await;
        metrics_handle.stop(false).await;
        let _ = metrics_task.await;
        served
    }
}

impl AppState {
    /// Everything handlers share, built from a migrated store and the settings;
    /// refuses settings that cannot work (short JWT secret, zero rate limits).
    pub async fn build(store: Store, settings: Settings, events: Events) -> anyhow::Result<Self> {
        let tokens = token_keys(&store, &settings).await?;
        let counting = crate::shared_limit::Counting::for_store(&store).await?;
        let replies = crate::app::replies::guard::ReplyGuard::new(
            &store,
            &settings.replies,
            &settings.limit_clock,
            &counting,
        )
        .await?;
        let login_limits = LoginLimiter::counting(&settings, &counting)
            .map_err(|reason| anyhow::anyhow!("refusing to start: {reason}"))?;
        let public_cache = PublicCache::new(
            settings.public_cache_mb * 1024 * 1024,
            store.content_clock(),
        );
        let trusted = trusted_documents(&settings)?;
        let media =
            crate::media::MediaStore::open(&settings.media, &settings.database.database_url)
                .map_err(|error| anyhow::anyhow!("refusing to start: {error}"))?;
        Ok(Self {
            media: Arc::new(media),
            persisted: Arc::new(PersistedQueries::new(trusted)),
            store,
            public_cache: Arc::new(public_cache),
            settings: Arc::new(settings),
            tokens: Arc::new(tokens),
            events,
            replies: Arc::new(replies),
            login_limits: Arc::new(login_limits),
            drain: crate::drain::Drain::default(),
        })
    }
}

/// Tells the first admin their generated password: in a text log, once, on
/// purpose; with structured (`json`) logs, which are shipped and kept, it goes
/// to a private file beside the key file instead, and the log names the file.
fn announce_first_admin(settings: &Settings, password: &str) {
    let email = demo::loader::ADMIN_EMAIL;
    if !crate::telemetry::json_logs() {
        tracing::warn!(
            email,
            password = %password,
            "demo content loaded; first admin created (shown once; change it with `masthead user set-password --email {email}`, or from a checkout `./target/release/masthead user set-password --email {email}`)"
        );
        return;
    }
    let path = signing_key::key_file(settings).with_file_name("masthead.admin-password");
    match signing_key::write_private_file(&path, password) {
        Ok(()) => tracing::warn!(
            email,
            path = %path.display(),
            "demo content loaded; first admin created; the password is in this file (mode 0600): read it, delete it, change the password"
        ),
        Err(error) => tracing::error!(
            email,
            %error,
            "demo content loaded; first admin created, but its password could not be written; set one with `masthead user set-password --email {email}`"
        ),
    }
}

/// The signing key (see [`crate::auth::signing_key`]), with the token lifetime.
/// The trusted-document manifest of `--graphql-trusted-documents`, read and
/// checked (empty without the flag); `--graphql-trusted-only` needs one.
fn trusted_documents(settings: &Settings) -> anyhow::Result<TrustedDocuments> {
    match &settings.graphql_trusted_documents {
        Some(path) => TrustedDocuments::load(path, settings.graphql_persisted_max_bytes)
            .context("refusing to start"),
        None if settings.graphql_trusted_only => anyhow::bail!(
            "refusing to start: --graphql-trusted-only needs --graphql-trusted-documents FILE"
        ),
        None => Ok(TrustedDocuments::default()),
    }
}

async fn token_keys(store: &Store, settings: &Settings) -> anyhow::Result<TokenKeys> {
    let secret = signing_key::load(store, settings).await?;
    let ttl = std::time::Duration::from_secs(settings.access_token_ttl);
    TokenKeys::new(&secret, ttl).map_err(|reason| anyhow::anyhow!("refusing to start: {reason}"))
}

fn serve(listener: TcpListener, state: AppState) -> anyhow::Result<Server> {
    let schema = graphql::build_schema(Some(state.clone()), &state.settings);
    let max_body = state.settings.max_body_bytes;
    let metrics = state.settings.metrics_bind.is_some();
    let stop = crate::drain::on_signal(
        state.drain.clone(),
        std::time::Duration::from_secs(state.settings.shutdown_drain_seconds),
    )?;
    let pages = web::Data::new(crate::pages::Pages::new(state.settings.graphiql));
    let desk = web::Data::new(crate::pages::desk::Desk::new(
        state.settings.desk_dir.as_deref(),
        state.settings.media.media_public_url.as_deref(),
    )?);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(from_fn(head::as_get))
            .wrap(Condition::new(
                metrics,
                from_fn(crate::metrics::http::record),
            ))
            .wrap(NormalizePath::new(TrailingSlash::Trim))
            .wrap(Compress::default())
            .wrap(cors(&state.settings.cors_origins))
            .wrap(from_fn(security::bound_request_head))
            .wrap(TracingLogger::<RequestSpan>::new())
            .wrap(from_fn(crate::trace_context::propagate))
            .wrap(security::default_headers())
            .wrap(from_fn(crate::drain::close_connections_while_draining))
            .app_data(web::Data::new(state.clone()))
            .app_data(web::Data::new(schema.clone()))
            .app_data(pages.clone())
            .app_data(desk.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(max_body)
                    .error_handler(json_error),
            )
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .service(health::healthz)
            .service(health::readyz)
            .service(index::index)
            .configure(rest::routes)
            .configure(graphql::routes)
            .configure(crate::syndication::routes)
            .configure(crate::pages::routes)
            .configure(crate::media::serve::routes)
            .default_service(web::to(not_found))
    })
    .shutdown_timeout(crate::drain::SHUTDOWN_TIMEOUT_SECONDS)
    .shutdown_signal(stop)
    .listen(listener)?
    .run();
    Ok(server)
}

fn cors(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .expose_headers([
            "etag",
            "location",
            "retry-after",
            "last-modified",
            "idempotent-replayed",
            "x-request-id",
            "traceparent",
        ])
        .max_age(3600);
    if origins.iter().any(|origin| origin == "*") {
        cors.allow_any_origin()
    } else {
        origins
            .iter()
            .fold(cors, |cors, origin| cors.allowed_origin(origin))
    }
}

pub(crate) fn json_error(
    error: actix_web::error::JsonPayloadError,
    _: &HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    use actix_web::http::StatusCode;
    let (status, code, detail) = match &error {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ApiErrorKind::PayloadTooLarge,
            "the request body is too large".to_owned(),
        ),
        JsonPayloadError::ContentType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiErrorKind::UnsupportedMediaType,
            "send application/json".to_owned(),
        ),
        JsonPayloadError::Deserialize(inner) if inner.is_data() => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ApiErrorKind::Invalid,
            inner.to_string(),
        ),
        other => (
            StatusCode::BAD_REQUEST,
            ApiErrorKind::MalformedJson,
            other.to_string(),
        ),
    };
    actix_web::error::InternalError::from_response(
        error,
        problem_response(status, code, detail, None),
    )
    .into()
}

fn query_error(error: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    let response =
        actix_web::ResponseError::error_response(&ApiError::BadRequest(error.to_string()));
    actix_web::error::InternalError::from_response(error, response).into()
}

fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    let response = actix_web::ResponseError::error_response(&ApiError::NotFound);
    actix_web::error::InternalError::from_response(error, response).into()
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
