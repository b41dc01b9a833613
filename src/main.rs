//! The `masthead` binary: a thin shell around the library's command line.

use std::process::ExitCode;

/// Runs the command; a failure is one line on stderr (`masthead: …`, causes
/// joined by `: `) and exit status 1, never a backtrace, whatever
/// `RUST_BACKTRACE` says: the message is for the operator, not a debugger.
fn main() -> ExitCode {
    pin_mmap_threshold();
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(masthead_api::cli::run()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("masthead: {}", one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line.
fn one_line(error: &anyhow::Error) -> String {
    format!("{error:#}")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Pins glibc's mmap threshold at 1 MiB. Left dynamic, it rises after the
/// first large block is freed, so every later 19 MiB argon2 block comes from a
/// per-thread arena that keeps it: hundreds of MB after a sign-in flood.
/// Pinned, such blocks are mapped and unmapped, going back to the system
/// (bench/memory.sh; mimalloc did worse unless told to purge at once).
fn pin_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; it runs before any other
    // thread exists. The workspace denies unsafe code; this is its one use.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
