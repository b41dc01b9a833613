//! The README's "First article in five minutes" runs as written: the shell
//! blocks between `<!-- walkthrough:begin -->` and `<!-- walkthrough:end -->`
//! go to `bash -euo pipefail` in a fresh directory where `cargo run --release`
//! has (as far as the walkthrough can tell) just started the server: the real
//! binary at `./target/release/masthead`, serving `masthead.db` there.

use crate::support;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The shell blocks of the walkthrough, in order.
fn walkthrough_script(readme: &str) -> String {
    let begin = readme
        .find("<!-- walkthrough:begin -->")
        .expect("README marks where the walkthrough begins");
    let end = readme
        .find("<!-- walkthrough:end -->")
        .expect("README marks where the walkthrough ends");
    let mut script = String::new();
    let mut in_block = false;
    for line in readme[begin..end].lines() {
        match line.trim_end() {
            "```sh" => in_block = true,
            "```" if in_block => in_block = false,
            code if in_block => {
                script.push_str(code);
                script.push('\n');
            }
            _ => {}
        }
    }
    script
}

fn tool_missing(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_or(true, |status| !status.success())
}

/// Stops the server however the test ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn wait_until_ready(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(answer) = client.get(format!("{url}/readyz")).send().await {
            if answer.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server at {url} never became ready");
}

#[test]
fn the_walkthrough_finds_its_blocks() {
    let readme = include_str!("../../README.md");
    let script = walkthrough_script(readme);
    for step in [
        "set-password",
        "/api/v1/auth/login",
        "/publish",
        "createArticle",
        "/approve",
    ] {
        assert!(
            script.contains(step),
            "the walkthrough lost its `{step}` step"
        );
    }
}

#[tokio::test]
async fn the_readme_walkthrough_runs_verbatim() {
    if let Some(tool) = ["bash", "curl", "jq"]
        .into_iter()
        .find(|tool| tool_missing(tool))
    {
        eprintln!("README walkthrough skipped: `{tool}` is not installed (.ci/run installs it)");
        return;
    }
    let directory = std::env::temp_dir().join(format!(
        "masthead-walkthrough-{}",
        uuid::Uuid::now_v7().simple()
    ));
    let release = directory.join("target/release");
    std::fs::create_dir_all(&release).unwrap();
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_BIN_EXE_masthead")),
        release.join("masthead"),
    )
    .unwrap();

    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::fs::File::create(directory.join("server.log")).unwrap();
    let server = Server(
        support::masthead_command()
            .current_dir(&directory)
            .env("MASTHEAD_BIND", format!("127.0.0.1:{port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start masthead"),
    );
    wait_until_ready(&url).await;

    let script = walkthrough_script(include_str!("../../README.md"));
    let run = {
        let directory = directory.clone();
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            Command::new("bash")
                .args(["-euo", "pipefail", "-c", &script])
                .current_dir(&directory)
                .env("MASTHEAD_URL", &url)
                .env_remove("MASTHEAD_DATABASE_URL")
                .output()
                .expect("run bash")
        })
        .await
        .unwrap()
    };
    drop(server);
    let server_log = std::fs::read_to_string(directory.join("server.log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&directory);
    assert!(
        run.status.success(),
        "the README walkthrough failed ({}):\n--- stdout\n{}\n--- stderr\n{}\n--- server log\n{}",
        run.status,
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
        server_log,
    );
    let output = String::from_utf8_lossy(&run.stdout);
    assert!(output.contains("\"published\""), "{output}");
    assert!(output.contains("What the port says"), "{output}");
}
