//! Identifiers. All are UUID v7: unique without coordination between server
//! nodes, and ordered by creation time, which keeps keyset pagination stable.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered identifier.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }
    };
}

id_type!(
    /// Identifies an [`crate::Article`] for its whole life, across slug changes.
    ArticleId
);
id_type!(
    /// Identifies a [`crate::User`] (a member of staff).
    UserId
);
id_type!(
    /// Identifies a [`crate::Tag`].
    TagId
);
id_type!(
    /// Identifies a reader's [`crate::Reply`].
    ReplyId
);
id_type!(
    /// Identifies a [`crate::correction::Correction`].
    CorrectionId
);
