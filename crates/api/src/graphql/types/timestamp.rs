//! The `DateTime` scalar: RFC 3339 in UTC with a `Z`, exactly as REST writes
//! timestamps (`crate::rest::views::timestamp`), so a client parses one format
//! from both APIs. async-graphql's own `DateTime<Utc>` scalar writes `+00:00`.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime, Utc};

/// A point in time, as the GraphQL `DateTime` scalar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

/// An RFC 3339 date and time. Answers are always in UTC with a `Z` and
/// microseconds (`2026-05-18T10:00:00.000000Z`), as in REST; inputs may
/// carry any offset.
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339"
)]
impl ScalarType for Timestamp {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => DateTime::parse_from_rfc3339(text)
                .map(|at| Self(at.with_timezone(&Utc)))
                .map_err(|error| {
                    InputValueError::custom(format!("not an RFC 3339 date and time: {error}"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(crate::rest::views::timestamp(self.0))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_utc_with_a_z_and_inputs_take_any_offset() {
        let at = DateTime::parse_from_rfc3339("2026-05-18T12:00:00.5+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            Timestamp(at).to_value(),
            Value::String("2026-05-18T10:00:00.500000Z".to_owned())
        );
        let parsed = Timestamp::parse(Value::String("2026-05-18T12:00:00.5+02:00".into()));
        assert_eq!(parsed.ok(), Some(Timestamp(at)));
        assert!(Timestamp::parse(Value::String("2026-05-18 10:00".into())).is_err());
        assert!(Timestamp::parse(Value::from(5)).is_err());
    }
}
