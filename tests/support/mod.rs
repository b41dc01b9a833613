//! Spawns the real server on port 0 against a fresh database, the way a
//! frontend would meet it: over HTTP.

#![allow(dead_code)]

use masthead_api::{Application, Settings};
use masthead_persistence::testing::TestDatabase;
use serde_json::Value;

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// An HTTP client with cookies off and no redirects followed.
    pub client: reqwest::Client,
    /// Which database it runs on, for assertion messages.
    pub backend: &'static str,
    /// Kept alive for the duration of the test; dropped (and deleted) after.
    pub database: TestDatabase,
}

impl TestApp {
    /// Starts a server with demo content on `database`.
    pub async fn spawn(database: TestDatabase) -> Self {
        Self::spawn_with(database, |_| {}).await
    }

    /// Starts a server on `database` after `configure` adjusted the settings.
    pub async fn spawn_with(database: TestDatabase, configure: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = Settings::for_database(database.url.clone());
        configure(&mut settings);
        let application = Application::build(settings)
            .await
            .expect("build the application");
        let address = format!("http://127.0.0.1:{}", application.port());
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

    /// `GET path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET")
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
}
