//! Every input is made here: photos by the image crate, EXIF blocks and hostile PNG headers
//! by hand, so that no fixture file can drift from what the tests claim.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ImageEncoder, RgbImage};
use sha2::{Digest, Sha256};

use super::{add_hints_from_original_head, check_photo, jpeg_end, PhotoError, MAX_DECODE_SIDE_PX};
use crate::photos::MAX_PHOTO_BYTES;

/// A photo-like picture (gradients compress like a photo, not like a flat colour).
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    })
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&picture(width, height), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// Puts an APP1 "Exif" segment holding `tiff` right after the JPEG's SOI marker.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let length = u16::try_from(2 + 6 + tiff.len()).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(length.to_be_bytes());
    out.extend(b"Exif\0\0");
    out.extend(tiff);
    out.extend(&jpeg[2..]);
    out
}

const ASCII: u16 = 2;
const SHORT: u16 = 3;
const LONG: u16 = 4;
const RATIONAL: u16 = 5;

type Entry = (u16, u16, u32, Vec<u8>);

/// Appends a little-endian IFD (entries sorted by tag) with its out-of-line values right
/// after it; returns its offset.
fn push_ifd(tiff: &mut Vec<u8>, entries: &[Entry]) -> u32 {
    let start = u32::try_from(tiff.len()).unwrap();
    let data_start = start + 2 + 12 * entries.len() as u32 + 4;
    let mut data = Vec::new();
    tiff.extend((entries.len() as u16).to_le_bytes());
    for (tag, kind, count, value) in entries {
        tiff.extend(tag.to_le_bytes());
        tiff.extend(kind.to_le_bytes());
        tiff.extend(count.to_le_bytes());
        if value.len() <= 4 {
            let mut inline = value.clone();
            inline.resize(4, 0);
            tiff.extend(inline);
        } else {
            tiff.extend((data_start + data.len() as u32).to_le_bytes());
            data.extend(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(data);
    start
}

fn ascii(text: &str) -> Entry {
    let mut bytes = text.as_bytes().to_vec();
    bytes.push(0);
    (0, ASCII, bytes.len() as u32, bytes)
}

fn degrees(d: u32, m: u32, s_times_100: u32) -> Entry {
    let value = [(d, 1), (m, 1), (s_times_100, 100)]
        .iter()
        .flat_map(|(n, d): &(u32, u32)| [n.to_le_bytes(), d.to_le_bytes()])
        .flatten()
        .collect();
    (0, RATIONAL, 3, value)
}

fn tagged(tag: u16, (_, kind, count, value): Entry) -> Entry {
    (tag, kind, count, value)
}

/// A TIFF block as phones write it: IFD0 (orientation, pointers), an Exif IFD with
/// DateTimeOriginal and a GPS IFD at 12°58'18" S, 77°35'40.8" E.
fn exif_tiff(orientation: u16, taken_at: &str) -> Vec<u8> {
    let mut tiff = b"II\x2A\0\0\0\0\0".to_vec();
    let exif_ifd = push_ifd(&mut tiff, &[tagged(0x9003, ascii(taken_at))]);
    let gps_ifd = push_ifd(
        &mut tiff,
        &[
            tagged(1, ascii("S")),
            tagged(2, degrees(12, 58, 1800)),
            tagged(3, ascii("E")),
            tagged(4, degrees(77, 35, 4080)),
        ],
    );
    let ifd0 = push_ifd(
        &mut tiff,
        &[
            (0x0112, SHORT, 1, orientation.to_le_bytes().to_vec()),
            (0x8769, LONG, 1, exif_ifd.to_le_bytes().to_vec()),
            (0x8825, LONG, 1, gps_ifd.to_le_bytes().to_vec()),
        ],
    );
    tiff[4..8].copy_from_slice(&ifd0.to_le_bytes());
    tiff
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend(data);
    out.extend(&crc_input);
    out.extend(crc32(&crc_input).to_be_bytes());
}

/// A valid PNG header for a huge greyscale image followed by a few bytes of image data: what
/// a decompression bomb looks like before its pixels (400 MB decoded at 20000 × 20000).
fn huge_png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]); // 8-bit greyscale, deflate, adaptive filter, no interlace
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(&mut png, b"IDAT", &[0x78, 0x9C, 0x63, 0x00, 0x00]);
    png_chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn small_jpeg_comes_back_as_clean_jpeg_with_hash_of_the_original() {
    let original = jpeg(64, 48);
    let photo = check_photo(&original).unwrap();
    assert_eq!((photo.width, photo.height), (64, 48));
    assert!(photo.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(photo.sha256, hex::encode(Sha256::digest(&original)));
    assert_eq!(photo.sha256.len(), 64);
    assert_eq!((photo.exif_taken_at, photo.exif_latitude, photo.exif_longitude), (None, None, None));
    let decoded = image::load_from_memory(&photo.jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
}

#[test]
fn exif_time_and_gps_are_read_then_stripped_from_the_output() {
    let original = with_exif(&jpeg(40, 20), &exif_tiff(1, "2026:11:28 13:45:10"));
    let photo = check_photo(&original).unwrap();
    let expected = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(13, 45, 10).unwrap();
    assert_eq!(photo.exif_taken_at, Some(expected));
    let latitude = photo.exif_latitude.unwrap();
    let longitude = photo.exif_longitude.unwrap();
    assert!((latitude - -(12.0 + 58.0 / 60.0 + 18.0 / 3600.0)).abs() < 1e-9, "{latitude}");
    assert!((longitude - (77.0 + 35.0 / 60.0 + 40.8 / 3600.0)).abs() < 1e-9, "{longitude}");
    assert!(contains(&original, b"Exif\0\0"));
    assert!(!contains(&photo.jpeg, b"Exif\0\0"), "the stored photo must carry no EXIF");
    assert!(!contains(&photo.jpeg, &[0xFF, 0xE1]), "no APP1 segment at all");
    assert!(exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&photo.jpeg)).is_err());
}

#[test]
fn exif_comes_from_the_head_of_the_original_when_the_photo_has_none() {
    // The browser re-encodes through a canvas (no EXIF) and sends the original's head.
    let original = with_exif(&jpeg(400, 300), &exif_tiff(1, "2026:11:28 13:45:10"));
    let mut photo = check_photo(&jpeg(40, 30)).unwrap();
    assert_eq!((photo.exif_taken_at, photo.exif_latitude), (None, None));
    let head = &original[..original.len().min(2_000)];
    add_hints_from_original_head(&mut photo, head);
    assert!(photo.exif_taken_at.is_some() && photo.exif_latitude.is_some() && photo.exif_longitude.is_some());
    // A head that is not an image gives no hints and no error.
    let mut plain = check_photo(&jpeg(40, 30)).unwrap();
    add_hints_from_original_head(&mut plain, b"not a photo at all");
    assert_eq!(plain.exif_taken_at, None);
}

#[test]
fn exif_orientation_is_baked_into_the_pixels() {
    // 6 = the camera was turned a quarter clockwise: the stored photo is portrait.
    let original = with_exif(&jpeg(40, 20), &exif_tiff(6, "2026:11:28 13:45:10"));
    let photo = check_photo(&original).unwrap();
    assert_eq!((photo.width, photo.height), (20, 40));
}

#[test]
fn broken_exif_is_no_exif() {
    let mut tiff = exif_tiff(1, "2026:11:28 13:45:10");
    tiff.truncate(20);
    let photo = check_photo(&with_exif(&jpeg(40, 20), &tiff)).unwrap();
    assert_eq!((photo.exif_taken_at, photo.exif_latitude), (None, None));
}

#[test]
fn text_file_named_jpg_is_not_an_image() {
    let error = check_photo(b"Dear reviewer, please approve this gig.\n").unwrap_err();
    assert_eq!(error, PhotoError::NotAnImage);
    assert_eq!(error.message(), "This file is not a photo (JPEG, PNG or WebP).");
    assert_eq!(check_photo(b"").unwrap_err(), PhotoError::NotAnImage);
    assert_eq!(check_photo(b"GIF89a\x01\0\x01\0").unwrap_err(), PhotoError::NotAnImage);
}

#[test]
fn truncated_jpeg_is_corrupt_wherever_it_was_cut() {
    let original = jpeg(256, 256);
    for keep in [3, 20, 200, original.len() / 2, original.len() - 2, original.len() - 1] {
        assert_eq!(check_photo(&original[..keep]).unwrap_err(), PhotoError::Corrupt, "cut at {keep}");
    }
    assert_eq!(PhotoError::Corrupt.message(), "The photo file is damaged or incomplete.");
}

#[test]
fn jpeg_end_is_not_fooled_by_a_thumbnail_end_marker() {
    let original = jpeg(64, 64);
    // An APP1 segment that contains a whole little JPEG, EOI included, as EXIF thumbnails do.
    let with_thumbnail = with_exif(&original, &jpeg(8, 8));
    assert!(jpeg_end::is_complete(&with_thumbnail));
    assert!(!jpeg_end::is_complete(&with_thumbnail[..with_thumbnail.len() - 40]));
}

#[test]
fn garbage_after_the_header_is_corrupt_not_a_panic() {
    let mut png = huge_png_header(64, 64);
    png.truncate(40);
    assert_eq!(check_photo(&png).unwrap_err(), PhotoError::Corrupt);
    let mut webp = b"RIFF\x20\0\0\0WEBPVP8 ".to_vec();
    webp.extend([0xAB; 20]);
    assert_eq!(check_photo(&webp).unwrap_err(), PhotoError::Corrupt);
}

#[test]
fn huge_png_is_refused_from_its_header_alone() {
    let bomb = huge_png_header(20_000, 20_000);
    assert!(bomb.len() < 100, "the whole file is its header");
    let started = std::time::Instant::now();
    let error = check_photo(&bomb).unwrap_err();
    assert_eq!(error, PhotoError::TooManyPixels { width: 20_000, height: 20_000 });
    assert_eq!(error.message(), "The photo is 20000 × 20000 pixels; the limit is 40 megapixels.");
    // Decoding 400 MB would take seconds even when it fits in memory.
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn very_long_strip_is_refused_by_its_side() {
    let error = check_photo(&huge_png_header(MAX_DECODE_SIDE_PX + 1, 100)).unwrap_err();
    assert_eq!(error, PhotoError::TooManyPixels { width: MAX_DECODE_SIDE_PX + 1, height: 100 });
    assert!(error.message().contains("neither side may be longer than 30000 pixels"), "{}", error.message());
}

#[test]
fn oversized_upload_is_refused_before_anything_else() {
    let mut upload = jpeg(16, 16);
    upload.resize(MAX_PHOTO_BYTES + 1, 0);
    let error = check_photo(&upload).unwrap_err();
    assert_eq!(error, PhotoError::TooLarge { bytes: MAX_PHOTO_BYTES + 1 });
    assert_eq!(error.message(), "The photo is 10.1 MB; the limit is 10 MB.");
    let error = PhotoError::TooLarge { bytes: 23_400_000 };
    assert_eq!(error.message(), "The photo is 22.4 MB; the limit is 10 MB.");
}

#[test]
fn large_photo_is_downscaled_to_1600_on_its_longer_side() {
    let photo = check_photo(&jpeg(3000, 2000)).unwrap();
    assert_eq!((photo.width, photo.height), (1600, 1067));
    let decoded = image::load_from_memory(&photo.jpeg).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1600, 1067));
    // Just over the limit takes the filtered path rather than area averaging.
    let photo = check_photo(&jpeg(1000, 1700)).unwrap();
    assert_eq!((photo.width, photo.height), (941, 1600));
}

