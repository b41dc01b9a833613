//! The scripts and stylesheets of the browser pages, compiled into the binary
//! (`crates/api/assets`, vendored versions and licences in
//! `crates/api/assets/vendor/README.md`) and served from
//! `/assets/{hash}/{name}`, where `hash` is the start of the file's SHA-256:
//! a URL names one content forever, so browsers may keep it for a year
//! without asking again, and a new release's files get new URLs.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

/// Which page an asset belongs to (the IDE's go away with `--graphiql false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// Both pages.
    Shared,
    /// `/graphiql`.
    GraphiQL,
    /// `/api/docs`.
    ApiDocs,
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Every embedded file: its name in URLs, media type, page and bytes.
const FILES: &[(&str, &str, Page, &[u8])] = &[
    (
        "pages.css",
        CSS,
        Page::Shared,
        include_bytes!("../../assets/pages.css"),
    ),
    (
        "react.production.min.js",
        JS,
        Page::GraphiQL,
        include_bytes!("../../assets/vendor/react/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        Page::GraphiQL,
        include_bytes!("../../assets/vendor/react-dom/react-dom.production.min.js"),
    ),
    (
        "graphiql.min.js",
        JS,
        Page::GraphiQL,
        include_bytes!("../../assets/vendor/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        CSS,
        Page::GraphiQL,
        include_bytes!("../../assets/vendor/graphiql/graphiql.min.css"),
    ),
    (
        "graphiql-start.js",
        JS,
        Page::GraphiQL,
        include_bytes!("../../assets/graphiql-start.js"),
    ),
    (
        "swagger-ui-bundle.js",
        JS,
        Page::ApiDocs,
        include_bytes!("../../assets/vendor/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        CSS,
        Page::ApiDocs,
        include_bytes!("../../assets/vendor/swagger-ui/swagger-ui.css"),
    ),
    (
        "api-docs-start.js",
        JS,
        Page::ApiDocs,
        include_bytes!("../../assets/api-docs-start.js"),
    ),
];

/// One embedded file.
#[derive(Debug, Clone)]
pub struct Asset {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The file.
    pub bytes: &'static [u8],
    /// The hash in its URL (also its `ETag`).
    pub hash: String,
}

/// The embedded files that are served, by URL.
#[derive(Debug, Clone)]
pub struct Assets {
    by_path: HashMap<String, Asset>,
    url_of: HashMap<&'static str, String>,
}

/// Hex digits of the SHA-256 kept in a URL (64 bits: no two files collide).
const HASH_DIGITS: usize = 16;

impl Assets {
    /// The files of the pages that are on (the IDE's only with `graphiql`).
    pub fn embedded(graphiql: bool) -> Self {
        let mut assets = Self {
            by_path: HashMap::new(),
            url_of: HashMap::new(),
        };
        for &(name, content_type, page, bytes) in FILES {
            if page == Page::GraphiQL && !graphiql {
                continue;
            }
            let digest: String = Sha256::digest(bytes)
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            let hash = digest[..HASH_DIGITS].to_owned();
            let path = format!("/assets/{hash}/{name}");
            assets.url_of.insert(name, path.clone());
            assets.by_path.insert(
                path,
                Asset {
                    content_type,
                    bytes,
                    hash,
                },
            );
        }
        assets
    }

    /// The URL of the file called `name`; empty when it is not served.
    pub fn url(&self, name: &str) -> &str {
        self.url_of.get(name).map_or("", String::as_str)
    }

    /// The file at `path` (`/assets/{hash}/{name}`), if it is one.
    pub fn at(&self, path: &str) -> Option<&Asset> {
        self.by_path.get(path)
    }
}

#[cfg(test)]
mod tests {
    use super::{Assets, FILES};
    use sha2::{Digest, Sha256};

    #[test]
    fn every_file_is_served_under_the_hash_of_its_bytes() {
        let assets = Assets::embedded(true);
        for &(name, _, _, bytes) in FILES {
            let url = assets.url(name);
            let hash = url
                .strip_prefix("/assets/")
                .and_then(|rest| rest.strip_suffix(&format!("/{name}")))
                .expect("/assets/{hash}/{name}");
            let digest = format!("{:x}", Sha256::digest(bytes));
            assert!(digest.starts_with(hash) && hash.len() == 16, "{url}");
            assert_eq!(assets.at(url).map(|asset| asset.bytes), Some(bytes));
        }
    }

    #[test]
    fn without_the_ide_its_files_are_not_served() {
        let assets = Assets::embedded(false);
        assert_eq!(assets.url("graphiql.min.js"), "");
        assert!(!assets.url("swagger-ui-bundle.js").is_empty());
        assert!(assets
            .at("/assets/0000000000000000/graphiql.min.js")
            .is_none());
    }
}
