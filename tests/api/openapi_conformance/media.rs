//! `/admin/media` (staff): uploads, the library, descriptions, originals.

use masthead_api::media::fixtures;
use masthead_domain::media::{MediaFormat, MediaMeta};
use masthead_domain::{MediaId, Role};
use masthead_persistence::media::NewMedia;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::json;

use super::Conformance;
use crate::support::media::form;
use crate::support::TestApp;

#[each_database]
async fn media_operations_match_the_document() {
    for app in TestApp::spawn_all().await {
        let author = app.sign_in_new(Role::Author).await;
        let other = app.sign_in_new(Role::Author).await;
        let mut api = Conformance::new(&app).await;

        let list = "/admin/media";
        let photo = fixtures::jpeg(48, 32);
        let upload = |parts: &[crate::support::media::Part<'_>]| {
            let (content_type, body) = form(parts);
            app.request(Method::POST, list, Some(&author))
                .header("content-type", content_type)
                .body(body)
        };
        let created = upload(&[("file", Some("pier.jpg"), &photo), ("alt", None, b"A pier")]);
        let created = api.expect("post", list, created, 201).await;
        let again = upload(&[("file", Some("pier.jpg"), &photo)]);
        api.expect("post", list, again, 200).await;
        for (request, status) in [
            (upload(&[("file", Some("x.svg"), b"<svg/>")]), 415),
            (upload(&[("alt", None, b"no file")]), 422),
            (
                api.request(Method::POST, list, Some(&author))
                    .json(&json!({})),
                415,
            ),
        ] {
            api.expect("post", list, request, status).await;
        }
        let id = created["id"].as_str().unwrap().to_owned();

        api.expect(
            "get",
            list,
            api.request(Method::GET, list, Some(&author)),
            200,
        )
        .await;
        api.expect("get", list, api.request(Method::GET, list, None), 401)
            .await;
        api.expect(
            "get",
            list,
            api.request(Method::GET, "/admin/media?cursor=nope", Some(&author)),
            422,
        )
        .await;

        let one = "/admin/media/{id}";
        let path = format!("/admin/media/{id}");
        api.expect(
            "get",
            one,
            api.request(Method::GET, &path, Some(&other)),
            200,
        )
        .await;
        let unknown = format!("/admin/media/{}", MediaId::generate());
        api.expect(
            "get",
            one,
            api.request(Method::GET, &unknown, Some(&other)),
            404,
        )
        .await;
        let original = "/admin/media/{id}/original";
        api.expect(
            "get",
            original,
            api.request(Method::GET, &format!("{path}/original"), Some(&author)),
            200,
        )
        .await;
        api.expect(
            "patch",
            one,
            api.request(Method::PATCH, &path, Some(&author))
                .json(&json!({ "caption": "The north pier", "focal_x": 0.3, "focal_y": 0.6 })),
            200,
        )
        .await;
        api.expect(
            "patch",
            one,
            api.request(Method::PATCH, &path, Some(&other))
                .json(&json!({ "caption": "Mine now" })),
            403,
        )
        .await;
        api.expect(
            "patch",
            one,
            api.request(Method::PATCH, &path, Some(&author))
                .json(&json!({ "focal_x": 0.3 })),
            422,
        )
        .await;

        // An image loaded by other means than an upload has no uploader.
        let loaded = MediaId::generate();
        app.store()
            .await
            .media()
            .record(NewMedia {
                id: loaded,
                sha256: "0".repeat(64),
                format: MediaFormat::Png,
                width: 10,
                height: 10,
                bytes: 100,
                file_name: "demo.png".to_owned(),
                meta: MediaMeta::default(),
            })
            .await
            .unwrap();
        let shown = api
            .expect(
                "get",
                one,
                api.request(
                    Method::GET,
                    &format!("/admin/media/{loaded}"),
                    Some(&author),
                ),
                200,
            )
            .await;
        assert!(shown["created_by"].is_null(), "{shown}");

        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&other)),
            403,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&author)),
            204,
        )
        .await;
        api.expect(
            "delete",
            one,
            api.request(Method::DELETE, &path, Some(&author)),
            404,
        )
        .await;
        api.assert_area_succeeded("media");
    }
}
