//! Authentication: who the caller is (bearer JWTs, refresh tokens, argon2id
//! passwords). What they may do is decided by `masthead_domain::policy`.

pub mod caller;
pub mod hash_pool;
pub mod password;
pub mod rate_limit;
pub mod signing_key;
pub mod tokens;

pub use caller::Caller;
