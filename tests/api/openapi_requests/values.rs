//! Values built from the OpenAPI document's own constraints: a base value of
//! a schema (what a careful client sends), and the variants at each declared
//! limit (which the server must take) and just past it (which it must refuse).
//! Nothing here knows an operation; only the schema keywords.

use serde_json::{json, Map, Value};

/// One value to send in place of the base value, and whether the server must take it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub label: String,
    pub value: Value,
    pub accept: bool,
}

impl Variant {
    fn new(label: impl Into<String>, value: Value, accept: bool) -> Self {
        Self {
            label: label.into(),
            value,
            accept,
        }
    }
}

/// A value for a property no schema can invent, by its name and index in a list.
pub type Hint<'a> = Box<dyn Fn(&str, usize) -> Option<Value> + 'a>;

/// Reads schemas of `document`; `hint` gives the values no schema can invent
/// (ids of existing things, the caller's password), by property name and index.
pub struct Builder<'a> {
    pub document: &'a Value,
    pub hint: Hint<'a>,
}

/// `n` random characters of `a-z0-9` (random, so a password of them is not guessable).
pub fn filler(n: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(n);
    while out.len() < n {
        for byte in uuid::Uuid::new_v4().as_bytes() {
            if out.len() < n {
                out.push(ALPHABET[usize::from(*byte) % ALPHABET.len()] as char);
            }
        }
    }
    out
}

/// A valid address of exactly `length` (at least 14) characters: a local
/// part of at most 64 and domain labels of at most 63, as RFC 5321 allows.
fn email(length: usize) -> String {
    let mut local = (length - 13).min(64);
    let mut left = length - local - 1 - "example.com".len();
    if left == 1 {
        local -= 1;
        left += 1;
    }
    let mut labels = Vec::new();
    while left >= 2 {
        let mut take = (left - 1).min(63);
        if left - take - 1 == 1 {
            take -= 1;
        }
        labels.push(filler(take));
        left -= take + 1;
    }
    labels.push("example.com".to_owned());
    format!("{}@{}", filler(local), labels.join("."))
}

fn type_of(schema: &Value) -> &str {
    match &schema["type"] {
        Value::String(name) => name,
        Value::Array(names) => names
            .iter()
            .filter_map(Value::as_str)
            .find(|name| *name != "null")
            .unwrap_or(""),
        _ => "",
    }
}

fn number(schema: &Value, key: &str) -> Option<usize> {
    schema[key].as_u64().and_then(|n| usize::try_from(n).ok())
}

