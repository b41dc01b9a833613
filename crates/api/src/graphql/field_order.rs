//! Fields in the order the query asked for them, as the GraphQL spec wants
//! (7.1, "Serialized Map Ordering"). async-graphql 7.2 resolves the fields of
//! an object concurrently and keeps them in the order they *finish*
//! (async-graphql issue #612), so a slow `totalCount` ends up last. This
//! extension remembers the parsed query and, once it has run, puts every
//! object's keys back in the order of the query's selections (fragments
//! expanded in place, aliases as written).

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use async_graphql::{Name, Response, ServerResult, Value, Variables};

/// The extension (one instance per request, holding that request's query).
#[derive(Debug, Clone, Copy, Default)]
pub struct FieldOrder;

impl ExtensionFactory for FieldOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Ordering::default())
    }
}

#[derive(Default)]
struct Ordering {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Ordering {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut kept) = self.document.lock() {
            *kept = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut kept| kept.take());
        if let Some(document) = document {
            reorder(&document, operation_name, &mut response.data);
        }
        response
    }
}

/// Puts the keys of `data` in the order the operation selected them.
pub fn reorder(document: &ExecutableDocument, operation_name: Option<&str>, data: &mut Value) {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => operation,
        (DocumentOperations::Multiple(operations), Some(name)) => {
            match operations.get(&Name::new(name)) {
                Some(operation) => operation,
                None => return,
            }
        }
        (DocumentOperations::Multiple(operations), None) => match operations.values().next() {
            Some(operation) if operations.len() == 1 => operation,
            _ => return,
        },
    };
    order(document, &[&operation.node.selection_set.node], data);
}

/// A response key and the selection sets of every field that answers to it.
type Keys<'a> = Vec<(&'a Name, Vec<&'a SelectionSet>)>;

fn order(document: &ExecutableDocument, sets: &[&SelectionSet], value: &mut Value) {
    let mut keys = Keys::new();
    for set in sets {
        collect(document, set, &mut keys, 0);
    }
    apply(document, &keys, value);
}

/// The response keys of `set` in query order (CollectFields, without the
/// type conditions: a key the object does not have is simply not there).
fn collect<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut Keys<'a>,
    depth: usize,
) {
    // Validation refuses fragment cycles before execution; this is a backstop.
    if depth > 64 {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let sub = &field.node.selection_set.node;
                match keys.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, subs)) => subs.push(sub),
                    None => keys.push((key, vec![sub])),
                }
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    collect(document, &fragment.node.selection_set.node, keys, depth + 1);
                }
            }
            Selection::InlineFragment(inline) => {
                collect(document, &inline.node.selection_set.node, keys, depth + 1);
            }
        }
    }
}

fn apply(document: &ExecutableDocument, keys: &Keys<'_>, value: &mut Value) {
    match value {
        Value::List(items) => {
            for item in items {
                apply(document, keys, item);
            }
        }
        Value::Object(map) => {
            let mut unordered = std::mem::take(map);
            for (key, subs) in keys {
                if let Some(mut child) = unordered.shift_remove(*key) {
                    if subs.iter().any(|set| !set.items.is_empty()) {
                        order(document, subs, &mut child);
                    }
                    map.insert((*key).clone(), child);
                }
            }
            // Nothing should be left; if something is, it keeps its place after.
            map.extend(unordered);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(|key| key.to_string()).collect(),
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn keys_follow_the_query_through_aliases_fragments_and_lists() {
        let document = async_graphql::parser::parse_query(
            "query Q { b: site { z ...F } a { ... on T { y x } } } fragment F on S { w v }",
        )
        .unwrap();
        let mut data = Value::from_json(serde_json::json!({
            "a": [{ "x": 1, "y": 2 }, { "x": 3, "y": 4 }],
            "b": { "v": 1, "w": 2, "z": 3 },
        }))
        .unwrap();
        reorder(&document, Some("Q"), &mut data);
        assert_eq!(keys(&data), ["b", "a"]);
        let Value::Object(map) = &data else {
            unreachable!()
        };
        assert_eq!(keys(&map["b"]), ["z", "w", "v"]);
        let Value::List(items) = &map["a"] else {
            panic!("a list")
        };
        assert!(items.iter().all(|item| keys(item) == ["y", "x"]));
    }
}
