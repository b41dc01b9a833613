//! The metrics listener (`--metrics-bind`): Prometheus text that parses, the
//! series of README's "Metrics" table moving as requests come, a bounded
//! route label, nothing on the public port; and the request id and trace
//! context every answer carries.

use std::collections::HashMap;

use crate::support;

use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use serde_json::json;
use support::TestApp;

/// The metrics as `(name, sorted labels) -> value`.
type Series = HashMap<(String, Vec<(String, String)>), f64>;

async fn scrape(app: &TestApp) -> Series {
    let address = app.metrics_address.as_ref().expect("metrics are on");
    let response = app
        .client
        .get(format!("{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    parse(&text)
}

/// Parses the text exposition strictly: every line is a `#` line or a
/// sample `name{label="value",...} number`, label values quoted with `\\`,
/// `\"` and `\n` escapes (a route template holds `{` and `}`, which
/// `prometheus-parse` 0.2 cannot read), and the OpenMetrics text ends in `# EOF`.
fn parse(text: &str) -> Series {
    assert_eq!(
        text.lines().last(),
        Some("# EOF"),
        "OpenMetrics ends with # EOF"
    );
    let mut series = Series::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let name_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or_else(|| panic!("no value: {line}"));
        let (name, mut rest) = line.split_at(name_end);
        assert!(!name.is_empty(), "{line}");
        let mut labels = Vec::new();
        if let Some(inner) = rest.strip_prefix('{') {
            rest = inner;
            while !rest.starts_with('}') {
                let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("{line}"));
                let mut value = String::new();
                let mut chars = after.char_indices();
                let end = loop {
                    match chars.next() {
                        Some((_, '\\')) => match chars.next() {
                            Some((_, 'n')) => value.push('\n'),
                            Some((_, escaped @ ('\\' | '"'))) => value.push(escaped),
                            other => panic!("bad escape {other:?}: {line}"),
                        },
                        Some((index, '"')) => break index,
                        Some((_, c)) => value.push(c),
                        None => panic!("unclosed label value: {line}"),
                    }
                };
                labels.push((key.to_owned(), value));
                rest = &after[end + 1..];
                rest = rest.strip_prefix(',').unwrap_or(rest);
            }
            rest = &rest[1..];
        }
        let number = rest.trim();
        let value: f64 = number
            .parse()
            .unwrap_or_else(|_| panic!("bad number {number:?}: {line}"));
        labels.sort();
        assert!(
            series.insert((name.to_owned(), labels), value).is_none(),
            "one sample per series: {line}"
        );
    }
    series
}

fn value(series: &Series, name: &str, labels: &[(&str, &str)]) -> f64 {
    let mut labels: Vec<(String, String)> = labels
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect();
    labels.sort();
    series
        .get(&(name.to_owned(), labels))
        .copied()
        .unwrap_or(0.0)
}

fn names(series: &Series) -> Vec<&str> {
    series.keys().map(|(name, _)| name.as_str()).collect()
}

