//! Editors racing over HTTP: eight restores (and eight publications) sent at
//! once against the same `If-Match`; exactly one lands, every other one is a
//! 412 naming the winner's version, and the history gains exactly one entry.
//! SQLite and PostgreSQL.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use support::workflow::json;
use support::TestApp;

const EDITORS: usize = 8;

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_restores_of_one_version_have_exactly_one_winner() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Contested").await;
        let restore = format!("/api/v1/admin/articles/{}/revisions/1/restore", story.id);
        let requests =
            (0..EDITORS).map(|_| app.post_as(Some(&editor), &restore, Some("\"1\""), None));
        let responses = futures_util::future::join_all(requests).await;
        let mut statuses = Vec::new();
        for response in responses {
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            match status {
                200 => assert_eq!(body["version"], 2, "{}", app.backend),
                412 => {
                    assert_eq!(body["code"], "PRECONDITION_FAILED", "{}", app.backend);
                    assert_eq!(body["current_version"], 2, "{}", app.backend);
                }
                other => panic!("{}: unexpected {other}: {body}", app.backend),
            }
            statuses.push(status);
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{}: {statuses:?}",
            app.backend
        );

        let list = json(
            app.get_as(
                Some(&editor),
                &format!("/api/v1/admin/articles/{}/revisions", story.id),
            )
            .await,
            200,
            "history",
        )
        .await;
        let versions: Vec<i64> = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|revision| revision["version"].as_i64().unwrap())
            .collect();
        assert_eq!(versions, [1, 2], "{}: one new revision", app.backend);
    }
}

#[each_database(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_publications_of_one_version_have_exactly_one_winner() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let story = app.draft_by(&author, "Everyone hits publish").await;
        let publish = format!("/api/v1/admin/articles/{}/publish", story.id);
        let requests =
            (0..EDITORS).map(|_| app.post_as(Some(&editor), &publish, Some("\"1\""), None));
        let statuses: Vec<u16> = futures_util::future::join_all(requests)
            .await
            .iter()
            .map(|response| response.status().as_u16())
            .collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{}: {statuses:?}",
            app.backend
        );
        assert!(
            statuses.iter().all(|s| matches!(s, 200 | 412)),
            "{statuses:?}"
        );
        let admin = app.sign_in_new(Role::Admin).await;
        let audit = json(
            app.get_as(
                Some(&admin),
                &format!("/api/v1/admin/audit?article_id={}", story.id),
            )
            .await,
            200,
            "audit",
        )
        .await;
        let publications = audit["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["action"] == "publish")
            .count();
        assert_eq!(publications, 1, "{}: one publication recorded", app.backend);
    }
}
