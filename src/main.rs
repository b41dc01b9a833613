//! The `masthead` binary: a thin shell around the library's command line.

fn main() -> anyhow::Result<()> {
    pin_mmap_threshold();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(masthead_api::cli::run())
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