impl Builder<'_> {
    /// `schema` with its `$ref`s followed.
    pub fn resolve(&self, schema: &Value) -> Value {
        let mut schema = schema.clone();
        while let Some(reference) = schema["$ref"].as_str() {
            let pointer = reference.trim_start_matches('#').to_owned();
            schema = self
                .document
                .pointer(&pointer)
                .cloned()
                .unwrap_or(Value::Null);
        }
        schema
    }

    /// The shapes a value of `schema` may take, `null` left out.
    pub fn shapes(&self, schema: &Value) -> Vec<Value> {
        let schema = self.resolve(schema);
        match schema["oneOf"].as_array() {
            Some(variants) => variants
                .iter()
                .map(|variant| self.resolve(variant))
                .filter(|variant| variant["type"] != "null")
                .collect(),
            None => vec![schema],
        }
    }

    /// A string of `length` characters that fits `schema`'s format.
    fn text(&self, schema: &Value, length: usize) -> String {
        match schema["format"].as_str() {
            Some("email") if length >= 14 => email(length),
            Some("uri") if length >= 22 => format!("https://example.com/{}", filler(length - 20)),
            Some("date-time") => (chrono::Utc::now() + chrono::Duration::hours(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            _ => filler(length),
        }
    }

    /// The value a careful client sends: required properties and those with
    /// a `minLength`, each at a comfortable size.
    pub fn base(&self, schema: &Value, name: &str, index: usize) -> Value {
        let Some(schema) = self.shapes(schema).into_iter().next() else {
            return Value::Null;
        };
        // The enum's values in turn, so a list at its `maxItems` can hold
        // distinct values (as a list of event names must).
        if let Some(values) = schema["enum"]
            .as_array()
            .filter(|values| !values.is_empty())
        {
            return values[index % values.len()].clone();
        }
        match type_of(&schema) {
            "object" => {
                let required: Vec<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let mut object = Map::new();
                for (property, inner) in schema["properties"].as_object().into_iter().flatten() {
                    let wanted = required.contains(&property.as_str())
                        || self
                            .shapes(inner)
                            .first()
                            .is_some_and(|shape| number(shape, "minLength").unwrap_or(0) > 0);
                    if wanted {
                        let child = if property == "id" { name } else { property };
                        object.insert(property.clone(), self.base(inner, child, index));
                    }
                }
                Value::Object(object)
            }
            "array" => (0..number(&schema, "minItems").unwrap_or(0))
                .map(|i| self.base(&schema["items"], name, i))
                .collect(),
            "string" => {
                if let Some(value) = (self.hint)(name, index) {
                    return value;
                }
                assert!(
                    schema["format"] != "uuid",
                    "no value for the id property `{name}`: add a hint"
                );
                let min = number(&schema, "minLength").unwrap_or(0);
                let max = number(&schema, "maxLength").unwrap_or(usize::MAX);
                let comfortable = if schema["format"].is_string() { 32 } else { 12 };
                json!(self.text(&schema, min.max(comfortable).min(max)))
            }
            "integer" | "number" => json!(schema["minimum"].as_i64().unwrap_or(1)),
            "boolean" => json!(false),
            _ => Value::Null,
        }
    }

    /// Values of `schema` at each of its limits and just past them, nested
    /// limits included (each inside the base value around it).
    pub fn variants(&self, schema: &Value, name: &str) -> Vec<Variant> {
        let mut out = Vec::new();
        let shapes = self.shapes(schema);
        let several = shapes.len() > 1;
        for (number_of_shape, shape) in shapes.iter().enumerate() {
            let prefix = if several {
                format!("#{number_of_shape} ")
            } else {
                String::new()
            };
            for variant in self.variants_of_shape(shape, name) {
                out.push(Variant::new(
                    format!("{prefix}{}", variant.label),
                    variant.value,
                    variant.accept,
                ));
            }
        }
        out
    }

    fn variants_of_shape(&self, schema: &Value, name: &str) -> Vec<Variant> {
        let mut out = Vec::new();
        if schema["enum"].is_array() {
            out.push(Variant::new("not in enum", json!("not-in-the-enum"), false));
            return out;
        }
        match type_of(schema) {
            "object" => {
                let base = self.base(schema, name, 0);
                for required in schema["required"].as_array().into_iter().flatten() {
                    let mut without = base.clone();
                    if let (Some(object), Some(key)) = (without.as_object_mut(), required.as_str())
                    {
                        object.remove(key);
                    }
                    out.push(Variant::new(format!("{required} missing"), without, false));
                }
                if schema["additionalProperties"] == false {
                    let mut extra = base.clone();
                    extra["not_a_documented_property"] = json!(1);
                    out.push(Variant::new("an undocumented property", extra, false));
                }
                for (property, inner) in schema["properties"].as_object().into_iter().flatten() {
                    let child = if property == "id" { name } else { property };
                    for variant in self.variants(inner, child) {
                        let mut value = base.clone();
                        value[property] = variant.value;
                        // `dependentRequired`: what must come with this property.
                        for needed in schema["dependentRequired"][property]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                        {
                            if value.get(needed).is_none() {
                                value[needed] = self.base(&schema["properties"][needed], needed, 0);
                            }
                        }
                        out.push(Variant::new(
                            format!("{property}: {}", variant.label),
                            value,
                            variant.accept,
                        ));
                    }
                }
            }
            "array" => {
                let items = &schema["items"];
                let list =
                    |n: usize| -> Value { (0..n).map(|i| self.base(items, name, i)).collect() };
                if let Some(max) = number(schema, "maxItems") {
                    out.push(Variant::new(format!("{max} items"), list(max), true));
                    out.push(Variant::new(
                        format!("{} items", max + 1),
                        list(max + 1),
                        false,
                    ));
                }
                if let Some(min) = number(schema, "minItems").filter(|min| *min > 0) {
                    out.push(Variant::new(format!("{min} items"), list(min), true));
                    out.push(Variant::new(
                        format!("{} items", min - 1),
                        list(min - 1),
                        false,
                    ));
                }
                for variant in self.variants(items, name) {
                    out.push(Variant::new(
                        format!("[0] {}", variant.label),
                        json!([variant.value]),
                        variant.accept,
                    ));
                }
            }
            "string" => {
                if (self.hint)(name, 0).is_some() {
                    if schema["format"] == "uuid" {
                        out.push(Variant::new("not a uuid", json!("not-a-uuid"), false));
                    }
                    if let Some(max) = number(schema, "maxLength") {
                        out.push(Variant::new(
                            format!("{} characters", max + 1),
                            json!(self.text(schema, max + 1)),
                            false,
                        ));
                    }
                    return out;
                }
                if let Some(max) = number(schema, "maxLength") {
                    let at = self.text(schema, max);
                    out.push(Variant::new(format!("{max} characters"), json!(at), true));
                    let past = self.text(schema, max + 1);
                    out.push(Variant::new(
                        format!("{} characters", max + 1),
                        json!(past),
                        false,
                    ));
                }
                if let Some(min) = number(schema, "minLength").filter(|min| *min > 0) {
                    // No address is as short as a `minLength` of 1: the format bounds it.
                    if schema["format"] != "email" {
                        let at = self.text(schema, min);
                        out.push(Variant::new(format!("{min} characters"), json!(at), true));
                    }
                    let past = filler(min - 1);
                    out.push(Variant::new(
                        format!("{} characters", min - 1),
                        json!(past),
                        false,
                    ));
                }
                if schema["pattern"].is_string() {
                    out.push(Variant::new(
                        "against the pattern",
                        json!("Not A -- Match!"),
                        false,
                    ));
                }
                let wrong = match schema["format"].as_str() {
                    Some("email") => Some("no-at-sign.example.com"),
                    Some("uri") => Some("not a uri"),
                    Some("date-time") => Some("not a date"),
                    _ => None,
                };
                if let Some(wrong) = wrong {
                    out.push(Variant::new("against the format", json!(wrong), false));
                }
            }
            "integer" => {
                if let Some(min) = schema["minimum"].as_i64() {
                    out.push(Variant::new(format!("{min}"), json!(min), true));
                    out.push(Variant::new(format!("{}", min - 1), json!(min - 1), false));
                }
                if let Some(max) = schema["maximum"].as_i64() {
                    out.push(Variant::new(format!("{max}"), json!(max), true));
                    out.push(Variant::new(format!("{}", max + 1), json!(max + 1), false));
                }
            }
            _ => {}
        }
        out
    }
}
