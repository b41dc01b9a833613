//! Staff: the people who write, edit and run the publication.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::error::FieldError;
use crate::ids::UserId;
use crate::limits::{DISPLAY_NAME_MAX, EMAIL_MAX, PASSWORD_MAX_BYTES, PASSWORD_MIN_CHARS};
use crate::slug::Slug;
use crate::text;

/// What a member of staff is trusted with. See [`crate::policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including managing users.
    Admin,
    /// All content: edit anyone's, publish, moderate, manage tags.
    Editor,
    /// Own drafts only; submits them for review.
    Author,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Editor, Role::Author];

    /// Stable name, as stored and in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?} (admin, editor or author)"))
    }
}

/// A person's public name: 1–80 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a name given as `field`.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        text::required(field, value, DISPLAY_NAME_MAX).map(Self)
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, lower-cased so that lookups ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Parses an address given as `field`: syntactically valid, at most 254 characters.
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new(field, "must not be empty"));
        }
        if trimmed.chars().count() > EMAIL_MAX {
            return Err(FieldError::new(
                field,
                format!("must be at most {EMAIL_MAX} characters"),
            ));
        }
        if !email_address::EmailAddress::is_valid(trimmed) {
            return Err(FieldError::new(field, "must be a valid e-mail address"));
        }
        Ok(Self(trimmed.to_lowercase()))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How much of a password the strength estimator reads.
const PASSWORD_JUDGED_CHARS: usize = 100;

/// A password in clear, on its way to the hasher. Bounded before hashing;
/// never printed (its `Debug` is redacted).
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// At least 10 characters and at most 1,024 bytes; no composition rules (NIST SP 800-63B).
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        if value.len() > PASSWORD_MAX_BYTES {
            return Err(FieldError::new(
                field,
                format!("must be at most {PASSWORD_MAX_BYTES} bytes"),
            ));
        }
        if value.chars().count() < PASSWORD_MIN_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at least {PASSWORD_MIN_CHARS} characters"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// A password being chosen (new account, change, reset): the bounds of
    /// [`Password::parse`], and not common or guessable. The zxcvbn estimator
    /// must score it at least 3 of 4 (about 10^8 guesses or more), counting
    /// `related` texts (the account's e-mail address and name) as known
    /// words. Signing in uses [`Password::parse`] only, so a password chosen
    /// before this rule still works.
    pub fn parse_new(field: &str, value: &str, related: &[&str]) -> Result<Self, FieldError> {
        let password = Self::parse(field, value)?;
        // zxcvbn's cost grows with the length; past 100 characters a
        // password is either strong already or weak in its first part too.
        let judged: String = value.chars().take(PASSWORD_JUDGED_CHARS).collect();
        // Each related text whole, each side of an `@`, without its
        // separators, and word by word.
        let mut known: Vec<String> = Vec::new();
        for text in related {
            known.push(text.to_lowercase());
            known.extend(text.split('@').map(str::to_lowercase));
            known.push(text.chars().filter(|c| c.is_alphanumeric()).collect());
            known.extend(
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|part| part.chars().count() >= 3)
                    .map(str::to_lowercase),
            );
        }
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(&judged, &known);
        if estimate.score() >= zxcvbn::Score::Three {
            return Ok(password);
        }
        let mut message = String::from("is too common or easy to guess");
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                message.push_str(&format!(" ({warning})"));
            }
            if let Some(suggestion) = feedback.suggestions().first() {
                message.push_str(&format!("; {suggestion}"));
            }
        }
        Err(FieldError::new(field, message))
    }

    /// The secret, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A member of staff as stored (without the password hash, which never leaves persistence and auth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Sign-in address, lower-cased.
    pub email: Email,
    /// Byline name.
    pub display_name: DisplayName,
    /// URL name for author pages.
    pub slug: Slug,
    /// Short biography for author pages.
    pub bio: Option<String>,
    /// What they may do.
    pub role: Role,
    /// Disabled users cannot sign in and their tokens stop working.
    pub active: bool,
    /// Account creation time.
    pub created_at: DateTime<Utc>,
    /// Last change of the account.
    pub updated_at: DateTime<Utc>,
}

