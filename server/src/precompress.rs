//! Brotli (quality 11) and gzip (level 9) copies of the built WASM, JS and CSS, made in
//! the background after start-up and served instead of compressing on the fly.
//!
//! Why: tower-http compresses each response as it goes, with brotli at quality 4 (11 is
//! too slow per request). For our WASM, quality 11 is about a fifth smaller
//! (bench/README.md, "WASM size"), which on a phone's mobile data is seconds. The files
//! never change once built (cargo-leptos puts a hash in their names), so compressing
//! them once is enough.
//!
//! A copy is made only when missing or older than its file. Until the copies exist (the
//! first seconds after a new build), and if the site directory is read-only, responses
//! are compressed on the fly as before.

use std::io::Write;
use std::path::{Path, PathBuf};

/// What is worth compressing ahead: the big, immutable build outputs.
const EXTENSIONS: &[&str] = &["wasm", "js", "css"];

type Compress = fn(&[u8]) -> std::io::Result<Vec<u8>>;
const ENCODINGS: &[(&str, Compress)] = &[("br", brotli_best), ("gz", gzip_best)];

/// Compresses `dir`'s files on a blocking thread; logs what happened.
pub fn spawn(dir: PathBuf) {
    tokio::task::spawn_blocking(move || match precompress_dir(&dir) {
        Ok(0) => {}
        Ok(made) => tracing::info!(files = made, dir = %dir.display(), "precompressed site files"),
        Err(err) => tracing::warn!(
            error = %err,
            dir = %dir.display(),
            "could not precompress site files; they are compressed per response instead"
        ),
    });
}

/// Writes `<file>.br` and `<file>.gz` beside each compressible file of `dir` whose copy
/// is missing or stale; returns how many copies were written.
pub fn precompress_dir(dir: &Path) -> std::io::Result<usize> {
    let mut made = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let compressible = path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e));
        if !compressible || !path.is_file() {
            continue;
        }
        let modified = std::fs::metadata(&path)?.modified()?;
        let mut data = None;
        for (suffix, compress) in ENCODINGS {
            let copy = with_suffix(&path, suffix);
            let fresh = std::fs::metadata(&copy).and_then(|m| m.modified()).is_ok_and(|at| at >= modified);
            if fresh {
                continue;
            }
            let data = match &mut data {
                Some(data) => data,
                None => data.insert(std::fs::read(&path)?),
            };
            // Written aside and renamed, so a request never reads half a copy.
            let partial = with_suffix(&path, &format!("{suffix}.partial"));
            std::fs::write(&partial, compress(data)?)?;
            std::fs::rename(&partial, &copy)?;
            made += 1;
        }
    }
    Ok(made)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn brotli_best(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4);
    {
        // Quality 11, a 4 MB window (lgwin 22): the most brotli offers.
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(data)?;
        writer.flush()?;
    }
    Ok(out)
}

fn gzip_best(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), flate2::Compression::best());
    encoder.write_all(data)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn copies_decompress_to_the_file_and_are_made_once() {
        let dir = Scratch::new();
        let body: Vec<u8> = (0..200_000u32).flat_map(|n| (n % 251).to_le_bytes()).collect();
        std::fs::write(dir.path().join("app.abc.wasm"), &body).unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"left alone").unwrap();

        assert_eq!(precompress_dir(dir.path()).unwrap(), 2);
        let mut unbrotli = Vec::new();
        brotli::Decompressor::new(&std::fs::read(dir.path().join("app.abc.wasm.br")).unwrap()[..], 4096)
            .read_to_end(&mut unbrotli)
            .unwrap();
        assert_eq!(unbrotli, body);
        let mut ungzip = Vec::new();
        flate2::read::GzDecoder::new(&std::fs::read(dir.path().join("app.abc.wasm.gz")).unwrap()[..])
            .read_to_end(&mut ungzip)
            .unwrap();
        assert_eq!(ungzip, body);
        assert!(!dir.path().join("notes.txt.br").exists(), "only build outputs are compressed");
        assert_eq!(precompress_dir(dir.path()).unwrap(), 0, "fresh copies are kept");
    }

    /// A directory of its own under the system's temporary directory, removed on drop.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new() -> Scratch {
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
            let dir =
                std::env::temp_dir().join(format!("gigforge-precompress-{}-{nanos}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            Scratch(dir)
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
