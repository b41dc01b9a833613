//! The cached public read path never serves what a write has changed: each
//! write a reader can see (edit, publish, schedule coming due, unpublish,
//! archive, delete, slug change, tag or author rename, reply approval) shows in the
//! very next read, over REST (with a new ETag) and anonymous GraphQL; staff
//! are never answered from the public cache; and on PostgreSQL a write on
//! one node reaches the cache of another.

use crate::support;

use std::time::{Duration, Instant};

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use support::rest::document;
use support::{Session, TestApp};

const ARTICLE_QUERY: &str = "query($slug: String!) { article(slug: $slug) { title replyCount tags { name } authors { displayName } } }";

/// A public REST read: (status, ETag, body). Read twice, so that the second
/// answer comes from the cache, and both must agree.
async fn public(app: &TestApp, path: &str) -> (u16, String, Value) {
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = app.get(&format!("/api/v1{path}")).await;
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|value| value.to_str().unwrap_or("").to_owned())
            .unwrap_or_default();
        let body = response.json::<Value>().await.unwrap_or(Value::Null);
        answers.push((status, etag, body));
    }
    let second = answers.pop().expect("two answers");
    assert_eq!(answers.pop(), Some(second.clone()), "GET {path} twice");
    second
}

/// An anonymous GraphQL read of the article, twice, as [`public`] does.
async fn public_graphql(app: &TestApp, slug: &str) -> Value {
    let first = app.graphql(ARTICLE_QUERY, json!({ "slug": slug })).await;
    let second = app.graphql(ARTICLE_QUERY, json!({ "slug": slug })).await;
    assert_eq!(first, second, "the same query twice");
    assert!(second["errors"].is_null(), "{second}");
    second["data"]["article"].clone()
}

async fn send(
    app: &TestApp,
    session: &Session,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request = app.request(method.clone(), path, Some(session));
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    assert!(
        status.is_success(),
        "{method} {path} ({}): {status} {body}",
        app.backend
    );
    body
}

/// Creates and publishes an article as `editor`; returns (id, slug).
async fn published(app: &TestApp, editor: &Session, doc: Value) -> (String, String) {
    let created = app.create_article(editor, &doc).await;
    let id = created["id"].as_str().expect("an id").to_owned();
    let path = format!("/admin/articles/{id}/publish");
    send(app, editor, Method::POST, &path, Some("\"1\""), None).await;
    (id, created["slug"].as_str().expect("a slug").to_owned())
}

/// Replaces the article with `change` applied to its current document.
async fn edit(app: &TestApp, editor: &Session, id: &str, change: impl FnOnce(&mut Value)) {
    let path = format!("/admin/articles/{id}");
    let mut current = send(app, editor, Method::GET, &path, None, None).await;
    let version = format!("\"{}\"", current["version"]);
    change(&mut current);
    send(
        app,
        editor,
        Method::PUT,
        &path,
        Some(&version),
        Some(current),
    )
    .await;
}

