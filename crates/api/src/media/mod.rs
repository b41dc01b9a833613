//! # Image work: checking uploads and making renditions
//!
//! Uploads are hostile input. [`inspect`] decides from the bytes alone what
//! an upload is and whether it is within bounds *before* decoding a pixel,
//! then decodes it under `image`'s allocation limits and applies its EXIF
//! orientation. [`render`] cuts and scales a rendition as the domain's
//! [`masthead_domain::media::RenditionSpec`] plans it and encodes it afresh
//! (from a JPEG decoded at a fraction of its size when the rendition is that
//! much smaller: [`shrink`]),
//! so no EXIF, XMP or IPTC metadata (GPS, camera serials) reaches readers.
//! All of it is CPU-heavy and runs on the bounded [`pool`], never on the
//! async workers.

pub mod hot;
pub mod inspect;
pub mod pool;
pub mod render;
pub mod serve;
pub mod shrink;
pub mod store;

pub use inspect::{decode, inspect, Bounds, Inspected, Rejection};
pub use render::{render, Rendered};
pub use store::MediaStore;

/// Test images generated in code, shared with the end-to-end tests.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
