//! Giggers sign in with their phone: ask for a code, then type it in.

use crate::accounts::api::{RequestOtp, VerifyOtp};
use crate::accounts::{OtpCode, Phone};
use crate::ui::{FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn PhoneSignIn() -> impl IntoView {
    let request = ServerAction::<RequestOtp>::new();
    let errors = FormErrors::new(request.value());
    // Instant feedback in the browser, from the same parser the server uses.
    let (typed_error, set_typed_error) = signal(None::<String>);
    let phone_error = Signal::derive(move || typed_error.get().or_else(|| errors.field("phone").get()));
    view! {
        <Title text="Sign in · Gigforge"/>
        <section class="panel narrow">
            <h1>"Sign in with your phone"</h1>
            <p class="muted">"We will send a 6-digit code by SMS."</p>
            <FormAlert message=errors.general()/>
            <ActionForm action=request>
                <label for="phone">"Mobile number"</label>
                <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel"
                    placeholder="98765 43210" required aria-describedby="phone-error"
                    on:change=move |ev| set_typed_error.set(
                        Phone::parse(&event_target_value(&ev)).err().map(|e| e.to_string()))/>
                <FieldError id="phone-error" message=phone_error/>
                <button type="submit" class="primary" disabled=move || request.pending().get()>
                    {move || if request.pending().get() { "Sending…" } else { "Send code" }}
                </button>
            </ActionForm>
            <p class="muted small">"Staff or customer? "<a href="/staff/signin">"Sign in with email"</a></p>
        </section>
    }
}

#[component]
pub fn CodeSignIn() -> impl IntoView {
    let query = use_query_map();
    let phone = move || query.with(|q| q.get("phone").unwrap_or_default());
    let masked = move || Phone::parse(&phone()).map(|p| p.masked()).unwrap_or_default();
    let verify = ServerAction::<VerifyOtp>::new();
    let resend = ServerAction::<RequestOtp>::new();
    let errors = FormErrors::new(verify.value());
    let resend_errors = FormErrors::new(resend.value());
    let (typed_error, set_typed_error) = signal(None::<String>);
    let code_error = Signal::derive(move || typed_error.get().or_else(|| errors.field("code").get()));
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
            <h1>"Enter your code"</h1>
            <p class="muted">"We sent a 6-digit code to " <strong>{masked}</strong> ". It is valid for 10 minutes."</p>
            <FormAlert message=general/>
            <ActionForm action=verify>
                <input type="hidden" name="phone" value=phone/>
                <label for="code">"Code"</label>
                <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    pattern="[0-9 ]*" maxlength="7" required aria-describedby="code-error"
                    on:change=move |ev| set_typed_error.set(OtpCode::parse(&event_target_value(&ev)).err().map(str::to_string))/>
                <FieldError id="code-error" message=code_error/>
                <button type="submit" class="primary" disabled=move || verify.pending().get()>"Sign in"</button>
            </ActionForm>
            <ActionForm action=resend attr:class="inline">
                <input type="hidden" name="phone" value=phone/>
                <button type="submit" class="link-button">"Send a new code"</button>
            </ActionForm>
            <p class="muted small"><a href="/signin">"Use another number"</a></p>
        </section>
    }
}