fn listed_titles(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[each_database]
async fn every_write_the_public_can_see_shows_in_the_next_read() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let admin = app.sign_in_new(Role::Admin).await;
        let tag = send(
            &app,
            &editor,
            Method::POST,
            "/admin/tags",
            None,
            Some(json!({ "name": "Harbour Desk" })),
        )
        .await;
        let mut doc = document("Ferry timetable changes", "Harbour Master");
        doc["tags"] = json!([tag["id"]]);
        let (id, slug) = published(&app, &editor, doc).await;
        let article_path = format!("/articles/{slug}");
        let list_path = "/articles?limit=5";

        let (status, first_etag, article) = public(&app, &article_path).await;
        assert_eq!(status, 200, "{}", app.backend);
        assert_eq!(article["title"], "Ferry timetable changes");
        assert!(listed_titles(&public(&app, list_path).await.2)
            .contains(&"Ferry timetable changes".to_owned()));
        assert_eq!(
            public_graphql(&app, &slug).await["title"],
            "Ferry timetable changes"
        );

        // An edit (a correction of a published article).
        edit(&app, &editor, &id, |doc| {
            doc["title"] = json!("Ferry timetable changes again")
        })
        .await;
        let (_, etag, article) = public(&app, &article_path).await;
        assert_eq!(article["title"], "Ferry timetable changes again");
        assert_ne!(etag, first_etag, "a new body has a new ETag");
        assert!(listed_titles(&public(&app, list_path).await.2)
            .contains(&"Ferry timetable changes again".to_owned()));
        assert_eq!(
            public_graphql(&app, &slug).await["title"],
            "Ferry timetable changes again"
        );

        // A reply approved: the reply count the public sees moves.
        let posted = app
            .client
            .post(app.api(&format!("/articles/{slug}/replies")))
            .json(&json!({
                "author_name": "Ana Reader",
                "author_email": "ana@readers.example",
                "body": "Will the night ferry keep running?"
            }))
            .send()
            .await
            .expect("post a reply");
        assert_eq!(posted.status(), 202, "moderated by default");
        let reply: Value = posted.json().await.expect("the reply");
        assert_eq!(public(&app, &article_path).await.2["reply_count"], 0);
        assert_eq!(public_graphql(&app, &slug).await["replyCount"], 0);
        let approve = format!("/admin/replies/{}/approve", reply["id"].as_str().unwrap());
        send(&app, &editor, Method::POST, &approve, None, None).await;
        assert_eq!(public(&app, &article_path).await.2["reply_count"], 1);
        assert_eq!(public_graphql(&app, &slug).await["replyCount"], 1);

        // A tag renamed.
        let tag_path = format!("/admin/tags/{}", tag["id"].as_str().unwrap());
        let rename = json!({ "name": "Harbour Watch" });
        send(&app, &editor, Method::PUT, &tag_path, None, Some(rename)).await;
        assert_eq!(
            public(&app, &article_path).await.2["tags"][0]["name"],
            "Harbour Watch"
        );
        assert_eq!(
            public_graphql(&app, &slug).await["tags"][0]["name"],
            "Harbour Watch"
        );

        // The author renamed.
        let user_path = format!("/admin/users/{}", editor.user_id);
        let rename = json!({ "display_name": "Renamed Byline" });
        send(&app, &admin, Method::PATCH, &user_path, None, Some(rename)).await;
        assert_eq!(
            public(&app, &article_path).await.2["authors"][0]["display_name"],
            "Renamed Byline"
        );
        assert_eq!(
            public_graphql(&app, &slug).await["authors"][0]["displayName"],
            "Renamed Byline"
        );

        // The slug changed: the old address redirects, the new one serves.
        edit(&app, &editor, &id, |doc| {
            doc["slug"] = json!("ferry-timetable")
        })
        .await;
        let (status, _, _) = public(&app, &article_path).await;
        assert_eq!(status, 301, "{}", app.backend);
        let (status, _, _) = public(&app, "/articles/ferry-timetable").await;
        assert_eq!(status, 200);

        // Unpublished: gone from every public read at once.
        let unpublish = format!("/admin/articles/{id}/unpublish");
        send(&app, &editor, Method::POST, &unpublish, None, None).await;
        let (status, _, _) = public(&app, "/articles/ferry-timetable").await;
        assert_eq!(status, 404, "{}", app.backend);
        assert!(public_graphql(&app, "ferry-timetable").await.is_null());
        assert!(!listed_titles(&public(&app, list_path).await.2)
            .contains(&"Ferry timetable changes again".to_owned()));

        // Deleted: gone too.
        let (other, other_slug) =
            published(&app, &editor, document("Quay repairs", "Engineer")).await;
        assert_eq!(
            public(&app, &format!("/articles/{other_slug}")).await.0,
            200
        );
        let path = format!("/admin/articles/{other}");
        let deleted = app
            .request(Method::DELETE, &path, Some(&editor))
            .send()
            .await
            .expect("delete");
        assert_eq!(deleted.status(), 204);
        assert_eq!(
            public(&app, &format!("/articles/{other_slug}")).await.0,
            404
        );
        assert!(public_graphql(&app, &other_slug).await.is_null());

        // Published while the list and the GraphQL answer are cached: both show it.
        let draft = app
            .create_article(&editor, &document("Harbour lights", "Keeper"))
            .await;
        let (draft_id, draft_slug) = (
            draft["id"].as_str().unwrap(),
            draft["slug"].as_str().unwrap(),
        );
        assert!(
            !listed_titles(&public(&app, list_path).await.2).contains(&"Harbour lights".to_owned())
        );
        assert!(public_graphql(&app, draft_slug).await.is_null());
        let publish = format!("/admin/articles/{draft_id}/publish");
        send(&app, &editor, Method::POST, &publish, None, None).await;
        assert!(
            listed_titles(&public(&app, list_path).await.2).contains(&"Harbour lights".to_owned())
        );
        assert_eq!(
            public_graphql(&app, draft_slug).await["title"],
            "Harbour lights"
        );

        // Archived: gone from public reads.
        let archive = format!("/admin/articles/{draft_id}/archive");
        send(&app, &editor, Method::POST, &archive, None, None).await;
        assert_eq!(
            public(&app, &format!("/articles/{draft_slug}")).await.0,
            404
        );
        assert!(public_graphql(&app, draft_slug).await.is_null());
        assert!(
            !listed_titles(&public(&app, list_path).await.2).contains(&"Harbour lights".to_owned())
        );
    }
}

