//! The server's word on an uploaded photo: what it really is (magic bytes, never the file
//! name), how large it would be once decoded (read from the header, before decoding), what
//! its EXIF says, and a clean JPEG of it to store, with no metadata and at most
//! [`MAX_SIDE_PX`] on its longer side: an upright JPEG within that size is stored as it
//! came minus its metadata segments, anything else is re-encoded.
//!
//! [`check_photo`] is CPU-bound (a 40 MP decode takes a while): callers run it in
//! `tokio::task::spawn_blocking`, never on the async executor.

mod exif;
mod jpeg_end;
#[cfg(test)]
mod tests;

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::{MAX_PHOTO_BYTES, MAX_PIXELS, MAX_SIDE_PX};

/// Neither side may be longer than this, whatever the pixel count: a 40000 × 1000 strip is
/// within [`MAX_PIXELS`] but no phone photo.
pub const MAX_DECODE_SIDE_PX: u32 = 30_000;
/// What the decoder may allocate. A 40 MP image with 16-bit RGBA channels needs 320 MB, so
/// every photo within [`MAX_PIXELS`] fits; the limit stops a file whose header lies.
const MAX_DECODE_ALLOC: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;
const MIB: f64 = 1024.0 * 1024.0;

/// A photo that passed intake, ready to store.
#[derive(Clone)]
pub struct CheckedPhoto {
    /// The upright, re-encoded JPEG, without EXIF or any other metadata.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Hex SHA-256 of the bytes as uploaded (finds the same file uploaded twice).
    pub sha256: String,
    /// From the original's EXIF. The phone wrote these: a hint, never proof.
    pub exif_taken_at: Option<chrono::NaiveDateTime>,
    pub exif_latitude: Option<f64>,
    pub exif_longitude: Option<f64>,
}

/// Says how long the JPEG is rather than printing a megabyte of it into a log.
impl std::fmt::Debug for CheckedPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckedPhoto")
            .field("jpeg_bytes", &self.jpeg.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("sha256", &self.sha256)
            .field("exif_taken_at", &self.exif_taken_at)
            .field("exif_latitude", &self.exif_latitude)
            .field("exif_longitude", &self.exif_longitude)
            .finish()
    }
}

/// Why a photo was refused. Every variant is the uploader's problem, said in their words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("photo too large: {bytes} bytes")]
    TooLarge { bytes: usize },
    #[error("not a JPEG, PNG or WebP file")]
    NotAnImage,
    #[error("photo too large: {width} x {height} pixels")]
    TooManyPixels { width: u32, height: u32 },
    #[error("photo damaged or incomplete")]
    Corrupt,
}

impl PhotoError {
    /// What the person who uploaded the photo is told, in English and Hindi.
    pub fn told(&self) -> crate::error::Message {
        crate::error::Message::both(self.message(), self.message_hi())
    }

    fn message_hi(&self) -> String {
        match *self {
            PhotoError::TooLarge { bytes } => format!(
                "फ़ोटो {:.1} MB की है; सीमा {} MB है।",
                (bytes as f64 * 10.0 / MIB).ceil() / 10.0,
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
            PhotoError::NotAnImage => "यह फ़ाइल फ़ोटो नहीं है (JPEG, PNG या WebP चाहिए)।".into(),
            PhotoError::TooManyPixels { width, height } if width.max(height) > MAX_DECODE_SIDE_PX => format!(
                "फ़ोटो {width} × {height} पिक्सेल की है; कोई भी भुजा {MAX_DECODE_SIDE_PX} पिक्सेल से लंबी नहीं हो सकती।"
            ),
            PhotoError::TooManyPixels { width, height } => {
                format!("फ़ोटो {width} × {height} पिक्सेल की है; सीमा {} मेगापिक्सेल है।", MAX_PIXELS / 1_000_000)
            }
            PhotoError::Corrupt => "फ़ोटो फ़ाइल खराब या अधूरी है।".into(),
        }
    }

    /// The message shown to the person who uploaded the photo (English).
    pub fn message(&self) -> String {
        match *self {
            // Rounded up, so that a file just over the limit never reads as "10.0 MB".
            PhotoError::TooLarge { bytes } => format!(
                "The photo is {:.1} MB; the limit is {} MB.",
                (bytes as f64 * 10.0 / MIB).ceil() / 10.0,
                MAX_PHOTO_BYTES / (1024 * 1024)
            ),
            PhotoError::NotAnImage => "This file is not a photo (JPEG, PNG or WebP).".into(),
            PhotoError::TooManyPixels { width, height } if width.max(height) > MAX_DECODE_SIDE_PX => {
                format!(
                    "The photo is {width} × {height} pixels; neither side may be longer than \
                     {MAX_DECODE_SIDE_PX} pixels."
                )
            }
            PhotoError::TooManyPixels { width, height } => format!(
                "The photo is {width} × {height} pixels; the limit is {} megapixels.",
                MAX_PIXELS / 1_000_000
            ),
            PhotoError::Corrupt => "The photo file is damaged or incomplete.".into(),
        }
    }
}

/// Checks an uploaded photo and re-encodes it for storage. Run it in `spawn_blocking`.
///
/// The cheap refusals come first (byte count, magic bytes, header dimensions), so that an
/// oversized or hostile file costs almost nothing; only then is the image decoded, with the
/// decoder's allocations bounded.
pub fn check_photo(bytes: &[u8]) -> Result<CheckedPhoto, PhotoError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge { bytes: bytes.len() });
    }
    let format = sniff_format(bytes).ok_or(PhotoError::NotAnImage)?;
    // The JPEG decoder fills a truncated file with grey instead of failing; refuse it here.
    if format == ImageFormat::Jpeg && !jpeg_end::is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }
    let (image, unchanged) = decode_upright(bytes, format)?;
    let (width, height) = (image.width(), image.height());
    // A JPEG already upright and small enough (what the browser's downscale sends) is kept
    // as it came, minus its metadata: no second lossy encode, and a fraction of the CPU.
    let kept =
        (format == ImageFormat::Jpeg && unchanged).then(|| jpeg_end::without_metadata(bytes)).flatten();
    let jpeg = match kept {
        Some(jpeg) => jpeg,
        None => {
            let mut jpeg = Vec::new();
            // No EXIF, ICC or XMP is written unless asked for: the output carries no metadata.
            image
                .write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY))
                .map_err(corrupt)?;
            jpeg
        }
    };
    let hints = exif::read_hints(bytes);
    Ok(CheckedPhoto {
        jpeg,
        width,
        height,
        sha256: hex::encode(Sha256::digest(bytes)),
        exif_taken_at: hints.taken_at,
        exif_latitude: hints.latitude,
        exif_longitude: hints.longitude,
    })
}

