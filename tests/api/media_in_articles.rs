//! Library images placed in articles: image blocks and feature images take
//! the library's alt, caption and credit unless they say their own; readers
//! get sized renditions, a `srcset` and NewsArticle crops; a placement is
//! checked at the field it names; an image current articles show cannot be
//! deleted, and lists them.

use crate::support::media::{upload, Part};
use crate::support::rest::{error_fields, problem};
use crate::support::{Session, TestApp};

use masthead_api::media::fixtures;
use masthead_domain::Role;
use masthead_test_macros::each_database;
use reqwest::Method;
use serde_json::{json, Value};

/// Uploads a 1300 x 800 photo described by `alt` (empty: none); its id.
async fn photo(app: &TestApp, session: &Session, alt: &str) -> String {
    let side = 1300 + (uuid::Uuid::now_v7().as_u128() % 200) as u32;
    let bytes = fixtures::jpeg(side, 800);
    let parts: [Part<'_>; 4] = [
        ("file", Some("quay.jpg"), &bytes),
        ("alt", None, alt.as_bytes()),
        ("caption", None, b"The quay at first light"),
        ("credit", None, b"Harbour Desk"),
    ];
    let (status, item) = upload(app, Some(session), &parts).await;
    assert_eq!(status, 201, "{}: {item}", app.backend);
    item["id"].as_str().unwrap().to_owned()
}

fn story(title: &str, blocks: Value, feature_image: Value) -> Value {
    json!({
        "title": title,
        "standfirst": "Cranes stand still on the ninth day.",
        "sections": [{ "heading": null, "blocks": blocks }],
        "feature_image": feature_image,
    })
}

async fn create(app: &TestApp, session: &Session, document: &Value) -> reqwest::Response {
    app.request(Method::POST, "/admin/articles", Some(session))
        .json(document)
        .send()
        .await
        .unwrap()
}

async fn media_item(app: &TestApp, session: &Session, id: &str) -> Value {
    let response = app
        .request(Method::GET, &format!("/admin/media/{id}"), Some(session))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", app.backend);
    response.json().await.unwrap()
}

