//! The one error type of the HTTP edge, and its two faces: RFC 9457
//! `application/problem+json` for REST and `extensions.code` for GraphQL.
//! Every lower-layer error is mapped here with an exhaustive `match`, so a new
//! failure cannot reach a client unclassified; 5xx bodies never carry internals.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use masthead_domain::{DomainError, FieldError, ValidationErrors};
use masthead_persistence::PersistenceError;
use serde::Serialize;

/// Everything a request can fail with. [`ApiErrorKind`] (derived) names the
/// variants without their data, so [`ApiError::codes`] lists every code the
/// API can send without a hand-kept list.
#[derive(Debug, thiserror::Error, strum::EnumDiscriminants)]
#[strum_discriminants(name(ApiErrorKind), derive(strum::EnumIter))]
pub enum ApiError {
    /// Nothing there (or nothing the caller may see).
    #[error("not found")]
    NotFound,
    /// The request is malformed (bad JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// Input broke bounds; each error names its field.
    #[error("validation failed")]
    Invalid(ValidationErrors),
    /// A sign-in is needed.
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong e-mail or password, or an unusable refresh token (deliberately vague).
    #[error("invalid e-mail, password or token")]
    InvalidCredentials,
    /// Signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A unique value is taken.
    #[error("{field} is already taken")]
    Duplicate {
        /// The colliding field.
        field: &'static str,
    },
    /// The write was based on an old version.
    #[error("the article was changed by someone else; the current version is {current}")]
    VersionConflict {
        /// Stored version.
        current: i32,
    },
    /// The publishing state machine refused.
    #[error("{0}")]
    InvalidTransition(String),
    /// The thing is still used (a media item current articles show); the
    /// list names the users.
    #[error("still used by {}", .0.join(", "))]
    InUse(Vec<String>),
    /// Too many requests; try again after this many seconds.
    #[error("too many requests")]
    RateLimited {
        /// Seconds until the next attempt may succeed.
        retry_after: u64,
    },
    /// The database is unreachable right now.
    #[error("the service is temporarily unavailable")]
    Unavailable,
    /// A bug or corrupt data; details go to the log only.
    #[error("internal error")]
    Internal(String),
    /// The body is not well-formed JSON (or not UTF-8).
    #[error("the body is not well-formed JSON: {0}")]
    MalformedJson(String),
    /// Text the request carries cannot be stored (NUL characters); each error names its field.
    #[error("the request carries text that cannot be stored")]
    MalformedText(ValidationErrors),
    /// The path exists but not with this method; `allow` lists the methods it has.
    #[error("this resource does not support that method")]
    MethodNotAllowed {
        /// Value of the `Allow` header.
        allow: String,
    },
    /// `If-Match` named a version that is no longer current; nothing was changed.
    #[error("the article was changed since you read it; the current version is {current}")]
    PreconditionFailed {
        /// Stored version.
        current: i32,
    },
    /// A write that must be conditional came without `If-Match`.
    #[error("send If-Match with the ETag of the version you edited")]
    PreconditionRequired,
    /// The body is larger than this endpoint accepts.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body is not of a type this endpoint takes (not `application/json`,
    /// or an upload that is not an accepted image); the text says what is.
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    /// An `Idempotency-Key` was used before with another request.
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` is still running.
    #[error("a request with this Idempotency-Key is still being processed; retry shortly")]
    IdempotencyInProgress,
    /// The request line and headers are larger than `--max-header-bytes`.
    #[error("the request line and headers take {size} bytes; at most {limit} are accepted")]
    HeadersTooLarge {
        /// Bytes the head took.
        size: usize,
        /// The limit, in bytes.
        limit: usize,
    },
}

impl From<PersistenceError> for ApiError {
    fn from(error: PersistenceError) -> Self {
        match error {
            PersistenceError::NotFound => Self::NotFound,
            PersistenceError::VersionConflict { current } => Self::VersionConflict { current },
            PersistenceError::Duplicate { field } => Self::Duplicate { field },
            PersistenceError::InUse(users) => Self::InUse(users),
            PersistenceError::Domain(domain) => domain.into(),
            PersistenceError::Unavailable(source) => {
                tracing::warn!(error = %source, "database unavailable");
                Self::Unavailable
            }
            error @ (PersistenceError::Database(_)
            | PersistenceError::Corrupt(_)
            | PersistenceError::SchemaTooNew(_)
            | PersistenceError::UnknownSearchLanguage(_)
            | PersistenceError::BackupRefused(_)
            | PersistenceError::Transfer(_)) => Self::Internal(format!("{error}: {:?}", error)),
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid(errors) => Self::Invalid(errors),
            DomainError::InvalidTransition { .. } => Self::InvalidTransition(error.to_string()),
            DomainError::RepliesClosed => Self::Forbidden(error.to_string()),
            DomainError::Unauthenticated => Self::Unauthenticated,
            DomainError::Forbidden(reason) => Self::Forbidden(reason.to_owned()),
            DomainError::BadQuery(reason) => Self::BadRequest(reason),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self::Invalid(error.into())
    }
}

impl ApiErrorKind {
    /// The GraphQL `extensions.code`: the REST code, except that a failed
    /// precondition is a version conflict (GraphQL has no `If-Match`).
    pub fn graphql_code(self) -> &'static str {
        match self {
            Self::PreconditionFailed => "VERSION_CONFLICT",
            other => other.code(),
        }
    }

    /// The stable machine-readable code of this kind of error.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotFound => "NOT_FOUND",
            Self::BadRequest | Self::Invalid => "BAD_USER_INPUT",
            Self::Unauthenticated | Self::InvalidCredentials => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::Duplicate => "DUPLICATE",
            Self::VersionConflict => "VERSION_CONFLICT",
            Self::InvalidTransition => "INVALID_TRANSITION",
            Self::InUse => "IN_USE",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal => "INTERNAL_SERVER_ERROR",
            Self::MalformedJson => "MALFORMED_JSON",
            Self::MalformedText => "BAD_USER_INPUT",
            Self::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Self::PreconditionFailed => "PRECONDITION_FAILED",
            Self::PreconditionRequired => "PRECONDITION_REQUIRED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Self::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            Self::IdempotencyInProgress => "IDEMPOTENCY_IN_PROGRESS",
            Self::HeadersTooLarge => "HEADERS_TOO_LARGE",
        }
    }
}

impl ApiError {
    /// The stable machine-readable code: REST `code` and GraphQL `extensions.code`.
    pub fn code(&self) -> &'static str {
        ApiErrorKind::from(self).code()
    }

    /// Every code a problem document can carry, each once, in declaration
    /// order: the `enum` of `Problem.code` in the OpenAPI document.
    pub fn codes() -> Vec<&'static str> {
        use strum::IntoEnumIterator;
        let mut codes: Vec<&'static str> = Vec::new();
        for code in ApiErrorKind::iter().map(ApiErrorKind::code) {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes
    }

    /// What a client may be told: internals are replaced by a generic sentence.
    fn public_detail(&self) -> String {
        match self {
            Self::Internal(details) => {
                tracing::error!(%details, "internal error");
                "something went wrong on our side".to_owned()
            }
            other => other.to_string(),
        }
    }

    /// For version conflicts and failed preconditions: the version now stored.
    fn current_version(&self) -> Option<i32> {
        match self {
            Self::VersionConflict { current } | Self::PreconditionFailed { current } => {
                Some(*current)
            }
            _ => None,
        }
    }

    fn field_errors(&self) -> Option<Vec<ProblemField>> {
        match self {
            Self::Invalid(errors) | Self::MalformedText(errors) => Some(
                errors
                    .0
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        message: e.message.clone(),
                    })
                    .collect(),
            ),
            Self::Duplicate { field } => Some(vec![ProblemField {
                field: (*field).to_owned(),
                message: "is already taken".to_owned(),
            }]),
            _ => None,
        }
    }

    /// The GraphQL `extensions.code`: [`Self::code`], except that a stale
    /// `expectedVersion` is a `VERSION_CONFLICT` however it was found out.
    pub(crate) fn graphql_code(&self) -> &'static str {
        ApiErrorKind::from(self).graphql_code()
    }

    /// The GraphQL face, the one mapping every resolver uses: the message
    /// (for validation: `<field>: <why>` of the first field), `extensions.code`,
    /// and for validation `extensions.field` and `extensions.errors`, whose
    /// paths are in GraphQL's camelCase (`seo.metaTitle`, `displayName`).
    pub fn to_graphql(&self) -> async_graphql::Error {
        use async_graphql::ErrorExtensions;
        let fields: Option<Vec<ProblemField>> = self.field_errors().map(|fields| {
            fields
                .into_iter()
                .map(|field| ProblemField {
                    field: camel_case_path(&field.field),
                    message: field.message,
                })
                .collect()
        });
        let message = match fields.as_deref() {
            Some([first, ..]) if matches!(self, Self::Invalid(_)) => {
                format!("{}: {}", first.field, first.message)
            }
            _ => self.public_detail(),
        };
        let code = self.graphql_code();
        let current_version = self.current_version();
        let retry_after = match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        };
        async_graphql::Error::new(message).extend_with(|_, extensions| {
            extensions.set("code", code);
            if let Some(fields) = &fields {
                if let Some(first) = fields.first() {
                    extensions.set("field", first.field.clone());
                }
                let list: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|f| {
                        let mut map = async_graphql::indexmap::IndexMap::new();
                        map.insert(
                            async_graphql::Name::new("field"),
                            async_graphql::Value::from(f.field.clone()),
                        );
                        map.insert(
                            async_graphql::Name::new("message"),
                            async_graphql::Value::from(f.message.clone()),
                        );
                        async_graphql::Value::Object(map)
                    })
                    .collect();
                extensions.set("errors", async_graphql::Value::List(list));
            }
            if let Some(current) = current_version {
                extensions.set("currentVersion", current);
            }
            if let Some(seconds) = retry_after {
                extensions.set("retryAfter", seconds);
            }
        })
    }
}

/// A field path as GraphQL names it: each `snake_case` segment in camelCase
/// (`seo.meta_title` is `seo.metaTitle`; `sections[2].blocks` stays).
fn camel_case_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        match c {
            '_' if !out.is_empty() => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// One broken field in a problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// Path of the field.
    pub field: String,
    /// Why it was refused.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// This occurrence, in words.
    pub detail: String,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Field errors, for validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<ProblemField>>,
    /// For version conflicts: the version now stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i32>,
}

impl Problem {
    /// A problem document for `status` with the code of `kind` and `detail`
    /// (taking the kind, not a string, keeps every code one of [`ApiError::codes`]).
    pub fn new(
        status: StatusCode,
        kind: ApiErrorKind,
        detail: String,
        errors: Option<Vec<ProblemField>>,
    ) -> Self {
        let code = kind.code();
        Self {
            kind: format!(
                "https://masthead.dev/problems/{}",
                code.to_lowercase().replace('_', "-")
            ),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code,
            errors,
            current_version: None,
        }
    }

    /// The document as an `application/problem+json` response that no cache keeps.
    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpResponse::build(status)
            .content_type("application/problem+json")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(self)
    }
}

/// Builds a problem+json response for `status` with the code of `kind` and `detail`.
pub fn problem_response(
    status: StatusCode,
    code: ApiErrorKind,
    detail: String,
    errors: Option<Vec<ProblemField>>,
) -> HttpResponse {
    Problem::new(status, code, detail, errors).into_response()
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated | Self::InvalidCredentials => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Duplicate { .. }
            | Self::VersionConflict { .. }
            | Self::InvalidTransition(_)
            | Self::InUse(_) => StatusCode::CONFLICT,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::MalformedJson(_) | Self::MalformedText(_) => StatusCode::BAD_REQUEST,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyInProgress => StatusCode::CONFLICT,
            Self::HeadersTooLarge { .. } => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut problem = Problem::new(
            self.status_code(),
            self.into(),
            self.public_detail(),
            self.field_errors(),
        );
        // Conflicts carry the current version so clients need no second request.
        problem.current_version = self.current_version();
        let mut response = problem.into_response();
        let headers = response.headers_mut();
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            Self::RateLimited { retry_after } => {
                if let Ok(value) = header::HeaderValue::from_str(&retry_after.to_string()) {
                    headers.insert(header::RETRY_AFTER, value);
                }
            }
            Self::Unavailable | Self::IdempotencyInProgress => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            }
            Self::MethodNotAllowed { allow } if !allow.is_empty() => {
                if let Ok(value) = header::HeaderValue::from_str(allow) {
                    headers.insert(header::ALLOW, value);
                }
            }
            _ => {}
        }
        response
    }
}
