//! The editors' article desk over REST: create, read, replace, delete; the
//! GET-change-PUT round trip; conditional writes; idempotent creation; roles.

use crate::support;

use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use support::rest::{document, error_fields, problem};
use support::{Session, TestApp};

async fn get_admin(app: &TestApp, session: &Session, id: &str) -> (String, Value) {
    let response = app
        .request(Method::GET, &format!("/admin/articles/{id}"), Some(session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.backend);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (etag, response.json().await.unwrap())
}

async fn put(
    app: &TestApp,
    session: &Session,
    id: &str,
    if_match: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .request(Method::PUT, &format!("/admin/articles/{id}"), Some(session))
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

#[each_database]
async fn an_editor_creates_reads_replaces_and_deletes_an_article() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&document("Desk story", "Desk Speaker"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", app.backend);
        assert_eq!(response.headers()["etag"], "\"1\"");
        assert_eq!(response.headers()["cache-control"], "private, no-store");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let created: Value = response.json().await.unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        assert_eq!(location, format!("/api/v1/admin/articles/{id}"));
        assert_eq!(created["status"], "draft");
        assert_eq!(created["slug"], "desk-story");
        assert_eq!(
            created["authors"][0]["id"],
            editor.user_id.as_str(),
            "an empty byline is the caller"
        );
        let paragraph = &created["sections"][0]["blocks"][0];
        assert_eq!(paragraph["markdown"], "The lede, with **strong** words.");
        assert_eq!(paragraph["text"], "The lede, with strong words.");
        assert!(paragraph["html"]
            .as_str()
            .unwrap()
            .contains("<strong>strong</strong>"));
        assert_eq!(created["sections"][1]["icon"], "🔎");

        let (etag, read) = get_admin(&app, &editor, &id).await;
        assert_eq!(etag, "\"1\"");
        assert_eq!(read, created, "{}", app.backend);

        let mut changed = read.clone();
        changed["standfirst"] = json!("A sharper summary.");
        let saved = put(&app, &editor, &id, Some(&etag), &changed).await;
        assert_eq!(saved.status(), 200, "{}", app.backend);
        assert_eq!(saved.headers()["etag"], "\"2\"");
        let saved: Value = saved.json().await.unwrap();
        assert_eq!(saved["standfirst"], "A sharper summary.");
        assert_eq!(saved["version"], 2);

        let deleted = app
            .request(
                Method::DELETE,
                &format!("/admin/articles/{id}"),
                Some(&editor),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204, "{}", app.backend);
        let gone = app
            .request(Method::GET, &format!("/admin/articles/{id}"), Some(&editor))
            .send()
            .await
            .unwrap();
        problem(gone, 404, app.backend).await;
        let malformed = app
            .request(Method::GET, "/admin/articles/not-an-id", Some(&editor))
            .send()
            .await
            .unwrap();
        problem(malformed, 404, app.backend).await;
    }
}

#[each_database]
async fn a_get_document_goes_back_with_one_change_and_read_only_fields_are_ignored() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut with_tags = document("Round trip", "Trip Speaker");
        let tags: Value = app
            .request(Method::GET, "/tags?limit=2", None)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        with_tags["tags"] =
            json!([tags["data"][0]["id"], {"id": tags["data"][1]["id"], "name": "ignored"}]);
        with_tags["feature_image"] =
            json!({"url": "https://img.example/a.jpg", "alt": "A harbour", "caption": null});
        let created = app.create_article(&editor, &with_tags).await;
        let id = created["id"].as_str().unwrap();
        assert_eq!(created["tags"].as_array().unwrap().len(), 2);
        assert_eq!(created["primary_tag"]["id"], tags["data"][0]["id"]);

        let (etag, mut document) = get_admin(&app, &editor, id).await;
        document["sections"][0]["blocks"][0]["markdown"] = json!("An *edited* lede.");
        // Read-only fields may be sent changed: they are ignored.
        document["status"] = json!("published");
        document["version"] = json!(99);
        document["word_count"] = json!(1);
        document["url"] = json!("https://elsewhere.example/");
        document["sections"][0]["blocks"][0]["text"] = json!("ignored plain text");
        let saved = put(&app, &editor, id, Some(&etag), &document).await;
        assert_eq!(saved.status(), 200, "{}", app.backend);
        let saved: Value = saved.json().await.unwrap();
        assert_eq!(
            saved["status"], "draft",
            "status changes only through the workflow"
        );
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["sections"][0]["blocks"][0]["text"], "An edited lede.");
        assert_eq!(
            saved["tags"], created["tags"],
            "tag objects round-trip by id"
        );
        assert_eq!(saved["feature_image"], created["feature_image"]);
        assert_eq!(
            saved["sections"][1], created["sections"][1],
            "{}",
            app.backend
        );
        assert_ne!(saved["updated_at"], created["updated_at"]);
    }
}

