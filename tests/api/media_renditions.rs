//! Public renditions: made on first request from the stored original, kept,
//! cached for a year with a strong ETag; 304, HEAD and Range; ladder widths
//! and unknown ids 404. (Originals are put in the store directly here; the
//! upload route has its own tests.)

use std::io::Cursor;

use crate::support::{self, TestApp};
use masthead_api::media::MediaStore;
use masthead_domain::media::{MediaFormat, MediaMeta};
use masthead_domain::MediaId;
use masthead_persistence::media::NewMedia;
use masthead_test_macros::each_database;

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

async fn stored_image(app: &TestApp, width: u32, height: u32) -> MediaId {
    let bytes = jpeg(width, height);
    let id = MediaId::generate();
    let settings = support::settings_for(&app.database);
    let dir = settings.media.dir(&settings.database.database_url);
    MediaStore::local(&dir)
        .unwrap()
        .put_original(id, bytes.clone().into())
        .await
        .unwrap();
    let sha256: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    };
    app.store()
        .await
        .media()
        .record(NewMedia {
            id,
            sha256,
            format: MediaFormat::Jpeg,
            width,
            height,
            bytes: bytes.len() as u64,
            file_name: "photo.jpg".to_owned(),
            meta: MediaMeta::default(),
        })
        .await
        .unwrap();
    id
}

#[each_database]
async fn renditions_are_made_once_cached_and_served_in_ranges() {
    for app in TestApp::spawn_all_with(|settings| settings.no_demo = true).await {
        renditions_on(&app).await;
    }
}

async fn renditions_on(app: &TestApp) {
    let id = stored_image(app, 700, 500).await;

    let first = app.get(&format!("/media/{id}/640.webp")).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-type"], "image/webp");
    assert_eq!(
        first.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "{etag}");
    let body = first.bytes().await.unwrap();
    let decoded = image::load_from_memory(&body).unwrap();
    assert_eq!(decoded.width(), 640);
    assert!((457..=458).contains(&decoded.height()));

    // Kept: the same bytes and validator again.
    let again = app.get(&format!("/media/{id}/640.webp")).await;
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(again.bytes().await.unwrap(), body);

    let url = format!("{}/media/{id}/640.webp", app.address);
    let cached = app
        .client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);
    assert!(cached.bytes().await.unwrap().is_empty());

    let head = app.client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], body.len().to_string());
    assert!(head.bytes().await.unwrap().is_empty());

    let part = app
        .client
        .get(&url)
        .header("range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-9/{}", body.len())
    );
    assert_eq!(part.bytes().await.unwrap(), body.slice(0..10));

    let past = app
        .client
        .get(&url)
        .header("range", format!("bytes={}-", body.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(past.status(), 416);

    let square = app.get(&format!("/media/{id}/320-1x1.jpg")).await;
    assert_eq!(square.status(), 200);
    assert_eq!(square.headers()["content-type"], "image/jpeg");
    let square = image::load_from_memory(&square.bytes().await.unwrap()).unwrap();
    assert_eq!((square.width(), square.height()), (320, 320));
}

#[each_database]
async fn widths_off_the_ladder_or_wider_than_the_original_and_unknown_ids_are_404() {
    for app in TestApp::spawn_all_with(|settings| settings.no_demo = true).await {
        refusals_on(&app).await;
    }
}

async fn refusals_on(app: &TestApp) {
    let id = stored_image(app, 700, 500).await;
    for path in [
        format!("/media/{id}/960.webp"),
        format!("/media/{id}/500.webp"),
        format!("/media/{id}/0640.webp"),
        format!("/media/{id}/640.gif"),
        format!("/media/{id}/640-2x1.jpg"),
        format!("/media/{id}/original"),
        format!("/media/{}/640.webp", MediaId::generate()),
        "/media/not-an-id/640.webp".to_owned(),
    ] {
        assert_eq!(app.get(&path).await.status(), 404, "{path}");
    }
}
