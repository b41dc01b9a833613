//! Revision history over REST and GraphQL: list (paged), fetch whole, diff,
//! restore as a new version; corrections keep an article published.
//! SQLite and PostgreSQL.

use crate::support;

use masthead_domain::{BlockInput, Role, SectionInput};
use masthead_test_macros::each_database;
use serde_json::{json, Value};
use support::workflow::{content, json, user_id, Story};
use support::{Session, TestApp};

/// A story with three revisions: created, then a corrected lede plus a new
/// section, then a new headline. Returns it at version 3.
async fn story_with_history(app: &TestApp, author: &Session, editor: &Session) -> Story {
    let story = app.draft_by(author, "Talks resume in Geneva").await;
    let store = app.store().await;
    let author_id = user_id(author);
    let mut second = content(author_id, "Talks resume in Geneva", "The corrected lede.");
    second.sections.push(
        SectionInput {
            heading: Some("📌 At stake".into()),
            icon: None,
            blocks: vec![BlockInput::List {
                ordered: false,
                items: vec!["Borders".into(), "Trade".into()],
            }],
        }
        .validate()
        .unwrap(),
    );
    let id = story.id.parse().unwrap();
    let saved = store
        .articles()
        .acting_as(user_id(editor))
        .update(id, 1, second.clone())
        .await
        .unwrap();
    second.title = masthead_domain::Title::parse("title", "Talks resume, at last").unwrap();
    let saved = store
        .articles()
        .acting_as(user_id(editor))
        .update(id, saved.version, second)
        .await
        .unwrap();
    Story {
        version: saved.version,
        ..story
    }
}

fn revisions_path(story: &Story) -> String {
    format!("/api/v1/admin/articles/{}/revisions", story.id)
}

#[each_database]
async fn the_history_lists_every_save_with_its_number_version_and_author() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = story_with_history(&app, &author, &editor).await;
        let list = json(
            app.get_as(Some(&author), &revisions_path(&story)).await,
            200,
            app.backend,
        )
        .await;
        let data = list["data"].as_array().unwrap();
        let numbers: Vec<i64> = data.iter().map(|r| r["number"].as_i64().unwrap()).collect();
        assert_eq!(numbers, [1, 2, 3], "{}", app.backend);
        assert_eq!(data[0]["kind"], "create");
        assert_eq!(data[0]["saved_by_id"], author.user_id.as_str());
        assert_eq!(data[1]["kind"], "update");
        assert_eq!(data[1]["saved_by"]["id"], editor.user_id.as_str());
        assert_eq!(data[2]["title"], "Talks resume, at last");
        assert_eq!(data[2]["version"], 3);
        assert!(data[0].get("content").is_none(), "lists carry no content");
        assert!(list["next_cursor"].is_null());

        // Paged: two, then the rest.
        let first = json(
            app.get_as(
                Some(&editor),
                &format!("{}?limit=2", revisions_path(&story)),
            )
            .await,
            200,
            "page 1",
        )
        .await;
        assert_eq!(first["data"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"].as_str().expect("a next cursor");
        let rest = json(
            app.get_as(
                Some(&editor),
                &format!("{}?limit=2&cursor={cursor}", revisions_path(&story)),
            )
            .await,
            200,
            "page 2",
        )
        .await;
        assert_eq!(rest["data"][0]["number"], 3);
        assert!(rest["next_cursor"].is_null());

        // Bad input and strangers.
        for query in ["?limit=0", "?limit=101", "?cursor=nonsense", "?page=2"] {
            let response = app
                .get_as(Some(&editor), &format!("{}{query}", revisions_path(&story)))
                .await;
            assert!(
                matches!(response.status().as_u16(), 400 | 422),
                "{query}: {}",
                response.status()
            );
        }
        let unknown = format!("/api/v1/admin/articles/{}/revisions", uuid::Uuid::now_v7());
        json(
            app.get_as(Some(&editor), &unknown).await,
            404,
            "unknown article",
        )
        .await;
        json(
            app.get_as(None, &revisions_path(&story)).await,
            401,
            "anonymous",
        )
        .await;
    }
}

