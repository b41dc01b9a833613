//! Running the real `masthead` binary as a command (the `user`, `export`,
//! `import` and `backup` subcommands) and reading what it said.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

/// Runs `masthead ARGS --database-url URL` to its end, feeding `stdin` when
/// given, off the async workers.
pub async fn run(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = super::masthead_command();
    command
        .args(args)
        .args(["--database-url", url])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let input = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("start masthead");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(input) = input {
            pipe.write_all(input.as_bytes()).expect("write stdin");
        }
        drop(pipe);
        child.wait_with_output().expect("masthead finishes")
    })
    .await
    .expect("join")
}

/// Everything the command printed, standard output then standard error, for
/// assertions and their messages.
pub fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A path in the temporary directory no other test uses:
/// `masthead-{area}-{unique}-{name}`.
pub fn scratch(area: &str, name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "masthead-{area}-{}-{name}",
        uuid::Uuid::now_v7().simple()
    ))
}