/// Drafts are written far more often than anything is published, and no
/// reader can see them: creating, saving, submitting or scheduling one keeps
/// the cached public reads, so readers are not sent to the database by a
/// newsroom at work (issue 12: public reads unaffected by writers). Cached
/// entries are keyed by the store's content generation, so the proof is that
/// the generation stands still.
#[each_database]
async fn writes_no_reader_can_see_keep_the_cached_public_reads() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let (public_id, slug) =
            published(&app, &editor, document("Tide tables", "Harbour Master")).await;
        let reads = [format!("/articles/{slug}"), "/articles?limit=5".to_owned()];
        let mut before = Vec::new();
        for path in &reads {
            before.push(public(&app, path).await);
        }
        let generation = app.store.content_generation();

        // A new draft, saved twice, submitted for review, then scheduled.
        let draft = app
            .create_article(&editor, &document("Budget leak", "Treasurer"))
            .await;
        let id = draft["id"].as_str().unwrap().to_owned();
        edit(&app, &editor, &id, |doc| {
            doc["title"] = json!("Budget leak, second draft")
        })
        .await;
        edit(&app, &editor, &id, |doc| {
            doc["title"] = json!("Budget leak, third draft")
        })
        .await;
        let submit = format!("/admin/articles/{id}/submit");
        send(&app, &editor, Method::POST, &submit, None, None).await;
        let at = chrono::Utc::now() + chrono::Duration::days(2);
        let publish = format!("/admin/articles/{id}/publish");
        let body = json!({ "at": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true) });
        let scheduled = send(&app, &editor, Method::POST, &publish, None, Some(body)).await;
        assert_eq!(scheduled["status"], "scheduled", "{}", app.backend);

        assert_eq!(
            app.store.content_generation(),
            generation,
            "{}: no draft write retires the cached public reads",
            app.backend
        );
        let mut after = Vec::new();
        for path in &reads {
            after.push(public(&app, path).await);
        }
        assert_eq!(before, after, "{}", app.backend);

        // A write readers can see still shows in the very next read.
        edit(&app, &editor, &public_id, |doc| {
            doc["title"] = json!("Tide tables, corrected")
        })
        .await;
        assert!(
            app.store.content_generation() > generation,
            "{}",
            app.backend
        );
        let (_, _, article) = public(&app, &reads[0]).await;
        assert_eq!(
            article["title"], "Tide tables, corrected",
            "{}",
            app.backend
        );
    }
}

#[each_database]
async fn staff_are_never_answered_from_the_public_cache() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let draft = app
            .create_article(&editor, &document("Embargoed budget", "Treasurer"))
            .await;
        let slug = draft["slug"].as_str().unwrap();
        assert!(
            public_graphql(&app, slug).await.is_null(),
            "drafts are private"
        );
        let preview = app
            .graphql_as(
                Some(&editor.access_token),
                ARTICLE_QUERY,
                json!({ "slug": slug }),
            )
            .await;
        assert_eq!(
            preview["data"]["article"]["title"], "Embargoed budget",
            "{} {preview}",
            app.backend
        );
        // And the other way round: the editor's answer is not given to the public.
        assert!(public_graphql(&app, slug).await.is_null());
    }
}

