//! The media library over REST: uploads as `multipart/form-data`, checked by
//! their bytes (never the name or `Content-Type`), bounded before decoding,
//! stored once per distinct file, served to readers re-encoded without
//! metadata; browsing, search, descriptions and deletion by role.

use crate::support::media::{upload, Part};
use crate::support::{Session, TestApp};

use masthead_api::media::fixtures;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

/// Uploads an image file named `name` with no description; (status, answer).
async fn upload_file(app: &TestApp, session: &Session, name: &str, bytes: &[u8]) -> (u16, Value) {
    upload(app, Some(session), &[("file", Some(name), bytes)]).await
}

async fn library(app: &TestApp, session: &Session, query: &str) -> Value {
    let response = app
        .request(Method::GET, &format!("/admin/media{query}"), Some(session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.backend);
    response.json().await.unwrap()
}

fn problem_field(problem: &Value) -> String {
    problem["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[each_database]
async fn an_upload_is_described_stored_once_and_served_without_its_metadata() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = app.sign_in_new(Role::Author).await;
        // Stored 400 x 240 with EXIF orientation 6 (turn 90°) and a GPS position.
        let photo = fixtures::jpeg_with_exif(400, 240, 6);
        let (status, item) = upload(
            &app,
            Some(&author),
            &[
                ("file", Some("harbour.jpg"), &photo),
                ("alt", None, b"Ferries moored at the north pier"),
                ("caption", None, "The north pier at dawn — 🌅".as_bytes()),
                ("credit", None, b"Ines Calder / Harbour Desk"),
                ("focal_x", None, b"0.25"),
                ("focal_y", None, b"0.75"),
            ],
        )
        .await;
        assert_eq!(status, 201, "{}: {item}", app.backend);
        assert_eq!(item["format"], "jpeg");
        assert_eq!(
            (item["width"].as_u64(), item["height"].as_u64()),
            (Some(240), Some(400)),
            "upright"
        );
        assert_eq!(item["bytes"], photo.len());
        assert_eq!(item["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(item["file_name"], "harbour.jpg");
        assert_eq!(item["caption"], "The north pier at dawn — 🌅");
        assert_eq!(item["credit"], "Ines Calder / Harbour Desk");
        assert_eq!(
            (item["focal_x"].as_f64(), item["focal_y"].as_f64()),
            (Some(0.25), Some(0.75))
        );
        assert_eq!(item["created_by"], author.user_id.as_str());
        let id = item["id"].as_str().unwrap().to_owned();
        let renditions = item["renditions"].as_object().unwrap();
        assert_eq!(
            renditions.keys().cloned().collect::<Vec<_>>(),
            ["160"],
            "ladder widths up to the original's 240"
        );

        // The same bytes again (under another name) are the same item.
        let (again, same) = upload_file(&app, &author, "copy.jpg", &photo).await;
        assert_eq!(again, 200, "{}: {same}", app.backend);
        assert_eq!(same["id"], id.as_str());
        assert_eq!(
            library(&app, &author, "").await["data"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Readers get a re-encoded rendition: no EXIF block, no GPS.
        let rendition = app.get(renditions["160"].as_str().unwrap()).await;
        assert_eq!(rendition.status(), 200);
        assert_eq!(rendition.headers()["content-type"], "image/webp");
        let served = rendition.bytes().await.unwrap();
        assert!(
            !fixtures::contains(&served, &fixtures::GPS_LATITUDE),
            "no GPS in renditions"
        );
        assert!(
            !fixtures::contains(&served, b"Exif\0\0"),
            "no EXIF in renditions"
        );
        let decoded = image::load_from_memory(&served).unwrap();
        assert_eq!(decoded.width(), 160, "scaled to the ladder width");
        assert!(
            (266..=267).contains(&decoded.height()),
            "upright: {}",
            decoded.height()
        );

        // The original is for staff only, byte for byte.
        let original_url = item["original_url"].as_str().unwrap();
        let anonymous = app
            .client
            .get(format!("{}{original_url}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 401);
        let original = app
            .client
            .get(format!("{}{original_url}", app.address))
            .bearer_auth(&author.access_token)
            .send()
            .await
            .unwrap();
        assert_eq!(original.status(), 200);
        assert_eq!(original.headers()["content-type"], "image/jpeg");
        assert_eq!(original.headers()["cache-control"], "private, no-store");
        assert_eq!(original.bytes().await.unwrap().as_ref(), photo.as_slice());
    }
}

#[each_database]
async fn hostile_files_are_refused_by_their_bytes_and_leave_nothing_behind() {
    for app in
        TestApp::spawn_all_empty_with(|settings| settings.media.media_max_bytes = 4_096).await
    {
        let author = app.sign_in_new(Role::Author).await;
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        let html = b"<!doctype html><html><body><script>alert(1)</script></body></html>";
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF";
        for (name, bytes) in [
            ("logo.svg", &svg[..]),
            ("photo.jpg", &html[..]),
            ("scan.jpg", &pdf[..]),
        ] {
            let (status, problem) = upload_file(&app, &author, name, bytes).await;
            assert_eq!(status, 415, "{} {name}: {problem}", app.backend);
            assert_eq!(problem["code"], "UNSUPPORTED_MEDIA_TYPE");
        }
        // A 100-byte PNG declaring 100,000 x 100,000 pixels: refused from its header.
        let bomb = fixtures::png_declaring(100_000, 100_000);
        let (status, problem) = upload_file(&app, &author, "bomb.png", &bomb).await;
        assert_eq!(
            (status, problem_field(&problem)),
            (422, "file".to_owned()),
            "{problem}"
        );
        // A JPEG cut in half.
        let whole = fixtures::jpeg(300, 200);
        let (status, problem) =
            upload_file(&app, &author, "cut.jpg", &whole[..whole.len() / 2]).await;
        assert_eq!(
            (status, problem_field(&problem)),
            (422, "file".to_owned()),
            "{problem}"
        );
        // Larger than --media-max-bytes (4 KiB here): refused while it streams in.
        let mut large = fixtures::png(30, 20);
        large.resize(5_000, 0);
        let (status, problem) = upload_file(&app, &author, "large.png", &large).await;
        assert_eq!(status, 413, "{problem}");
        // Every accepted format still goes in.
        for (name, bytes) in [
            ("a.png", fixtures::png(30, 20)),
            ("b.gif", fixtures::gif(30, 20)),
            ("c.webp", fixtures::webp(30, 20)),
        ] {
            let (status, item) = upload_file(&app, &author, name, &bytes).await;
            assert_eq!(status, 201, "{} {name}: {item}", app.backend);
        }
        let listed = library(&app, &author, "").await;
        let formats: Vec<&str> = listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["format"].as_str().unwrap())
            .collect();
        assert_eq!(
            formats,
            ["webp", "gif", "png"],
            "only the accepted files, newest first"
        );
    }
}

#[each_database]
async fn a_bad_form_is_refused_naming_the_field() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = app.sign_in_new(Role::Author).await;
        let photo = fixtures::jpeg(40, 30);
        let file: Part<'_> = ("file", Some("p.jpg"), &photo);
        let long_alt = "a".repeat(1_001);
        let cases: Vec<(Vec<Part<'_>>, u16, &str)> = vec![
            (vec![("alt", None, b"no file")], 422, "file"),
            (vec![file, ("alt", None, long_alt.as_bytes())], 422, "alt"),
            (vec![file, ("focal_x", None, b"0.5")], 422, "focal_y"),
            (
                vec![file, ("focal_x", None, b"left"), ("focal_y", None, b"0.5")],
                422,
                "focal_x",
            ),
            (
                vec![file, ("focal_x", None, b"1.5"), ("focal_y", None, b"0.5")],
                422,
                "focal_x",
            ),
            (vec![file, ("title", None, b"?")], 422, "title"),
            (vec![file, file], 422, "file"),
            (vec![file, ("caption", None, b"a\0b")], 400, "caption"),
        ];
        for (parts, status, field) in cases {
            let (got, problem) = upload(&app, Some(&author), &parts).await;
            assert_eq!(
                (got, problem_field(&problem)),
                (status, field.to_owned()),
                "{}: {problem}",
                app.backend
            );
        }
        let json = app
            .request(Method::POST, "/admin/media", Some(&author))
            .json(&json!({ "file": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(json.status(), 415);
        let (anonymous, _) = upload(&app, None, &[file]).await;
        assert_eq!(anonymous, 401);
        assert!(
            library(&app, &author, "").await["data"]
                .as_array()
                .unwrap()
                .is_empty(),
            "nothing stored"
        );
    }
}

#[each_database]
async fn the_library_is_searched_and_each_role_edits_what_it_may() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (author, other, editor) = (
            app.sign_in_new(Role::Author).await,
            app.sign_in_new(Role::Author).await,
            app.sign_in_new(Role::Editor).await,
        );
        let (_, pier) = upload(
            &app,
            Some(&author),
            &[
                ("file", Some("pier.jpg"), &fixtures::jpeg(64, 48)),
                ("caption", None, b"The North Pier"),
            ],
        )
        .await;
        let (_, storm) = upload(
            &app,
            Some(&other),
            &[
                ("file", Some("storm.png"), &fixtures::png(64, 48)),
                ("credit", None, b"Agency Photo"),
            ],
        )
        .await;
        let pier_id = pier["id"].as_str().unwrap();
        let found = library(&app, &editor, "?q=north%20PIER").await;
        assert_eq!(found["data"].as_array().unwrap().len(), 1);
        assert_eq!(found["data"][0]["id"], pier_id);
        assert_eq!(
            library(&app, &editor, "?q=storm.png").await["data"][0]["id"],
            storm["id"]
        );
        let paged = library(&app, &editor, "?limit=1").await;
        assert_eq!(paged["data"][0]["id"], storm["id"], "newest first");
        let cursor = paged["next_cursor"].as_str().unwrap();
        assert_eq!(
            library(&app, &editor, &format!("?limit=1&cursor={cursor}")).await["data"][0]["id"],
            pier_id
        );

        let patch = |session: &Session, body: Value| {
            app.request(
                Method::PATCH,
                &format!("/admin/media/{pier_id}"),
                Some(session),
            )
            .json(&body)
            .send()
        };
        assert_eq!(
            patch(&other, json!({ "alt": "Not mine" }))
                .await
                .unwrap()
                .status(),
            403
        );
        let edited: Value = patch(
            &editor,
            json!({ "alt": "Boats at the pier", "focal_x": 0.1, "focal_y": 0.9 }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        assert_eq!(
            (edited["alt"].as_str(), edited["caption"].as_str()),
            (Some("Boats at the pier"), Some("The North Pier"))
        );
        assert_eq!(
            patch(&author, json!({ "credit": "x".repeat(301) }))
                .await
                .unwrap()
                .status(),
            422
        );
        assert_eq!(
            patch(&author, json!({ "width": 10 }))
                .await
                .unwrap()
                .status(),
            422
        );

        let delete = |session: &Session| {
            app.request(
                Method::DELETE,
                &format!("/admin/media/{pier_id}"),
                Some(session),
            )
            .send()
        };
        assert_eq!(delete(&other).await.unwrap().status(), 403);
        let rendition = pier["renditions"]["160"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert_eq!(delete(&author).await.unwrap().status(), 204);
        let gone = app
            .request(
                Method::GET,
                &format!("/admin/media/{pier_id}"),
                Some(&editor),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), 404);
        if !rendition.is_empty() {
            assert_eq!(app.get(&rendition).await.status(), 404);
        }
        let not_an_id = app
            .request(Method::GET, "/admin/media/not-an-id", Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(not_an_id.status(), 404);
    }
}

#[each_database]
async fn the_server_keeps_answering_while_twenty_large_uploads_arrive() {
    // Twenty distinct photos (distinct bytes: none is deduplicated), each
    // decoded on the image pool while the reads go on. Made first: making them
    // takes longer than the server keeps an idle connection open.
    let photos: Vec<Vec<u8>> = (0..20u32).map(|n| fixtures::jpeg(1_024 + n, 768)).collect();
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let author = app.sign_in_new(Role::Author).await;
        let uploads = futures_util::future::join_all(
            photos
                .iter()
                .map(|photo| upload_file(&app, &author, "large.jpg", photo)),
        );
        let reads = async {
            let mut answered = 0;
            for _ in 0..10 {
                let response = app.get("/api/v1/articles?limit=5").await;
                assert_eq!(response.status(), 200);
                answered += 1;
            }
            answered
        };
        let (uploaded, answered) = tokio::join!(uploads, reads);
        assert_eq!(answered, 10, "public reads answered during the uploads");
        for (status, item) in uploaded {
            assert_eq!(status, 201, "{}: {item}", app.backend);
        }
    }
}

#[each_database]
async fn graphql_browses_describes_and_deletes_with_the_same_rules() {
    for app in TestApp::spawn_all_empty_with(|_| {}).await {
        let (author, other, editor) = (
            app.sign_in_new(Role::Author).await,
            app.sign_in_new(Role::Author).await,
            app.sign_in_new(Role::Editor).await,
        );
        let (_, item) = upload(
            &app,
            Some(&author),
            &[
                ("file", Some("quay.jpg"), &fixtures::jpeg(400, 300)),
                ("credit", None, b"Quay Photo"),
            ],
        )
        .await;
        let id = item["id"].as_str().unwrap();
        let list = "query($q: String) { media(q: $q, first: 10) { nodes { id width format credit srcset renditions { width url } createdBy } pageInfo { hasNextPage } } }";
        let found = app
            .graphql_as(Some(&editor.access_token), list, json!({ "q": "quay" }))
            .await;
        let node = &found["data"]["media"]["nodes"][0];
        assert_eq!(node["id"], id, "{}: {found}", app.backend);
        assert_eq!(
            (node["width"].as_u64(), node["format"].as_str()),
            (Some(400), Some("JPEG"))
        );
        assert_eq!(node["createdBy"], author.user_id.as_str());
        assert_eq!(node["srcset"], item["srcset"], "the same srcset as REST");
        assert_eq!(node["renditions"][1]["url"], item["renditions"]["320"]);
        let anonymous = app.graphql_as(None, list, json!({})).await;
        assert_eq!(
            crate::support::graphql_error_code(&anonymous),
            Some("UNAUTHENTICATED")
        );

        let update = "mutation($id: ID!, $input: UpdateMediaInput!) { updateMedia(id: $id, input: $input) { alt focalX focalY } }";
        let theirs = app
            .graphql_as(
                Some(&other.access_token),
                update,
                json!({ "id": id, "input": { "alt": "Mine" } }),
            )
            .await;
        assert_eq!(
            crate::support::graphql_error_code(&theirs),
            Some("FORBIDDEN"),
            "{theirs}"
        );
        let lonely = app
            .graphql_as(
                Some(&author.access_token),
                update,
                json!({ "id": id, "input": { "focalX": 0.2 } }),
            )
            .await;
        assert_eq!(
            crate::support::graphql_error_code(&lonely),
            Some("BAD_USER_INPUT"),
            "{lonely}"
        );
        let edited = app
            .graphql_as(
                Some(&editor.access_token),
                update,
                json!({ "id": id, "input": { "alt": "Boats at the quay", "focalX": 0.2, "focalY": 0.8 } }),
            )
            .await;
        assert_eq!(
            edited["data"]["updateMedia"],
            json!({ "alt": "Boats at the quay", "focalX": 0.2, "focalY": 0.8 })
        );

        let one = "query($id: ID!) { mediaItem(id: $id) { alt } }";
        let unknown = app
            .graphql_as(Some(&author.access_token), one, json!({ "id": "nope" }))
            .await;
        assert_eq!(
            crate::support::graphql_error_code(&unknown),
            Some("NOT_FOUND")
        );
        let delete = "mutation($id: ID!) { deleteMedia(id: $id) }";
        let refused = app
            .graphql_as(Some(&other.access_token), delete, json!({ "id": id }))
            .await;
        assert_eq!(
            crate::support::graphql_error_code(&refused),
            Some("FORBIDDEN")
        );
        let deleted = app
            .graphql_as(Some(&author.access_token), delete, json!({ "id": id }))
            .await;
        assert_eq!(deleted["data"]["deleteMedia"], id);
        let gone = app
            .graphql_as(Some(&author.access_token), one, json!({ "id": id }))
            .await;
        assert_eq!(crate::support::graphql_error_code(&gone), Some("NOT_FOUND"));
    }
}
