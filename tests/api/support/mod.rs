//! Spawns the real server on port 0 against a fresh database, the way a
//! frontend would meet it: over HTTP.

#![allow(dead_code)]

pub mod rest;

pub mod assets;
pub mod cli;
pub mod content;
pub mod gql;
pub mod media;
pub mod ws;

use std::sync::{Arc, Once};

use masthead_api::events::Events;
use masthead_api::{Application, Settings};
use masthead_domain::{DisplayName, Email, Password, Role};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;
use serde_json::Value;

pub mod workflow;

/// Settings for a server on `database`, its JWT key file in the temporary
/// directory (one per database, so peers agree), never in the repository.
pub fn settings_for(database: &TestDatabase) -> Settings {
    let mut settings = Settings::for_database(database.url.clone());
    settings.jwt_secret_file = Some(key_file_for(&database.url));
    let key = key_file_for(&database.url);
    settings.media.media_dir = Some(key.with_extension("media"));
    settings
}

/// The JWT key file of every server on the database at `url`, in the
/// temporary directory.
pub fn key_file_for(url: &str) -> std::path::PathBuf {
    use sha2::Digest;
    let name: String = sha2::Sha256::digest(url.as_bytes())
        .iter()
        .take(12)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    std::env::temp_dir().join(format!("masthead-test-{name}.jwt.key"))
}

/// A signed-in member of staff.
pub struct Session {
    /// Bearer token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
    /// The account's id.
    pub user_id: String,
    /// Sign-in address.
    pub email: String,
    /// Password in clear.
    pub password: String,
}

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// An HTTP client with cookies off and no redirects followed.
    pub client: reqwest::Client,
    /// Which database it runs on, for assertion messages.
    pub backend: &'static str,
    /// Kept alive for the duration of the test; dropped (and deleted) after
    /// the last server on it (see [`TestApp::spawn_peer`]).
    pub database: Arc<TestDatabase>,
    /// The server's own database handle (its statement counter, direct inserts).
    pub store: Store,
    /// The server's event bus: tests raise events through it as the app would.
    pub events: Events,
    /// `http://127.0.0.1:PORT` of the metrics listener, with `--metrics-bind`.
    pub metrics_address: Option<String>,
}

impl TestApp {
    /// Starts a server with demo content on `database`.
    pub async fn spawn(database: TestDatabase) -> Self {
        Self::spawn_with(database, |_| {}).await
    }

    /// Starts a server on `database` after `configure` adjusted the settings.
    pub async fn spawn_with(database: TestDatabase, configure: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(Arc::new(database), configure).await
    }

    /// Starts a second server node on this server's database, as a scaled-out
    /// deployment runs several nodes on one PostgreSQL.
    pub async fn spawn_peer(&self) -> Self {
        Self::spawn_on(self.database.clone(), |_| {}).await
    }

    /// A second server node on this server's database after `configure`
    /// adjusted its settings.
    pub async fn spawn_peer_with(&self, configure: impl FnOnce(&mut Settings)) -> Self {
        Self::spawn_on(self.database.clone(), configure).await
    }

