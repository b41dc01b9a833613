//! Relay connections: `first/after/last/before` arguments, `edges { cursor
//! node }`, `nodes`, `pageInfo` and a lazily counted `totalCount`.

use async_graphql::Context;
use masthead_persistence::{ArticleFilter, Cursor, Page, PageRequest, Visibility};

use crate::graphql::context::{field_error, state, GqlResult, OrGql};

/// Page size when a client names none.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// Where a page stands in its list: async-graphql's own `PageInfo`, so that
/// every connection of the schema (hand-built or the crate's) shares one type.
pub type PageInfoNode = async_graphql::connection::PageInfo;

/// The pagination arguments of a connection field, as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Items from the start (or after `after`).
    pub first: Option<i32>,
    /// Forwards from this cursor.
    pub after: Option<String>,
    /// Items from the end (or before `before`).
    pub last: Option<i32>,
    /// Backwards from this cursor.
    pub before: Option<String>,
}

impl PageArgs {
    /// Checks the arguments against the configured page size and decodes the
    /// cursors; every refusal is `BAD_USER_INPUT` naming the argument.
    pub fn request(&self, ctx: &Context<'_>) -> GqlResult<PageRequest> {
        let size = |field: &str, value: i32| page_size(ctx, field, Some(value));
        let cursor = |field: &str, value: &Option<String>| {
            value
                .as_deref()
                .map(|value| Cursor::decode(field, value))
                .transpose()
                .gql()
        };
        let after = cursor("after", &self.after)?;
        let before = cursor("before", &self.before)?;
        let (size, backwards) = match (self.first, self.last) {
            (Some(_), Some(_)) => {
                return Err(field_error(
                    "last",
                    "cannot be combined with first; page forwards or backwards",
                ))
            }
            (Some(first), None) => (size("first", first)?, false),
            (None, Some(last)) => (size("last", last)?, true),
            (None, None) => (page_size(ctx, "first", None)?, false),
        };
        let mut request = PageRequest::first(size);
        request.size = size;
        request.after = after;
        request.before = before;
        request.backwards = backwards;
        Ok(request)
    }
}

/// The one page-size rule of every connection: 1 to the configured
/// `--graphql-max-page-size`, [`DEFAULT_PAGE_SIZE`] (or the maximum, if lower)
/// when the client names none; a refusal is `BAD_USER_INPUT` naming `field`.
pub fn page_size(ctx: &Context<'_>, field: &str, value: Option<i32>) -> GqlResult<u64> {
    let max = i32::from(state(ctx)?.settings.graphql_max_page_size);
    let value = value.unwrap_or(DEFAULT_PAGE_SIZE.min(max));
    if (1..=max).contains(&value) {
        Ok(value as u64)
    } else {
        Err(field_error(field, format!("must be between 1 and {max}")))
    }
}

/// The page info of a persistence page.
pub fn page_info<T>(page: &Page<T>) -> PageInfoNode {
    PageInfoNode {
        has_next_page: page.has_next,
        has_previous_page: page.has_previous,
        start_cursor: page.items.first().map(|(cursor, _)| cursor.encode()),
        end_cursor: page.items.last().map(|(cursor, _)| cursor.encode()),
    }
}

/// How a connection's `totalCount` is found, only when a client asks for it.
#[derive(Debug, Clone)]
pub enum Total {
    /// Already known.
    Known(u64),
    /// Counted in the database: the articles of a list.
    Articles {
        /// What the caller may see.
        visibility: Visibility,
        /// The list's filter.
        filter: ArticleFilter,
    },
    /// Counted in the database: the pull quotes of a speaker (or all).
    PullQuotes {
        /// What the caller may see.
        visibility: Visibility,
        /// The speaker asked for.
        speaker: Option<String>,
    },
}

impl Total {
    /// The count, asking the database when it is not known yet.
    pub async fn resolve(&self, ctx: &Context<'_>) -> GqlResult<u64> {
        match self {
            Total::Known(count) => Ok(*count),
            Total::Articles { visibility, filter } => state(ctx)?
                .store
                .articles()
                .count(*visibility, filter)
                .await
                .gql(),
            Total::PullQuotes {
                visibility,
                speaker,
            } => state(ctx)?
                .store
                .pull_quotes()
                .count(speaker.as_deref(), *visibility)
                .await
                .gql(),
        }
    }
}

/// Declares a connection type and its edge type for `$node`.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", Relay style.")]
        pub struct $connection {
            /// The items of this page.
            pub edges: Vec<$edge>,
            /// Where this page stands.
            pub page_info: $crate::graphql::connection::PageInfoNode,
            /// How to count the whole list.
            pub total: $crate::graphql::connection::Total,
        }

        #[doc = concat!("A page of ", $what, ", Relay style.")]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|edge| &edge.node).collect()
            }

            /// Where this page stands in the whole list.
            async fn page_info(&self) -> &$crate::graphql::connection::PageInfoNode {
                &self.page_info
            }

            /// How many items the whole list holds, over all pages (only what the caller may see).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<u64> {
                self.total.resolve(ctx).await
            }
        }

        #[doc = concat!("One of ", $what, " with its position in the list.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of the item; pass it as `after` or `before`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }
    };
}

pub(crate) use connection;

/// The page info of a page whose edges carry these cursors.
pub fn page_info_of(
    cursors: &[&str],
    has_previous_page: bool,
    has_next_page: bool,
) -> PageInfoNode {
    PageInfoNode {
        has_previous_page,
        has_next_page,
        start_cursor: cursors.first().map(|cursor| (*cursor).to_owned()),
        end_cursor: cursors.last().map(|cursor| (*cursor).to_owned()),
    }
}

/// Declares a connection that is not counted (no `totalCount`: staff lists
/// whose length nobody pages by) and its edge type; `extra` fields (name,
/// type, description) are added to the connection.
macro_rules! uncounted_connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal $(, $field:ident: $type:ty => $doc:literal)*) => {
        #[doc = concat!("A page of ", $what, ", Relay style.")]
        #[derive(async_graphql::SimpleObject)]
        #[graphql(complex)]
        pub struct $connection {
            /// The items of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// Where this page stands in the whole list.
            pub page_info: $crate::graphql::connection::PageInfoNode,
            $(
                #[doc = $doc]
                pub $field: $type,
            )*
        }

        #[async_graphql::ComplexObject]
        impl $connection {
            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|edge| &edge.node).collect()
            }
        }

        impl $edge {
            /// Edges from (cursor, item) pairs, with the page info they make.
            pub fn page(
                items: impl IntoIterator<Item = (String, $node)>,
                has_previous: bool,
                has_next: bool,
            ) -> (Vec<$edge>, $crate::graphql::connection::PageInfoNode) {
                let edges: Vec<$edge> = items
                    .into_iter()
                    .map(|(cursor, node)| $edge { cursor, node })
                    .collect();
                let cursors: Vec<&str> = edges.iter().map(|edge| edge.cursor.as_str()).collect();
                let info =
                    $crate::graphql::connection::page_info_of(&cursors, has_previous, has_next);
                (edges, info)
            }
        }

        #[doc = concat!("One of ", $what, " with its position in the list.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque position of the item; pass it as `after`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }
    };
}

pub(crate) use uncounted_connection;
