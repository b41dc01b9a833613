//! Managing staff accounts (admins only): one implementation behind
//! `/api/v1/admin/users` and the GraphQL `createUser` / `updateUser` /
//! `resetUserPassword` / `users`.
//! Creations, role changes and disabling or enabling are audited as security
//! events naming the admin, in the transaction of the change.

use masthead_domain::limits::DESCRIPTION_MAX;
use masthead_domain::policy::Action;
use masthead_domain::{
    text, DisplayName, Email, FieldError, Password, Role, User, UserId, ValidationErrors,
};
use masthead_persistence::users::{AccountChanges, NewUser};

use crate::auth::{password, Caller};
use crate::error::ApiError;
use crate::state::AppState;

/// A new account as an admin sends it.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Sign-in address.
    pub email: String,
    /// Byline name.
    pub display_name: String,
    /// `admin`, `editor` or `author`.
    pub role: String,
    /// The first password; generated (and returned once) when absent.
    pub password: Option<String>,
    /// Biography.
    pub bio: Option<String>,
}

/// A created account, with the generated password when none was given.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    /// The account.
    pub user: User,
    /// Shown to the admin once, to hand over; never stored in clear.
    pub generated_password: Option<String>,
}

/// An admin's changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountUpdate {
    /// New byline name.
    pub display_name: Option<String>,
    /// New biography; `Some(None)` (or an empty text) clears it.
    pub bio: Option<Option<String>>,
    /// New role.
    pub role: Option<String>,
    /// Enable or disable sign-in.
    pub active: Option<bool>,
}

/// Every account, by display name.
pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<User>, ApiError> {
    caller.authorize(Action::ManageUsers)?;
    Ok(state.store.users().list().await?)
}

/// Everyone who may stand on a byline: the active staff accounts, by display
/// name, as any signed-in staff member may see them (no e-mail addresses).
/// Editors credit a reporter before their first story is out, which the
/// public author list (published bylines only) cannot offer.
pub async fn bylines(state: &AppState, caller: &Caller) -> Result<Vec<User>, ApiError> {
    caller.authorize(Action::ReadDrafts)?;
    let mut users = state.store.users().list().await?;
    users.retain(|user| user.active);
    Ok(users)
}

/// One account; an unknown or malformed id is `NotFound`.
pub async fn get(state: &AppState, caller: &Caller, id: &str) -> Result<User, ApiError> {
    caller.authorize(Action::ManageUsers)?;
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .store
        .users()
        .by_id(id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Creates an account.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: NewAccount,
) -> Result<CreatedAccount, ApiError> {
    let actor = caller.authorize(Action::ManageUsers)?;
    let mut errors = ValidationErrors::default();
    let email = errors.collect(Email::parse("email", &input.email));
    let display_name = errors.collect(DisplayName::parse("display_name", &input.display_name));
    let role = errors.collect(parse_role(&input.role));
    let bio = errors
        .collect(text::optional("bio", input.bio.as_deref(), DESCRIPTION_MAX))
        .flatten();
    let (secret, generated) = match &input.password {
        Some(given) => {
            let related = [input.email.as_str(), input.display_name.as_str()];
            let secret = Password::parse_new("password", given, &related);
            (errors.collect(secret), false)
        }
        None => (
            Some(Password::parse("password", &password::random_password())?),
            true,
        ),
    };
    let (email, display_name, role, secret) = match (email, display_name, role, secret) {
        (Some(email), Some(name), Some(role), Some(secret)) if errors.is_empty() => {
            (email, name, role, secret)
        }
        _ => return Err(errors.into()),
    };
    let generated_password = generated.then(|| secret.expose().to_owned());
    let password_hash = password::hash(secret).await?;
    let user = state
        .store
        .users()
        .acting_as(actor.id)
        .create(NewUser {
            email,
            display_name,
            slug: None,
            bio,
            role,
            password_hash,
        })
        .await?;
    Ok(CreatedAccount {
        user,
        generated_password,
    })
}

/// Changes an account. A new role or a disabled account makes the user's
/// existing tokens fail at once.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: AccountUpdate,
) -> Result<User, ApiError> {
    let actor = caller.authorize(Action::ManageUsers)?;
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    let mut errors = ValidationErrors::default();
    let display_name = input
        .display_name
        .as_deref()
        .and_then(|name| errors.collect(DisplayName::parse("display_name", name)));
    let bio = match input.bio {
        None => None,
        Some(bio) => errors.collect(text::optional("bio", bio.as_deref(), DESCRIPTION_MAX)),
    };
    let role = input
        .role
        .as_deref()
        .and_then(|role| errors.collect(parse_role(role)));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let changes = AccountChanges {
        display_name,
        bio,
        role,
        active: input.active,
    };
    Ok(state
        .store
        .users()
        .acting_as(actor.id)
        .update_account(id, changes)
        .await?)
}

/// Replaces an account's password with a generated one, for the admin to
/// hand over once (the desk's "Reset password"): every login of the account
/// ends, and the audit log records a reset by the admin.
pub async fn reset_password(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<(User, String), ApiError> {
    let actor = caller.authorize(Action::ManageUsers)?;
    let id: UserId = id.parse().map_err(|_| ApiError::NotFound)?;
    let user = state
        .store
        .users()
        .by_id(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let secret = Password::parse("password", &password::random_password())?;
    let generated_password = secret.expose().to_owned();
    let password_hash = password::hash(secret).await?;
    state
        .store
        .users()
        .acting_as(actor.id)
        .change_password(id, password_hash)
        .await?;
    Ok((user, generated_password))
}

fn parse_role(role: &str) -> Result<Role, FieldError> {
    role.trim()
        .parse()
        .map_err(|message: String| FieldError::new("role", message))
}
