//! The bounded pool image work runs on: about one job per core, off the async
//! workers, so twenty large uploads arriving at once queue here instead of
//! stalling every other request or holding twenty decoded images in memory.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::error::ApiError;

fn permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS
        .get_or_init(|| Semaphore::new(std::thread::available_parallelism().map_or(1, usize::from)))
}

/// Runs `job` on a blocking thread once one of the pool's slots is free,
/// and waits for its answer.
pub async fn run<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let _slot = permits()
        .acquire()
        .await
        .map_err(|_| ApiError::Unavailable)?;
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|error| ApiError::Internal(format!("image job failed: {error}")))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_runs_more_jobs_than_cores() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..cores * 3).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        });
        for result in futures_util::future::join_all(jobs).await {
            result.unwrap();
        }
        assert!(most.load(Ordering::SeqCst) <= cores);
    }
}
