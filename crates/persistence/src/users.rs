//! Staff accounts. Password hashes are stored and returned here but never
//! leave through a domain `User`: only auth code asks for them.

use masthead_domain::{Author, DisplayName, Email, Role, Slug, User, UserId};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use crate::entities::user;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::store::Store;

/// What it takes to create an account (the password already hashed by auth).
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in address.
    pub email: Email,
    /// Byline name.
    pub display_name: DisplayName,
    /// URL name; derived from the display name when absent.
    pub slug: Option<Slug>,
    /// Biography.
    pub bio: Option<String>,
    /// Powers.
    pub role: Role,
    /// argon2id PHC string.
    pub password_hash: String,
}

/// Whether a user's tokens are still good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenStanding {
    /// Disabled users' tokens are refused.
    pub active: bool,
    /// The role now (a token's role claim may be stale after a change).
    pub role: Role,
    /// Tokens issued before this are refused.
    pub credentials_changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Staff accounts.
pub struct UserRepo<'a> {
    store: &'a Store,
}

impl Store {
    /// The staff-account repository.
    pub fn users(&self) -> UserRepo<'_> {
        UserRepo { store: self }
    }
}

impl UserRepo<'_> {
    /// Creates an account; a taken e-mail is [`PersistenceError::Duplicate`].
    pub async fn create(&self, new: NewUser) -> Result<User> {
        let db = self.store.db();
        if self.by_email(new.email.as_str()).await?.is_some() {
            return Err(PersistenceError::Duplicate { field: "email" });
        }
        let base = match new.slug {
            Some(slug) => slug,
            None => Slug::from_title(new.display_name.as_str())
                .unwrap_or_else(|| Slug::parse("slug", "author").expect("valid literal")),
        };
        let mut slug = base.clone();
        let mut n = 2;
        while user::Entity::find()
            .filter(user::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
            .is_some()
        {
            slug = base.with_suffix(n);
            n += 1;
        }
        let now = crate::now();
        let row = user::ActiveModel {
            id: Set(UserId::generate().0),
            email: Set(new.email.as_str().to_owned()),
            display_name: Set(new.display_name.as_str().to_owned()),
            slug: Set(slug.as_str().to_owned()),
            bio: Set(new.bio),
            role: Set(new.role.as_str().to_owned()),
            active: Set(true),
            password_hash: Set(new.password_hash),
            credentials_changed_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        user_from_row(row)
    }

    /// The account with this address (any case), with its password hash.
    pub async fn by_email(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(self.store.db())
            .await?;
        row.map(|row| {
            let hash = row.password_hash.clone();
            user_from_row(row).map(|user| (user, hash))
        })
        .transpose()
    }

    /// The account with this id.
    pub async fn by_id(&self, id: UserId) -> Result<Option<User>> {
        user::Entity::find_by_id(id.0)
            .one(self.store.db())
            .await?
            .map(user_from_row)
            .transpose()
    }

    /// The account with this slug (author pages).
    pub async fn by_slug(&self, slug: &str) -> Result<Option<User>> {
        user::Entity::find()
            .filter(user::Column::Slug.eq(slug))
            .one(self.store.db())
            .await?
            .map(user_from_row)
            .transpose()
    }

    /// Every account, by display name.
    pub async fn list(&self) -> Result<Vec<User>> {
        user::Entity::find()
            .order_by_asc(user::Column::DisplayName)
            .order_by_asc(user::Column::Id)
            .all(self.store.db())
            .await?
            .into_iter()
            .map(user_from_row)
            .collect()
    }

    /// Replaces the password after a password change: older access tokens and
    /// every refresh token of the user stop working.
    pub async fn change_password(&self, id: UserId, hash: String) -> Result<()> {
        let now = crate::now();
        self.update(id, |row| {
            row.password_hash = Set(hash);
            row.credentials_changed_at = Set(Some(now));
        })
        .await?;
        self.store.refresh_tokens().revoke_all_of_user(id).await
    }

    /// Replaces the hash with a stronger one of the same password (no revocation).
    pub async fn upgrade_password_hash(&self, id: UserId, hash: String) -> Result<()> {
        self.update(id, |row| row.password_hash = Set(hash)).await
    }

    /// Enables or disables sign-in; disabling also revokes every token of the user.
    pub async fn set_active(&self, id: UserId, active: bool) -> Result<()> {
        let now = crate::now();
        self.update(id, |row| {
            row.active = Set(active);
            row.credentials_changed_at = Set(Some(now));
        })
        .await?;
        if !active {
            self.store.refresh_tokens().revoke_all_of_user(id).await?;
        }
        Ok(())
    }

    /// What an authenticated request checks: is the account active, and since
    /// when are its tokens valid.
    pub async fn token_standing(&self, id: UserId) -> Result<Option<TokenStanding>> {
        let row = user::Entity::find_by_id(id.0).one(self.store.db()).await?;
        row.map(|row| {
            Ok(TokenStanding {
                active: row.active,
                role: parse_stored(&row.role)?,
                credentials_changed_at: row.credentials_changed_at,
            })
        })
        .transpose()
    }

    async fn update(&self, id: UserId, change: impl FnOnce(&mut user::ActiveModel)) -> Result<()> {
        let mut row = user::ActiveModel {
            id: sea_orm::Unchanged(id.0),
            ..Default::default()
        };
        change(&mut row);
        row.updated_at = Set(crate::now());
        match row.update(self.store.db()).await {
            Ok(_) => Ok(()),
            Err(sea_orm::DbErr::RecordNotUpdated) => Err(PersistenceError::NotFound),
            Err(error) => Err(error.into()),
        }
    }

    /// Public profiles of the given users, in no particular order.
    pub(crate) async fn authors(&self, ids: &[Uuid]) -> Result<Vec<Author>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        user::Entity::find()
            .filter(user::Column::Id.is_in(ids.iter().copied()))
            .all(self.store.db())
            .await?
            .into_iter()
            .map(|row| user_from_row(row).map(|user| user.as_author()))
            .collect()
    }
}

pub(crate) fn user_from_row(row: user::Model) -> Result<User> {
    let corrupt = |error: masthead_domain::FieldError| PersistenceError::Corrupt(error.to_string());
    Ok(User {
        id: UserId(row.id),
        email: Email::parse("email", &row.email).map_err(corrupt)?,
        display_name: DisplayName::parse("display_name", &row.display_name).map_err(corrupt)?,
        slug: Slug::parse("slug", &row.slug).map_err(corrupt)?,
        bio: row.bio,
        role: parse_stored(&row.role)?,
        active: row.active,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
