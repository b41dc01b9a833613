//! Bounds on what one GraphQL query may ask, checked before the expensive
//! work: bracket nesting before parsing (a 10,000-deep query never reaches
//! the recursive parser), fields and directives right after parsing (a
//! 10,000-alias query never reaches validation), then async-graphql's depth
//! and complexity limits. Every refusal carries `extensions.code` and names
//! the limit (`extensions.limit`, `extensions.max`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    ErrorExtensionValues, Request, ServerError, ServerResult, ValidationResult, Variables,
};

use crate::graphql::codes::RequestCode;

/// Deepest bracket nesting (`{`, `[`, `(`) the parser is given.
pub const MAX_NESTING: usize = 64;

/// The configured query bounds.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    /// Most field selections, aliases and fragment uses counted.
    pub max_fields: usize,
    /// Most directives in the document.
    pub max_directives: usize,
    /// The depth limit, for the wording of async-graphql's refusal.
    pub max_depth: usize,
    /// The complexity limit, for the wording of async-graphql's refusal.
    pub max_complexity: usize,
    /// Whether `__schema` / `__type` may be asked; when not, asking is an error
    /// rather than a silent `null`.
    pub introspection: bool,
}

impl ExtensionFactory for QueryLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(*self)
    }
}

/// An error about the request itself (parse, validation, limits): no path, a code.
pub fn request_error(message: impl Into<String>, code: RequestCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code.as_str());
    error.extensions = Some(extensions);
    error
}

fn limit_error(message: String, limit: &str, max: usize) -> ServerError {
    let mut error = request_error(message, RequestCode::GraphqlValidationFailed);
    if let Some(extensions) = error.extensions.as_mut() {
        extensions.set("limit", limit);
        extensions.set("max", max as u64);
    }
    error
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryLimits {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        check_nesting(&request.query)?;
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next
            .run(ctx, query, variables)
            .await
            .map_err(|error| self.classify(error, RequestCode::GraphqlParseFailed))?;
        if let Some(argument) = crate::graphql::nul::first_nul(&document, variables) {
            return Err(request_error(
                format!("{argument}: text must not contain NUL characters"),
                RequestCode::BadUserInput,
            ));
        }
        let fields = count_fields(&document, self.max_fields);
        if fields > self.max_fields {
            return Err(limit_error(
                format!(
                    "the query selects more than {} fields (aliases and fragment uses count)",
                    self.max_fields
                ),
                "fields",
                self.max_fields,
            ));
        }
        if !self.introspection && asks_introspection(&document) {
            return Err(request_error(
                "introspection is disabled on this server",
                RequestCode::GraphqlValidationFailed,
            ));
        }
        let directives = count_directives(&document);
        if directives > self.max_directives {
            return Err(limit_error(
                format!(
                    "the query has {directives} directives; at most {} are allowed",
                    self.max_directives
                ),
                "directives",
                self.max_directives,
            ));
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|error| self.classify(error, RequestCode::GraphqlValidationFailed))
                .collect()
        })
    }
}

impl QueryLimits {
    /// Gives async-graphql's own refusals a code, and its limit refusals a clear wording.
    fn classify(&self, error: ServerError, code: RequestCode) -> ServerError {
        if error.message == "Query is nested too deep."
            || error
                .message
                .starts_with("The recursion depth of the query")
        {
            return limit_error(
                format!("the query is nested deeper than {} levels", self.max_depth),
                "depth",
                self.max_depth,
            );
        }
        if error.message == "Query is too complex." {
            return limit_error(
                format!(
                    "the query is too complex (more than {}; each field counts, times the page size of the connections around it)",
                    self.max_complexity
                ),
                "complexity",
                self.max_complexity,
            );
        }
        // A value that does not fit its argument (inline or through a variable)
        // is the client's data, not its query: the same code as a field error.
        let code = if error.message.starts_with("Invalid value for argument") {
            RequestCode::BadUserInput
        } else {
            code
        };
        let mut coded = request_error(error.message, code);
        coded.locations = error.locations;
        coded
    }
}

/// Refuses queries whose brackets nest deeper than [`MAX_NESTING`], reading
/// strings and comments correctly, in one pass without recursion.
pub(crate) fn check_nesting(query: &str) -> ServerResult<()> {
    let mut depth = 0usize;
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => skip_string(&mut chars),
            '{' | '[' | '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(limit_error(
                        format!("the query nests brackets deeper than {MAX_NESTING} levels"),
                        "depth",
                        MAX_NESTING,
                    ));
                }
            }
            '}' | ']' | ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Skips a string literal whose opening quote was just read (block strings too).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    if chars.peek() == Some(&'"') {
        chars.next();
        if chars.peek() == Some(&'"') {
            // Block string: ends at the next unescaped `"""`.
            chars.next();
            let mut quotes = 0;
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        quotes = 0;
                        chars.next();
                    }
                    '"' => {
                        quotes += 1;
                        if quotes == 3 {
                            return;
                        }
                    }
                    _ => quotes = 0,
                }
            }
        }
        // `""`: the empty string.
        return;
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\n' => return,
            _ => {}
        }
    }
}

