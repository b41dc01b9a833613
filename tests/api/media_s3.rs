//! The media library on an S3-compatible store (`--media-store s3://…`), as
//! an operator runs it: the real binary, configured from the AWS variables,
//! against moto's S3 server (`pip install "moto[server]"`; the test skips,
//! saying so, when `moto_server` is not installed). Originals, renditions
//! and the demo's lead photo land in the bucket under the prefix, are served
//! from it, and deleting an image removes its objects.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::cli::{run, said, scratch};
use crate::support::masthead_command;
use crate::support::media::form;

use masthead_api::media::fixtures;
use masthead_persistence::testing::TestDatabase;
use masthead_test_macros::each_database;
use serde_json::{json, Value};

const BUCKET: &str = "newsroom-media";

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Polls `url` until it answers 200 (at most a minute).
async fn wait_for(client: &reqwest::Client, url: &str) {
    for _ in 0..600 {
        if let Ok(response) = client.get(url).send().await {
            if response.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} did not answer within a minute");
}

/// The keys in the bucket (moto's ListObjectsV2 answer, read plainly).
async fn keys(client: &reqwest::Client, s3: &str) -> Vec<String> {
    let listing = client
        .get(format!("{s3}/{BUCKET}?list-type=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    listing
        .split("<Key>")
        .skip(1)
        .filter_map(|part| part.split_once("</Key>").map(|(key, _)| key.to_owned()))
        .collect()
}

#[each_database]
async fn originals_and_renditions_live_in_the_bucket_and_go_with_the_image() {
    let moto_port = free_port();
    let moto = match Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p"])
        .arg(moto_port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!(
                "SKIPPED: moto_server is not installed ({error}); pip install \"moto[server]\""
            );
            return;
        }
    };
    let _moto = Running(moto);
    let client = reqwest::Client::new();
    let s3 = format!("http://127.0.0.1:{moto_port}");
    wait_for(&client, &format!("{s3}/")).await;
    let created = client.put(format!("{s3}/{BUCKET}")).send().await.unwrap();
    assert_eq!(created.status(), 200, "create the bucket");

    for database in TestDatabase::all().await {
        let prefix = format!("atlas-{}", uuid::Uuid::now_v7().simple());
        let password = "correct horse battery staple 1";
        let port = free_port();
        let key_file = scratch("s3", "jwt.key");
        let server = masthead_command()
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--database-url", &database.url])
            .args(["--media-store", &format!("s3://{BUCKET}/{prefix}")])
            .env("MASTHEAD_JWT_SECRET_FILE", &key_file)
            .env("AWS_ACCESS_KEY_ID", "moto")
            .env("AWS_SECRET_ACCESS_KEY", "moto")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", &s3)
            .env("AWS_ALLOW_HTTP", "true")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start masthead");
        let _server = Running(server);
        let base = format!("http://127.0.0.1:{port}");
        wait_for(&client, &format!("{base}/readyz")).await;
        // After the demo loaded (it loads into an empty database only).
        let made = run(
            &database.url,
            &[
                "user",
                "create",
                "--email",
                "desk@atlas.example",
                "--name",
                "Desk",
                "--role",
                "editor",
                "--password-stdin",
            ],
            Some(password),
        )
        .await;
        assert!(made.status.success(), "{}", said(&made));

        let session: Value = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "email": "desk@atlas.example", "password": password }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["access_token"]
            .as_str()
            .expect("signed in")
            .to_owned();
        let photo = fixtures::jpeg(700, 400);
        let (content_type, body) = form(&[
            ("file", Some("pier.jpg"), &photo),
            ("alt", None, b"The pier at low tide"),
        ]);
        let uploaded = client
            .post(format!("{base}/api/v1/admin/media"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), 201, "{}", database.backend);
        let item: Value = uploaded.json().await.unwrap();
        let id = item["id"].as_str().unwrap().to_owned();
        let rendition = client
            .get(format!("{base}/media/{id}/320.webp"))
            .send()
            .await
            .unwrap();
        assert_eq!(rendition.status(), 200);
        assert_eq!(rendition.headers()["content-type"], "image/webp");
        let original = client
            .get(format!("{base}/api/v1/admin/media/{id}/original"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(original.bytes().await.unwrap().as_ref(), photo.as_slice());

        let stored = keys(&client, &s3).await;
        for key in [
            format!("{prefix}/{id}/original"),
            format!("{prefix}/{id}/320.webp"),
        ] {
            assert!(stored.contains(&key), "{key} in {stored:?}");
        }
        let demo_photo = stored.iter().any(|key| {
            key.starts_with(&prefix) && !key.contains(&id) && key.ends_with("/original")
        });
        assert!(
            demo_photo,
            "the demo's lead photo is in the bucket: {stored:?}"
        );

        let deleted = client
            .delete(format!("{base}/api/v1/admin/media/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), 204);
        let left = keys(&client, &s3).await;
        assert!(!left.iter().any(|key| key.contains(&id)), "{left:?}");
        let _ = std::fs::remove_file(key_file);
    }
}
