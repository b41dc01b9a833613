//! Automatic persisted queries (Apollo's protocol) and trusted documents on
//! both databases: an unknown hash is `PERSISTED_QUERY_NOT_FOUND` with
//! Apollo's message; a registration checks the hash and the size; a
//! registered hash runs over GET on any node with a cacheable answer (ETag,
//! 304); the store is bounded (least recently used go); with
//! `--graphql-trusted-only` anonymous callers run listed documents only,
//! staff anything; a bad manifest stops the start with one line.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Response;
use serde_json::{json, Value};
use sha2::Digest;
use support::TestApp;

const QUERY: &str = "query Site { site { name } }";

fn sha256(text: &str) -> String {
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn extension(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// `GET /graphql` naming the document by `hash` alone.
async fn get_hash(app: &TestApp, hash: &str, if_none_match: Option<&str>) -> Response {
    let mut request = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("extensions", extension(hash).to_string())]);
    if let Some(tag) = if_none_match {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.unwrap()
}

/// `POST /graphql` with `body`: (status, answer).
async fn post(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value) {
    let response = app
        .send(reqwest::Method::POST, "/graphql", token, Some(&body))
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The first `next` (or `error`) message of operation `id` on the socket.
async fn answer_of(socket: &mut support::ws::Socket, id: &str) -> Value {
    loop {
        let message = support::ws::next(socket).await;
        if message["id"] == id && (message["type"] == "next" || message["type"] == "error") {
            return message;
        }
    }
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap())
}

#[each_database]
async fn miss_register_then_cacheable_hits_over_get_on_any_node() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let hash = sha256(QUERY);
        let miss = get_hash(&app, &hash, None).await;
        assert_eq!(miss.status(), 200, "{}", app.backend);
        assert_eq!(header(&miss, "cache-control"), Some("private, no-store"));
        let body: Value = miss.json().await.unwrap();
        assert_eq!(
            body["errors"][0]["message"], "PersistedQueryNotFound",
            "{body}"
        );
        assert_eq!(
            support::graphql_error_code(&body),
            Some("PERSISTED_QUERY_NOT_FOUND")
        );
        // Apollo Client's retry: POST with the query and the hash.
        let (status, body) = post(
            &app,
            None,
            json!({ "query": QUERY, "extensions": extension(&hash) }),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["site"]["name"], "Masthead", "{body}");
        // Now the hash alone works over GET, as a public, cacheable read.
        let hit = get_hash(&app, &hash, None).await;
        assert_eq!(hit.status(), 200);
        let cache_control = header(&hit, "cache-control").unwrap().to_owned();
        assert!(cache_control.starts_with("public"), "{cache_control}");
        let etag = header(&hit, "etag").expect("an ETag").to_owned();
        let body: Value = hit.json().await.unwrap();
        assert_eq!(body["data"]["site"]["name"], "Masthead");
        let again = get_hash(&app, &hash, Some(&etag)).await;
        assert_eq!(again.status(), 304);
        // Over POST too, by hash alone.
        let (_, body) = post(&app, None, json!({ "extensions": extension(&hash) })).await;
        assert_eq!(body["data"]["site"]["name"], "Masthead", "{body}");
        // Another node on the same database knows it (the store is shared).
        let peer = app.spawn_peer().await;
        let body: Value = get_hash(&peer, &hash, None).await.json().await.unwrap();
        assert_eq!(body["data"]["site"]["name"], "Masthead", "peer: {body}");
        assert_eq!(app.store.persisted_documents().count().await.unwrap(), 1);
    }
}

#[each_database]
async fn registrations_are_checked_and_the_store_is_bounded() {
    let apps = TestApp::spawn_all_empty_with(|settings| {
        settings.graphql_persisted_max_bytes = 100;
        settings.graphql_persisted_max_documents = 2;
    })
    .await;
    for app in apps {
        let (status, body) = post(
            &app,
            None,
            json!({ "query": QUERY, "extensions": extension(&sha256("{ site { url } }")) }),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            support::graphql_error_code(&body),
            Some("PERSISTED_QUERY_HASH_MISMATCH"),
            "{body}"
        );
        let big = format!("query Big {{ site {{ name }} }} # {}", "x".repeat(100));
        let (status, body) = post(
            &app,
            None,
            json!({ "query": big, "extensions": extension(&sha256(&big)) }),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            support::graphql_error_code(&body),
            Some("PERSISTED_QUERY_TOO_LARGE"),
            "{body}"
        );
        let bad_version =
            json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256(QUERY) } });
        let (_, body) = post(
            &app,
            None,
            json!({ "query": QUERY, "extensions": bad_version }),
        )
        .await;
        assert_eq!(
            support::graphql_error_code(&body),
            Some("PERSISTED_QUERY_NOT_SUPPORTED"),
            "{body}"
        );
        let (status, body) =
            post(&app, None, json!({ "extensions": extension("not-a-hash") })).await;
        assert_eq!(status, 400);
        assert_eq!(
            support::graphql_error_code(&body),
            Some("BAD_REQUEST"),
            "{body}"
        );
        assert_eq!(
            app.store.persisted_documents().count().await.unwrap(),
            0,
            "nothing stored"
        );
        // A mutation named by hash is still refused over GET.
        let mutation = "mutation { logout(refreshToken: \"x\") }";
        post(
            &app,
            None,
            json!({ "query": mutation, "extensions": extension(&sha256(mutation)) }),
        )
        .await;
        let response = get_hash(&app, &sha256(mutation), None).await;
        assert_eq!(response.status(), 405, "mutation over GET");

        // Bounded: the least recently used go past two.
        let documents = [
            "{ site { name } }",
            "{ site { url } }",
            "{ site { language } }",
        ];
        for document in documents {
            let (_, body) = post(
                &app,
                None,
                json!({ "query": document, "extensions": extension(&sha256(document)) }),
            )
            .await;
            assert!(body["data"].is_object(), "{document}: {body}");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert_eq!(app.store.persisted_documents().count().await.unwrap(), 2);
        let store = app.store.persisted_documents();
        assert!(store.get(&sha256(documents[2])).await.unwrap().is_some());
        assert!(
            store.get(&sha256(documents[0])).await.unwrap().is_none(),
            "oldest evicted"
        );
    }
}

