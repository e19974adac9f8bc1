//! The browser's half of photo upload: shrink a camera photo (often 5-12 MB) to a JPEG of
//! at most [`MAX_SIDE_PX`](super::MAX_SIDE_PX) on its longer side before it crosses a slow
//! mobile network. Called only from event handlers, which run only in the browser.
//!
//! The canvas drops all EXIF (time, GPS, orientation); the browser applies the orientation
//! while decoding. If this fails, upload the original: the server checks and shrinks anyway.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap, ImageBitmapOptions,
    ImageOrientation,
};

/// Decodes `file`, scales it so that its longer side is at most `max_side` (never up) and
/// encodes it as JPEG at `quality` (0.0 to 1.0; 0.85 is a good photo quality).
pub async fn downscale_to_jpeg(file: File, max_side: u32, quality: f64) -> Result<Blob, String> {
    downscale(&file, max_side, quality).await.map_err(|error| {
        let detail =
            error.as_string().or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())));
        format!(
            "The photo could not be prepared in the browser: {}",
            detail.unwrap_or_else(|| "unknown error".into())
        )
    })
}

async fn downscale(file: &File, max_side: u32, quality: f64) -> Result<Blob, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let bitmap: ImageBitmap =
        JsFuture::from(window.create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)?)
            .await?
            .dyn_into()?;
    let (width, height) = scaled_size(bitmap.width(), bitmap.height(), max_side);
    let canvas: HtmlCanvasElement =
        window.document().ok_or("no document")?.create_element("canvas")?.dyn_into()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d canvas")?.dyn_into()?;
    context.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, width.into(), height.into())?;
    // A 12 MP bitmap is about 48 MB: give it back now, not when the GC gets to it.
    bitmap.close();
    let encoded = js_sys::Promise::new(&mut |resolve: js_sys::Function, reject: js_sys::Function| {
        let on_blob = {
            let reject = reject.clone();
            Closure::once_into_js(move |blob: JsValue| {
                // toBlob hands over null when the canvas cannot be encoded.
                let _ = if blob.is_null() {
                    reject.call1(&JsValue::NULL, &"the photo could not be encoded".into())
                } else {
                    resolve.call1(&JsValue::NULL, &blob)
                };
            })
        };
        if let Err(error) = canvas.to_blob_with_type_and_encoder_options(
            on_blob.unchecked_ref(),
            "image/jpeg",
            &quality.into(),
        ) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    JsFuture::from(encoded).await?.dyn_into()
}

/// The size that fits within `max_side`, keeping the aspect ratio; never upscaled, never 0.
fn scaled_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longer = width.max(height);
    if longer <= max_side || longer == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max_side) + u64::from(longer) / 2) / u64::from(longer)).max(1)
    };
    // Both results are at most `max_side`, so they fit in u32.
    (scale(width) as u32, scale(height) as u32)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::scaled_size;

    #[test]
    fn scaled_size_keeps_the_aspect_ratio_and_never_upscales() {
        assert_eq!(scaled_size(3000, 2000, 1600), (1600, 1067));
        assert_eq!(scaled_size(2000, 3000, 1600), (1067, 1600));
        assert_eq!(scaled_size(800, 600, 1600), (800, 600));
        assert_eq!(scaled_size(40_000, 10, 1600), (1600, 1));
    }
}
