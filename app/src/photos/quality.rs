//! What the QC stage reads from a stored photo's pixels: how sharp it is (the variance of
//! its Laplacian, imageproc) and its perceptual hash (DCT then median: pHash, 64 bits,
//! image_hasher; with the mean, the DC term left most bits 0 and unrelated photos matched),
//! for near-duplicate search. Stored photos were checked and re-encoded by intake (at
//! most 1600 px), so decoding them is bounded; the limits are set again anyway.

use image::{DynamicImage, GrayImage};

/// A 64-bit perceptual hash; near-duplicates differ in few bits.
pub type PerceptualHash = i64;

/// Sharpness and hash of one photo.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelFacts {
    /// Variance of the Laplacian of the grey image at most `BLUR_SIDE_PX` on its longer
    /// side: low means few edges, i.e. blurred (or a blank wall).
    pub sharpness: f64,
    pub hash: PerceptualHash,
}

/// Photos are measured for blur at this size, so the threshold means the same for every
/// camera and the work per photo is bounded.
pub const BLUR_SIDE_PX: u32 = 512;

/// The hash is cut into this many 8-bit bands for the near-duplicate index: any two
/// hashes at most 7 bits apart share a band exactly (8 bands, at most 7 differ), so an
/// exact-match lookup per band finds every candidate.
pub const BANDS: usize = 8;
pub const MAX_NEAR_DUPLICATE_BITS: u32 = BANDS as u32 - 1;

pub fn pixel_facts(bytes: &[u8]) -> Result<PixelFacts, String> {
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("unreadable photo: {e}"))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(8000);
    limits.max_image_height = Some(8000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| format!("undecodable photo: {e}"))?;
    Ok(PixelFacts { sharpness: sharpness(&image), hash: perceptual_hash(&image) })
}

fn sharpness(image: &DynamicImage) -> f64 {
    let small = if image.width().max(image.height()) > BLUR_SIDE_PX {
        image.resize(BLUR_SIDE_PX, BLUR_SIDE_PX, image::imageops::FilterType::Triangle)
    } else {
        image.clone()
    };
    let grey: GrayImage = small.to_luma8();
    let laplacian = imageproc::filter::laplacian_filter(&grey);
    let values: Vec<f64> = laplacian.pixels().map(|p| f64::from(p.0[0])).collect();
    if values.is_empty() {
        return 0.0;
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
}

fn perceptual_hash(image: &DynamicImage) -> PerceptualHash {
    let hasher = image_hasher::HasherConfig::new()
        .hash_size(8, 8)
        .hash_alg(image_hasher::HashAlg::Median)
        .preproc_dct()
        .to_hasher();
    let hash = hasher.hash_image(image);
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(hash.as_bytes()) {
        *slot = *byte;
    }
    i64::from_be_bytes(bytes)
}

/// Bits that differ between two hashes.
pub fn hamming(a: PerceptualHash, b: PerceptualHash) -> u32 {
    (a ^ b).count_ones()
}

/// The hash's 8-bit bands, as stored for the index.
pub fn bands(hash: PerceptualHash) -> [i16; BANDS] {
    let bytes = hash.to_be_bytes();
    std::array::from_fn(|i| i16::from(bytes[i]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    /// A shop sign: bold stripes and a block, with fine detail.
    fn sign(shift: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(ImageBuffer::from_fn(800, 600, |x, y| {
            let stripe = ((x + shift) / 40).is_multiple_of(2);
            let block = (200..500).contains(&x) && (150..350).contains(&y);
            let v = if block {
                30
            } else if stripe {
                220
            } else {
                60
            };
            Rgb([v, v / 2 + ((x * 7 + y * 3) % 16) as u8, 255 - v])
        }))
    }

    fn jpeg(image: &DynamicImage) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_blurred_photo_is_much_less_sharp_than_the_original() {
        let original = sign(0);
        let blurred = DynamicImage::ImageRgb8(image::imageops::blur(&original.to_rgb8(), 6.0));
        let sharp = pixel_facts(&jpeg(&original)).unwrap().sharpness;
        let soft = pixel_facts(&jpeg(&blurred)).unwrap().sharpness;
        assert!(sharp > 10.0 * soft, "sharp {sharp}, blurred {soft}");
    }

    #[test]
    fn a_recompressed_or_resized_copy_is_a_near_duplicate_and_another_scene_is_not() {
        let original = pixel_facts(&jpeg(&sign(0))).unwrap().hash;
        let smaller = pixel_facts(&jpeg(&sign(0).resize(400, 300, image::imageops::FilterType::Triangle)))
            .unwrap()
            .hash;
        assert!(
            hamming(original, smaller) <= 4,
            "resized copy differs in {} bits",
            hamming(original, smaller)
        );
        let other = DynamicImage::ImageRgb8(ImageBuffer::from_fn(800, 600, |x, y| {
            let v = if (x / 100 + y / 100).is_multiple_of(2) { 240 } else { 20 };
            Rgb([v, v, v])
        }));
        let other = pixel_facts(&jpeg(&other)).unwrap().hash;
        assert!(
            hamming(original, other) > MAX_NEAR_DUPLICATE_BITS,
            "another scene differs in {} bits",
            hamming(original, other)
        );
    }

    #[test]
    fn hashes_within_seven_bits_share_a_band() {
        let a: PerceptualHash = 0x0123_4567_89ab_cdef;
        // Flip one bit in each of 7 bands: the 8th band still matches.
        let b = a ^ 0x0101_0101_0101_0100;
        assert_eq!(hamming(a, b), 7);
        let shared = bands(a).iter().zip(bands(b)).filter(|(x, y)| **x == *y).count();
        assert_eq!(shared, 1);
    }

    #[test]
    fn text_is_not_a_photo() {
        assert!(pixel_facts(b"not a photo").is_err());
    }
}
