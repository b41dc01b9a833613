//! NUL characters in GraphQL text: checked once, at the edge, for every
//! argument literal (`"a\u0000b"`), variable default and variable value, so
//! no NUL reaches a database. PostgreSQL refuses NUL in text outright (a 500
//! before this check) and SQLite stores it, so the two would disagree; here
//! both answer `BAD_USER_INPUT` naming the argument or variable.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::Variables;
use async_graphql_value::{ConstValue, Value};

/// The first argument or variable (by name) whose text holds a NUL character.
pub fn first_nul(document: &ExecutableDocument, variables: &Variables) -> Option<String> {
    for (name, value) in variables.iter() {
        if const_has_nul(value) {
            return Some(format!("${name}"));
        }
    }
    for (_, operation) in document.operations.iter() {
        for definition in &operation.node.variable_definitions {
            let default = definition.node.default_value.as_ref();
            if default.is_some_and(|value| const_has_nul(&value.node)) {
                return Some(format!("${}", definition.node.name.node));
            }
        }
        if let Some(found) = in_set(&operation.node.selection_set.node) {
            return Some(found);
        }
    }
    document
        .fragments
        .values()
        .find_map(|fragment| in_set(&fragment.node.selection_set.node))
}

fn in_set(set: &SelectionSet) -> Option<String> {
    set.items
        .iter()
        .find_map(|selection| match &selection.node {
            Selection::Field(field) => {
                let field = &field.node;
                field
                    .arguments
                    .iter()
                    .find(|(_, value)| literal_has_nul(&value.node))
                    .map(|(name, _)| name.node.to_string())
                    .or_else(|| in_directives(&field.directives))
                    .or_else(|| in_set(&field.selection_set.node))
            }
            Selection::InlineFragment(fragment) => in_directives(&fragment.node.directives)
                .or_else(|| in_set(&fragment.node.selection_set.node)),
            Selection::FragmentSpread(spread) => in_directives(&spread.node.directives),
        })
}

fn in_directives(
    directives: &[async_graphql::Positioned<async_graphql::parser::types::Directive>],
) -> Option<String> {
    directives.iter().find_map(|directive| {
        directive
            .node
            .arguments
            .iter()
            .find(|(_, value)| literal_has_nul(&value.node))
            .map(|(name, _)| name.node.to_string())
    })
}

/// A literal as written; variables inside it are checked with their values.
fn literal_has_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Enum(name) => name.contains('\0'),
        Value::List(items) => items.iter().any(literal_has_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || literal_has_nul(value)),
        _ => false,
    }
}

fn const_has_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => text.contains('\0'),
        ConstValue::Enum(name) => name.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_has_nul),
        ConstValue::Object(fields) => fields
            .iter()
            .any(|(name, value)| name.contains('\0') || const_has_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nul_in(query: &str, variables: serde_json::Value) -> Option<String> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        first_nul(&document, &Variables::from_json(variables))
    }

    #[test]
    fn nul_in_an_argument_a_variable_or_a_fragment_is_named() {
        assert_eq!(
            nul_in(
                r#"{ article(slug: "a\u0000b") { title } }"#,
                serde_json::json!({})
            ),
            Some("slug".into())
        );
        assert_eq!(
            nul_in(
                r#"query($s: String) { article(slug: $s) { title } }"#,
                serde_json::json!({ "s": "a\u{0}b" })
            ),
            Some("$s".into())
        );
        assert_eq!(
            nul_in(
                r#"{ ...F } fragment F on Query { articles(filter: { tag: "x\u0000" }) { totalCount } }"#,
                serde_json::json!({})
            ),
            Some("filter".into())
        );
        assert_eq!(
            nul_in(
                r#"query($s: String = "\u0000") { article(slug: $s) { title } }"#,
                serde_json::json!({})
            ),
            Some("$s".into())
        );
    }

    #[test]
    fn ordinary_text_passes() {
        assert_eq!(
            nul_in(
                r#"query($s: String) { article(slug: "a\\u0000b") { title } x: article(slug: $s) { title } }"#,
                serde_json::json!({ "s": "plain" })
            ),
            None
        );
    }
}