#[each_database]
async fn a_revision_is_fetched_whole_and_diffed_against_another() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = story_with_history(&app, &author, &editor).await;
        let first = json(
            app.get_as(Some(&editor), &format!("{}/1", revisions_path(&story)))
                .await,
            200,
            "fetch",
        )
        .await;
        assert_eq!(first["number"], 1, "{}", app.backend);
        assert_eq!(first["content"]["title"], "Talks resume in Geneva");
        assert_eq!(first["content"]["slug"], story.slug.as_str());
        assert_eq!(first["content"]["sections"].as_array().unwrap().len(), 2);
        assert_eq!(
            first["content"]["sections"][0]["blocks"][0]["text"],
            "The lede."
        );
        assert_eq!(first["content"]["authors"][0], author.user_id.as_str());
        json(
            app.get_as(Some(&editor), &format!("{}/9", revisions_path(&story)))
                .await,
            404,
            "no such",
        )
        .await;
        json(
            app.get_as(Some(&editor), &format!("{}/x", revisions_path(&story)))
                .await,
            404,
            "not a number",
        )
        .await;

        let diff = json(
            app.get_as(
                Some(&editor),
                &format!("{}/1/diff/3", revisions_path(&story)),
            )
            .await,
            200,
            "diff",
        )
        .await;
        assert_eq!(
            (diff["from"].as_i64(), diff["to"].as_i64()),
            (Some(1), Some(3))
        );
        assert_eq!(diff["fields"], json!(["title"]), "{}", app.backend);
        let sections = diff["sections"].as_array().unwrap();
        assert_eq!(sections.len(), 2, "{diff}");
        assert_eq!(sections[0]["change"], "changed");
        assert_eq!(sections[0]["blocks"][0]["change"], "changed");
        assert_eq!(sections[0]["blocks"][0]["before"]["text"], "The lede.");
        assert_eq!(
            sections[0]["blocks"][0]["after"]["text"],
            "The corrected lede."
        );
        assert_eq!(sections[1]["change"], "added");
        assert_eq!(sections[1]["new_index"], 2);
        assert_eq!(sections[1]["after"]["heading"], "At stake");
        let same = json(
            app.get_as(
                Some(&editor),
                &format!("{}/2/diff/2", revisions_path(&story)),
            )
            .await,
            200,
            "same",
        )
        .await;
        assert_eq!(same["fields"], json!([]));
        assert_eq!(same["sections"], json!([]));
        json(
            app.get_as(
                Some(&editor),
                &format!("{}/1/diff/7", revisions_path(&story)),
            )
            .await,
            404,
            "diff to nothing",
        )
        .await;
    }
}

#[each_database]
async fn restoring_makes_an_old_revision_current_as_a_new_version() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = story_with_history(&app, &author, &editor).await;
        let restore = format!("{}/1/restore", revisions_path(&story));
        let stale = app
            .post_as(Some(&editor), &restore, Some("\"2\""), None)
            .await;
        assert_eq!(
            json(stale, 412, "stale").await["current_version"],
            3,
            "{}",
            app.backend
        );
        let restored = app
            .post_as(Some(&editor), &restore, Some("\"3\""), None)
            .await;
        assert_eq!(restored.headers()["etag"], "\"4\"");
        let article = json(restored, 200, "restore").await;
        assert_eq!(article["version"], 4);
        assert_eq!(article["title"], "Talks resume in Geneva");
        assert_eq!(article["sections"].as_array().unwrap().len(), 2);
        assert_eq!(article["slug"], story.slug.as_str());

        let list = json(
            app.get_as(Some(&editor), &revisions_path(&story)).await,
            200,
            "list",
        )
        .await;
        let last = &list["data"][3];
        assert_eq!(last["number"], 4);
        assert_eq!(last["kind"], "restore");
        assert_eq!(last["restored_from"], 1);
        assert_eq!(last["version"], 4);
        // History is never rewritten: revisions 2 and 3 are still there, and 1 equals 4.
        assert_eq!(list["data"].as_array().unwrap().len(), 4);
        let diff = json(
            app.get_as(
                Some(&editor),
                &format!("{}/1/diff/4", revisions_path(&story)),
            )
            .await,
            200,
            "1 vs 4",
        )
        .await;
        assert_eq!(diff["sections"], json!([]));

        json(
            app.post_as(
                Some(&editor),
                &format!("{}/99/restore", revisions_path(&story)),
                None,
                None,
            )
            .await,
            404,
            "none",
        )
        .await;
        json(
            app.post_as(None, &restore, None, None).await,
            401,
            "anonymous",
        )
        .await;
        let stranger = app.sign_in_new(Role::Author).await;
        json(
            app.post_as(Some(&stranger), &restore, None, None).await,
            403,
            "not their article",
        )
        .await;
    }
}

