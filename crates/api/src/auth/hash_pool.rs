//! A small fixed pool of long-lived threads for argon2: one per core, each
//! owning one 19 MiB memory block it reuses while hashes keep coming (and
//! frees when the queue is empty), fed through a bounded queue. A fresh thread per hash (tokio's blocking pool) leaves each
//! 19 MiB block behind in that thread's allocator arena: 40 failed sign-ins
//! once grew a server from 33 MB to 680 MB resident. Past the queue, callers
//! get `503` at once instead of memory growing.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::oneshot;

use crate::error::ApiError;

/// Jobs waiting beyond the ones running, per worker. Each waits about one
/// hash time per job ahead of it (tens of milliseconds).
const QUEUE_PER_WORKER: usize = 32;

/// The largest memory cost a stored hash may ask for (64 MiB), so a strange
/// hash cannot make a worker keep a huge block.
const MAX_MEMORY_KIB: u32 = 65_536;

/// Work for a hashing thread: it hashes on the thread's block and returns
/// the delivery of its answer, which the thread calls once it has decided
/// whether to keep the block.
type Job = Box<dyn FnOnce(&mut Vec<Block>) -> Delivery + Send>;

/// Sends a finished job's answer to its caller.
type Delivery = Box<dyn FnOnce() + Send>;

struct Pool {
    queue: SyncSender<Job>,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| {
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let (queue, jobs) = sync_channel::<Job>(workers * QUEUE_PER_WORKER);
        let jobs = Arc::new(Mutex::new(jobs));
        for index in 0..workers {
            let jobs = jobs.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{index}"))
                .spawn(move || work(&jobs));
            if let Err(error) = spawned {
                tracing::error!(%error, "could not start a password hashing thread");
            }
        }
        Pool { queue }
    })
}

/// A worker's life: run the next queued job on this thread's memory block,
/// reused while jobs keep coming; when none is waiting, hand the block back
/// to the allocator before answering, so an idle server holds no 19 MiB
/// blocks (a flood keeps reusing them) and no caller sees its answer while
/// the block is still held (the memory benchmark reads it right then).
fn work(jobs: &Mutex<Receiver<Job>>) {
    let mut memory: Vec<Block> = Vec::new();
    let mut next: Option<Job> = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match jobs.lock().map(|receiver| receiver.recv()) {
                Ok(Ok(job)) => job,
                _ => return,
            },
        };
        let deliver = job(&mut memory);
        next = waiting(jobs);
        if next.is_none() {
            memory = Vec::new();
        }
        deliver();
    }
}

/// The next queued job, without waiting for one. (While another worker
/// waits for jobs it holds the queue: then there is nothing queued either.)
fn waiting(jobs: &Mutex<Receiver<Job>>) -> Option<Job> {
    jobs.try_lock().ok()?.try_recv().ok()
}

/// Runs `job` on a pool thread and waits for its answer; `Unavailable`
/// (503, `Retry-After`) when the queue is full.
pub async fn run<T: Send + 'static>(
    job: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (reply, answer) = oneshot::channel();
    let boxed: Job = Box::new(move |memory| {
        let metrics = crate::metrics::recorded();
        metrics.hash_queued.dec();
        metrics.hash_running.inc();
        let answer = job(memory);
        metrics.hash_running.dec();
        Box::new(move || {
            let _ = reply.send(answer);
        })
    });
    // Counted before sending, so the worker's decrement never comes first.
    crate::metrics::recorded().hash_queued.inc();
    match pool().queue.try_send(boxed) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => {
            crate::metrics::recorded().hash_queued.dec();
            tracing::warn!("password hashing queue full; refusing with 503");
            return Err(ApiError::Unavailable);
        }
        Err(TrySendError::Disconnected(_)) => {
            crate::metrics::recorded().hash_queued.dec();
            return Err(ApiError::Internal("no password hashing thread".into()));
        }
    }
    answer
        .await
        .map_err(|_| ApiError::Internal("a password hashing job was dropped".into()))
}

/// `memory` grown to `params`' block count (never shrunk: the next hash
/// needs the same), as the slice argon2 works in.
fn blocks<'a>(memory: &'a mut Vec<Block>, params: &Params) -> &'a mut [Block] {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    &mut memory[..params.block_count()]
}

/// Hashes `password` with `params` and a fresh salt into a PHC string.
pub fn hash_with(
    memory: &mut Vec<Block>,
    params: &Params,
    password: &[u8],
) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    let hasher = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut raw_salt = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut raw_salt)
        .map_err(|error| error.to_string())?;
    let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(length, |out| {
        hasher
            .hash_password_into_with_memory(password, salt_bytes, out, blocks(memory, params))
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .map_err(|error| error.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: params.try_into().map_err(|error| format!("{error}"))?,
        salt: Some(Salt::from(&salt)),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// True when `password` matches the PHC string `stored` (any argon2 variant
/// and parameters up to 64 MiB), compared in constant time.
pub fn matches(memory: &mut Vec<Block>, stored: &PasswordHash<'_>, password: &[u8]) -> bool {
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(stored.algorithm) else {
        return false;
    };
    let version = stored
        .version
        .map_or(Ok(Version::V0x13), Version::try_from)
        .unwrap_or(Version::V0x13);
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    if params.m_cost() > MAX_MEMORY_KIB {
        return false;
    }
    let mut raw_salt = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut raw_salt) else {
        return false;
    };
    let hasher = Argon2::new(algorithm, version, params.clone());
    let computed = Output::init_with(expected.len(), |out| {
        hasher
            .hash_password_into_with_memory(password, salt_bytes, out, blocks(memory, &params))
            .map_err(|_| argon2::password_hash::Error::Password)
    });
    // `Output`'s equality is constant-time.
    computed.is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, PasswordVerifier};

    use super::*;

    fn params() -> Params {
        Params::new(1_024, 1, 1, None).unwrap()
    }

    #[test]
    fn hashes_made_with_reused_memory_verify_with_the_argon2_crate_and_back() {
        let mut memory = Vec::new();
        let ours = hash_with(&mut memory, &params(), b"correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        assert!(matches(&mut memory, &parsed, b"correct horse battery"));
        assert!(!matches(&mut memory, &parsed, b"wrong horse battery"));
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(b"pass phrase", &SaltString::generate(&mut rand_core()))
            .unwrap()
            .to_string();
        let theirs = PasswordHash::new(&theirs).unwrap();
        assert!(matches(&mut memory, &theirs, b"pass phrase"));
        assert_eq!(memory.len(), 1_024, "the block is kept for the next hash");
    }

    #[test]
    fn absurd_memory_costs_are_not_attempted() {
        let stored = "$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let parsed = PasswordHash::new(stored).unwrap();
        let mut memory = Vec::new();
        assert!(!matches(&mut memory, &parsed, b"anything"));
        assert!(memory.is_empty());
    }

    fn rand_core() -> argon2::password_hash::rand_core::OsRng {
        argon2::password_hash::rand_core::OsRng
    }

    #[tokio::test]
    async fn jobs_run_on_the_pool_and_answer() {
        let answer = run(|_memory| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert!(answer.is_some_and(|name| name.starts_with("argon2-")));
    }
}
