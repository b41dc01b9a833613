//! Declared nullable, ever null? A generated client makes every property the
//! document declares nullable `T | null`, so each one costs client code a
//! check; a property that is never null should not be declared so.
//!
//! Every checked answer is walked beside its schema, and for each property
//! declared nullable (`type: [.., "null"]` or a `oneOf` with a `null` branch)
//! the walk records whether it was ever seen null. The areas of the
//! conformance suite run as separate tests, so the observations are pooled
//! per database in this process; the test that completes the last area
//! asserts that every nullable property seen in an answer was null at least
//! once. A run of only some areas (a filtered `cargo test`) checks nothing
//! here, by design: the claim is about the whole suite.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{LazyLock, Mutex};

use serde_json::Value;

/// `Schema.property` → seen null at least once.
pub type Observed = BTreeMap<String, bool>;

/// The parts of the suite completed so far on one database, and what they observed.
type Pool = (BTreeSet<String>, Observed);

/// Per database (`sqlite`, `postgres`).
static POOLED: LazyLock<Mutex<BTreeMap<String, Pool>>> =
    LazyLock::new(|| Mutex::new(BTreeMap::new()));

/// Records in `observed` what `instance` shows of the nullable properties of
/// `schema` (resolved against `components`, whose `allOf`s are merged).
pub fn observe(components: &Value, schema: &Value, instance: &Value, observed: &mut Observed) {
    walk(components, schema, instance, "answer", observed, 0);
}

/// Pools the observations of `area` on `backend`; once every area in
/// `areas` has reported, asserts that no nullable property was never null.
pub fn complete_area(backend: &str, area: &str, areas: &BTreeSet<String>, observed: &Observed) {
    let never_null: Vec<String> = {
        let mut pooled = POOLED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (done, seen) = pooled.entry(backend.to_owned()).or_default();
        done.insert(area.to_owned());
        for (property, null) in observed {
            *seen.entry(property.clone()).or_default() |= null;
        }
        if !areas.is_subset(done) {
            return;
        }
        seen.iter()
            .filter(|(_, null)| !**null)
            .map(|(property, _)| property.clone())
            .collect()
    };
    assert!(
        never_null.is_empty(),
        "{backend}: the whole conformance suite never saw these properties null, yet the \
         document declares them nullable (declare them non-null, or exercise the null case): \
         {never_null:#?}"
    );
}

fn walk(
    components: &Value,
    schema: &Value,
    instance: &Value,
    name: &str,
    observed: &mut Observed,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let (schema, name) = resolve(components, schema, name);
    if let Some(branches) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()) {
        if instance.is_null() {
            return;
        }
        let fitting = branches
            .iter()
            .filter(|branch| branch["type"] != "null")
            .find(|branch| fits(components, branch, instance));
        if let Some(branch) = fitting {
            walk(components, branch, instance, &name, observed, depth + 1);
        }
        return;
    }
    match instance {
        Value::Object(fields) => {
            let Some(properties) = schema["properties"].as_object() else {
                return;
            };
            for (property, value) in fields {
                let Some(declared) = properties.get(property) else {
                    continue;
                };
                let path = format!("{name}.{property}");
                if nullable(declared) {
                    *observed.entry(path.clone()).or_default() |= value.is_null();
                }
                walk(components, declared, value, &path, observed, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(
                    components,
                    &schema["items"],
                    item,
                    &name,
                    observed,
                    depth + 1,
                );
            }
        }
        _ => {}
    }
}

/// Follows a `$ref` to its component, which then names what is inside it.
fn resolve(components: &Value, schema: &Value, name: &str) -> (Value, String) {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let component = reference.rsplit('/').next().unwrap_or(reference);
            let resolved = components["schemas"][component].clone();
            (resolved, component.to_owned())
        }
        None => (schema.clone(), name.to_owned()),
    }
}

/// True when the property may be `null`.
fn nullable(schema: &Value) -> bool {
    let in_types = schema["type"]
        .as_array()
        .is_some_and(|types| types.iter().any(|kind| kind == "null"));
    let in_branches = schema["oneOf"]
        .as_array()
        .or(schema["anyOf"].as_array())
        .is_some_and(|branches| branches.iter().any(|branch| branch["type"] == "null"));
    in_types || in_branches
}

/// Whether `instance` is the branch's shape: for objects, the same property
/// names (the components are closed) including every required one, and any
/// single-valued `enum` or `const` matched (the `type` tags of unions).
fn fits(components: &Value, branch: &Value, instance: &Value) -> bool {
    let (branch, _) = resolve(components, branch, "");
    let Some(fields) = instance.as_object() else {
        return !branch["properties"].is_object();
    };
    let Some(properties) = branch["properties"].as_object() else {
        return false;
    };
    let required_present = branch["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .all(|required| fields.contains_key(required));
    let all_declared = fields.keys().all(|field| properties.contains_key(field));
    let tags_match = properties.iter().all(|(property, declared)| {
        let single = declared["const"].clone();
        let single = match declared["enum"].as_array() {
            Some(values) if values.len() == 1 => values[0].clone(),
            _ => single,
        };
        single.is_null() || fields.get(property) == Some(&single)
    });
    required_present && all_declared && tags_match
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn components() -> Value {
        json!({ "schemas": {
            "Story": { "type": "object", "required": ["title", "image"], "properties": {
                "title": { "type": "string" },
                "image": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Image" }] },
                "blocks": { "type": "array", "items": { "$ref": "#/components/schemas/Block" } }
            }},
            "Image": { "type": "object", "properties": {
                "alt": { "type": ["string", "null"] }
            }},
            "Block": { "oneOf": [
                { "$ref": "#/components/schemas/Quote" },
                { "$ref": "#/components/schemas/Text" }
            ]},
            "Quote": { "type": "object", "properties": {
                "type": { "type": "string", "enum": ["quote"] },
                "speaker": { "type": ["string", "null"] }
            }},
            "Text": { "type": "object", "properties": {
                "type": { "type": "string", "enum": ["text"] },
                "speaker": { "type": ["string", "null"] }
            }}
        }})
    }

    #[test]
    fn records_nullable_properties_through_refs_unions_and_arrays() {
        let schema = json!({ "$ref": "#/components/schemas/Story" });
        let mut observed = Observed::new();
        let answer = json!({
            "title": "Storm", "image": { "alt": "Waves" },
            "blocks": [{ "type": "quote", "speaker": null }, { "type": "text", "speaker": "x" }]
        });
        observe(&components(), &schema, &answer, &mut observed);
        assert_eq!(
            observed,
            BTreeMap::from([
                ("Image.alt".to_owned(), false),
                ("Quote.speaker".to_owned(), true),
                ("Story.image".to_owned(), false),
                ("Text.speaker".to_owned(), false),
            ])
        );
        let later = json!({ "title": "Calm", "image": null, "blocks": [] });
        observe(&components(), &schema, &later, &mut observed);
        assert!(observed["Story.image"]);
        assert!(!observed["Image.alt"]);
    }
}