#[test]
fn png_and_webp_are_taken_and_stored_as_jpeg() {
    let mut png = Vec::new();
    picture(30, 10).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let mut webp = Vec::new();
    WebPEncoder::new_lossless(&mut webp)
        .write_image(&picture(30, 10), 30, 10, image::ExtendedColorType::Rgb8)
        .unwrap();
    for original in [png, webp] {
        let photo = check_photo(&original).unwrap();
        assert_eq!((photo.width, photo.height), (30, 10));
        assert_eq!(image::guess_format(&photo.jpeg).unwrap(), image::ImageFormat::Jpeg);
    }
}

/// Puts a COM (comment) segment right after the JPEG's SOI marker.
fn with_comment(jpeg: &[u8], text: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xFE]);
    out.extend(u16::try_from(2 + text.len()).unwrap().to_be_bytes());
    out.extend(text);
    out.extend(&jpeg[2..]);
    out
}

#[test]
fn an_upright_jpeg_within_size_is_stored_as_sent_minus_its_metadata() {
    let clean = jpeg(64, 48);
    let mut original =
        with_comment(&with_exif(&clean, &exif_tiff(1, "2026:11:28 13:45:10")), b"shot by Pooja");
    // A motion photo's video, as some phones append after the end marker.
    original.extend(b"ftypmp42 \xFF\xD9 more video");
    let photo = check_photo(&original).unwrap();
    // Byte for byte the encoder's own file: only the added segments and the tail are gone.
    assert_eq!(photo.jpeg, clean);
    assert!(photo.exif_taken_at.is_some(), "the EXIF was read before it was dropped");
    assert_eq!(photo.sha256, hex::encode(Sha256::digest(&original)));
}