#[each_database]
async fn a_scheduled_article_joins_cached_lists_when_its_time_comes() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let draft = app
            .create_article(&editor, &document("Bridge opens at noon", "Engineer"))
            .await;
        let id = draft["id"].as_str().unwrap();
        let at = chrono::Utc::now() + chrono::Duration::seconds(2);
        let publish = format!("/admin/articles/{id}/publish");
        let body = json!({ "at": at.to_rfc3339() });
        send(&app, &editor, Method::POST, &publish, None, Some(body)).await;
        let list_path = "/articles?limit=5";
        let title = "Bridge opens at noon".to_owned();
        assert!(!listed_titles(&public(&app, list_path).await.2).contains(&title));

        // Poll the (cached) list; it must pick the article up on its own.
        let deadline = Instant::now() + Duration::from_secs(15);
        let appeared = loop {
            let page: Value = app
                .get(&format!("/api/v1{list_path}"))
                .await
                .json()
                .await
                .expect("a page");
            if listed_titles(&page).contains(&title) {
                break chrono::Utc::now();
            }
            assert!(
                Instant::now() < deadline,
                "the scheduled article never appeared ({})",
                app.backend
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(appeared >= at, "not before its time");
        let slug = draft["slug"].as_str().unwrap();
        assert_eq!(public(&app, &format!("/articles/{slug}")).await.0, 200);
    }
}

