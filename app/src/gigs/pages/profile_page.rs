//! Onboarding and the profile: name, city, pincode, languages, UPI id and, if the
//! gigger allows it, the phone's location (for "gigs near me").

use super::GiggerTabs;
use crate::forms::{GeoPoint, Lang};
use crate::gigs::api::{my_profile, SaveProfile};
use crate::i18n::*;
use crate::ui::{Check, ErrorPanel, FieldError, FormAlert, FormErrors, InstantCheck};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| my_profile());
    let i18n = use_i18n();
    // Made here, outside the Suspense, so that an error left by a post without JavaScript
    // is read while the page renders on the server (as on the sign-in pages).
    let save = ServerAction::<SaveProfile>::new();
    let errors = FormErrors::new(save.value());
    view! {
        <Title text="Your profile · Gigforge"/>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || profile.get().map(|result| match result {
                Err(error) => view! { <ErrorPanel error/> }.into_any(),
                Ok(None) => view! { <ProfileForm profile=None save errors/> }.into_any(),
                Ok(Some(profile)) => view! { <GiggerTabs current="profile"/><ProfileForm profile=Some(profile) save errors/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ProfileForm(
    profile: Option<crate::gigs::GiggerProfile>,
    save: ServerAction<SaveProfile>,
    errors: FormErrors,
) -> impl IntoView {
    let i18n = use_i18n();
    let first_time = profile.is_none();
    let p = profile.unwrap_or(crate::gigs::GiggerProfile {
        name: String::new(),
        phone: String::new(),
        city: String::new(),
        pincode: String::new(),
        languages: vec![],
        upi_id: None,
        latitude: None,
        longitude: None,
        location_source: None,
        trust_score: 50,
    });
    let device_location = p.location_source.as_deref() == Some("device");
    let saved_location = if device_location { p.latitude.zip(p.longitude) } else { None };
    let languages = p.languages.clone();
    let speaks = move |lang: Lang| languages.contains(&lang) || (languages.is_empty() && lang == Lang::En);
    view! {
        <section class="panel narrow gigger-profile">
            <h1>{move || if first_time { t_string!(i18n, profile.welcome) } else { t_string!(i18n, profile.title) }}</h1>
            {first_time.then(|| view! { <p class="muted">{t!(i18n, profile.why)}</p> })}
            <FormAlert message=errors.general()/>
            <ActionForm action=save>
                <label for="name">{t!(i18n, profile.name)}</label>
                <input id="name" name="name" type="text" autocomplete="name" required maxlength="100"
                    value=p.name.clone() aria-describedby="name-error"/>
                <FieldError id="name-error" message=errors.field("name")/>

                <label for="city">{t!(i18n, profile.city)}</label>
                <input id="city" name="city" type="text" autocomplete="address-level2" required maxlength="100"
                    value=p.city.clone() aria-describedby="city-error"/>
                <FieldError id="city-error" message=errors.field("city")/>

                <label for="pincode">{t!(i18n, profile.pincode)}</label>
                <input id="pincode" name="pincode" type="text" inputmode="numeric" autocomplete="postal-code"
                    required maxlength="7" value=p.pincode.clone() aria-describedby="pincode-error"/>
                <InstantCheck input_id="pincode".to_string() check=Check::Pincode/>
                <FieldError id="pincode-error" message=errors.field("pincode")/>

                <fieldset aria-describedby="languages-error">
                    <legend>{t!(i18n, profile.languages)}</legend>
                    <label class="choice"><input type="checkbox" name="speaks_en" checked=speaks(Lang::En)/>"English"</label>
                    <label class="choice"><input type="checkbox" name="speaks_hi" checked=speaks(Lang::Hi)/>"हिन्दी (Hindi)"</label>
                </fieldset>
                <FieldError id="languages-error" message=errors.field("languages")/>

                <label for="upi_id">{t!(i18n, profile.upi)}</label>
                <input id="upi_id" name="upi_id" type="text" autocomplete="off" autocapitalize="none"
                    placeholder="name@okbank" value=p.upi_id.clone().unwrap_or_default() aria-describedby="upi_id-error"/>
                <InstantCheck input_id="upi_id".to_string() check=Check::UpiId/>
                <FieldError id="upi_id-error" message=errors.field("upi_id")/>

                <fieldset class="location-choice">
                    <legend>{t!(i18n, profile.location)}</legend>
                    <p class="muted small">{t!(i18n, profile.location_why)}</p>
                    <DeviceLocation saved=saved_location/>
                    <FieldError id="location-error" message=errors.field("location")/>
                </fieldset>

                <button type="submit" class="primary">
                    {move || if first_time { t_string!(i18n, profile.save_first) } else { t_string!(i18n, profile.save) }}
                </button>
            </ActionForm>
        </section>
    }
}

/// "Use my location": the phone's position, asked for only when the gigger taps, sent
/// with the form in its hidden `location` field. An island (ui/island.rs): the only part
/// of the profile form that needs the browser.
#[island]
fn DeviceLocation(saved: Option<(f64, f64)>) -> impl IntoView {
    crate::ui::island::enter();
    let i18n = use_i18n();
    let location = RwSignal::new(saved);
    let location_problem = RwSignal::new(None::<String>);
    let locating = RwSignal::new(false);
    let capture = move |_| {
        locating.set(true);
        location_problem.set(None);
        crate::forms::capture_location(move |result: Result<GeoPoint, String>| {
            locating.set(false);
            match result {
                Ok(point) => location.set(Some((point.latitude, point.longitude))),
                Err(message) => location_problem.set(Some(message)),
            }
        });
    };
    view! {
        <input type="hidden" name="location" value=move || location.get().map(|(lat, lng)| format!("{lat},{lng}")).unwrap_or_default()/>
        <button type="button" class="secondary" on:click=capture disabled=move || locating.get()>
            {move || if locating.get() { t_string!(i18n, profile.locating) } else { t_string!(i18n, profile.use_location) }}
        </button>
        <p class="muted small" data-testid="profile-location">
            {move || location.get().map(|(lat, lng)| {
                let place = format!("{lat:.4}, {lng:.4}");
                t!(i18n, profile.location_saved, place)
            })}
        </p>
        <p class="field-error" role="alert" hidden=move || location_problem.get().is_none()>
            {move || location_problem.get().unwrap_or_default()}
        </p>
    }
}
