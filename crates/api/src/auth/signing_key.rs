//! Where the access-token signing key comes from. Never from the database
//! that holds the content: a leaked backup must not let anyone mint an admin
//! token. `--jwt-secret` (`MASTHEAD_JWT_SECRET`) wins; else the key file
//! (`--jwt-secret-file`, by default `masthead.jwt.key` beside the SQLite file,
//! or in the working directory for PostgreSQL), generated with mode 0600 on
//! first start. A key an older Masthead kept in the database moves into the
//! file once and is deleted from the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use masthead_persistence::Store;

use crate::auth::tokens::{self, MIN_SECRET_BYTES};
use crate::config::Settings;

/// The settings key older versions kept the generated secret under.
const LEGACY_SETTING: &str = "jwt_secret";

/// Fewest distinct bytes a secret may have.
pub const MIN_DISTINCT_BYTES: usize = 8;

/// Refuses a secret that is short (under 32 bytes), all whitespace or made
/// of fewer than 8 distinct bytes: such a key can be guessed.
pub fn check_secret(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "the JWT secret must be at least {MIN_SECRET_BYTES} bytes"
        ));
    }
    if secret.iter().all(u8::is_ascii_whitespace) {
        return Err("the JWT secret is all whitespace".into());
    }
    let mut seen = [false; 256];
    for byte in secret {
        seen[usize::from(*byte)] = true;
    }
    let distinct = seen.iter().filter(|seen| **seen).count();
    if distinct < MIN_DISTINCT_BYTES {
        return Err(format!(
            "the JWT secret has too little entropy ({distinct} distinct bytes, at least {MIN_DISTINCT_BYTES} needed); generate one with `openssl rand -hex 32`"
        ));
    }
    Ok(())
}

/// The key file used when `--jwt-secret-file` is not given: beside a SQLite
/// file (`news.db` → `news.jwt.key`), else `masthead.jwt.key` in the working directory.
pub fn default_key_file(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(""))
        .filter(|path| !path.is_empty() && !path.starts_with(":memory:"))
        .map(Path::new);
    match file {
        Some(path) => {
            let stem = path
                .file_stem()
                .map_or("masthead".into(), |stem| stem.to_string_lossy());
            path.with_file_name(format!("{stem}.jwt.key"))
        }
        None => PathBuf::from("masthead.jwt.key"),
    }
}

/// The key file this server uses: `--jwt-secret-file`, else [`default_key_file`].
pub fn key_file(settings: &Settings) -> PathBuf {
    settings
        .jwt_secret_file
        .clone()
        .unwrap_or_else(|| default_key_file(&settings.database.database_url))
}

/// Writes `contents` to a new file at `path`, readable by its owner only
/// (mode 0600); fails when the file exists.
pub fn write_private_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// The signing secret for this server, checked (see [`check_secret`]).
pub async fn load(store: &Store, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.jwt_secret {
        check_secret(secret.as_bytes()).map_err(refuse)?;
        return Ok(secret.as_bytes().to_vec());
    }
    let path = key_file(settings);
    let secret = match read_key_file(&path)? {
        Some(secret) => secret,
        None => {
            let legacy = store.settings().get(LEGACY_SETTING).await?;
            let secret = legacy.clone().unwrap_or_else(tokens::random_secret);
            let secret = create_key_file(&path, &secret)?;
            if legacy.is_some() {
                store.settings().remove(LEGACY_SETTING).await?;
                tracing::warn!(path = %path.display(), "moved the JWT signing key out of the database into its key file");
            } else {
                tracing::info!(path = %path.display(), "generated a JWT signing key file");
            }
            secret
        }
    };
    check_secret(&secret).map_err(|reason| refuse(format!("{reason} (in {})", path.display())))?;
    Ok(secret)
}

fn refuse(reason: String) -> anyhow::Error {
    anyhow::anyhow!("refusing to start: {reason}")
}

/// The key in `path` (surrounding whitespace ignored), `None` when there is no file.
fn read_key_file(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match std::fs::read(path) {
        Ok(bytes) => {
            warn_if_readable_by_others(path);
            Ok(Some(bytes.trim_ascii().to_vec()))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(refuse(format!(
            "cannot read the JWT key file {}: {error}",
            path.display()
        ))),
    }
}

/// Writes `secret` to a new file at `path`, readable by its owner only. When
/// another process created it first, its key wins.
fn create_key_file(path: &Path, secret: &str) -> anyhow::Result<Vec<u8>> {
    match write_private_file(path, secret) {
        Ok(()) => Ok(secret.as_bytes().to_vec()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            read_key_file(path)?.ok_or_else(|| refuse(format!("{} vanished", path.display())))
        }
        Err(error) => Err(refuse(format!(
            "cannot create the JWT key file {}: {error}",
            path.display()
        ))),
    }
}

fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(metadata) = std::fs::metadata(path) {
            if metadata.permissions().mode() & 0o077 != 0 {
                tracing::warn!(path = %path.display(), "the JWT key file is readable by other users; chmod 600 it");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_blank_or_repetitive_secrets_are_refused() {
        assert!(check_secret(&[b'x'; 31]).is_err());
        assert!(check_secret(&[b' '; 40])
            .unwrap_err()
            .contains("whitespace"));
        assert!(check_secret(&[b'x'; 64]).unwrap_err().contains("entropy"));
        assert!(check_secret(b"abababababababababababababababababab").is_err());
        assert!(check_secret(b"a signing key for tests, 48 bytes long, no less").is_ok());
        assert!(check_secret(tokens::random_secret().as_bytes()).is_ok());
    }

    #[test]
    fn the_key_file_sits_beside_the_sqlite_file() {
        assert_eq!(
            default_key_file("sqlite://masthead.db?mode=rwc"),
            PathBuf::from("masthead.jwt.key")
        );
        assert_eq!(
            default_key_file("sqlite:///var/lib/news/site.db?mode=rwc"),
            PathBuf::from("/var/lib/news/site.jwt.key")
        );
        assert_eq!(
            default_key_file("postgres://u@db/news"),
            PathBuf::from("masthead.jwt.key")
        );
        assert_eq!(
            default_key_file("sqlite::memory:"),
            PathBuf::from("masthead.jwt.key")
        );
    }

    #[test]
    fn a_generated_key_file_is_private_and_reused() {
        let path = std::env::temp_dir().join(format!(
            "masthead-unit-{}.jwt.key",
            uuid::Uuid::now_v7().simple()
        ));
        let first = create_key_file(&path, &tokens::random_secret()).unwrap();
        let again = create_key_file(&path, &tokens::random_secret()).unwrap();
        assert_eq!(first, again, "the first key wins");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_file(&path).unwrap();
    }
}
