//! Photos for the QC benchmark: 1600 × 1200 JPEGs of about 200 KB, as the app's camera
//! sends them. Each is its own picture (hard-edged blocks, a third of them striped like
//! signboards, on a gradient, from its own seed), so the blur check sees a shop front's
//! edges and the near-duplicate check sees distinct perceptual hashes; grain on the
//! brightness brings the size to a real photo's.

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1200;
const QUALITY: u8 = 85;
const TARGET_BYTES: usize = 200_000;
/// With 24 plain blocks half the photos failed the default blur check (sharpness 100).
const BLOCKS: usize = 60;

/// How much grain brings a photo to about `TARGET_BYTES`: found once (`calibrate`) and
/// used for every photo, so the photos differ in content only.
#[derive(Debug, Clone, Copy)]
pub struct Recipe {
    pub grain: u8,
}

/// Tries a few grain amplitudes on photo 0 and keeps the one closest to the target size.
pub fn calibrate() -> Recipe {
    let mut best = (usize::MAX, Recipe { grain: 0 });
    for grain in [0, 2, 4, 6, 8, 10, 12, 16, 20, 24, 32] {
        let recipe = Recipe { grain };
        let size = photo(recipe, 0).len();
        if size.abs_diff(TARGET_BYTES) < best.0 {
            best = (size.abs_diff(TARGET_BYTES), recipe);
        }
        if size >= TARGET_BYTES {
            break;
        }
    }
    best.1
}

/// Photo number `seed`, encoded: the same seed gives the same bytes.
pub fn photo(recipe: Recipe, seed: u64) -> Vec<u8> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut picture = gradient(&mut rng);
    for _ in 0..BLOCKS {
        block(&mut picture, &mut rng);
    }
    add_grain(&mut picture, recipe.grain, &mut rng);
    let mut jpeg = Vec::with_capacity(TARGET_BYTES * 2);
    JpegEncoder::new_with_quality(&mut jpeg, QUALITY).encode_image(&picture).expect("JPEG encoding");
    jpeg
}

/// Sharpness (policy minimum 100) and hash distances of the first photos, as QC measures
/// them: the photos should pass the blur check and differ from each other.
pub fn sample(recipe: Recipe) {
    use app::photos::quality::{hamming, pixel_facts};
    let facts: Vec<_> = (0..16).map(|n| pixel_facts(&photo(recipe, n)).unwrap()).collect();
    let mut sharpness: Vec<f64> = facts.iter().map(|f| f.sharpness).collect();
    sharpness.sort_by(f64::total_cmp);
    let closest = facts
        .iter()
        .enumerate()
        .flat_map(|(i, a)| facts[i + 1..].iter().map(|b| hamming(a.hash, b.hash)))
        .min()
        .unwrap();
    println!(
        "photos 0-15: sharpness {:.0}-{:.0} (median {:.0}), closest two hashes {closest} bits apart",
        sharpness[0], sharpness[15], sharpness[8]
    );
}

fn random_colour(rng: &mut StdRng) -> [f32; 3] {
    [rng.gen_range(0.0..255.0), rng.gen_range(0.0..255.0), rng.gen_range(0.0..255.0)]
}

/// A diagonal blend between two random colours.
fn gradient(rng: &mut StdRng) -> RgbImage {
    let (from, to) = (random_colour(rng), random_colour(rng));
    let span = (WIDTH + HEIGHT) as f32;
    RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let t = (x + y) as f32 / span;
        Rgb(std::array::from_fn(|c| (from[c] + (to[c] - from[c]) * t) as u8))
    })
}

/// A rectangle 60–400 px a side, anywhere on the picture: one colour, or (one in three)
/// stripes 6–20 px wide of a dark and a light colour.
fn block(picture: &mut RgbImage, rng: &mut StdRng) {
    let (w, h) = (rng.gen_range(60..400), rng.gen_range(60..400));
    let (left, top) = (rng.gen_range(0..WIDTH - w), rng.gen_range(0..HEIGHT - h));
    let dark: [u8; 3] = std::array::from_fn(|_| rng.gen_range(0..100));
    let light: [u8; 3] = std::array::from_fn(|_| rng.gen_range(155..=255));
    let plain = random_colour(rng).map(|c| c as u8);
    let (striped, across, width) = (rng.gen_ratio(1, 3), rng.gen_bool(0.5), rng.gen_range(6..20));
    for y in top..top + h {
        for x in left..left + w {
            let colour = match (striped, across) {
                (false, _) => plain,
                (true, true) if (y / width).is_multiple_of(2) => dark,
                (true, false) if (x / width).is_multiple_of(2) => dark,
                (true, _) => light,
            };
            picture.put_pixel(x, y, Rgb(colour));
        }
    }
}

/// Brightness noise of ±`amplitude`, the same on the three channels (as a sensor's).
fn add_grain(picture: &mut RgbImage, amplitude: u8, rng: &mut StdRng) {
    if amplitude == 0 {
        return;
    }
    let mut noise = vec![0u8; (WIDTH * HEIGHT) as usize];
    rng.fill_bytes(&mut noise);
    let spread = i16::from(amplitude) * 2 + 1;
    for (pixel, n) in picture.pixels_mut().zip(noise) {
        let offset = i16::from(n) % spread - i16::from(amplitude);
        for channel in &mut pixel.0 {
            *channel = (i16::from(*channel) + offset).clamp(0, 255) as u8;
        }
    }
}