#[each_database]
async fn placed_images_take_the_librarys_words_and_readers_get_renditions_and_crops() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let id = photo(&app, &editor, "Three cranes over an empty quay").await;
        let document = story(
            "Cranes idle on the ninth day",
            json!([
                { "type": "paragraph", "markdown": "The terminal is silent." },
                { "type": "image", "media_id": id, "layout": "wide" },
                { "type": "image", "media_id": id, "decorative": true, "caption": "Own words" },
            ]),
            json!({ "media_id": id }),
        );
        let response = create(&app, &editor, &document).await;
        assert_eq!(response.status(), 201, "{}", app.backend);
        let created: Value = response.json().await.unwrap();
        let blocks = &created["sections"][0]["blocks"];
        let placed = &blocks[1];
        assert_eq!(placed["type"], "image");
        assert_eq!(placed["alt"], "Three cranes over an empty quay");
        assert_eq!(placed["caption"], "The quay at first light");
        assert_eq!(placed["credit"], "Harbour Desk");
        assert_eq!(placed["layout"], "wide");
        assert_eq!(placed["height"], 800);
        let widths: Vec<&String> = placed["renditions"].as_object().unwrap().keys().collect();
        assert_eq!(
            widths,
            ["1280", "160", "320", "640", "960"],
            "never wider than the original"
        );
        let srcset = placed["srcset"].as_str().unwrap();
        assert!(
            srcset.starts_with(&format!("/media/{id}/160.webp 160w, ")),
            "{srcset}"
        );
        assert!(
            srcset.ends_with(&format!("/media/{id}/1280.webp 1280w")),
            "{srcset}"
        );
        let decorative = &blocks[2];
        assert_eq!(decorative["alt"], Value::Null);
        assert_eq!(decorative["caption"], "Own words", "its own words win");
        assert_eq!(decorative["layout"], "inline");
        let feature = &created["feature_image"];
        assert_eq!(feature["media_id"], id.as_str());
        assert_eq!(feature["url"], format!("/media/{id}/1280.jpg"));
        assert_eq!(feature["alt"], "Three cranes over an empty quay");

        // A GET document goes back as it came (read-only fields ignored).
        let article_id = created["id"].as_str().unwrap();
        let resent = app
            .request(
                Method::PUT,
                &format!("/admin/articles/{article_id}"),
                Some(&editor),
            )
            .header("if-match", "\"1\"")
            .json(&created)
            .send()
            .await
            .unwrap();
        assert_eq!(resent.status(), 200, "{}", app.backend);
        let resent: Value = resent.json().await.unwrap();
        assert_eq!(resent["sections"], created["sections"], "{}", app.backend);

        app.publish(article_id).await;
        let slug = created["slug"].as_str().unwrap();
        let public: Value = app
            .get(&format!("/api/v1/articles/{slug}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(public["sections"][0]["blocks"][1]["srcset"], srcset);
        let structured: Value =
            serde_json::from_str(public["structured_data"].as_str().unwrap()).unwrap();
        let images: Vec<&str> = structured["image"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(images.len(), 3, "{structured}");
        for (image, aspect) in images.iter().zip(["16x9", "4x3", "1x1"]) {
            assert!(image.starts_with("http"), "absolute: {image}");
            assert!(
                image.ends_with(&format!("/media/{id}/1280-{aspect}.jpg")),
                "{image}"
            );
            let path = &image[image.find("/media/").unwrap()..];
            let crop = app.get(path).await;
            assert_eq!(crop.status(), 200, "{path}");
        }
        let rendition = app.get(&format!("/media/{id}/320.webp")).await;
        assert_eq!(rendition.status(), 200);

        let query = r#"query($slug: String!) { article(slug: $slug) {
            featureImage { mediaId url width srcset renditions { width url } }
            sections { blocks { __typename ... on ImageBlock {
                mediaId alt decorative caption credit layout width height srcset renditions { width url } } } } } }"#;
        let answer = app.graphql(query, json!({ "slug": slug })).await;
        let article = &answer["data"]["article"];
        let image = &article["sections"][0]["blocks"][1];
        assert_eq!(image["__typename"], "ImageBlock", "{answer}");
        assert_eq!(image["layout"], "WIDE");
        assert_eq!(image["srcset"], srcset);
        assert_eq!(
            image["renditions"][0],
            json!({ "width": 160, "url": format!("/media/{id}/160.webp") })
        );
        assert_eq!(article["sections"][0]["blocks"][2]["decorative"], true);
        assert_eq!(article["featureImage"]["mediaId"], id.as_str());
        assert_eq!(article["featureImage"]["width"], image["width"]);

        let feed = app.get("/feeds/rss.xml").await.text().await.unwrap();
        assert!(
            feed.contains(&format!("/media/{id}/1280.jpg")),
            "the feed's image"
        );
        assert!(feed.contains("srcset="), "the body's figure");
    }
}

#[each_database]
async fn a_placement_is_checked_at_the_field_it_names() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let described = photo(&app, &editor, "A ferry at the pier").await;
        let bare = photo(&app, &editor, "").await;
        let unknown = uuid::Uuid::now_v7().to_string();
        let block = |extra: Value| {
            let mut block = json!({ "type": "image", "media_id": described });
            for (key, value) in extra.as_object().unwrap() {
                block[key] = value.clone();
            }
            story("Checked", json!([block]), Value::Null)
        };
        let cases = [
            (
                block(json!({ "media_id": unknown })),
                "sections[0].blocks[0].media_id",
            ),
            (
                block(json!({ "media_id": "a-ferry.jpg" })),
                "sections[0].blocks[0].media_id",
            ),
            (
                block(json!({ "media_id": bare })),
                "sections[0].blocks[0].alt",
            ),
            (
                block(json!({ "decorative": true, "alt": "Both" })),
                "sections[0].blocks[0].alt",
            ),
            (
                block(json!({ "layout": "sideways" })),
                "sections[0].blocks[0].layout",
            ),
            (
                block(json!({ "caption": "c".repeat(2_001) })),
                "sections[0].blocks[0].caption",
            ),
            (
                block(json!({ "credit": "c".repeat(301) })),
                "sections[0].blocks[0].credit",
            ),
            (
                story("Checked", json!([]), json!({ "media_id": unknown })),
                "feature_image.media_id",
            ),
            (
                story("Checked", json!([]), json!({ "media_id": bare })),
                "feature_image.alt",
            ),
        ];
        for (document, field) in cases {
            let response = create(&app, &editor, &document).await;
            let refused = problem(response, 422, field).await;
            assert_eq!(
                error_fields(&refused),
                [field],
                "{}: {refused}",
                app.backend
            );
        }
        // An image without library alt text is placed with its own, or as decorative.
        for extra in [
            json!({ "media_id": bare, "alt": "Own alt" }),
            json!({ "media_id": bare, "decorative": true }),
        ] {
            let response = create(&app, &editor, &block(extra)).await;
            assert_eq!(response.status(), 201, "{}", app.backend);
        }

        let mutation = r#"mutation($input: ArticleInput!) { createArticle(input: $input) { id } }"#;
        let input = json!({ "title": "Checked", "sections": [{ "blocks": [
            { "paragraph": { "text": "Words." } },
            { "image": { "mediaId": unknown } },
        ] }] });
        let answer = app
            .graphql_as(
                Some(editor.access_token.as_str()),
                mutation,
                json!({ "input": input }),
            )
            .await;
        let error = &answer["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{answer}");
        assert_eq!(
            error["extensions"]["field"], "sections[0].blocks[1].mediaId",
            "{answer}"
        );
    }
}

