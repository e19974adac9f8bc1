//! Photos that giggers attach to a gig submission: the limits both sides agree on, the
//! server's intake check (format, size, EXIF, re-encoding without metadata), where photos
//! are stored, and the browser's downscale before upload.

/// The largest upload the server reads. Browsers downscale first, so this is for phones
/// that could not (or pages without JavaScript).
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// The largest image the server decodes, read from the file's header before decoding:
/// 40 MP is about 160 MB of RGBA pixels.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The longer side of a stored photo; the browser downscales to this before uploading.
pub const MAX_SIDE_PX: u32 = 1600;

// Called only from event handlers, which run only in the browser (as forms/browser.rs).
pub mod browser;
#[cfg(feature = "ssr")]
pub mod intake;
#[cfg(feature = "ssr")]
pub mod quality;
#[cfg(feature = "ssr")]
pub mod storage;