#[each_database]
async fn a_write_on_one_node_retires_the_cache_of_another() {
    for app in TestApp::spawn_all().await {
        if app.backend != "postgres" {
            continue; // One SQLite file has one server.
        }
        let peer = app.spawn_peer().await;
        let editor = app.sign_in_new(Role::Editor).await;
        let (id, slug) = published(&app, &editor, document("Tide tables", "Pilot")).await;
        let path = format!("/articles/{slug}");
        assert_eq!(public(&peer, &path).await.2["title"], "Tide tables");

        edit(&app, &editor, &id, |doc| {
            doc["title"] = json!("Tide tables, corrected")
        })
        .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let seen: Value = peer
                .get(&format!("/api/v1{path}"))
                .await
                .json()
                .await
                .unwrap();
            if seen["title"] == "Tide tables, corrected" {
                break;
            }
            assert!(Instant::now() < deadline, "the peer kept serving {seen}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A node hears its own change notices back from PostgreSQL. Its cache was
/// retired at the write already; counting the echo would retire it a second
/// time, and readers would wait on a second rebuild of the same content (the
/// writers benchmark's reads on PostgreSQL). Notices arrive in commit order,
/// so once the peer's later notice has been heard, the echo of this node's
/// own earlier one has been too.
#[each_database]
async fn a_node_does_not_count_its_own_change_notice_twice() {
    for app in TestApp::spawn_all().await {
        if app.backend != "postgres" {
            continue; // One SQLite file has one server.
        }
        let peer = app.spawn_peer().await;
        let editor = app.sign_in_new(Role::Editor).await;
        let (id, _) = published(&app, &editor, document("Ferry strike", "Pilot")).await;
        let heard = app.store.content_generation();
        let (peer_id, _) = published(&peer, &editor, document("Pier repairs", "Pilot")).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.store.content_generation() == heard {
            assert!(
                Instant::now() < deadline,
                "the peer's publication never came"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let before = app.store.content_generation();

        edit(&app, &editor, &id, |doc| {
            doc["title"] = json!("Ferry strike ends")
        })
        .await;
        assert_eq!(
            app.store.content_generation(),
            before + 1,
            "this node's write"
        );
        edit(&peer, &editor, &peer_id, |doc| {
            doc["title"] = json!("Pier repairs finished")
        })
        .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.store.content_generation() < before + 2 {
            assert!(Instant::now() < deadline, "the peer's notice never came");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            app.store.content_generation(),
            before + 2,
            "one retirement for this node's write, one for the peer's"
        );
    }
}

/// Reply threads are the same for every reader, so they are cached too; a
/// reply that becomes public, or goes, shows in the very next read.
#[each_database]
async fn reply_threads_are_cached_and_every_reply_change_shows_in_the_next_read() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut doc = document("Harbour fees", "Harbour Master");
        doc["reply_policy"] = json!("open");
        let (_, slug) = published(&app, &editor, doc).await;
        let thread = format!("/articles/{slug}/replies");
        let bodies = |page: &Value| -> Vec<String> {
            page["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|reply| reply["body"].as_str().map(str::to_owned))
                .collect()
        };
        let (status, _, empty) = public(&app, &thread).await;
        assert_eq!(status, 200, "{}", app.backend);
        assert!(bodies(&empty).is_empty());

        let posted = app
            .request(Method::POST, &thread, None)
            .json(&json!({
                "author_name": "Pier Reader",
                "author_email": "pier@example.org",
                "body": "Fees went up twice this year."
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 201, "{}", app.backend);
        let posted: Value = posted.json().await.unwrap();
        let (_, first_etag, page) = public(&app, &thread).await;
        assert_eq!(
            bodies(&page),
            ["Fees went up twice this year."],
            "{}",
            app.backend
        );

        // Twenty more reads run no statement of their own (uncached, each
        // would run at least two: the article, its threads); the background
        // tasks' statements (the scheduler's once a second) stay far below.
        let statements = app.store.statements_executed();
        for _ in 0..10 {
            let (_, again, _) = public(&app, &thread).await;
            assert_eq!(again, first_etag, "{}", app.backend);
        }
        let ran = app.store.statements_executed() - statements;
        assert!(
            ran < 20,
            "{}: twenty cached reads ran {ran} statements",
            app.backend
        );

        let removed = format!("/admin/replies/{}", posted["id"].as_str().unwrap());
        let deleted = app
            .request(Method::DELETE, &removed, Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204, "{}", app.backend);
        let (_, etag, page) = public(&app, &thread).await;
        assert_ne!(etag, first_etag, "{}", app.backend);
        assert!(bodies(&page).is_empty(), "{}: {page}", app.backend);
        let (status, _, _) = public(&app, "/articles/no-such-story/replies").await;
        assert_eq!(status, 404, "{}", app.backend);
    }
}

/// A new name or biography retires the cached public reads only when the
/// public sees that byline: an account with no public article changes
/// nothing readers see, so the cache stays.
#[each_database]
async fn only_a_public_bylines_change_retires_the_cached_public_reads() {
    for app in TestApp::spawn_all().await {
        let admin = app.sign_in_new(Role::Admin).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let (_, slug) = published(&app, &editor, document("Ferry timetable", "Port Office")).await;
        let path = format!("/articles/{slug}");
        let (_, _, article) = public(&app, &path).await;
        let byline = article["authors"][0]["id"]
            .as_str()
            .expect("a byline")
            .to_owned();
        let newcomer = app.sign_in_new(Role::Author).await;
        let bio = |text: &str| Some(json!({ "bio": text }));
        let generation = app.store.content_generation();

        let newcomer_path = format!("/admin/users/{}", newcomer.user_id);
        let changed = send(
            &app,
            &admin,
            Method::PATCH,
            &newcomer_path,
            None,
            bio("Joins the night desk."),
        )
        .await;
        assert_eq!(changed["bio"], "Joins the night desk.", "{}", app.backend);
        assert_eq!(
            app.store.content_generation(),
            generation,
            "{}: nobody reads this byline yet",
            app.backend
        );

        let byline_path = format!("/admin/users/{byline}");
        send(
            &app,
            &admin,
            Method::PATCH,
            &byline_path,
            None,
            bio("Covers the ferries."),
        )
        .await;
        assert!(
            app.store.content_generation() > generation,
            "{}",
            app.backend
        );
        let (_, _, article) = public(&app, &path).await;
        assert_eq!(
            article["authors"][0]["bio"], "Covers the ferries.",
            "{}: the very next read shows it",
            app.backend
        );
    }
}

/// Sets an article's title straight in the database, as no write of the
/// server would: the cache is not told, so a read shows whether it rebuilt.
async fn retitle_behind_the_cache(app: &TestApp, id: &str, title: &str) {
    use sea_orm::{ConnectionTrait, Database, DatabaseBackend, Statement};
    let db = Database::connect(&app.database.url).await.unwrap();
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => "UPDATE articles SET title = $1 WHERE id = $2",
        _ => "UPDATE articles SET title = ? WHERE id = ?",
    };
    let id = uuid::Uuid::parse_str(id).unwrap();
    db.execute(Statement::from_sql_and_values(
        backend,
        sql,
        [title.into(), id.into()],
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
}

/// An article's page and reply threads show that article only: publishing,
/// editing and replying under *other* articles (dozens a second in a busy
/// newsroom) leaves them cached, so their readers are not sent to the
/// database after every write (issue 12). Lists, which do show the others,
/// change at once; the article's own next change shows in the next read.
#[each_database]
async fn an_articles_page_outlives_changes_of_other_articles() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut doc = document("Lighthouse keepers", "Coast Desk");
        doc["reply_policy"] = json!("open");
        let (id, slug) = published(&app, &editor, doc).await;
        let mut other = document("Dredging contract", "Coast Desk");
        other["reply_policy"] = json!("open");
        let (other_id, other_slug) = published(&app, &editor, other).await;
        let page = format!("/articles/{slug}");
        let thread = format!("/articles/{slug}/replies");
        let (_, page_etag, _) = public(&app, &page).await;
        let (_, thread_etag, _) = public(&app, &thread).await;
        let generation = app.store.content_generation();

        // Unseen by the cache: only a rebuild would show this title.
        retitle_behind_the_cache(&app, &id, "Lighthouse keepers (rebuilt)").await;
        edit(&app, &editor, &other_id, |doc| {
            doc["title"] = json!("Dredging contract signed")
        })
        .await;
        let reply = json!({
            "author_name": "Quay Reader",
            "author_email": "quay@example.org",
            "body": "The dredger has been idle for weeks."
        });
        let other_thread = format!("/articles/{other_slug}/replies");
        let posted = app
            .request(Method::POST, &other_thread, None)
            .json(&reply)
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 201, "{}", app.backend);
        let posted: Value = posted.json().await.unwrap();
        let reject = format!("/admin/replies/{}/reject", posted["id"].as_str().unwrap());
        send(&app, &editor, Method::POST, &reject, None, None).await;
        let (third_id, _) = published(&app, &editor, document("Tug crews", "Coast Desk")).await;
        send(
            &app,
            &editor,
            Method::POST,
            &format!("/admin/articles/{third_id}/unpublish"),
            None,
            None,
        )
        .await;
        assert!(
            app.store.content_generation() >= generation + 5,
            "{}: every public write moved the generation",
            app.backend
        );

        let (_, etag, article) = public(&app, &page).await;
        assert_eq!(
            (etag.as_str(), &article["title"]),
            (page_etag.as_str(), &json!("Lighthouse keepers")),
            "{}: the page was kept through other articles' changes",
            app.backend
        );
        let (_, etag, _) = public(&app, &thread).await;
        assert_eq!(etag, thread_etag, "{}: the threads too", app.backend);
        let (_, _, list) = public(&app, "/articles?limit=5").await;
        assert!(
            listed_titles(&list).contains(&"Dredging contract signed".to_owned()),
            "{}: lists show the other articles' changes at once: {list}",
            app.backend
        );

        // The article's own change (a reply under it) shows in the next read.
        let own = json!({
            "author_name": "Keeper's Daughter",
            "author_email": "keeper@example.org",
            "body": "My father kept the north light for thirty years."
        });
        let posted = app
            .request(Method::POST, &thread, None)
            .json(&own)
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 201, "{}", app.backend);
        let (_, _, article) = public(&app, &page).await;
        assert_eq!(
            (&article["title"], &article["reply_count"]),
            (&json!("Lighthouse keepers (rebuilt)"), &json!(1)),
            "{}",
            app.backend
        );
        let (_, etag, _) = public(&app, &thread).await;
        assert_ne!(etag, thread_etag, "{}", app.backend);
    }
}
