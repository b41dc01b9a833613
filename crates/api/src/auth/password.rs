//! argon2id password hashing on a small fixed pool of threads (see
//! [`super::hash_pool`]) that reuse their memory, so a flood of sign-ins
//! neither starves the readers nor grows the server's memory.

use argon2::password_hash::PasswordHash;
use argon2::Params;
use masthead_domain::Password;

use crate::auth::hash_pool;
use crate::error::ApiError;

/// OWASP's argon2id parameters, which are the argon2 crate's defaults:
/// 19 MiB of memory (in KiB)…
pub const MEMORY_KIB: u32 = Params::DEFAULT_M_COST;
/// …2 passes over memory…
pub const ITERATIONS: u32 = Params::DEFAULT_T_COST;
/// …and 1 lane.
pub const PARALLELISM: u32 = Params::DEFAULT_P_COST;

fn params() -> Params {
    Params::default()
}

/// Hashes a password into a PHC string with a fresh salt.
pub async fn hash(password: Password) -> Result<String, ApiError> {
    hash_pool::run(move |memory| {
        hash_pool::hash_with(memory, &params(), password.expose().as_bytes())
            .map_err(|error| ApiError::Internal(format!("hashing failed: {error}")))
    })
    .await?
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Wrong password (or unreadable hash).
    Mismatch,
    /// Right password, hash as strong as today's parameters.
    Match,
    /// Right password, but the hash uses weaker parameters: re-hash it now.
    MatchNeedsRehash,
}

/// Checks `password` against `stored` (a PHC string). Takes as long for a
/// wrong password as for a right one.
pub async fn verify(password: String, stored: String) -> Result<Verification, ApiError> {
    hash_pool::run(move |memory| {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return Verification::Mismatch;
        };
        // Verify with the hash's own parameters, then compare them to today's.
        if !hash_pool::matches(memory, &parsed, password.as_bytes()) {
            return Verification::Mismatch;
        }
        let weaker = Params::try_from(&parsed).map_or(true, |params| {
            params.m_cost() < MEMORY_KIB
                || params.t_cost() < ITERATIONS
                || params.p_cost() < PARALLELISM
        }) || parsed.algorithm.as_str() != "argon2id";
        if weaker {
            Verification::MatchNeedsRehash
        } else {
            Verification::Match
        }
    })
    .await
}

/// A hash of a random password, verified against when an e-mail is unknown so
/// that "no such user" takes as long as "wrong password".
pub async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            let random = crate::auth::password::random_password();
            // 24 random letters and digits always parse; hashing cannot fail
            // for them either, short of a broken pool.
            match Password::parse("password", &random) {
                Ok(password) => hash(password).await.unwrap_or_default(),
                Err(_) => String::new(),
            }
        })
        .await
}

/// A random password of 24 URL-safe characters (~143 bits), for generated accounts.
pub fn random_password() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 24)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher, SaltString};
    use argon2::{Algorithm, Argon2, Version};

    use super::*;

    #[test]
    fn the_parameters_are_owasps() {
        assert_eq!((MEMORY_KIB, ITERATIONS, PARALLELISM), (19_456, 2, 1));
        let params = params();
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (19_456, 2, 1)
        );
    }

    fn password(text: &str) -> Password {
        Password::parse("password", text).unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash(password("correct horse battery")).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            verify("correct horse battery".into(), hash.clone())
                .await
                .unwrap(),
            Verification::Match
        );
        assert_eq!(
            verify("wrong horse battery".into(), hash).await.unwrap(),
            Verification::Mismatch
        );
    }

    #[tokio::test]
    async fn a_weaker_hash_asks_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8_192, 1, 1, None).unwrap(),
        )
        .hash_password(
            b"correct horse battery",
            &SaltString::generate(&mut argon2::password_hash::rand_core::OsRng),
        )
        .unwrap()
        .to_string();
        assert_eq!(
            verify("correct horse battery".into(), weak).await.unwrap(),
            Verification::MatchNeedsRehash
        );
    }

    #[tokio::test]
    async fn garbage_hashes_never_match() {
        assert_eq!(
            verify("anything at all".into(), "not a hash".into())
                .await
                .unwrap(),
            Verification::Mismatch
        );
    }
}
