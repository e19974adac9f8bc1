//! Giggers sign in with their phone: ask for a code, then type it in.

use crate::accounts::api::{RequestOtp, VerifyOtp};
use crate::accounts::Phone;
use crate::i18n::*;
use crate::ui::{Check, FieldError, FormAlert, FormErrors, InstantCheck};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PhoneSignIn() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestOtp>::new();
    let errors = FormErrors::new(request.value());
    view! {
        <Title text="Sign in · Gigforge"/>
        <section class="panel narrow">
            <h1>{t!(i18n, sign_in.title)}</h1>
            <p class="muted">{t!(i18n, sign_in.lead)}</p>
            <FormAlert message=errors.general()/>
            <ActionForm action=request>
                <label for="phone">{t!(i18n, sign_in.phone)}</label>
                <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                    placeholder="98765 43210" required aria-describedby="phone-error"/>
                // Instant feedback in the browser, from the same parser the server uses.
                <InstantCheck input_id="phone".to_string() check=Check::Phone/>
                <FieldError id="phone-error" message=errors.field("phone")/>
                <button type="submit" class="primary" disabled=move || request.pending().get()>
                    {move || if request.pending().get() { t_string!(i18n, sign_in.sending) } else { t_string!(i18n, sign_in.send_code) }}
                </button>
            </ActionForm>
            <p class="muted small">{t!(i18n, landing.staff)}<a href="/staff/signin">{t!(i18n, landing.staff_link)}</a></p>
        </section>
    }
}

#[component]
pub fn CodeSignIn() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let phone = move || query.with(|q| q.get("phone").unwrap_or_default());
    let masked = move || Phone::parse(&phone()).map(|p| p.masked()).unwrap_or_default();
    let verify = ServerAction::<VerifyOtp>::new();
    let resend = ServerAction::<RequestOtp>::new();
    let errors = FormErrors::new(verify.value());
    let resend_errors = FormErrors::new(resend.value());
    let general = Signal::derive(move || {
        errors
            .general()
            .get()
            .or_else(|| resend_errors.general().get())
            .or_else(|| errors.field("phone").get())
    });
    view! {
        <Title text="Enter your code · Gigforge"/>
        <section class="panel narrow">
            <h1>{t!(i18n, sign_in.code_title)}</h1>
            <p class="muted">{t!(i18n, sign_in.code_sent, phone = move || view! { <strong>{masked}</strong> })}</p>
            <FormAlert message=general/>
            <ActionForm action=verify>
                <input type="hidden" name="phone" value=phone/>
                <label for="code">{t!(i18n, sign_in.code)}</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]*" maxlength="7" required aria-describedby="code-error"/>
                <InstantCheck input_id="code".to_string() check=Check::OtpCode/>
                <FieldError id="code-error" message=errors.field("code")/>
                <button type="submit" class="primary" disabled=move || verify.pending().get()>{t!(i18n, sign_in.sign_in)}</button>
            </ActionForm>
            <ActionForm action=resend attr:class="inline">
                <input type="hidden" name="phone" value=phone/>
                <button type="submit" class="link-button">{t!(i18n, sign_in.resend)}</button>
            </ActionForm>
            <p class="muted small"><a href="/signin">{t!(i18n, sign_in.other_number)}</a></p>
        </section>
    }
}
