//! Staff accounts. Password hashes are stored and returned here but never
//! leave through a domain `User`: only auth code asks for them.

use masthead_domain::{
    Author, DisplayName, DomainError, Email, Role, Slug, SlugFallback, User, UserId,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use crate::audit::{self, AuditAction, NewAuditEntry};
use crate::content_clock::Change;
use crate::entities::user;
use crate::error::{parse_stored, PersistenceError, Result};
use crate::refresh_tokens;
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

/// What an admin may change on an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChanges {
    /// New byline name.
    pub display_name: Option<DisplayName>,
    /// New biography; `Some(None)` clears it.
    pub bio: Option<Option<String>>,
    /// New role.
    pub role: Option<Role>,
    /// Enable or disable sign-in.
    pub active: Option<bool>,
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

/// Staff accounts. Security events (account created, role changed, disabled
/// or enabled, password changed or reset) are audited in the transaction of
/// the change, naming the actor given by [`UserRepo::acting_as`] (the system,
/// e.g. the command line, when none is named).
pub struct UserRepo<'a> {
    store: &'a Store,
    actor: Option<UserId>,
}

impl Store {
    /// The staff-account repository.
    pub fn users(&self) -> UserRepo<'_> {
        UserRepo {
            store: self,
            actor: None,
        }
    }
}

