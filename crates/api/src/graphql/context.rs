//! What every resolver needs from the request: the application state, the
//! caller, and what the caller may see.

use async_graphql::Context;
use masthead_domain::policy::Action;
use masthead_domain::FieldError;
use masthead_persistence::Visibility;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Shorthand for resolver results.
pub type GqlResult<T> = async_graphql::Result<T>;

/// The application state; missing only through a wiring bug.
pub fn state<'a>(ctx: &Context<'a>) -> GqlResult<&'a AppState> {
    ctx.data::<AppState>()
        .map_err(|_| ApiError::Internal("GraphQL schema built without state".into()).to_graphql())
}

/// Who is asking (anonymous when the transport put no caller in).
pub fn caller(ctx: &Context<'_>) -> Caller {
    ctx.data::<Caller>().copied().unwrap_or_default()
}

/// True when the caller may see drafts (previews through the same fields).
pub fn sees_drafts(ctx: &Context<'_>) -> bool {
    caller(ctx).authorize(Action::ReadDrafts).is_ok()
}

/// What the caller may see, decided now.
pub fn visibility(ctx: &Context<'_>) -> Visibility {
    visibility_for(sees_drafts(ctx))
}

/// Staff see everything; everyone else sees what is public at this instant.
pub fn visibility_for(staff: bool) -> Visibility {
    if staff {
        Visibility::Staff
    } else {
        Visibility::Public {
            now: masthead_persistence::now(),
        }
    }
}

/// Turns any lower-layer error into a GraphQL error with `extensions.code`.
pub trait OrGql<T> {
    /// Maps the error through [`ApiError::to_graphql`].
    fn gql(self) -> GqlResult<T>;
}

impl<T, E: Into<ApiError>> OrGql<T> for Result<T, E> {
    fn gql(self) -> GqlResult<T> {
        self.map_err(|error| error.into().to_graphql())
    }
}

/// A `BAD_USER_INPUT` error on one argument or input field.
pub fn field_error(field: &str, message: impl Into<String>) -> async_graphql::Error {
    ApiError::from(FieldError::new(field, message)).to_graphql()
}

/// The GraphQL face of `error`; validation errors are reported one GraphQL
/// error per field (so a form can mark each input), the first returned for the
/// resolver to fail with, the others added to the response.
pub fn input_errors(ctx: &Context<'_>, error: ApiError) -> async_graphql::Error {
    let ApiError::Invalid(errors) = error else {
        return error.to_graphql();
    };
    let mut each = errors
        .0
        .into_iter()
        .map(|error| ApiError::from(error).to_graphql());
    let first = each
        .next()
        .unwrap_or_else(|| field_error("input", "is invalid"));
    for error in each {
        ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_never_show_their_details() {
        let error =
            ApiError::Internal("relation \"articles\" does not exist: SELECT secret".into())
                .to_graphql();
        assert!(!error.message.contains("SELECT"), "{}", error.message);
        let extensions = error.extensions.expect("a code");
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("INTERNAL_SERVER_ERROR"))
        );
    }

    #[test]
    fn validation_errors_are_worded_by_their_field() {
        let error = field_error("sections[2].blocks[0].text", "must not be empty");
        assert_eq!(
            error.message,
            "sections[2].blocks[0].text: must not be empty"
        );
        let error = field_error("seo.meta_title", "is too long");
        assert_eq!(error.message, "seo.metaTitle: is too long");
        let extensions = error.extensions.expect("a code");
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from("seo.metaTitle"))
        );
        let error = field_error("sections[2].blocks[0].text", "must not be empty");
        let extensions = error.extensions.expect("a code");
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
        assert_eq!(
            extensions.get("field"),
            Some(&async_graphql::Value::from("sections[2].blocks[0].text"))
        );
    }
}
