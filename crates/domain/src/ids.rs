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
id_type!(
    /// Identifies a [`crate::Section`] of an article's body, kept across saves,
    /// reorders and restores.
    SectionId
);
id_type!(
    /// Identifies a [`crate::Block`], kept across saves, reorders, moves between
    /// sections and restores: what client caches and revision diffs key blocks on.
    BlockId
);

id_type!(
    /// Identifies an uploaded image in the media library, for its whole life.
    MediaId
);

/// The namespace of the UUID v5 ids given to sections and blocks saved before
/// they had ids (a fixed, random value: changing it would change those ids).
const LEGACY_NAMESPACE: Uuid = Uuid::from_u128(0x6d1c_4a8e_9b3f_4e57_a0c2_5f8d_31e7_b904);

impl SectionId {
    /// The id of section `section` of `article` as saved before sections had
    /// ids: the same on every read, and what the migration gave the live rows.
    pub fn legacy(article: ArticleId, section: usize) -> Self {
        Self(Uuid::new_v5(
            &LEGACY_NAMESPACE,
            format!("{article}/{section}").as_bytes(),
        ))
    }
}

impl BlockId {
    /// The id of block `block` of section `section` of `article` as saved before
    /// blocks had ids (see [`SectionId::legacy`]).
    pub fn legacy(article: ArticleId, section: usize, block: usize) -> Self {
        Self(Uuid::new_v5(
            &LEGACY_NAMESPACE,
            format!("{article}/{section}/{block}").as_bytes(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_ids_are_deterministic_and_distinct() {
        let article = ArticleId::generate();
        assert_eq!(SectionId::legacy(article, 1), SectionId::legacy(article, 1));
        assert_ne!(SectionId::legacy(article, 1), SectionId::legacy(article, 2));
        assert_ne!(
            BlockId::legacy(article, 0, 1),
            BlockId::legacy(article, 1, 0)
        );
        assert_ne!(
            BlockId::legacy(article, 0, 0),
            BlockId::legacy(ArticleId::generate(), 0, 0)
        );
        assert_ne!(
            SectionId::legacy(article, 0).0,
            BlockId::legacy(article, 0, 0).0
        );
    }
}