#[each_database]
async fn unknown_fields_are_refused_so_nothing_can_be_mass_assigned() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Guarded", "Guard Speaker"))
            .await;
        let id = created["id"].as_str().unwrap();
        for (patch, field) in [
            (json!({"is_featured": true}), "is_featured"),
            (
                json!({"seo": {"meta_title": "t", "robots": "noindex"}}),
                "seo.robots",
            ),
            (
                json!({"authors": [{"id": editor.user_id, "role": "admin"}]}),
                "authors[0].role",
            ),
        ] {
            let mut body = created.clone();
            for (key, value) in patch.as_object().unwrap() {
                body[key] = value.clone();
            }
            let response = put(&app, &editor, id, Some("\"1\""), &body).await;
            let problem = problem(response, 422, &patch.to_string()).await;
            assert_eq!(error_fields(&problem), [field], "{patch} ({})", app.backend);
            let response = app
                .request(Method::POST, "/admin/articles", Some(&editor))
                .json(&body)
                .send()
                .await
                .unwrap();
            problem_fields(response, 422, &[field]).await;
        }
        let mut nested = created.clone();
        nested["sections"][0]["blocks"][0]["bold"] = json!(true);
        let response = put(&app, &editor, id, Some("\"1\""), &nested).await;
        let problem = problem(response, 422, app.backend).await;
        assert!(
            error_fields(&problem)[0].starts_with("sections[0].blocks[0]"),
            "{problem} ({})",
            app.backend
        );
        let (_, unchanged) = get_admin(&app, &editor, id).await;
        assert_eq!(unchanged["version"], 1, "nothing was saved");
    }
}

async fn problem_fields(response: reqwest::Response, status: u16, fields: &[&str]) {
    let problem = problem(response, status, "").await;
    assert_eq!(error_fields(&problem), fields, "{problem}");
}

#[each_database]
async fn validation_errors_name_each_field_by_its_document_path() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let body = json!({
            "title": " ",
            "sections": [
                {"blocks": [{"type": "paragraph", "markdown": "fine"}]},
                {"blocks": [{"type": "paragraph", "markdown": ""}, {"type": "list", "items": [{"markdown": "ok"}, " "]}]},
                {"heading": "h".repeat(301), "blocks": []}
            ],
            "feature_image": {"url": "https://img.example/x.jpg"},
            "seo": {"canonical_url": "ftp://nope"},
            "authors": ["not-a-uuid"],
            "reply_policy": "whenever"
        });
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = problem(response, 422, app.backend).await;
        assert_eq!(problem["code"], "BAD_USER_INPUT");
        let mut fields = error_fields(&problem);
        fields.sort();
        assert_eq!(
            fields,
            [
                "authors[0]",
                "feature_image.alt",
                "reply_policy",
                "sections[1].blocks[0].markdown",
                "sections[1].blocks[1].items[1]",
                "sections[2].heading",
                "seo.canonical_url",
                "title",
            ],
            "{problem} ({})",
            app.backend
        );
        let unknown_author = json!({"title": "t", "authors": [uuid::Uuid::now_v7().to_string()]});
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&unknown_author)
            .send()
            .await
            .unwrap();
        problem_fields(response, 422, &["authors"]).await;
    }
}