#[each_database]
async fn restoring_a_published_article_is_a_correction_that_keeps_it_published() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = story_with_history(&app, &author, &editor).await;
        let published = json(
            app.post_as(
                Some(&editor),
                &format!("/api/v1/admin/articles/{}/publish", story.id),
                None,
                None,
            )
            .await,
            200,
            "publish",
        )
        .await;
        // The author may no longer touch it; an editor corrects it.
        let restore = format!("{}/2/restore", revisions_path(&story));
        json(
            app.post_as(Some(&author), &restore, None, None).await,
            403,
            "author after publication",
        )
        .await;
        let corrected = json(
            app.post_as(Some(&editor), &restore, None, None).await,
            200,
            "correction",
        )
        .await;
        assert_eq!(corrected["status"], "published", "{}", app.backend);
        assert_eq!(corrected["published_at"], published["published_at"]);
        assert_ne!(corrected["updated_at"], published["updated_at"]);
        assert_eq!(corrected["title"], "Talks resume in Geneva");
        let public = json(
            app.get(&format!("/api/v1/articles/{}", story.slug)).await,
            200,
            "public",
        )
        .await;
        assert_eq!(public["version"], corrected["version"]);
        // Publication marked the revision that went out.
        let list = json(
            app.get_as(Some(&editor), &revisions_path(&story)).await,
            200,
            "list",
        )
        .await;
        let published_marks: Vec<i64> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["published"] == true)
            .map(|r| r["number"].as_i64().unwrap())
            .collect();
        assert_eq!(published_marks, [3]);
    }
}

const HISTORY: &str = r#"
query History($id: ID!, $after: String) {
  revisions(articleId: $id, first: 2, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { number version kind title savedBy { databaseId displayName } } }
  }
}"#;

const ONE: &str = r#"
query One($id: ID!, $n: Int!) {
  revision(articleId: $id, number: $n) {
    number slug standfirst authorIds
    sections { heading blocks { kind text markdown } }
  }
}"#;

const DIFF: &str = r#"
query Diff($id: ID!) {
  revisionDiff(articleId: $id, from: 1, to: 2) {
    from to fields
    sections { change oldIndex newIndex headingChanged
      blocks { change before { kind text } after { kind text } }
      after { heading } }
  }
}"#;

const RESTORE: &str = r#"
mutation Restore($id: ID!, $v: Int) {
  restoreRevision(articleId: $id, number: 1, expectedVersion: $v) { version title }
}"#;

fn code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

#[each_database]
async fn graphql_offers_the_same_history() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = story_with_history(&app, &author, &editor).await;
        let page = app
            .graphql_by(Some(&editor), HISTORY, json!({ "id": story.id }))
            .await;
        let revisions = &page["data"]["revisions"];
        assert_eq!(revisions["edges"][0]["node"]["number"], 1, "{page}");
        assert_eq!(
            revisions["edges"][1]["node"]["savedBy"]["databaseId"],
            editor.user_id.as_str()
        );
        assert_eq!(revisions["pageInfo"]["hasNextPage"], true);
        let after = revisions["pageInfo"]["endCursor"].clone();
        let next = app
            .graphql_by(
                Some(&editor),
                HISTORY,
                json!({ "id": story.id, "after": after }),
            )
            .await;
        assert_eq!(
            next["data"]["revisions"]["edges"][0]["node"]["number"], 3,
            "{next}"
        );
        assert_eq!(next["data"]["revisions"]["pageInfo"]["hasNextPage"], false);

        let one = app
            .graphql_by(Some(&editor), ONE, json!({ "id": story.id, "n": 1 }))
            .await;
        assert_eq!(
            one["data"]["revision"]["slug"],
            story.slug.as_str(),
            "{one}"
        );
        assert_eq!(
            one["data"]["revision"]["sections"][0]["blocks"][0]["text"],
            "The lede."
        );
        let none = app
            .graphql_by(Some(&editor), ONE, json!({ "id": story.id, "n": 42 }))
            .await;
        assert!(none["data"]["revision"].is_null(), "{none}");

        let diff = app
            .graphql_by(Some(&editor), DIFF, json!({ "id": story.id }))
            .await;
        let sections = &diff["data"]["revisionDiff"]["sections"];
        assert_eq!(sections[0]["change"], "CHANGED", "{diff}");
        assert_eq!(
            sections[0]["blocks"][0]["after"]["text"],
            "The corrected lede."
        );
        assert_eq!(sections[1]["change"], "ADDED");
        assert_eq!(sections[1]["after"]["heading"], "At stake");

        let stale = app
            .graphql_by(Some(&editor), RESTORE, json!({ "id": story.id, "v": 1 }))
            .await;
        assert_eq!(code(&stale), "VERSION_CONFLICT", "{stale}");
        assert_eq!(stale["errors"][0]["extensions"]["currentVersion"], 3);
        let restored = app
            .graphql_by(Some(&editor), RESTORE, json!({ "id": story.id, "v": 3 }))
            .await;
        assert_eq!(
            restored["data"]["restoreRevision"]["version"], 4,
            "{restored}"
        );
        assert_eq!(
            restored["data"]["restoreRevision"]["title"],
            "Talks resume in Geneva"
        );

        let anonymous = app
            .graphql_by(None, HISTORY, json!({ "id": story.id }))
            .await;
        assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous}");
        let bad = app
            .graphql_by(
                Some(&editor),
                HISTORY,
                json!({ "id": story.id, "after": "zzz" }),
            )
            .await;
        assert_eq!(code(&bad), "BAD_USER_INPUT", "{bad}");
    }
}