/// A fresh directory under the system's temporary directory.
fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("masthead-manifest-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn manifest(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[each_database]
async fn trusted_only_runs_listed_documents_for_anonymous_callers_and_anything_for_staff() {
    let dir = temp_dir();
    let listed = "query Listed { site { name } }";
    let path = manifest(
        dir.as_path(),
        "persisted-documents.json",
        &json!({ sha256(listed): listed }).to_string(),
    );
    let apps = TestApp::spawn_all_with(|settings| {
        settings.demo = false;
        settings.graphql_trusted_documents = Some(path.clone());
        settings.graphql_trusted_only = true;
    })
    .await;
    for app in apps {
        let ad_hoc = "{ site { name url } }";
        let (status, body) = post(&app, None, json!({ "query": ad_hoc })).await;
        assert_eq!(status, 403, "{body}");
        assert_eq!(
            support::graphql_error_code(&body),
            Some("TRUSTED_DOCUMENT_REQUIRED")
        );
        // Registering an ad-hoc document does not get around it, nor store it.
        let (status, body) = post(
            &app,
            None,
            json!({ "query": ad_hoc, "extensions": extension(&sha256(ad_hoc)) }),
        )
        .await;
        assert_eq!(status, 403);
        assert_eq!(
            support::graphql_error_code(&body),
            Some("TRUSTED_DOCUMENT_REQUIRED")
        );
        assert_eq!(app.store.persisted_documents().count().await.unwrap(), 0);
        // A listed document runs by text, and by hash over GET (cacheable).
        let (_, body) = post(&app, None, json!({ "query": listed })).await;
        assert_eq!(body["data"]["site"]["name"], "Masthead", "{body}");
        let hit = get_hash(&app, &sha256(listed), None).await;
        assert!(header(&hit, "cache-control").unwrap().starts_with("public"));
        let body: Value = hit.json().await.unwrap();
        assert_eq!(body["data"]["site"]["name"], "Masthead", "{body}");
        // Over WebSocket too: a `subscribe` message carrying an ad-hoc query.
        let mut socket = support::ws::connect(&app, json!({})).await;
        support::ws::subscribe(&mut socket, "1", ad_hoc, json!({})).await;
        let answer = answer_of(&mut socket, "1").await;
        assert_eq!(
            answer["payload"]["errors"][0]["extensions"]["code"], "TRUSTED_DOCUMENT_REQUIRED",
            "{answer}"
        );
        assert_eq!(answer["payload"]["data"], Value::Null, "{answer}");
        support::ws::subscribe(&mut socket, "2", listed, json!({})).await;
        let answer = answer_of(&mut socket, "2").await;
        assert_eq!(
            answer["payload"]["data"]["site"]["name"], "Masthead",
            "{answer}"
        );
        // Staff are exempt: the desk and GraphiQL keep working.
        let editor = app.sign_in_new(Role::Editor).await;
        let mut socket = support::ws::connect(
            &app,
            json!({ "Authorization": format!("Bearer {}", editor.access_token) }),
        )
        .await;
        support::ws::subscribe(&mut socket, "1", ad_hoc, json!({})).await;
        let answer = support::ws::next(&mut socket).await;
        assert_eq!(
            answer["payload"]["data"]["site"]["name"], "Masthead",
            "staff over ws: {answer}"
        );
        let (_, body) = post(&app, Some(&editor.access_token), json!({ "query": ad_hoc })).await;
        assert_eq!(body["data"]["site"]["name"], "Masthead", "{body}");
    }
}

#[tokio::test]
async fn a_bad_manifest_stops_the_start_with_one_line() {
    let dir = temp_dir();
    let cases = [
        ("missing.json", None, "missing.json"),
        ("array.json", Some("[]"), "not a JSON object"),
        (
            "broken.json",
            Some("{\"abc\": \"query {\"}"),
            "not a GraphQL document",
        ),
    ];
    for (name, text, says) in cases {
        let path = match text {
            Some(text) => manifest(dir.as_path(), name, text),
            None => dir.as_path().join(name),
        };
        let database = format!("sqlite://{}?mode=rwc", dir.as_path().join("m.db").display());
        let output = support::masthead_command()
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--demo",
                "false",
                "--database-url",
                &database,
            ])
            .arg("--graphql-trusted-documents")
            .arg(&path)
            .env("RUST_LOG", "off")
            .output()
            .unwrap();
        assert!(!output.status.success(), "{name} started");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: {stderr}");
        assert!(
            lines[0].starts_with("masthead: refusing to start: --graphql-trusted-documents"),
            "{stderr}"
        );
        assert!(lines[0].contains(says), "{name}: {stderr}");
    }
    // --graphql-trusted-only without a manifest is refused too.
    let mut settings = masthead_api::Settings::for_database("sqlite::memory:");
    settings.graphql_trusted_only = true;
    let error = masthead_api::Application::build(settings)
        .await
        .err()
        .expect("refused");
    assert!(format!("{error:#}").contains("--graphql-trusted-documents"));
}
