//! Access tokens (short-lived JWTs) and refresh tokens (opaque, long-lived).
//!
//! Access tokens are HS256 JWTs; verification pins the algorithm, requires
//! `exp`, `iat`, `iss`, `aud` and `sub`, allows 30 s of clock leeway, and
//! refuses a token without `aud` (which the crate would let through by default).

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use masthead_domain::{Role, UserId};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// Who issues access tokens.
pub const ISSUER: &str = "masthead";
/// Who they are for.
pub const AUDIENCE: &str = "masthead-api";
/// Shortest acceptable signing key, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock leeway when checking `exp` and `nbf`, in seconds.
pub const LEEWAY_SECONDS: u64 = 30;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The role at issue time; must still be the user's role.
    pub role: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Not before (seconds).
    pub nbf: i64,
    /// Expires at (seconds).
    pub exp: i64,
    /// Issued at, in milliseconds: compared with the last credential change.
    pub iat_ms: i64,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Unique id of this token.
    pub jti: String,
}

/// Signs and verifies access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Lifetime of an access token.
    pub access_ttl: Duration,
}

impl TokenKeys {
    /// Keys from a shared secret of at least 32 bytes.
    pub fn new(secret: &[u8], access_ttl: Duration) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "the JWT secret must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "nbf", "iss", "aud", "sub"]);
        Ok(Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
        })
    }

    /// A signed access token for `user` with `role`, issued at `now`.
    pub fn issue(&self, user: UserId, role: Role, now: DateTime<Utc>) -> Result<String, ApiError> {
        let claims = Claims {
            sub: user.to_string(),
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            nbf: now.timestamp(),
            exp: now.timestamp() + self.access_ttl.as_secs() as i64,
            iat_ms: now.timestamp_millis(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: uuid::Uuid::now_v7().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|error| ApiError::Internal(format!("signing a token: {error}")))
    }

    /// The claims of a token whose signature, algorithm, times, issuer and audience check out.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        if token.len() > 4_096 {
            return Err(ApiError::Unauthenticated);
        }
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|_| ApiError::Unauthenticated)
    }
}

/// A new opaque refresh token (256 random bits, URL-safe) and its storage hash.
pub fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_refresh_token(&token);
    (token, hash)
}

/// The hash under which a refresh token is stored (SHA-256, hex). A fast hash is
/// right here: the token has 256 bits of entropy, nothing to brute-force.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A fresh random signing key, hex-encoded (64 bytes of entropy).
pub fn random_secret() -> String {
    let mut bytes = [0u8; 64];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], Duration::from_secs(900)).unwrap()
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(TokenKeys::new(&[1u8; 31], Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_token_verifies_with_its_claims() {
        let user = UserId::generate();
        let token = keys().issue(user, Role::Editor, Utc::now()).unwrap();
        let claims = keys().verify(&token).unwrap();
        assert_eq!(claims.sub, user.to_string());
        assert_eq!(claims.role, "editor");
        assert_eq!(claims.aud, AUDIENCE);
    }

    #[test]
    fn another_key_or_an_expired_token_is_refused() {
        let token = keys()
            .issue(UserId::generate(), Role::Admin, Utc::now())
            .unwrap();
        let other = TokenKeys::new(&[8u8; 32], Duration::from_secs(900)).unwrap();
        assert!(other.verify(&token).is_err());
        let old = keys()
            .issue(
                UserId::generate(),
                Role::Admin,
                Utc::now() - chrono::Duration::hours(1),
            )
            .unwrap();
        assert!(keys().verify(&old).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, hash_a) = new_refresh_token();
        let (b, _) = new_refresh_token();
        assert_ne!(a, b);
        assert_eq!(hash_a, hash_refresh_token(&a));
        assert_eq!(hash_a.len(), 64);
        assert!(!hash_a.contains(&a));
    }
}
