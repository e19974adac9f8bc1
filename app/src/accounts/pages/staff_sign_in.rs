//! Staff and customers sign in with email and password.

use crate::accounts::api::PasswordSignIn;
use crate::ui::{FieldError, FormAlert, FormErrors};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StaffSignIn() -> impl IntoView {
    let sign_in = ServerAction::<PasswordSignIn>::new();
    let errors = FormErrors::new(sign_in.value());
    view! {
        <Title text="Staff sign in · Gigforge"/>
        <section class="panel narrow">
            <h1>"Sign in with email"</h1>
            <p class="muted">"For flash managers, reviewers, customers and admins."</p>
            <FormAlert message=errors.general()/>
            <ActionForm action=sign_in>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" required
                    aria-describedby="email-error"/>
                <FieldError id="email-error" message=errors.field("email")/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password"
                    required aria-describedby="password-error"/>
                <FieldError id="password-error" message=errors.field("password")/>
                <button type="submit" class="primary" disabled=move || sign_in.pending().get()>"Sign in"</button>
            </ActionForm>
            <p class="muted small">"Gigger? "<a href="/signin">"Sign in with your phone"</a></p>
        </section>
    }
}