impl UserRepo<'_> {
    /// The same repository, recording `actor` as the one who writes.
    pub fn acting_as(self, actor: UserId) -> Self {
        Self {
            actor: Some(actor),
            ..self
        }
    }

    /// Records that the sign-in limiter locked `id` after repeated failures.
    pub async fn record_lockout(&self, id: UserId) -> Result<()> {
        audit::record(
            self.store.writer(),
            NewAuditEntry::user(None, AuditAction::Lock, id),
        )
        .await
    }

    /// Creates an account; a taken e-mail is [`PersistenceError::Duplicate`].
    pub async fn create(&self, new: NewUser) -> Result<User> {
        let db = self.store.db();
        if self.by_email(new.email.as_str()).await?.is_some() {
            return Err(PersistenceError::Duplicate { field: "email" });
        }
        let base = match new.slug {
            Some(slug) => slug,
            None => Slug::from_title(new.display_name.as_str())
                .unwrap_or_else(|| Slug::fallback(SlugFallback::Author)),
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
        let txn = self.store.writer().begin().await?;
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
        .insert(&txn)
        .await?;
        let user = user_from_row(row)?;
        let entry = NewAuditEntry::user(self.actor, AuditAction::Create, user.id)
            .with("role", user.role.as_str());
        audit::record(&txn, entry).await?;
        txn.commit().await?;
        Ok(user)
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

    /// The account with this id, with its password hash (to check a current password).
    pub async fn credentials(&self, id: UserId) -> Result<Option<(User, String)>> {
        let row = user::Entity::find_by_id(id.0).one(self.store.db()).await?;
        row.map(|row| {
            let hash = row.password_hash.clone();
            user_from_row(row).map(|user| (user, hash))
        })
        .transpose()
    }

    /// Replaces the password after a password change: older access tokens and
    /// every refresh token of the user stop working (one transaction). Audited
    /// as a change when the actor is the user, else as a reset.
    pub async fn change_password(&self, id: UserId, hash: String) -> Result<()> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        update_row(&txn, id, now, |row| {
            row.password_hash = Set(hash);
            row.credentials_changed_at = Set(Some(now));
        })
        .await?;
        refresh_tokens::revoke_all_of_user(&txn, id, now).await?;
        let action = if self.actor == Some(id) {
            AuditAction::ChangePassword
        } else {
            AuditAction::ResetPassword
        };
        audit::record(&txn, NewAuditEntry::user(self.actor, action, id)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Replaces the hash with a stronger one of the same password (no revocation).
    pub async fn upgrade_password_hash(&self, id: UserId, hash: String) -> Result<()> {
        update_row(self.store.writer(), id, crate::now(), |row| {
            row.password_hash = Set(hash)
        })
        .await
    }

    /// Enables or disables sign-in; disabling also revokes every token of the
    /// user. Unlike [`Self::update_account`] this does not protect the last
    /// admin: it is the command line's tool, for whoever runs the server.
    pub async fn set_active(&self, id: UserId, active: bool) -> Result<()> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        update_row(&txn, id, now, |row| {
            row.active = Set(active);
            row.credentials_changed_at = Set(Some(now));
        })
        .await?;
        if !active {
            refresh_tokens::revoke_all_of_user(&txn, id, now).await?;
        }
        let action = if active {
            AuditAction::Enable
        } else {
            AuditAction::Disable
        };
        audit::record(&txn, NewAuditEntry::user(self.actor, action, id)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Applies an admin's changes in one transaction. A change of role or of
    /// the active flag makes every existing token of the user fail (access
    /// tokens through `credentials_changed_at`, refresh tokens by revocation).
    /// The last active admin cannot lose the role or be disabled.
    pub async fn update_account(&self, id: UserId, changes: AccountChanges) -> Result<User> {
        let now = crate::now();
        let txn = self.store.writer().begin().await?;
        let may_remove_an_admin =
            changes.role.is_some_and(|role| role != Role::Admin) || changes.active == Some(false);
        // Lock the active admins first, always in id order, so two admins
        // demoting each other at once queue instead of both succeeding.
        let admins: Vec<Uuid> = if may_remove_an_admin {
            user::Entity::find()
                .filter(user::Column::Role.eq(Role::Admin.as_str()))
                .filter(user::Column::Active.eq(true))
                .order_by_asc(user::Column::Id)
                .lock_exclusive()
                .all(&txn)
                .await?
                .into_iter()
                .map(|row| row.id)
                .collect()
        } else {
            Vec::new()
        };
        let row = user::Entity::find_by_id(id.0)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(PersistenceError::NotFound)?;
        let was_role: Role = parse_stored(&row.role)?;
        let role = changes.role.unwrap_or(was_role);
        let active = changes.active.unwrap_or(row.active);
        let role_changed = role != was_role;
        let active_changed = active != row.active;
        let removes_an_admin =
            was_role == Role::Admin && row.active && (role != Role::Admin || !active);
        if removes_an_admin && !admins.iter().any(|admin| *admin != id.0) {
            return Err(DomainError::Forbidden(
                "the last active admin cannot lose the admin role or be disabled",
            )
            .into());
        }
        let mut update: user::ActiveModel = row.into();
        if let Some(name) = &changes.display_name {
            update.display_name = Set(name.as_str().to_owned());
        }
        if let Some(bio) = &changes.bio {
            update.bio = Set(bio.clone());
        }
        update.role = Set(role.as_str().to_owned());
        update.active = Set(active);
        if role_changed || active_changed {
            update.credentials_changed_at = Set(Some(now));
        }
        update.updated_at = Set(now);
        let byline_changed = changes.display_name.is_some() || changes.bio.is_some();
        let updated = update.update(&txn).await?;
        if role_changed || (active_changed && !active) {
            refresh_tokens::revoke_all_of_user(&txn, id, now).await?;
        }
        if role_changed {
            let entry = NewAuditEntry::user(self.actor, AuditAction::ChangeRole, id)
                .with("from", was_role.as_str())
                .with("to", role.as_str());
            audit::record(&txn, entry).await?;
        }
        if active_changed {
            let action = if active {
                AuditAction::Enable
            } else {
                AuditAction::Disable
            };
            audit::record(&txn, NewAuditEntry::user(self.actor, action, id)).await?;
        }
        if changes.display_name.is_some() {
            let bylines = crate::search::index::articles_of_author(&txn, id.0).await?;
            self.store.articles().reindex_in(&txn, &bylines).await?;
        }
        if byline_changed {
            let mut entry = NewAuditEntry::user(self.actor, AuditAction::Update, id);
            if let Some(name) = &changes.display_name {
                entry = entry.with("display_name", name.as_str());
            }
            if changes.bio.is_some() {
                entry = entry.with("bio", "changed");
            }
            audit::record(&txn, entry).await?;
        }
        txn.commit().await?;
        // Bylines show the name and biography: cached public reads are retired
        // when the public sees this byline. Asked after the commit, so an
        // article published meanwhile is either seen here or bumps the
        // generation itself after this change; when unsure, retire.
        if byline_changed
            && crate::authors::has_public_byline(self.store, id)
                .await
                .unwrap_or(true)
        {
            self.store.content_changed(Change::Everything).await;
        }
        user_from_row(updated)
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

    /// Public profiles of the given users, in no particular order.
    pub(crate) async fn authors(&self, ids: &[Uuid]) -> Result<Vec<Author>> {
        authors_in(self.store.db(), ids).await
    }
}

/// Public profiles of the given users read through `db`, which may be the
/// transaction a write is in (SQLite has one writer: a transaction that read
/// through another connection would wait for itself).
pub(crate) async fn authors_in(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Author>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| user_from_row(row).map(|user| user.as_author()))
        .collect()
}

/// Updates the columns `change` sets on the row of `id`, on `db`.
async fn update_row(
    db: &impl ConnectionTrait,
    id: UserId,
    now: chrono::DateTime<chrono::Utc>,
    change: impl FnOnce(&mut user::ActiveModel),
) -> Result<()> {
    let mut row = user::ActiveModel {
        id: sea_orm::Unchanged(id.0),
        ..Default::default()
    };
    change(&mut row);
    row.updated_at = Set(now);
    match row.update(db).await {
        Ok(_) => Ok(()),
        Err(sea_orm::DbErr::RecordNotUpdated) => Err(PersistenceError::NotFound),
        Err(error) => Err(error.into()),
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
