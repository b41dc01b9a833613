//! Reading replies: approved only, as threads oldest first, top-level threads
//! paged with cursors, `reply_count` counting approved replies, and removed
//! replies kept as placeholders so their answers keep their place.

use crate::reply_support;
use crate::support;

use std::collections::HashSet;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reply_support::*;
use serde_json::Value;
use support::TestApp;

async fn reply_count(app: &TestApp, slug: &str) -> u64 {
    let article: Value = app
        .get(&format!("/api/v1/articles/{slug}"))
        .await
        .json()
        .await
        .unwrap();
    article["reply_count"].as_u64().unwrap()
}

async fn moderate(app: &TestApp, token: &str, id: &str, action: &str) {
    let response = if action == "delete" {
        admin(
            app,
            reqwest::Method::DELETE,
            &format!("/{id}"),
            None,
            Some(token),
        )
        .await
    } else {
        admin(
            app,
            reqwest::Method::POST,
            &format!("/{id}/{action}"),
            None,
            Some(token),
        )
        .await
    };
    assert!(
        response.status().is_success(),
        "{action} {id}: {}",
        response.status()
    );
}

#[each_database]
async fn the_demo_replies_read_as_threads_oldest_first() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let (_, threads) = public_threads(&app, &open).await;
        let data = threads["data"].as_array().unwrap();
        assert_eq!(data.len(), 2, "two demo threads ({})", app.backend);
        assert!(threads["next_cursor"].is_null());
        let first = &data[0];
        assert_eq!(first["author_name"], "Ines Halloran");
        assert_eq!(first["depth"], 1);
        assert!(first["parent_id"].is_null());
        let answer = &first["children"][0];
        assert_eq!(answer["author_name"], "Declan Moss");
        assert_eq!(answer["parent_id"], first["id"]);
        assert_eq!(answer["depth"], 2);
        assert_eq!(answer["children"][0]["depth"], 3);
        assert_eq!(data[1]["author_name"], "Priya Lindqvist");
        for node in [first, answer] {
            assert_eq!(node["removed"], false);
            assert!(node["body"].is_string() && node["body_html"].is_string());
            assert!(node["created_at"].is_string());
        }
        assert_eq!(reply_count(&app, &open).await, 5);
    }
}

#[each_database]
async fn top_level_threads_page_with_cursors_covering_each_once() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let mut posted = Vec::new();
        for n in 0..5 {
            let id = post_ok(&app, &open, &format!("Thread {n}"), None, 201).await;
            post_ok(&app, &open, &format!("Answer to {n}"), Some(&id), 201).await;
            posted.push(id);
        }
        // 2 demo threads + 5 new ones, two per page.
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let path = match &cursor {
                Some(cursor) => format!("/api/v1/articles/{open}/replies?limit=2&cursor={cursor}"),
                None => format!("/api/v1/articles/{open}/replies?limit=2"),
            };
            let page: Value = app.get(&path).await.json().await.unwrap();
            let data = page["data"].as_array().unwrap();
            assert!(data.len() <= 2);
            for thread in data {
                assert_eq!(thread["depth"], 1, "only thread starts at the top");
                let id = thread["id"].as_str().unwrap().to_owned();
                if posted.contains(&id) {
                    assert_eq!(thread["children"].as_array().unwrap().len(), 1, "whole");
                }
                seen.push(id);
            }
            pages += 1;
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
            assert!(pages < 10, "paging ends");
        }
        assert_eq!(pages, 4, "{}", app.backend);
        assert_eq!(seen.len(), 7);
        assert_eq!(
            seen.iter().collect::<HashSet<_>>().len(),
            7,
            "no thread twice"
        );
        assert_eq!(
            &seen[2..],
            posted.as_slice(),
            "oldest first ({})",
            app.backend
        );
        assert_eq!(reply_count(&app, &open).await, 15);

        for bad in ["limit=0", "limit=101", "cursor=garbage", "sort=new"] {
            let response = app
                .get(&format!("/api/v1/articles/{open}/replies?{bad}"))
                .await;
            assert_eq!(response.status().as_u16() / 100, 4, "{bad}");
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
        }
        let response = app.get("/api/v1/articles/no-such-article/replies").await;
        assert_eq!(response.status(), 404);
    }
}

#[each_database]
async fn a_rejected_or_deleted_parent_stays_in_place_as_a_removed_placeholder() {
    for app in spawn_all_generous().await {
        let open = demo_articles(&app).await.open;
        let editor = app.sign_in_new(Role::Editor).await;
        let root = post_ok(&app, &open, "Root", None, 201).await;
        let middle = post_ok(&app, &open, "Middle", Some(&root), 201).await;
        let leaf = post_ok(&app, &open, "Leaf", Some(&middle), 201).await;
        let sibling = post_ok(&app, &open, "Sibling", Some(&root), 201).await;
        assert_eq!(reply_count(&app, &open).await, 9);

        moderate(&app, &editor.access_token, &middle, "reject").await;
        let (text, threads) = public_threads(&app, &open).await;
        let placeholder = find_node(&threads["data"], &middle).expect("kept in place");
        assert_eq!(placeholder["removed"], true, "{}", app.backend);
        assert!(placeholder["author_name"].is_null());
        assert!(placeholder["body"].is_null() && placeholder["body_html"].is_null());
        assert_eq!(placeholder["depth"], 2);
        assert_eq!(placeholder["parent_id"], root.as_str());
        assert_eq!(placeholder["children"][0]["id"], leaf.as_str());
        assert_eq!(placeholder["children"][0]["depth"], 3);
        assert!(!text.contains("Middle ("), "the rejected text is gone");
        let top: Vec<&str> = threads["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert!(!top.contains(&leaf.as_str()), "the answer is not promoted");
        let root_node = find_node(&threads["data"], &root).unwrap();
        let order: Vec<&str> = root_node["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(order, [middle.as_str(), sibling.as_str()], "oldest first");
        assert_eq!(reply_count(&app, &open).await, 8);

        // Delete the middle for good and the root too: both become placeholders.
        moderate(&app, &editor.access_token, &middle, "delete").await;
        moderate(&app, &editor.access_token, &root, "delete").await;
        let (_, threads) = public_threads(&app, &open).await;
        let root_node = find_node(&threads["data"], &root).expect("thread start kept");
        assert_eq!(root_node["removed"], true, "{}", app.backend);
        assert_eq!(root_node["depth"], 1);
        let middle_node = find_node(&root_node["children"], &middle).expect("deleted, in place");
        assert_eq!(middle_node["removed"], true);
        assert_eq!(middle_node["children"][0]["id"], leaf.as_str());
        assert!(find_node(&root_node["children"], &sibling).is_some());
        assert_eq!(reply_count(&app, &open).await, 7);

        // A thread with nothing visible left disappears.
        moderate(&app, &editor.access_token, &leaf, "spam").await;
        moderate(&app, &editor.access_token, &sibling, "reject").await;
        let (_, threads) = public_threads(&app, &open).await;
        assert!(
            find_node(&threads["data"], &root).is_none(),
            "{}",
            app.backend
        );
    }
}
