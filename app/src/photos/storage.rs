//! Where checked photos live: one interface, a directory on this machine (development, a
//! single server) or an S3-compatible bucket (AWS, MinIO, R2). Callers choose the keys,
//! e.g. `jobs/{job_id}/{submission_id}/{field}-{n}.jpg`; every store refuses a key that is
//! not a plain relative path, so a key built from user input cannot leave the store.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{ObjectStoreExt, PutPayload};
use tokio::io::AsyncWriteExt;

const MAX_KEY_LEN: usize = 512;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("photo key {0:?} is not a plain relative path")]
    BadKey(String),
    #[error("photo storage I/O failed")]
    Io(#[from] std::io::Error),
    #[error("object storage failed")]
    ObjectStore(#[from] object_store::Error),
}

#[async_trait::async_trait]
pub trait PhotoStore: Send + Sync {
    /// Stores `jpeg` under `key`, replacing what was there. Readers see the old photo or the
    /// new one, never half of one.
    async fn put(&self, key: &str, jpeg: Vec<u8>) -> Result<(), StorageError>;
    /// The photo under `key`, or `None` when there is none.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;
}

/// Segments of ASCII letters, digits, `-`, `_` and `.`, none empty and none starting with a
/// dot (no `..`, and no clash with [`LocalDirStore`]'s temporary files).
fn check_key(key: &str) -> Result<(), StorageError> {
    let plain_segment = |segment: &str| {
        !segment.is_empty()
            && !segment.starts_with('.')
            && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    if key.len() <= MAX_KEY_LEN && key.split('/').all(plain_segment) {
        Ok(())
    } else {
        Err(StorageError::BadKey(key.into()))
    }
}

/// Photos as files under one directory; the key is the path below it.
#[derive(Debug, Clone)]
pub struct LocalDirStore {
    root: PathBuf,
}

impl LocalDirStore {
    /// The directory is created on the first `put`.
    pub fn new(root: impl Into<PathBuf>) -> LocalDirStore {
        LocalDirStore { root: root.into() }
    }
}

/// Makes temporary file names unique within the process (the pid covers other processes).
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

#[async_trait::async_trait]
impl PhotoStore for LocalDirStore {
    async fn put(&self, key: &str, jpeg: Vec<u8>) -> Result<(), StorageError> {
        check_key(key)?;
        let path = self.root.join(key);
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(StorageError::BadKey(key.into()));
        };
        tokio::fs::create_dir_all(dir).await?;
        // Written beside the target and renamed over it: a crash or a failed write leaves
        // the previous photo (or none), never a truncated one.
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{}.{}.{n}.tmp", name.to_string_lossy(), std::process::id()));
        let written = async {
            let mut file = tokio::fs::File::create(&temp).await?;
            file.write_all(&jpeg).await?;
            file.sync_all().await?;
            tokio::fs::rename(&temp, &path).await
        }
        .await;
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        Ok(written?)
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_key(key)?;
        match tokio::fs::read(self.root.join(key)).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

/// Photos in an S3-compatible bucket; the key is the object's name.
pub struct S3Store {
    bucket: AmazonS3,
}

impl S3Store {
    /// `endpoint` is for S3-compatible services (`https://…`, or `http://…` for a local
    /// MinIO); `None` means AWS itself. Nothing is sent until the first `put` or `get`.
    pub fn new(
        bucket: &str,
        endpoint: Option<&str>,
        region: &str,
        access_key_id: &str,
        secret_access_key: &str,
    ) -> Result<S3Store, StorageError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_region(region)
            .with_access_key_id(access_key_id)
            .with_secret_access_key(secret_access_key);
        if let Some(endpoint) = endpoint {
            builder = builder.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        Ok(S3Store { bucket: builder.build()? })
    }
}

/// Names the bucket only: the credentials never reach a log.
impl std::fmt::Debug for S3Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Store({})", self.bucket)
    }
}

#[async_trait::async_trait]
impl PhotoStore for S3Store {
    async fn put(&self, key: &str, jpeg: Vec<u8>) -> Result<(), StorageError> {
        check_key(key)?;
        self.bucket.put(&key.into(), PutPayload::from(jpeg)).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        check_key(key)?;
        match self.bucket.get(&key.into()).await {
            Ok(object) => Ok(Some(object.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory per test under the system's temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("gigforge-photos-{name}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[tokio::test]
    async fn local_put_then_get_returns_the_same_bytes() {
        let dir = TempDir::new("roundtrip");
        let store = LocalDirStore::new(&dir.0);
        let key = "jobs/17/4021/shop_front-1.jpg";
        store.put(key, b"first".to_vec()).await.unwrap();
        assert_eq!(store.get(key).await.unwrap().as_deref(), Some(&b"first"[..]));
        store.put(key, b"second".to_vec()).await.unwrap();
        assert_eq!(store.get(key).await.unwrap().as_deref(), Some(&b"second"[..]));
        assert!(dir.0.join(key).is_file());
        let leftovers: Vec<_> = std::fs::read_dir(dir.0.join("jobs/17/4021")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[tokio::test]
    async fn local_missing_photo_is_none() {
        let dir = TempDir::new("missing");
        let store = LocalDirStore::new(&dir.0);
        assert_eq!(store.get("jobs/1/2/photo-1.jpg").await.unwrap(), None);
    }

    #[tokio::test]
    async fn keys_that_could_leave_the_store_are_refused() {
        let dir = TempDir::new("bad-keys");
        let store = LocalDirStore::new(dir.0.join("photos"));
        for key in [
            "../outside.jpg",
            "jobs/../../outside.jpg",
            "/etc/passwd",
            "jobs//x.jpg",
            "jobs/./x.jpg",
            "jobs/.hidden.jpg",
            "jobs\\..\\x.jpg",
            "jobs/x.jpg/",
            "",
            "jobs/ümlaut.jpg",
        ] {
            assert!(matches!(store.put(key, vec![1]).await, Err(StorageError::BadKey(_))), "put {key:?}");
            assert!(matches!(store.get(key).await, Err(StorageError::BadKey(_))), "get {key:?}");
        }
        assert!(!dir.0.exists(), "nothing was written anywhere");
    }

    #[tokio::test]
    async fn s3_store_refuses_bad_keys_before_any_request() {
        let store =
            S3Store::new("photos", Some("http://127.0.0.1:9"), "us-east-1", "key-id", "secret").unwrap();
        assert!(!format!("{store:?}").contains("secret"));
        assert!(matches!(store.put("../x.jpg", vec![1]).await, Err(StorageError::BadKey(_))));
        assert!(matches!(store.get("/x.jpg").await, Err(StorageError::BadKey(_))));
    }
}
