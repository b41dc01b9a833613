//! Scheduled publication: an embargoed article becomes public exactly at its
//! time without anyone acting (and not a moment before), and subscribers hear
//! `ArticlePublished` when the time comes or when an editor publishes now.
//! SQLite and PostgreSQL.

use crate::support;

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use masthead_api::app::workflow::{self, Transition};
use masthead_api::app::BasedOn;
use masthead_api::auth::Caller;
use masthead_api::events::{Event, Events};
use masthead_api::scheduler;
use masthead_api::state::AppState;
use masthead_domain::policy::Actor;
use masthead_domain::{DisplayName, Email, Lifecycle, Role, UserId};
use masthead_persistence::testing::TestDatabase;
use masthead_persistence::users::NewUser;
use masthead_persistence::Store;
use masthead_test_macros::each_database;
use serde_json::json;
use support::workflow::{content, json};
use support::TestApp;

#[each_database]
async fn a_scheduled_article_appears_publicly_at_its_time_and_not_before() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Embargoed until the bell").await;
        let at = Utc::now() + chrono::Duration::seconds(5);
        let path = format!("/api/v1/admin/articles/{}/publish", story.id);
        let body = json!({ "at": at.to_rfc3339_opts(SecondsFormat::Micros, true) });
        let scheduled = json(
            app.post_as(Some(&editor), &path, None, Some(body)).await,
            200,
            "schedule",
        )
        .await;
        assert_eq!(scheduled["status"], "scheduled", "{}", app.backend);

        let public = format!("/api/v1/articles/{}", story.slug);
        let deadline = at + chrono::Duration::seconds(30);
        let (mut hidden, mut shown) = (0, false);
        while Utc::now() < deadline {
            let asked = Utc::now();
            let status = app.get(&public).await.status().as_u16();
            let answered = Utc::now();
            match status {
                404 => {
                    assert!(asked < at, "{}: still hidden after its time", app.backend);
                    hidden += 1;
                }
                200 => {
                    assert!(answered >= at, "{}: public before its time", app.backend);
                    shown = true;
                    break;
                }
                other => panic!("{}: unexpected status {other}", app.backend),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(hidden > 0, "{}: it was hidden before its time", app.backend);
        assert!(
            shown,
            "{}: it became public within 30 s of its time",
            app.backend
        );

        let article = json(app.get(&public).await, 200, "public read").await;
        assert_eq!(article["status"], "published");
        let list = json(app.get("/api/v1/articles?limit=100").await, 200, "list").await;
        assert!(list["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|listed| listed["id"] == story.id.as_str()));
        let query = "query($slug: String!) { article(slug: $slug) { id status } }";
        let answer = app.graphql(query, json!({ "slug": story.slug })).await;
        assert_eq!(answer["data"]["article"]["status"], "PUBLISHED", "{answer}");
    }
}

async fn editor(store: &Store) -> UserId {
    let email = format!("editor-{}@newsroom.example", uuid::Uuid::now_v7().simple());
    store
        .users()
        .create(NewUser {
            email: Email::parse("email", &email).unwrap(),
            display_name: DisplayName::parse("name", "Desk Editor").unwrap(),
            slug: None,
            bio: None,
            role: Role::Editor,
            password_hash: "not checked here".into(),
        })
        .await
        .unwrap()
        .id
}

async fn schedule(
    store: &Store,
    by: UserId,
    title: &str,
    at: DateTime<Utc>,
) -> masthead_domain::ArticleId {
    let article = store
        .articles()
        .acting_as(by)
        .create(content(by, title, "Lede."), Lifecycle::draft())
        .await
        .unwrap();
    store
        .articles()
        .acting_as(by)
        .change_lifecycle(article.id, None, |l| {
            l.schedule(at, masthead_persistence::now())
        })
        .await
        .unwrap();
    article.id
}

#[each_database]
async fn the_scheduler_announces_a_scheduled_article_once_when_its_time_comes() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let events = Events::default();
        let mut heard = events.subscribe();
        let task = scheduler::spawn(store.clone(), events.clone());
        let by = editor(&store).await;
        let at = masthead_persistence::now() + chrono::Duration::seconds(2);
        let soon = schedule(&store, by, "Soon", at).await;
        schedule(&store, by, "Much later", at + chrono::Duration::hours(1)).await;

        let event = tokio::time::timeout(Duration::from_secs(30), heard.recv())
            .await
            .expect("an event within 30 s")
            .expect("the bus is open");
        assert_eq!(
            event,
            Event::ArticlePublished { article_id: soon },
            "{}",
            database.backend
        );
        assert!(
            Utc::now() >= at,
            "{}: announced before its time",
            database.backend
        );
        // Later looks overlap the earlier ones but announce nothing twice.
        let again = tokio::time::timeout(Duration::from_millis(2_500), heard.recv()).await;
        assert!(
            again.is_err(),
            "{}: announced twice: {again:?}",
            database.backend
        );
        task.abort();
    }
}

#[each_database]
async fn publishing_now_announces_the_article_and_scheduling_does_not() {
    for database in TestDatabase::all().await {
        let store = database.store().await;
        let events = Events::default();
        let mut heard = events.subscribe();
        let state = AppState::build(
            store.clone(),
            support::settings_for(&database),
            events.clone(),
        )
        .await
        .unwrap();
        let by = editor(&store).await;
        let caller = Caller(Some(Actor {
            id: by,
            role: Role::Editor,
        }));
        let article = store
            .articles()
            .create(content(by, "Breaking", "Lede."), Lifecycle::draft())
            .await
            .unwrap();
        let later = Utc::now() + chrono::Duration::hours(2);
        workflow::transition(
            &state,
            caller,
            article.id,
            Transition::Publish { at: Some(later) },
            BasedOn::Any,
        )
        .await
        .unwrap();
        assert!(
            heard.try_recv().is_err(),
            "{}: scheduling is not publication",
            database.backend
        );
        workflow::transition(
            &state,
            caller,
            article.id,
            Transition::Publish { at: None },
            BasedOn::Any,
        )
        .await
        .unwrap();
        assert_eq!(
            heard.try_recv().unwrap(),
            Event::ArticlePublished {
                article_id: article.id
            },
            "{}",
            database.backend
        );
        workflow::transition(
            &state,
            caller,
            article.id,
            Transition::Archive,
            BasedOn::Any,
        )
        .await
        .unwrap();
        assert!(
            heard.try_recv().is_err(),
            "{}: archiving announces nothing",
            database.backend
        );
    }
}
