//! Every `extensions.code` the GraphQL endpoint can send: the codes of
//! requests refused before or while GraphQL reads them ([`RequestCode`]), and
//! the codes of [`crate::error::ApiError`], the one mapping of every other failure. The
//! README lists them; a test checks it lists every one of [`all`].

use std::collections::BTreeSet;

use strum::IntoEnumIterator;

use crate::error::ApiErrorKind;

/// Why a request was refused as a whole (transport, parse, validation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::IntoStaticStr)]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum RequestCode {
    /// Not a GraphQL request: bad JSON, no `query`, a malformed query string.
    BadRequest,
    /// A batch (JSON array) while batches are turned off.
    BatchNotSupported,
    /// A batch that is empty or longer than `--graphql-max-batch`.
    BatchTooLarge,
    /// A POST body that is not `application/json`.
    UnsupportedMediaType,
    /// A body over `--graphql-max-body-bytes`.
    PayloadTooLarge,
    /// An `Accept` that allows neither JSON media type.
    NotAcceptable,
    /// A method other than GET, POST or OPTIONS, or a mutation over GET.
    MethodNotAllowed,
    /// The answer could not be encoded.
    InternalServerError,
    /// The query is not valid GraphQL syntax.
    GraphqlParseFailed,
    /// The query does not fit the schema or breaks a limit.
    GraphqlValidationFailed,
    /// A value does not fit its argument or variable, or carries NUL.
    BadUserInput,
    /// `extensions.persistedQuery` names a hash no node knows: send it again with the `query`.
    PersistedQueryNotFound,
    /// `extensions.persistedQuery` has a version other than 1.
    PersistedQueryNotSupported,
    /// The `query` sent to register a persisted query does not have the SHA-256 named.
    PersistedQueryHashMismatch,
    /// The `query` sent to register is over `--graphql-persisted-max-bytes`.
    PersistedQueryTooLarge,
    /// `--graphql-trusted-only`: an anonymous caller sent a document not in the manifest.
    TrustedDocumentRequired,
}

impl RequestCode {
    /// The code as sent.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Every code the endpoint can send.
pub fn all() -> BTreeSet<&'static str> {
    RequestCode::iter()
        .map(RequestCode::as_str)
        .chain(ApiErrorKind::iter().map(ApiErrorKind::graphql_code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_screaming_snake_case_and_include_both_sources() {
        assert_eq!(
            RequestCode::GraphqlParseFailed.as_str(),
            "GRAPHQL_PARSE_FAILED"
        );
        let all = all();
        assert!(all.contains("BAD_REQUEST"));
        assert!(all.contains("VERSION_CONFLICT"));
        assert!(all.contains("UNAUTHENTICATED"));
        assert!(
            !all.contains("PRECONDITION_FAILED"),
            "GraphQL says VERSION_CONFLICT for a stale expectedVersion"
        );
    }
}