/// Field selections of the document's operations with fragments expanded
/// (memoized, so fragment bombs cost nothing), stopping once past `cap`.
fn count_fields(document: &ExecutableDocument, cap: usize) -> usize {
    let mut memo = HashMap::new();
    let mut total = 0usize;
    for (_, operation) in document.operations.iter() {
        let mut visiting = HashSet::new();
        total = total.saturating_add(count_set(
            document,
            &operation.node.selection_set.node,
            &mut memo,
            &mut visiting,
        ));
        if total > cap {
            break;
        }
    }
    total
}

fn count_set<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    memo: &mut HashMap<&'a str, usize>,
    visiting: &mut HashSet<&'a str>,
) -> usize {
    set.items.iter().fold(0usize, |sum, selection| {
        let count = match &selection.node {
            Selection::Field(field) => 1usize.saturating_add(count_set(
                document,
                &field.node.selection_set.node,
                memo,
                visiting,
            )),
            Selection::InlineFragment(fragment) => {
                count_set(document, &fragment.node.selection_set.node, memo, visiting)
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if let Some(&known) = memo.get(name) {
                    known
                } else if !visiting.insert(name) {
                    // A cycle: validation refuses it; count nothing here.
                    0
                } else {
                    let count = document
                        .fragments
                        .get(&spread.node.fragment_name.node)
                        .map_or(0, |fragment| {
                            count_set(document, &fragment.node.selection_set.node, memo, visiting)
                        });
                    visiting.remove(name);
                    memo.insert(name, count);
                    count
                }
            }
        };
        sum.saturating_add(count)
    })
}

/// True when an operation asks `__schema` or `__type` at its root.
fn asks_introspection(document: &ExecutableDocument) -> bool {
    fn in_set(document: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
        depth < 8
            && set.items.iter().any(|selection| match &selection.node {
                Selection::Field(field) => {
                    matches!(field.node.name.node.as_str(), "__schema" | "__type")
                }
                Selection::InlineFragment(fragment) => {
                    in_set(document, &fragment.node.selection_set.node, depth + 1)
                }
                Selection::FragmentSpread(spread) => document
                    .fragments
                    .get(&spread.node.fragment_name.node)
                    .is_some_and(|fragment| {
                        in_set(document, &fragment.node.selection_set.node, depth + 1)
                    }),
            })
    }
    document
        .operations
        .iter()
        .any(|(_, operation)| in_set(document, &operation.node.selection_set.node, 0))
}

/// Every directive written in the document (operations, fragments, fields, variables).
fn count_directives(document: &ExecutableDocument) -> usize {
    fn in_set(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|selection| match &selection.node {
                Selection::Field(field) => {
                    field.node.directives.len() + in_set(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => {
                    fragment.node.directives.len() + in_set(&fragment.node.selection_set.node)
                }
                Selection::FragmentSpread(spread) => spread.node.directives.len(),
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| {
            operation.node.directives.len()
                + operation
                    .node
                    .variable_definitions
                    .iter()
                    .map(|variable| variable.node.directives.len())
                    .sum::<usize>()
                + in_set(&operation.node.selection_set.node)
        })
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|fragment| fragment.node.directives.len() + in_set(&fragment.node.selection_set.node))
        .sum();
    operations + fragments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap()
    }

    #[test]
    fn nesting_is_counted_outside_strings_and_comments_only() {
        assert!(check_nesting(&"{a".repeat(10_000)).is_err());
        let quoted = format!("{{a(s: \"{}\") # {}\n}}", "{".repeat(100), "[".repeat(100));
        assert!(check_nesting(&quoted).is_ok());
        let block = format!("{{a(s: \"\"\"{}\\\"\"\" \"\"\")}}", "(".repeat(100));
        assert!(check_nesting(&block).is_ok());
    }

    #[test]
    fn aliases_and_fragment_uses_count_as_fields() {
        let aliases = format!(
            "{{ {} }}",
            (0..50)
                .map(|i| format!("a{i}: x"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert_eq!(count_fields(&parse(&aliases), 1_000), 50);
        let bomb = "query { ...A } fragment A on Q { ...B ...B ...B } \
                    fragment B on Q { ...C ...C ...C } fragment C on Q { x y }";
        assert_eq!(count_fields(&parse(bomb), 1_000), 18);
    }

    #[test]
    fn every_directive_is_counted() {
        let query =
            "query Q($v: Boolean!) @a { x @skip(if: $v) @b ...F @c } fragment F on Q @d { y @e }";
        assert_eq!(count_directives(&parse(query)), 6);
    }
}
