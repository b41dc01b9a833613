//! Image uploads as a client sends them: `multipart/form-data` built by hand
//! (one `file` part, text parts beside it), and a ready-made library item.

use masthead_api::media::fixtures;
use reqwest::Method;
use serde_json::Value;

use super::{Session, TestApp};

/// One part of a form: name, file name (for file parts), bytes.
pub type Part<'a> = (&'a str, Option<&'a str>, &'a [u8]);

const BOUNDARY: &str = "masthead-test-boundary-7d1f";

/// A `multipart/form-data` body of `parts`, and its content type.
pub fn form(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let head = match file_name {
            Some(file_name) => format!(
                "content-disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 content-type: image/jpeg\r\n\r\n"
            ),
            None => format!("content-disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// `POST /api/v1/admin/media` with `parts`, as `session`; (status, JSON answer).
pub async fn upload(app: &TestApp, session: Option<&Session>, parts: &[Part<'_>]) -> (u16, Value) {
    let (content_type, body) = form(parts);
    let response = app
        .request(Method::POST, "/admin/media", session)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST /admin/media");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Uploads a small photo no other test uploads, described with alt text (so
/// articles can place it as it is); the new item's id.
pub async fn new_media(app: &TestApp, session: &Session) -> String {
    // Distinct bytes each time, or the library would answer an existing item.
    let side = 16 + (uuid::Uuid::now_v7().as_u128() % 4096) as u32;
    let photo = fixtures::jpeg(side, 12);
    let parts: [Part<'_>; 2] = [
        ("file", Some("fixture.jpg"), &photo),
        ("alt", None, b"A test photograph"),
    ];
    let (status, item) = upload(app, Some(session), &parts).await;
    assert!(
        status == 201 || status == 200,
        "upload ({}): {item}",
        app.backend
    );
    item["id"].as_str().expect("an id").to_owned()
}
