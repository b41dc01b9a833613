//! Administration over GraphQL: staff accounts (admins) and tags (editors and
//! admins), the same operations and rules as `/api/v1/admin`.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, Result, SimpleObject, ID};
use masthead_domain::{Role, TagId, TagInput};

use crate::app::accounts::{self, AccountUpdate, NewAccount};
use crate::app::tags;
use crate::graphql::context::{caller, state, OrGql};
use crate::graphql::ids::{self, Kind};
use crate::graphql::types::{AuthorNode, RoleValue, TagNode, UserNode};

/// A new staff account.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Sign-in address (unique, any case).
    pub email: String,
    /// Byline name.
    pub display_name: String,
    /// What the account may do.
    pub role: RoleValue,
    /// First password (10 characters to 1,024 bytes); generated and returned once when absent.
    pub password: Option<String>,
    /// Biography.
    pub bio: Option<String>,
}

/// Changes to a staff account; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// New byline name.
    pub display_name: Option<String>,
    /// New biography; `null` clears it.
    pub bio: MaybeUndefined<String>,
    /// New role; the user's existing tokens stop working.
    pub role: Option<RoleValue>,
    /// `false` disables the account and ends its logins.
    pub active: Option<bool>,
}

/// What `createUser` answers.
#[derive(SimpleObject)]
pub struct CreateUserPayload {
    /// The account.
    pub user: UserNode,
    /// Only when the server generated the password: shown this once.
    pub generated_password: Option<String>,
}

/// What `resetUserPassword` answers.
#[derive(SimpleObject)]
pub struct ResetUserPasswordPayload {
    /// The account.
    pub user: UserNode,
    /// The new password, shown this once to hand over.
    pub generated_password: String,
}

/// A tag as an editor sends it.
#[derive(InputObject)]
#[graphql(name = "TagInput")]
pub struct TagInputObject {
    /// Display name (1–100 characters).
    pub name: String,
    /// URL name; derived from the name when absent.
    pub slug: Option<String>,
    /// What the collection is about.
    pub description: Option<String>,
}

impl From<TagInputObject> for TagInput {
    fn from(input: TagInputObject) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            description: input.description,
        }
    }
}

/// The account service takes the role as the REST API spells it.
fn role_name(role: RoleValue) -> String {
    Role::from(role).as_str().to_owned()
}

/// A tag ID argument (a global ID or a bare UUID); anything else names no tag.
fn tag_id(id: &ID) -> Result<TagId> {
    ids::uuid_of("id", id, &[Kind::Tag]).map(TagId).gql()
}

/// Administrative reads.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Every staff account, by display name (admins only).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<UserNode>> {
        let users = accounts::list(state(ctx)?, &caller(ctx)).await.gql()?;
        Ok(users.iter().map(UserNode::from).collect())
    }

    /// Everyone who may stand on a byline: the active staff accounts, by
    /// display name (any staff; the public `authors` list only has bylines
    /// already published).
    async fn bylines(&self, ctx: &Context<'_>) -> Result<Vec<AuthorNode>> {
        let users = accounts::bylines(state(ctx)?, &caller(ctx)).await.gql()?;
        Ok(users
            .iter()
            .map(|user| AuthorNode::from(&user.as_author()))
            .collect())
    }
}

/// Administrative writes.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates a staff account (admins only).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> Result<CreateUserPayload> {
        let created = accounts::create(
            state(ctx)?,
            &caller(ctx),
            NewAccount {
                email: input.email,
                display_name: input.display_name,
                role: role_name(input.role),
                password: input.password,
                bio: input.bio,
            },
        )
        .await
        .gql()?;
        Ok(CreateUserPayload {
            user: UserNode::from(&created.user),
            generated_password: created.generated_password,
        })
    }

    /// Changes a staff account (admins only).
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
    ) -> Result<UserNode> {
        let bio = match input.bio {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(bio) => Some(Some(bio)),
        };
        let user = accounts::update(
            state(ctx)?,
            &caller(ctx),
            &ids::local_key(&id, &[Kind::User, Kind::Author]),
            AccountUpdate {
                display_name: input.display_name,
                bio,
                role: input.role.map(role_name),
                active: input.active,
            },
        )
        .await
        .gql()?;
        Ok(UserNode::from(&user))
    }

    /// Replaces a staff account's password with a generated one, shown this
    /// once; every login of the account ends (admins only).
    async fn reset_user_password(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<ResetUserPasswordPayload> {
        let (user, password) = accounts::reset_password(
            state(ctx)?,
            &caller(ctx),
            &ids::local_key(&id, &[Kind::User, Kind::Author]),
        )
        .await
        .gql()?;
        Ok(ResetUserPasswordPayload {
            user: UserNode::from(&user),
            generated_password: password,
        })
    }

    /// Creates a tag (editors and admins).
    async fn create_tag(&self, ctx: &Context<'_>, input: TagInputObject) -> Result<TagNode> {
        let tag = tags::create(state(ctx)?, caller(ctx), input.into())
            .await
            .gql()?;
        Ok(TagNode::from(&tag))
    }

    /// Replaces a tag's name, slug and description (editors and admins).
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: TagInputObject,
    ) -> Result<TagNode> {
        let tag = tags::update(state(ctx)?, caller(ctx), tag_id(&id)?, input.into())
            .await
            .gql()?;
        Ok(TagNode::from(&tag))
    }

    /// Deletes a tag; articles filed under it lose it (editors and admins). Answers its id.
    async fn delete_tag(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        tags::delete(state(ctx)?, caller(ctx), tag_id(&id)?)
            .await
            .gql()?;
        Ok(id)
    }
}