#[each_database]
async fn an_image_current_articles_show_cannot_be_deleted_and_lists_them() {
    for app in TestApp::spawn_all().await {
        let editor = app.sign_in_new(Role::Editor).await;
        let id = photo(&app, &editor, "Nets drying on the harbour wall").await;
        let document = story(
            "Nets on the wall",
            json!([{ "type": "image", "media_id": id }]),
            Value::Null,
        );
        let created: Value = create(&app, &editor, &document).await.json().await.unwrap();
        let article_id = created["id"].as_str().unwrap();
        let item = media_item(&app, &editor, &id).await;
        assert_eq!(
            item["used_by"],
            json!([{ "article_id": article_id, "title": "Nets on the wall", "slug": created["slug"], "status": "draft" }])
        );

        let refused = app
            .request(Method::DELETE, &format!("/admin/media/{id}"), Some(&editor))
            .send()
            .await
            .unwrap();
        let in_use = problem(refused, 409, "in use").await;
        assert_eq!(in_use["code"], "IN_USE");
        assert!(
            in_use["detail"]
                .as_str()
                .unwrap()
                .contains("“Nets on the wall”"),
            "{in_use}"
        );
        let answer = app
            .graphql_as(
                Some(editor.access_token.as_str()),
                "mutation($id: ID!) { deleteMedia(id: $id) }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "IN_USE",
            "{answer}"
        );
        let graphql_item = app
            .graphql_as(
                Some(editor.access_token.as_str()),
                "query($id: ID!) { mediaItem(id: $id) { usedBy { title status } } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            graphql_item["data"]["mediaItem"]["usedBy"],
            json!([{ "title": "Nets on the wall", "status": "DRAFT" }])
        );

        // Revision 1 keeps the image as it was placed.
        let revision: Value = app
            .request(
                Method::GET,
                &format!("/admin/articles/{article_id}/revisions/1"),
                Some(&editor),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            revision["content"]["sections"][0]["blocks"][0]["media_id"],
            id.as_str()
        );

        // Without the image the article no longer holds it: deleting works.
        let mut without = story(
            "Nets on the wall",
            json!([{ "type": "paragraph", "markdown": "Words." }]),
            Value::Null,
        );
        without["authors"] = json!([editor.user_id]);
        let saved = app
            .request(
                Method::PUT,
                &format!("/admin/articles/{article_id}"),
                Some(&editor),
            )
            .header("if-match", "\"1\"")
            .json(&without)
            .send()
            .await
            .unwrap();
        assert_eq!(
            saved.status(),
            200,
            "{}: {}",
            app.backend,
            saved.text().await.unwrap_or_default()
        );
        assert_eq!(media_item(&app, &editor, &id).await["used_by"], json!([]));
        let deleted = app
            .request(Method::DELETE, &format!("/admin/media/{id}"), Some(&editor))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204, "{}", app.backend);

        // Bringing back the revision that showed it names the missing image.
        let restore = app
            .request(
                Method::POST,
                &format!("/admin/articles/{article_id}/revisions/1/restore"),
                Some(&editor),
            )
            .header("if-match", "\"2\"")
            .send()
            .await
            .unwrap();
        let refused = problem(restore, 422, "restore").await;
        assert_eq!(error_fields(&refused), ["sections[0].blocks[0].media_id"]);
    }
}
