//! Browser services the form needs: the phone's GPS. Called only from event handlers,
//! which run only in the browser.

use super::GeoPoint;

/// Asks the browser for a fresh, high-accuracy position; `done` gets it or a message.
pub fn capture_location(done: impl Fn(Result<GeoPoint, String>) + 'static) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(geolocation) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(Err("This browser cannot share its location.".into()));
        return;
    };
    let done = std::rc::Rc::new(done);
    let on_error = {
        let done = done.clone();
        Closure::once_into_js(move |error: web_sys::PositionError| {
            let message = match error.code() {
                1 => "Location permission was refused. Allow it in the browser's settings and try again.",
                3 => "The location took too long. Step into the open and try again.",
                _ => "The location is not available right now. Try again.",
            };
            done(Err(message.into()));
        })
    };
    let on_success = Closure::once_into_js(move |position: web_sys::Position| {
        let coords = position.coords();
        done(Ok(GeoPoint {
            latitude: coords.latitude(),
            longitude: coords.longitude(),
            accuracy_m: coords.accuracy(),
        }));
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(30_000);
    options.set_maximum_age(0);
    let _ = geolocation.get_current_position_with_error_callback_and_options(
        on_success.unchecked_ref(),
        Some(on_error.unchecked_ref()),
        &options,
    );
}