    async fn spawn_on(database: Arc<TestDatabase>, configure: impl FnOnce(&mut Settings)) -> Self {
        init_test_log();
        let mut settings = settings_for(&database);
        // Every test signs in from 127.0.0.1; only rate-limit tests want the real limit.
        settings.login_ip_limit = 100_000;
        configure(&mut settings);
        let application = Application::build(settings)
            .await
            .expect("build the application");
        let address = format!("http://127.0.0.1:{}", application.port());
        let store = application.store();
        let events = application.events();
        let metrics_address = application
            .metrics_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        tokio::spawn(application.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("build the client");
        Self {
            address,
            client,
            backend: database.backend,
            database,
            store,
            events,
            metrics_address,
        }
    }

    /// One server per configured backend (SQLite always, PostgreSQL when set).
    pub async fn spawn_all() -> Vec<Self> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(Self::spawn(database).await);
        }
        apps
    }

    /// One server per configured backend, each after `configure` adjusted its settings.
    pub async fn spawn_all_with(configure: impl Fn(&mut Settings)) -> Vec<Self> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(Self::spawn_with(database, &configure).await);
        }
        apps
    }

    /// The server's own database handle, for arranging what HTTP cannot.
    /// Writes through it retire the server's cached public reads, as writes
    /// through the API do.
    pub async fn store(&self) -> Store {
        self.store.clone()
    }

    /// `method path` with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("send the request")
    }

    /// POSTs a GraphQL query as the holder of `token` (anonymous when `None`).
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        self.send(
            reqwest::Method::POST,
            "/graphql",
            token,
            Some(&serde_json::json!({ "query": query, "variables": variables })),
        )
        .await
        .json()
        .await
        .expect("GraphQL answers JSON")
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET")
    }

    /// Creates a staff account with `role` directly in the database and signs
    /// it in over HTTP; returns (access token, user id, password).
    pub async fn sign_in_new(&self, role: Role) -> Session {
        let Staff {
            user_id,
            email,
            password,
        } = create_staff(&self.store, role).await;
        let response: Value = self
            .client
            .post(format!("{}/api/v1/auth/login", self.address))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login JSON");
        Session {
            access_token: response["access_token"]
                .as_str()
                .expect("an access token")
                .to_owned(),
            refresh_token: response["refresh_token"]
                .as_str()
                .expect("a refresh token")
                .to_owned(),
            user_id,
            email,
            password,
        }
    }

    /// POSTs a GraphQL query with variables and returns the JSON answer.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.address))
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("POST /graphql")
            .json()
            .await
            .expect("GraphQL answers JSON")
    }

    /// One server per configured backend, each without demo content and with
    /// `configure` applied to its settings.
    pub async fn spawn_all_empty_with(configure: impl Fn(&mut Settings)) -> Vec<Self> {
        let mut apps = Vec::new();
        for database in TestDatabase::all().await {
            apps.push(
                Self::spawn_with(database, |settings| {
                    settings.demo = false;
                    configure(settings);
                })
                .await,
            );
        }
        apps
    }
}

/// A staff account made directly in the database, with its password in clear.
pub struct Staff {
    /// The account's id.
    pub user_id: String,
    /// Sign-in address (unique per call).
    pub email: String,
    /// Password in clear.
    pub password: String,
}

/// Creates an active staff account with `role` in `store`.
pub async fn create_staff(store: &Store, role: Role) -> Staff {
    let password = format!("correct horse {}", uuid::Uuid::now_v7().simple());
    let email = format!(
        "{}-{}@newsroom.example",
        role.as_str(),
        uuid::Uuid::now_v7().simple()
    );
    let hash = masthead_api::auth::password::hash(Password::parse("password", &password).unwrap())
        .await
        .expect("hash");
    let user = store
        .users()
        .create(NewUser {
            email: Email::parse("email", &email).unwrap(),
            display_name: DisplayName::parse("name", &format!("Test {}", role.as_str())).unwrap(),
            slug: None,
            bio: None,
            role,
            password_hash: hash,
        })
        .await
        .expect("create user");
    Staff {
        user_id: user.id.to_string(),
        email,
        password,
    }
}

/// The real `masthead` binary, started without the developer's `MASTHEAD_*`
/// variables: a test sets the ones it means.
pub fn masthead_command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_masthead"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MASTHEAD_") {
            command.env_remove(name);
        }
    }
    command
}

/// With `TEST_LOG` set (to anything but `0`), the servers' logs go to the
/// test's captured output (shown for a failing test, or for all with
/// `-- --nocapture`), filtered by `RUST_LOG` (default `info`); without it the
/// tests are quiet. Installed once for the whole test binary.
pub fn init_test_log() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if std::env::var_os("TEST_LOG").is_none_or(|value| value == "0") {
            return;
        }
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
        // Another subscriber may already be installed; then that one logs.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}

/// The `extensions.code` of the first GraphQL error, if any.
pub fn graphql_error_code(answer: &Value) -> Option<&str> {
    answer["errors"][0]["extensions"]["code"].as_str()
}

/// The `Retry-After` past a used-up rate limit of `limit` per `window`
/// seconds, right at the start of the tests' manual clock: one event's share
/// of the window when the server counts in memory (SQLite), the rest of the
/// fixed window when all nodes count in the database (PostgreSQL; the manual
/// clock starts where every window up to a day starts).
pub fn limit_wait(backend: &str, limit: u64, window: u64) -> u64 {
    if backend == "postgres" {
        window
    } else {
        window / limit
    }
}
