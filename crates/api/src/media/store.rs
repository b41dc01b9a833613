//! Where image bytes live: an `object_store` (a local directory by default,
//! S3-compatible storage for several nodes) holding each upload's original
//! under `{id}/original` and its renditions beside it. A rendition is made
//! on its first request and kept; concurrent first requests for the same one
//! wait for a single maker instead of each rendering it.

use std::collections::HashMap;
use std::path::Path as FsPath;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use masthead_domain::media::{original_key, RenditionSpec};
use masthead_domain::MediaId;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::MediaSettings;
use crate::error::ApiError;
use crate::media::hot::{self, HotRenditions};

/// The object store of the media library.
pub struct MediaStore {
    objects: Arc<dyn ObjectStore>,
    /// Renditions being read now, answered from memory.
    pub hot: HotRenditions,
    /// One gate per rendition being made, so only one request makes it.
    making: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

fn failed(error: object_store::Error) -> ApiError {
    ApiError::Internal(format!("media storage: {error}"))
}

impl MediaStore {
    /// A store over any object store (S3, memory, …).
    pub fn new(objects: Arc<dyn ObjectStore>) -> Self {
        Self {
            objects,
            hot: HotRenditions::new(hot::DEFAULT_BYTES),
            making: Mutex::new(HashMap::new()),
        }
    }

    /// The store the settings name: the S3 bucket of `--media-store`, else
    /// the directory of `--media-dir` (or its default for `database_url`).
    pub fn open(settings: &MediaSettings, database_url: &str) -> Result<Self, ApiError> {
        match &settings.media_store {
            Some(url) => Self::s3(url),
            None => Self::local(&settings.dir(database_url)),
        }
    }

    /// A store in the bucket (and under the prefix) of `url`
    /// (`s3://bucket[/prefix]`), configured from the AWS environment.
    pub fn s3(url: &str) -> Result<Self, ApiError> {
        let rest = url.strip_prefix("s3://").unwrap_or(url);
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .map_err(failed)?;
        let objects: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(bucket)
        } else {
            Arc::new(PrefixStore::new(bucket, prefix.trim_matches('/')))
        };
        Ok(Self::new(objects))
    }

    /// A store in directory `dir`, created if missing.
    pub fn local(dir: &FsPath) -> Result<Self, ApiError> {
        std::fs::create_dir_all(dir).map_err(|error| {
            ApiError::Internal(format!(
                "creating media directory {}: {error}",
                dir.display()
            ))
        })?;
        let objects = LocalFileSystem::new_with_prefix(dir).map_err(failed)?;
        Ok(Self::new(Arc::new(objects)))
    }

    /// Keeps the original upload of `id`.
    pub async fn put_original(&self, id: MediaId, bytes: Bytes) -> Result<(), ApiError> {
        self.objects
            .put(&Path::from(original_key(id)), PutPayload::from(bytes))
            .await
            .map(drop)
            .map_err(failed)
    }

    /// The original upload of `id` (staff only); `NotFound` when absent.
    pub async fn original(&self, id: MediaId) -> Result<Bytes, ApiError> {
        self.fetch(&original_key(id))
            .await?
            .ok_or(ApiError::NotFound)
    }

    async fn fetch(&self, key: &str) -> Result<Option<Bytes>, ApiError> {
        match self.objects.get(&Path::from(key)).await {
            Ok(found) => found.bytes().await.map(Some).map_err(failed),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(failed(error)),
        }
    }

    /// Rendition `spec` of `id`: the stored one, or one `make` renders now
    /// and this stores. Concurrent first requests share one `make`.
    pub async fn rendition<F, Fut>(
        &self,
        id: MediaId,
        spec: RenditionSpec,
        make: F,
    ) -> Result<Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<u8>, ApiError>>,
    {
        let key = spec.key(id);
        if let Some(stored) = self.fetch(&key).await? {
            return Ok(stored);
        }
        let gate = self
            .making
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        let result = {
            let _turn = gate.lock().await;
            self.make_once(&key, make).await
        };
        let mut making = self
            .making
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Ours and the map's: nobody else is waiting at this gate.
        if Arc::strong_count(&gate) <= 2 {
            making.remove(&key);
        }
        result
    }

    async fn make_once<F, Fut>(&self, key: &str, make: F) -> Result<Bytes, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<u8>, ApiError>>,
    {
        // Whoever held the gate before us may have made it.
        if let Some(stored) = self.fetch(key).await? {
            return Ok(stored);
        }
        let bytes = Bytes::from(make().await?);
        self.objects
            .put(&Path::from(key), PutPayload::from(bytes.clone()))
            .await
            .map_err(failed)?;
        Ok(bytes)
    }

    /// Removes the original and every rendition of `id`.
    pub async fn delete_all(&self, id: MediaId) -> Result<(), ApiError> {
        self.hot.forget(id);
        let prefix = Path::from(id.to_string());
        let keys: Vec<_> = self
            .objects
            .list(Some(&prefix))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(failed)?;
        let mut deleted = futures_util::stream::iter(keys)
            .map(|key| async move { self.objects.delete(&key).await })
            .buffer_unordered(8);
        while let Some(result) = deleted.next().await {
            match result {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(error) => return Err(failed(error)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    fn temp_store() -> (MediaStore, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("masthead-media-{}", uuid::Uuid::now_v7()));
        (MediaStore::local(&dir).unwrap(), dir)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_first_requests_make_a_rendition_once() {
        let (store, dir) = temp_store();
        let id = MediaId::generate();
        store
            .put_original(id, Bytes::from_static(b"original"))
            .await
            .unwrap();
        let spec = RenditionSpec::parse("640-16x9.webp").unwrap();
        let makes = AtomicUsize::new(0);
        let make = || async {
            makes.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(b"rendered".to_vec())
        };
        let requests = (0..8).map(|_| store.rendition(id, spec, make));
        for result in futures_util::future::join_all(requests).await {
            assert_eq!(result.unwrap(), Bytes::from_static(b"rendered"));
        }
        assert_eq!(makes.load(Ordering::SeqCst), 1);
        // Kept beside the original, not made again.
        assert!(dir.join(id.to_string()).join("640-16x9.webp").exists());
        store.rendition(id, spec, make).await.unwrap();
        assert_eq!(makes.load(Ordering::SeqCst), 1);
        assert!(store.making.lock().unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_failed_make_is_not_stored_and_deletion_removes_everything() {
        let (store, dir) = temp_store();
        let id = MediaId::generate();
        let spec = RenditionSpec::parse("160.jpg").unwrap();
        let refused = store
            .rendition(id, spec, || async { Err(ApiError::NotFound) })
            .await;
        assert!(matches!(refused, Err(ApiError::NotFound)));
        store
            .put_original(id, Bytes::from_static(b"o"))
            .await
            .unwrap();
        store
            .rendition(id, spec, || async { Ok(b"r".to_vec()) })
            .await
            .unwrap();
        assert_eq!(store.original(id).await.unwrap(), Bytes::from_static(b"o"));
        store.delete_all(id).await.unwrap();
        assert!(matches!(store.original(id).await, Err(ApiError::NotFound)));
        let other = MediaId::generate();
        store.delete_all(other).await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
