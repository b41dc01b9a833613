//! Trusted documents (`--graphql-trusted-documents FILE`): the GraphQL
//! operations a site's own frontends send, known in advance, so that with
//! `--graphql-trusted-only` an anonymous caller can run those and nothing
//! else (no ad-hoc queries to vary, no schema to probe).
//!
//! The manifest is a JSON object of id → document, as GraphQL Code
//! Generator's client preset writes it (`persisted-documents.json`) and the
//! Relay compiler's `persistConfig.file`; Apollo's
//! `persisted-query-manifest.json` (`{"format": "apollo-persisted-query-manifest",
//! "operations": [{"id", "body"}]}`) is read too. Each document is
//! addressable by its id and by its SHA-256 (an automatic persisted query
//! hash); an id of 64 hex digits must be that SHA-256.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

use crate::graphql::persisted::sha256_hex;

/// Largest manifest file read, in bytes.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// The loaded manifest (empty without `--graphql-trusted-documents`).
#[derive(Debug, Default)]
pub struct TrustedDocuments {
    /// Document by manifest id and by SHA-256 (lower-case hex).
    by_key: HashMap<String, Arc<str>>,
    /// SHA-256 of every trusted document.
    hashes: HashSet<String>,
}

impl TrustedDocuments {
    /// Reads the manifest at `path`; documents over `max_document_bytes` or
    /// that are not GraphQL make the whole file refused, naming the entry.
    pub fn load(path: &Path, max_document_bytes: usize) -> anyhow::Result<Self> {
        let context = || format!("--graphql-trusted-documents {}", path.display());
        let size = std::fs::metadata(path).with_context(context)?.len();
        if size > MAX_MANIFEST_BYTES {
            return Err(anyhow!(
                "the file is larger than {MAX_MANIFEST_BYTES} bytes"
            ))
            .with_context(context);
        }
        let text = std::fs::read_to_string(path).with_context(context)?;
        Self::parse(&text, max_document_bytes).with_context(context)
    }

    /// Reads a manifest from its JSON text.
    pub fn parse(text: &str, max_document_bytes: usize) -> anyhow::Result<Self> {
        let json: Value =
            serde_json::from_str(text).map_err(|error| anyhow!("not JSON ({error})"))?;
        let entries = entries(json)?;
        if entries.is_empty() {
            bail!("the manifest lists no documents");
        }
        let mut documents = Self::default();
        for (id, document) in entries {
            documents.add(&id, &document, max_document_bytes)?;
        }
        Ok(documents)
    }

    fn add(&mut self, id: &str, document: &str, max_bytes: usize) -> anyhow::Result<()> {
        if id.is_empty() || id.len() > 256 {
            bail!("entry {id:?}: an id has 1 to 256 characters");
        }
        if document.is_empty() || document.len() > max_bytes {
            bail!(
                "entry {id:?}: a document has 1 to {max_bytes} bytes (--graphql-persisted-max-bytes)"
            );
        }
        if let Err(error) = async_graphql::parser::parse_query(document) {
            let reason = error.to_string().replace('\n', " ");
            bail!("entry {id:?}: not a GraphQL document ({reason})");
        }
        let hash = sha256_hex(document);
        let id = id.strip_prefix("sha256:").unwrap_or(id);
        if id.len() == 64
            && id.bytes().all(|b| b.is_ascii_hexdigit())
            && !id.eq_ignore_ascii_case(&hash)
        {
            bail!("entry {id:?}: the id is not the SHA-256 of its document ({hash})");
        }
        let document: Arc<str> = Arc::from(document);
        self.by_key
            .insert(id.to_ascii_lowercase(), document.clone());
        self.by_key.insert(hash.clone(), document);
        self.hashes.insert(hash);
        Ok(())
    }

    /// The document with this id or SHA-256 (lower-case hex).
    pub fn get(&self, key: &str) -> Option<Arc<str>> {
        self.by_key.get(key).cloned()
    }

    /// Whether `query` is, byte for byte, one of the trusted documents.
    pub fn trusts(&self, query: &str) -> bool {
        self.hashes.contains(&sha256_hex(query))
    }

    /// How many documents the manifest holds.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

/// (id, document) of each entry of either manifest form.
fn entries(json: Value) -> anyhow::Result<Vec<(String, String)>> {
    let Value::Object(object) = json else {
        bail!("the manifest is not a JSON object of id -> document");
    };
    if object.get("format").and_then(Value::as_str) == Some("apollo-persisted-query-manifest") {
        let Some(operations) = object.get("operations").and_then(Value::as_array) else {
            bail!("an Apollo manifest needs an `operations` array");
        };
        return operations
            .iter()
            .enumerate()
            .map(|(index, operation)| {
                match (
                    operation.get("id").and_then(Value::as_str),
                    operation.get("body").and_then(Value::as_str),
                ) {
                    (Some(id), Some(body)) => Ok((id.to_owned(), body.to_owned())),
                    _ => Err(anyhow!("operation {index}: needs a string `id` and `body`")),
                }
            })
            .collect();
    }
    object
        .into_iter()
        .map(|(id, document)| match document {
            Value::String(document) => Ok((id, document)),
            _ => Err(anyhow!("entry {id:?}: the document is not a string")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "query Site { site { name } }";

    #[test]
    fn both_object_forms_are_read_and_addressable_by_sha256() {
        let hash = sha256_hex(QUERY);
        let codegen = format!(r#"{{"{hash}": "{QUERY}"}}"#);
        let relay = format!(r#"{{"5d41402abc4b2a76b9719d911017c592": "{QUERY}"}}"#);
        let apollo = format!(
            r#"{{"format": "apollo-persisted-query-manifest", "version": 1,
                "operations": [{{"id": "{hash}", "name": "Site", "type": "query", "body": "{QUERY}"}}]}}"#
        );
        for text in [codegen, relay.clone(), apollo] {
            let documents = TrustedDocuments::parse(&text, 1_000).expect(&text);
            assert_eq!(documents.get(&hash).as_deref(), Some(QUERY), "{text}");
            assert!(documents.trusts(QUERY));
            assert!(!documents.trusts("{ site { name } }"));
        }
        let relay = TrustedDocuments::parse(&relay, 1_000).unwrap();
        assert!(relay.get("5d41402abc4b2a76b9719d911017c592").is_some());
    }

    #[test]
    fn bad_manifests_are_refused_with_the_entry_named() {
        let cases = [
            ("[]", "not a JSON object"),
            ("{", "not JSON"),
            ("{}", "no documents"),
            (r#"{"a": 1}"#, "entry \"a\""),
            (r#"{"a": "query {"}"#, "not a GraphQL document"),
            (r#"{"a": ""}"#, "1 to"),
            (
                &format!(r#"{{"{}": "{QUERY}"}}"#, "0".repeat(64)),
                "not the SHA-256",
            ),
        ];
        for (text, says) in cases {
            let error = format!("{:#}", TrustedDocuments::parse(text, 1_000).unwrap_err());
            assert!(error.contains(says), "{text}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }
}