#[each_database]
async fn put_needs_if_match_and_a_stale_version_changes_nothing() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let created = app
            .create_article(&editor, &document("Versioned", "Version Speaker"))
            .await;
        let id = created["id"].as_str().unwrap();

        let missing = put(&app, &editor, id, None, &created).await;
        let problem_doc = problem(missing, 428, app.backend).await;
        assert_eq!(problem_doc["code"], "PRECONDITION_REQUIRED");

        let mut first = created.clone();
        first["title"] = json!("First editor's headline");
        assert_eq!(
            put(&app, &editor, id, Some("\"1\""), &first).await.status(),
            200
        );

        let mut second = created.clone();
        second["title"] = json!("Second editor's headline");
        for stale in ["\"1\"", "W/\"2\"", "\"7\", \"1\""] {
            let response = put(&app, &editor, id, Some(stale), &second).await;
            let conflict = problem(response, 412, stale).await;
            assert_eq!(conflict["code"], "PRECONDITION_FAILED");
            assert_eq!(conflict["current_version"], 2, "{stale} ({})", app.backend);
        }
        let malformed = put(&app, &editor, id, Some("2"), &second).await;
        problem(malformed, 400, app.backend).await;
        let (etag, current) = get_admin(&app, &editor, id).await;
        assert_eq!(etag, "\"2\"");
        assert_eq!(
            current["title"], "First editor's headline",
            "the stale write changed nothing"
        );
        assert_eq!(
            put(&app, &editor, id, Some("*"), &second).await.status(),
            200
        );

        let stale_delete = app
            .request(
                Method::DELETE,
                &format!("/admin/articles/{id}"),
                Some(&editor),
            )
            .header("if-match", "\"1\"")
            .send()
            .await
            .unwrap();
        problem(stale_delete, 412, app.backend).await;
        get_admin(&app, &editor, id).await;
    }
}

#[each_database]
async fn a_taken_slug_is_a_conflict_never_a_server_error() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let mut body = document("Slugged", "Slug Speaker");
        body["slug"] = json!("the-same-slug");
        app.create_article(&editor, &body).await;
        let response = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .json(&body)
            .send()
            .await
            .unwrap();
        let conflict = problem(response, 409, app.backend).await;
        assert_eq!(conflict["code"], "DUPLICATE");
        assert_eq!(error_fields(&conflict), ["slug"]);

        let other = app
            .create_article(&editor, &document("Another", "Slug Speaker"))
            .await;
        let mut taking = other.clone();
        taking["slug"] = json!("the-same-slug");
        let id = other["id"].as_str().unwrap();
        let response = put(&app, &editor, id, Some("\"1\""), &taking).await;
        problem(response, 409, app.backend).await;
        let derived = app
            .create_article(&editor, &document("Slugged", "Slug Speaker"))
            .await;
        assert_eq!(derived["slug"], "slugged", "{}", app.backend);
    }
}

#[each_database]
async fn each_role_may_do_what_the_policy_says() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let other = app.sign_in_new(Role::Author).await;
        let editor = app.sign_in_new(Role::Editor).await;
        let mine = app
            .create_article(&author, &document("Author's draft", "Role Speaker"))
            .await;
        let id = mine["id"].as_str().unwrap();

        let anonymous = app
            .request(Method::GET, "/admin/articles", None)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
        problem(anonymous, 401, app.backend).await;
        let forged = app
            .client
            .get(app.api("/admin/articles"))
            .bearer_auth("not.a.token")
            .send()
            .await
            .unwrap();
        problem(forged, 401, app.backend).await;
        let anonymous_create = app
            .request(Method::POST, "/admin/articles", None)
            .json(&document("x", "y"))
            .send()
            .await
            .unwrap();
        problem(anonymous_create, 401, app.backend).await;

        let mut edit = mine.clone();
        edit["title"] = json!("Edited by someone else");
        let response = put(&app, &other, id, Some("\"1\""), &edit).await;
        let forbidden = problem(response, 403, app.backend).await;
        assert_eq!(forbidden["code"], "FORBIDDEN");
        let response = app
            .request(
                Method::DELETE,
                &format!("/admin/articles/{id}"),
                Some(&other),
            )
            .send()
            .await
            .unwrap();
        problem(response, 403, app.backend).await;

        assert_eq!(
            put(&app, &author, id, Some("\"1\""), &edit).await.status(),
            200
        );
        assert_eq!(
            put(&app, &editor, id, Some("\"2\""), &edit).await.status(),
            200
        );
        app.publish(id).await;
        let response = put(&app, &author, id, Some("\"4\""), &edit).await;
        problem(response, 403, "authors may not edit published work").await;
    }
}

