//! The top bar: the brand, navigation for the signed-in role, and sign-out.

use super::language::LanguageSwitch;
use crate::accounts::api::{current_user, SignOut};
use crate::accounts::{Role, SignedInUser};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

fn nav_links(role: Role) -> Vec<(&'static str, &'static str)> {
    match role {
        Role::Gigger => vec![("/gigs", "Gigs")],
        Role::Manager => vec![("/manage", "Jobs"), ("/manage/trainings", "Trainings")],
        Role::Reviewer => vec![("/review", "Review")],
        Role::Customer => vec![("/customer", "My jobs")],
        Role::Admin => vec![
            ("/admin", "Users"),
            ("/manage", "Jobs"),
            ("/manage/trainings", "Trainings"),
            ("/admin/payouts", "Payouts"),
        ],
    }
}

#[component]
pub fn Header() -> impl IntoView {
    // Re-read on every navigation: signing in or out moves to another page.
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    let i18n = use_i18n();
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Gigforge"</a>
            <Transition fallback=|| ()>
                {move || user.get().map(|result| match result {
                    Ok(Some(user)) => view! { <SignedInNav user/> }.into_any(),
                    _ => view! {
                        <nav class="nav" aria-label="Main">
                            <LanguageSwitch/>
                            <a href="/signin">{t!(i18n, nav.sign_in)}</a>
                        </nav>
                    }.into_any(),
                })}
            </Transition>
        </header>
    }
}

#[component]
fn SignedInNav(user: SignedInUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let i18n = use_i18n();
    // Giggers read in English or Hindi; staff pages are in English.
    let gigger = user.role == Role::Gigger;
    let links = if user.must_change_password { Vec::new() } else { nav_links(user.role) };
    view! {
        <nav class="nav" aria-label="Main">
            {gigger.then(|| view! { <LanguageSwitch/> })}
            {(!gigger).then(|| links.into_iter().map(|(href, label)| view! { <a href=href>{label}</a> }).collect_view())}
            <span class="who" data-role=user.role.as_str()>{user.greeting_name().to_string()}</span>
            <ActionForm action=sign_out attr:class="inline">
                <button type="submit" class="link-button">{t!(i18n, nav.sign_out)}</button>
            </ActionForm>
        </nav>
    }
}
