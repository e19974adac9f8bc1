//! Changing a password; required before anything else after a temporary one.

use crate::accounts::api::ChangePassword as ChangePasswordFn;
use crate::accounts::NewPassword;
use crate::ui::{FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChangePassword() -> impl IntoView {
    let change = ServerAction::<ChangePasswordFn>::new();
    let errors = FormErrors::new(change.value());
    let (typed_error, set_typed_error) = signal(None::<String>);
    let new_error = Signal::derive(move || typed_error.get().or_else(|| errors.field("new_password").get()));
    view! {
        <Title text="Change password · Gigforge"/>
        <section class="panel narrow">
            <h1>"Change your password"</h1>
            <p class="muted">{format!(
                "If you signed in with a temporary password, choose your own now. Use at least {} characters; a few unrelated words work well.",
                NewPassword::MIN_CHARS)}</p>
            <FormAlert message=errors.general()/>
            <ActionForm action=change>
                <label for="current_password">"Current password"</label>
                <input id="current_password" name="current_password" type="password"
                    autocomplete="current-password" required aria-describedby="current-error"/>
                <FieldError id="current-error" message=errors.field("current_password")/>
                <label for="new_password">"New password"</label>
                <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                    required minlength=NewPassword::MIN_CHARS aria-describedby="new-error"
                    on:change=move |ev| set_typed_error.set(NewPassword::parse(&event_target_value(&ev)).err())/>
                <FieldError id="new-error" message=new_error/>
                <label for="confirm_password">"New password again"</label>
                <input id="confirm_password" name="confirm_password" type="password"
                    autocomplete="new-password" required aria-describedby="confirm-error"/>
                <FieldError id="confirm-error" message=errors.field("confirm_password")/>
                <button type="submit" class="primary" disabled=move || change.pending().get()>"Change password"</button>
            </ActionForm>
        </section>
    }
}