#[each_database]
async fn metrics_count_requests_operations_and_cache_on_their_own_port() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn_with(database, |settings| {
            settings.metrics_bind = Some("127.0.0.1:0".to_owned());
        })
        .await;
        let before = scrape(&app).await;

        // REST twice: the second is a cache hit.
        let mut listed = serde_json::Value::Null;
        for _ in 0..2 {
            let response = app.get("/api/v1/articles?limit=3").await;
            assert_eq!(response.status(), 200);
            listed = response.json().await.unwrap();
        }
        let slug = listed["data"][0]["slug"]
            .as_str()
            .expect("demo articles")
            .to_owned();
        // A reply posted (201) or held (202) as the demo article's policy
        // says, and one refused (no such article).
        for (target, status) in [(slug.as_str(), 201), ("no-such-article", 404)] {
            let reply = app
                .client
                .post(app.api(&format!("/articles/{target}/replies")))
                .json(&json!({
                    "author_name": "Ana Reader",
                    "author_email": "ana@readers.example",
                    "body": "Will the night ferry keep running?"
                }))
                .send()
                .await
                .unwrap();
            let got = reply.status().as_u16();
            assert!(
                got == status || (status == 201 && got == 202),
                "{got} {}",
                app.backend
            );
        }
        // Many distinct unknown paths: one `unmatched` series, not one per path.
        for index in 0..25 {
            let response = app.get(&format!("/no-such-page-{index}")).await;
            assert_eq!(response.status(), 404);
        }
        // Many distinct slugs: one route template.
        for index in 0..5 {
            app.get(&format!("/api/v1/articles/missing-{index}")).await;
        }
        assert_eq!(
            app.graphql("{ __typename }", json!({})).await["data"]["__typename"],
            "Query"
        );
        let broken = app.graphql("{ noSuchField }", json!({})).await;
        assert!(broken["errors"].is_array());
        // A failed sign-in.
        let session = app.sign_in_new(Role::Author).await;
        let failed = app
            .client
            .post(app.api("/auth/login"))
            .json(&json!({ "email": session.email, "password": "not the password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(failed.status(), 401);
        // The public port has no metrics.
        assert_eq!(app.get("/metrics").await.status(), 404);

        let after = scrape(&app).await;
        let moved = |name: &str, labels: &[(&str, &str)]| {
            value(&after, name, labels) - value(&before, name, labels)
        };
        let articles = [
            ("route", "/api/v1/articles"),
            ("method", "GET"),
            ("status", "200"),
        ];
        assert!(
            moved("masthead_http_requests_total", &articles) >= 2.0,
            "{}",
            app.backend
        );
        let unmatched = [("route", "unmatched"), ("method", "GET"), ("status", "404")];
        assert!(moved("masthead_http_requests_total", &unmatched) >= 26.0);
        let login = [
            ("route", "/api/v1/auth/login"),
            ("method", "POST"),
            ("status", "401"),
        ];
        assert!(moved("masthead_http_requests_total", &login) >= 1.0);
        let routes: Vec<&str> = after
            .keys()
            .filter(|(name, _)| name == "masthead_http_requests_total")
            .flat_map(|(_, labels)| labels.iter())
            .filter(|(key, _)| key == "route")
            .map(|(_, value)| value.as_str())
            .collect();
        assert!(
            routes
                .iter()
                .all(|route| !route.contains("no-such-page") && !route.contains("missing-")),
            "{routes:?}"
        );
        assert!(routes.contains(&"/api/v1/articles/{slug}"), "{routes:?}");
        assert!(
            moved(
                "masthead_http_request_duration_seconds_count",
                &[("route", "/api/v1/articles"), ("method", "GET")]
            ) >= 2.0
        );
        assert!(
            moved(
                "masthead_graphql_operations_total",
                &[("operation", "query"), ("outcome", "ok")]
            ) >= 1.0
        );
        let failures: f64 = after
            .iter()
            .filter(|((name, labels), _)| {
                name == "masthead_graphql_operations_total"
                    && !labels.contains(&("outcome".to_owned(), "ok".to_owned()))
            })
            .map(|(_, value)| value)
            .sum();
        assert!(failures >= 1.0, "a failed operation is counted");
        let kept = moved("masthead_replies_total", &[("outcome", "posted")])
            + moved("masthead_replies_total", &[("outcome", "held")]);
        assert!(kept >= 1.0, "{}", app.backend);
        assert!(moved("masthead_replies_total", &[("outcome", "refused")]) >= 1.0);
        assert!(moved("masthead_public_cache_hits_total", &[]) >= 1.0);
        assert!(moved("masthead_public_cache_misses_total", &[]) >= 1.0);
        // Sizes are as the cache last counted them (it settles in the background).
        assert!(names(&after).contains(&"masthead_public_cache_entries"));
        assert!(names(&after).contains(&"masthead_public_cache_bytes"));
        assert!(names(&after).contains(&"masthead_public_cache_evictions_total"));
        assert!(names(&after).contains(&"masthead_password_hash_queued"));
        assert!(names(&after).contains(&"masthead_graphql_websockets"));
        assert!(names(&after).contains(&"masthead_graphql_subscriptions"));
        assert!(names(&after).contains(&"masthead_scheduler_lag_seconds_count"));
        assert!(value(&after, "masthead_db_connections_idle", &[("pool", "read")]) >= 0.0);
        assert!(names(&after).contains(&"masthead_db_connections_in_use"));
        assert_eq!(
            value(
                &after,
                "masthead_build_info",
                &[("version", env!("CARGO_PKG_VERSION"))]
            ),
            1.0
        );
        assert!(value(&after, "process_resident_memory_bytes", &[]) > 1_000_000.0);
        assert!(names(&after).contains(&"process_cpu_seconds_total"));

        // Only `/metrics` there.
        let address = app.metrics_address.as_ref().unwrap();
        let other = app.client.get(format!("{address}/")).send().await.unwrap();
        assert_eq!(other.status(), 404);
    }
}

#[each_database]
async fn answers_carry_the_request_id_and_continue_a_valid_trace() {
    for database in TestDatabase::all().await {
        let app = TestApp::spawn(database).await;
        let url = app.api("/articles?limit=1");
        let header = |response: &reqwest::Response, name: &str| {
            response
                .headers()
                .get(name)
                .map(|value| value.to_str().unwrap().to_owned())
        };

        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let continued = app
            .client
            .get(&url)
            .header("x-request-id", "client-id.42")
            .header("traceparent", parent)
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(&continued, "x-request-id").as_deref(),
            Some("client-id.42")
        );
        let ours = header(&continued, "traceparent").unwrap();
        assert!(
            ours.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
            "{ours}"
        );
        assert!(ours.ends_with("-01"));
        assert_ne!(ours, parent, "our own span id");

        for (request_id, traceparent) in [
            (
                "has space",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            ),
            (
                &*"x".repeat(200),
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            ),
            (
                "ok",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        ] {
            let replaced = app
                .client
                .get(&url)
                .header("x-request-id", request_id)
                .header("traceparent", traceparent)
                .send()
                .await
                .unwrap();
            assert_eq!(replaced.status(), 200);
            let id = header(&replaced, "x-request-id").unwrap();
            if request_id == "ok" {
                assert_eq!(id, "ok");
            } else {
                assert_eq!(id.len(), 32, "a new id for {request_id:?}");
            }
            let fresh = header(&replaced, "traceparent").unwrap();
            assert_eq!(fresh.len(), 55);
            assert!(
                !fresh.contains("4bf92f3577b34da6a3ce929d0e0e4736"),
                "{fresh}"
            );
            assert!(!fresh.starts_with("00-00000000000000000000000000000000"));
        }
    }
}
