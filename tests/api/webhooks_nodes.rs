//! The outbox survives its node: an event committed on a node that stops
//! before delivering it is delivered by the next node started on the same
//! database; with two nodes on one PostgreSQL, each event is delivered (and
//! carries one `webhook-id`, whichever node sends it), and a scheduled
//! publication is announced once when its time comes.

use std::collections::HashMap;
use std::sync::Arc;

use crate::support::{self, TestApp};
use crate::webhook_support::{create_endpoint, dev_settings, signed_by, Receiver};

use masthead_api::{Application, Settings};
use masthead_domain::Role;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::{each_database, postgres_only};
use support::content::{article, published};
use support::workflow::user_id;

/// Starts a node on `database`; returns it and the handle that stops it.
async fn node(
    database: Arc<TestDatabase>,
    configure: impl FnOnce(&mut Settings),
) -> (TestApp, actix_web::dev::ServerHandle) {
    support::init_test_log();
    let mut settings = support::settings_for(&database);
    settings.login_ip_limit = 100_000;
    settings.demo = false;
    dev_settings(&mut settings);
    configure(&mut settings);
    let application = Application::build(settings).await.expect("build");
    let handle = application.server_handle();
    let app = TestApp {
        address: format!("http://127.0.0.1:{}", application.port()),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        backend: database.backend,
        store: application.store(),
        events: application.events(),
        database,
        metrics_address: None,
    };
    tokio::spawn(application.run_until_stopped());
    (app, handle)
}

#[each_database]
async fn a_scheduled_publication_is_announced_when_it_comes_due() {
    for database in TestDatabase::all().await {
        let receiver = Receiver::start().await;
        let (app, _stop) = node(Arc::new(database), |_| {}).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let endpoint = create_endpoint(&app, &admin, &receiver.url, &["article.published"]).await;
        let store = app.store().await;
        let scheduled = article(
            &store,
            "Embargoed",
            &[user_id(&admin)],
            &[],
            "Someone",
            soon(2),
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert!(receiver.received().is_empty(), "nothing before its time");
        let got = receiver.event("article.published").await;
        assert_eq!(got.json()["data"]["id"], scheduled.id.to_string());
        assert_eq!(got.json()["data"]["status"], "published");
        assert!(signed_by(&got, endpoint["secret"].as_str().unwrap()));
    }
}

#[each_database]
async fn an_event_left_by_a_stopped_node_is_delivered_by_the_next() {
    for database in TestDatabase::all().await {
        let database = Arc::new(database);
        let receiver = Receiver::start().await;
        // The first node queues but never delivers (its worker is off).
        let (first, stop) = node(database.clone(), |s| s.webhooks.webhooks_worker = false).await;
        let admin = first.sign_in_new(Role::Admin).await;
        let endpoint = create_endpoint(&first, &admin, &receiver.url, &["article.published"]).await;
        let store = first.store().await;
        let written = article(
            &store,
            "Survives",
            &[user_id(&admin)],
            &[],
            "Someone",
            published(0),
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(
            receiver.received().is_empty(),
            "the first node sent nothing"
        );
        stop.stop(false).await;
        drop(first);

        let (_second, _stop) = node(database.clone(), |_| {}).await;
        let got = receiver.event("article.published").await;
        assert_eq!(got.json()["data"]["id"], written.id.to_string());
        assert!(signed_by(&got, endpoint["secret"].as_str().unwrap()));
    }
}

#[postgres_only]
async fn two_postgres_nodes_deliver_every_event_under_one_id() {
    let database = Arc::new(TestDatabase::postgres().await.expect("PostgreSQL"));
    let receiver = Receiver::start().await;
    let (one, _stop_one) = node(database.clone(), |_| {}).await;
    let (two, _stop_two) = node(database.clone(), |_| {}).await;
    let admin = one.sign_in_new(Role::Admin).await;
    let endpoint = create_endpoint(&one, &admin, &receiver.url, &["article.published"]).await;
    let secret = endpoint["secret"].as_str().unwrap();
    let (store_one, store_two) = (one.store().await, two.store().await);
    let mut written = Vec::new();
    for n in 0..20 {
        let store = if n % 2 == 0 { &store_one } else { &store_two };
        let title = format!("Clustered {n}");
        written.push(
            article(
                store,
                &title,
                &[user_id(&admin)],
                &[],
                "Someone",
                published(0),
            )
            .await
            .id
            .to_string(),
        );
    }
    let all = receiver
        .wait_until("20 distinct events", |got| {
            let ids: std::collections::HashSet<&str> = got.iter().map(|r| r.id()).collect();
            ids.len() == 20
        })
        .await;
    let mut by_article: HashMap<String, Vec<String>> = HashMap::new();
    for received in &all {
        assert!(signed_by(received, secret));
        let article = received.json()["data"]["id"].as_str().unwrap().to_owned();
        by_article
            .entry(article)
            .or_default()
            .push(received.id().to_owned());
    }
    for id in &written {
        let ids = by_article.get(id).expect("every event delivered");
        assert!(
            ids.iter().all(|one| one == &ids[0]),
            "one webhook-id per event: {ids:?}"
        );
    }
    eprintln!("two nodes: {} requests for 20 events", all.len());

    // A scheduled publication coming due is seen by both nodes' schedulers;
    // its event id is derived from the article and the time, so one is queued.
    let scheduled = article(
        &store_one,
        "Due soon",
        &[user_id(&admin)],
        &[],
        "Someone",
        soon(2),
    )
    .await;
    let wanted = scheduled.id.to_string();
    receiver
        .wait_until("the scheduled publication", |got| {
            got.iter()
                .any(|r| r.json()["data"]["id"] == wanted.as_str())
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let ids: std::collections::HashSet<String> = receiver
        .received()
        .iter()
        .filter(|r| r.json()["data"]["id"] == wanted.as_str())
        .map(|r| r.id().to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "one event for a publication coming due: {ids:?}"
    );
}

/// Scheduled to become public in `seconds` seconds.
fn soon(seconds: i64) -> masthead_domain::Lifecycle {
    let at = masthead_persistence::now() + chrono::Duration::seconds(seconds);
    masthead_domain::Lifecycle {
        status: masthead_domain::ArticleStatus::Scheduled,
        published_at: Some(at),
        scheduled_at: Some(at),
    }
}