impl User {
    /// The public face of this user on a byline.
    pub fn as_author(&self) -> Author {
        Author {
            id: self.id,
            slug: self.slug.clone(),
            display_name: self.display_name.as_str().to_owned(),
            bio: self.bio.clone(),
        }
    }
}

/// A byline entry: what the public may know about a member of staff (never the e-mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// Identity of the user.
    pub id: UserId,
    /// URL name for the author page.
    pub slug: Slug,
    /// Byline name.
    pub display_name: String,
    /// Biography.
    pub bio: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_bounds() {
        assert!(DisplayName::parse("name", &"n".repeat(DISPLAY_NAME_MAX)).is_ok());
        assert!(DisplayName::parse("name", &"n".repeat(DISPLAY_NAME_MAX + 1)).is_err());
        assert!(DisplayName::parse("name", "   ").is_err());
        assert_eq!(DisplayName::parse("name", " Ana ").unwrap().as_str(), "Ana");
    }

    #[test]
    fn email_is_lower_cased_and_bounded() {
        assert_eq!(
            Email::parse("email", " Ana@Example.ORG ").unwrap().as_str(),
            "ana@example.org"
        );
        assert!(Email::parse("email", "not-an-address").is_err());
        assert!(Email::parse("email", "").is_err());
        let local = "a".repeat(64);
        // Domain labels are at most 63 characters: 3 labels of 61 plus ".org".
        let label = "d".repeat(61);
        let domain = format!("{label}.{label}.{label}.org");
        let longest = format!("{local}@{domain}");
        assert_eq!(longest.len(), 64 + 1 + 61 * 3 + 2 + 4);
        assert!(longest.len() <= EMAIL_MAX);
        assert!(Email::parse("email", &longest).is_ok(), "{longest}");
        let too_long = format!("{local}@{label}.{label}.{label}.{}.org", "d".repeat(5));
        assert!(too_long.len() > EMAIL_MAX);
        assert!(Email::parse("email", &too_long).is_err());
    }

    #[test]
    fn password_bounds() {
        assert!(Password::parse("password", &"p".repeat(PASSWORD_MIN_CHARS)).is_ok());
        assert!(Password::parse("password", &"p".repeat(PASSWORD_MIN_CHARS - 1)).is_err());
        assert!(Password::parse("password", &"p".repeat(PASSWORD_MAX_BYTES)).is_ok());
        assert!(Password::parse("password", &"p".repeat(PASSWORD_MAX_BYTES + 1)).is_err());
        // Ten characters of two bytes each is long enough.
        assert!(Password::parse("password", &"é".repeat(PASSWORD_MIN_CHARS)).is_ok());
    }

    #[test]
    fn common_or_guessable_passwords_are_refused_when_chosen() {
        let related = ["rosa.editor@newsroom.example", "Rosa Editor"];
        for weak in [
            "password1234",
            "qwertyuiop123",
            "1234567890",
            "aaaaaaaaaaaaaaaa",
            "rosaeditor2024",
            "rosa.editor",
        ] {
            let Err(error) = Password::parse_new("password", weak, &related) else {
                panic!("{weak} was accepted");
            };
            assert_eq!(error.field, "password");
            assert!(
                error.message.starts_with("is too common or easy to guess"),
                "{weak}: {}",
                error.message
            );
            // Signing in with it still parses: old accounts keep working.
            assert!(Password::parse("password", weak).is_ok());
        }
        for strong in [
            "a long enough password",
            "rosa's own passphrase",
            "correct horse battery staple",
            "Tz8#qLw2!vRm",
        ] {
            assert!(
                Password::parse_new("password", strong, &related).is_ok(),
                "{strong}"
            );
        }
        let long = "x".repeat(PASSWORD_MAX_BYTES);
        assert!(Password::parse_new("password", &long, &related).is_err());
        assert!(Password::parse_new("password", "short", &related)
            .unwrap_err()
            .message
            .contains("at least"));
    }

    #[test]
    fn password_debug_is_redacted() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