/// The most of an original photo's beginning that is read for its EXIF: the phone sends
/// this much of the camera's file beside the downscaled JPEG (whose canvas re-encode
/// dropped the EXIF); EXIF lives in the first segment, at most 64 KB.
pub const MAX_EXIF_HEAD_BYTES: usize = 128 * 1024;

/// EXIF time and GPS from the beginning of the camera's original file, when the photo
/// itself (downscaled in the browser) has none. Anything unreadable is simply no hint.
pub fn add_hints_from_original_head(photo: &mut CheckedPhoto, head: &[u8]) {
    if head.len() > MAX_EXIF_HEAD_BYTES || sniff_format(head).is_none() {
        return;
    }
    let hints = exif::read_hints(head);
    photo.exif_taken_at = photo.exif_taken_at.or(hints.taken_at);
    if photo.exif_latitude.is_none() && photo.exif_longitude.is_none() {
        photo.exif_latitude = hints.latitude;
        photo.exif_longitude = hints.longitude;
    }
}

/// The format by its magic bytes; only the formats phones and browsers produce.
fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Decodes within bounds, shrinks to [`MAX_SIDE_PX`] and turns the image upright (its EXIF
/// orientation is about to be dropped with the rest of the metadata). The flag says
/// whether the pixels are the file's own (neither shrunk nor turned).
fn decode_upright(bytes: &[u8], format: ImageFormat) -> Result<(DynamicImage, bool), PhotoError> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The PNG decoder takes its limits here, before it reads any chunk (a compressed ICC
    // profile can be a bomb too). No side limits yet, so that the refusal can name the size.
    reader.limits(limits.clone());
    // Reads the header only; no pixel buffer exists yet.
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width.max(height) > MAX_DECODE_SIDE_PX {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    limits.max_image_width = Some(MAX_DECODE_SIDE_PX);
    limits.max_image_height = Some(MAX_DECODE_SIDE_PX);
    let too_big = |_| PhotoError::TooManyPixels { width, height };
    // `ImageReader::decode` reserves the pixel buffer; this path must do it itself.
    limits.reserve(decoder.total_bytes()).map_err(too_big)?;
    decoder.set_limits(limits).map_err(too_big)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    // Shrink before rotating: rotation copies the image.
    if width.max(height) > MAX_SIDE_PX {
        image = if width.max(height) > 2 * MAX_SIDE_PX {
            // Area averaging: fast, no float buffers, and a smooth result at this ratio.
            image.thumbnail(MAX_SIDE_PX, MAX_SIDE_PX)
        } else {
            image.resize(MAX_SIDE_PX, MAX_SIDE_PX, FilterType::Triangle)
        };
    }
    image.apply_orientation(orientation);
    let unchanged = width.max(height) <= MAX_SIDE_PX && orientation == Orientation::NoTransforms;
    Ok((image, unchanged))
}

/// A decoder's complaint, kept in the log; the uploader hears only that the file is damaged.
/// (Limit errors land here too, but only when a file's data contradicts its header.)
fn corrupt(error: ImageError) -> PhotoError {
    tracing::debug!(%error, "photo refused as damaged");
    PhotoError::Corrupt
}
