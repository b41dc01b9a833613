//! Renditions readers are fetching now, kept in memory: a hot rendition is
//! answered without a database read or a file read, near the HTTP stack's
//! ceiling. Bounded by bytes; each entry lives [`TTL`] at most, because the
//! entry also stands for "this image still exists": the node that deletes an
//! image drops its entries at once ([`HotRenditions::forget`]), other nodes
//! stop serving it within [`TTL`].

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use masthead_domain::media::{Aspect, RenditionFormat, RenditionSpec, LADDER};
use masthead_domain::MediaId;
use moka::sync::Cache;

/// How long a rendition is served from memory before the database is asked
/// again whether its image still exists.
pub const TTL: Duration = Duration::from_secs(10);

/// Default bound of the cache, in bytes.
pub const DEFAULT_BYTES: u64 = 32 * 1024 * 1024;

/// A rendition ready to answer with.
#[derive(Debug)]
pub struct HotRendition {
    /// The encoded image.
    pub bytes: Bytes,
    /// Its strong validator.
    pub etag: String,
}

/// The cache, keyed by `{id}/{file}`.
pub struct HotRenditions {
    entries: Cache<String, Arc<HotRendition>>,
}

fn key(id: MediaId, spec: RenditionSpec) -> String {
    spec.key(id)
}

impl HotRenditions {
    /// A cache of about `max_bytes`.
    pub fn new(max_bytes: u64) -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|key: &String, value: &Arc<HotRendition>| {
                    u32::try_from(key.len() + value.bytes.len() + value.etag.len() + 96)
                        .unwrap_or(u32::MAX)
                })
                .time_to_live(TTL)
                .build(),
        }
    }

    /// The rendition `spec` of `id`, if it is hot.
    pub fn get(&self, id: MediaId, spec: RenditionSpec) -> Option<Arc<HotRendition>> {
        self.entries.get(&key(id, spec))
    }

    /// Keeps a rendition just served.
    pub fn keep(&self, id: MediaId, spec: RenditionSpec, rendition: HotRendition) {
        self.entries.insert(key(id, spec), Arc::new(rendition));
    }

    /// Drops every rendition of `id` (it is being deleted).
    pub fn forget(&self, id: MediaId) {
        let aspects = std::iter::once(None).chain(Aspect::ALL.into_iter().map(Some));
        for aspect in aspects {
            for width in LADDER {
                for format in [
                    RenditionFormat::Webp,
                    RenditionFormat::Jpeg,
                    RenditionFormat::Png,
                ] {
                    self.entries.invalidate(&key(
                        id,
                        RenditionSpec {
                            width,
                            aspect,
                            format,
                        },
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgetting_an_image_drops_every_rendition_of_it_and_only_those() {
        let hot = HotRenditions::new(DEFAULT_BYTES);
        let (gone, kept) = (MediaId::generate(), MediaId::generate());
        let spec = |width, aspect, format| RenditionSpec {
            width,
            aspect,
            format,
        };
        let specs = [
            spec(160, None, RenditionFormat::Webp),
            spec(1280, Some(Aspect::Square), RenditionFormat::Jpeg),
            spec(2560, Some(Aspect::Wide), RenditionFormat::Png),
        ];
        for id in [gone, kept] {
            for spec in specs {
                let rendition = HotRendition {
                    bytes: Bytes::from_static(b"RIFF"),
                    etag: "\"x\"".to_owned(),
                };
                hot.keep(id, spec, rendition);
            }
        }
        hot.forget(gone);
        for spec in specs {
            assert!(hot.get(gone, spec).is_none(), "{spec:?}");
            assert!(hot.get(kept, spec).is_some(), "{spec:?}");
        }
    }
}