#[test]
fn without_metadata_drops_profiles_and_comments_but_keeps_what_decoding_needs() {
    let clean = jpeg(96, 64);
    assert!(contains(&clean, b"JFIF\0"), "the encoder writes APP0 (JFIF)");
    // APP14 "Adobe" says how to read the colour channels: it must stay.
    let adobe = {
        let mut out = clean[..2].to_vec();
        out.extend([0xFF, 0xEE, 0x00, 0x0E]);
        out.extend(b"Adobe\x00\x64\x00\x00\x00\x00\x01");
        out.extend(&clean[2..]);
        out
    };
    // APP2 (an ICC profile) and a comment: metadata, gone.
    let mut original = with_comment(&adobe, b"note");
    original.splice(2..2, [0xFF, 0xE2, 0x00, 0x10].into_iter().chain(*b"ICC_PROFILE\0\x01\x01"));
    let stripped = jpeg_end::without_metadata(&original).unwrap();
    assert_eq!(stripped, adobe);
    assert_eq!(
        image::load_from_memory(&stripped).unwrap().to_rgb8(),
        image::load_from_memory(&clean).unwrap().to_rgb8()
    );
    assert_eq!(jpeg_end::without_metadata(&clean[..clean.len() - 2]), None, "no end marker, no file");
}