#[each_database]
async fn idempotent_retries_return_the_first_answer_and_create_one_article() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let body = document("Sent twice over a flaky network", "Retry Speaker");
        let send = |key: &'static str, body: Value| {
            app.request(Method::POST, "/admin/articles", Some(&editor))
                .header("idempotency-key", key)
                .json(&body)
                .send()
        };
        let first = send("retry-1", body.clone()).await.unwrap();
        assert_eq!(first.status(), 201, "{}", app.backend);
        let first_location = first.headers()["location"].clone();
        let first_body = first.text().await.unwrap();
        let retry = send("retry-1", body.clone()).await.unwrap();
        assert_eq!(retry.status(), 201, "{}", app.backend);
        assert_eq!(retry.headers()["idempotent-replayed"], "true");
        assert_eq!(retry.headers()["location"], first_location);
        assert_eq!(
            retry.text().await.unwrap(),
            first_body,
            "the very same answer"
        );

        let desk: Value = app
            .request(Method::GET, "/admin/articles?limit=100", Some(&editor))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let copies = desk["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|article| article["title"] == "Sent twice over a flaky network")
            .count();
        assert_eq!(copies, 1, "{}", app.backend);

        let mut other = body.clone();
        other["title"] = json!("Something else entirely");
        let reused = send("retry-1", other.clone()).await.unwrap();
        let reused = problem(reused, 422, app.backend).await;
        assert_eq!(reused["code"], "IDEMPOTENCY_KEY_REUSED");

        // A failed request releases its key: fixing the body and retrying works.
        let failed = send("retry-2", json!({"title": ""})).await.unwrap();
        problem(failed, 422, app.backend).await;
        assert_eq!(send("retry-2", other).await.unwrap().status(), 201);

        // Keys belong to their caller.
        let colleague = app.sign_in_new(Role::Editor).await;
        let theirs = app
            .request(Method::POST, "/admin/articles", Some(&colleague))
            .header("idempotency-key", "retry-1")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.status(), 201);
        assert!(theirs.headers().get("idempotent-replayed").is_none());
        let bad_key = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .header("idempotency-key", "has spaces")
            .json(&body)
            .send()
            .await
            .unwrap();
        problem(bad_key, 400, app.backend).await;
    }
}

#[each_database]
async fn a_retry_while_the_first_request_still_runs_is_a_conflict() {
    use masthead_persistence::idempotency::{Claim, ClaimTerms};
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let body = serde_json::to_vec(&document("Slow first attempt", "Slow Speaker")).unwrap();
        // The first request has claimed its key and not finished (as it would be mid-flight).
        let mut hasher = Sha256::new();
        hasher.update(b"POST /api/v1/admin/articles\n");
        hasher.update(&body);
        let fingerprint: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let terms = ClaimTerms {
            ttl: std::time::Duration::from_secs(3_600),
            abandoned_after: std::time::Duration::from_secs(3_600),
        };
        let claim = app
            .store()
            .await
            .idempotency()
            .claim(
                &format!("user:{}", editor.user_id),
                "in-flight",
                &fingerprint,
                terms,
            )
            .await
            .unwrap();
        assert_eq!(claim, Claim::Acquired);
        let retry = app
            .request(Method::POST, "/admin/articles", Some(&editor))
            .header("idempotency-key", "in-flight")
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(retry.headers()["retry-after"], "1");
        let conflict = problem(retry, 409, app.backend).await;
        assert_eq!(conflict["code"], "IDEMPOTENCY_IN_PROGRESS");
    }
}

#[each_database]
async fn the_desk_lists_drafts_with_filters_and_pages() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        for n in 0..5 {
            app.create_article(
                &editor,
                &document(&format!("Desk item {n}"), "Desk Speaker"),
            )
            .await;
        }
        let drafts =
            support::rest::all_pages_as(&app, &editor, "/admin/articles?status=draft", 2).await;
        assert_eq!(drafts.len(), 5, "{}", app.backend);
        let published =
            support::rest::all_pages_as(&app, &editor, "/admin/articles?status=published", 2).await;
        assert_eq!(published.len(), 3, "the demo's articles ({})", app.backend);
        let by_tag =
            support::rest::all_pages_as(&app, &editor, "/admin/articles?tag=climate", 1).await;
        assert_eq!(by_tag.len(), 1, "{}", app.backend);
        let by_author =
            support::rest::all_pages_as(&app, &editor, "/admin/articles?author=owen-farrow", 1)
                .await;
        assert_eq!(by_author.len(), 2, "{}", app.backend);
        let trimmed: Value = app
            .request(
                Method::GET,
                "/admin/articles?fields=id,status",
                Some(&editor),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(trimmed["data"][0].as_object().unwrap().len(), 2);
        let bad = app
            .request(Method::GET, "/admin/articles?status=lost", Some(&editor))
            .send()
            .await
            .unwrap();
        problem_fields(bad, 422, &["status"]).await;
    }
}
