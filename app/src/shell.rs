//! The HTML document and the router: which page answers which path.

use crate::accounts::api::current_user;
use crate::accounts::pages::{CodeSignIn, PhoneSignIn};
use crate::gigs::pages::{FeedPage, GigJobPage, GigPage, MyGigsPage, ProfilePage, TrainingPage};
use crate::i18n::*;
use crate::ui::bundle::HydrateAfterLoad;
use crate::ui::{language, Header, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::{
    accounts::pages::{AdminUsers, ChangePassword, StaffSignIn},
    jobs::pages::{CustomerJobs, FormBuilderPage, JobPage, JobSettingsPage, ManagerJobs, NewJob},
    payouts::pages::AdminPayouts,
    review::pages::{ReviewJobPage, ReviewQueues},
    training::pages::{TrainingEditor, TrainingList},
    units::pages::UnitsPage,
};

/// Registers the service worker as soon as the page loads, before (and without) WASM.
const REGISTER_SERVICE_WORKER: &str =
    "if('serviceWorker' in navigator){addEventListener('load',function(){navigator.serviceWorker.register('/sw.js')})}";

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="description" content="Gigforge: find gigs, do them on your phone, get paid per approved gig."/>
                <meta name="theme-color" content="#0b6e4f"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/favicon.ico" sizes="any"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                // The offline outbox (queued gigs, kept photos): before the WASM, which calls it.
                <script src="/outbox.js" defer></script>
                // The page's bundle (gigger or full, ui/bundle.rs), after load, on idle.
                <HydrateAfterLoad options=options.clone()/>
                <MetaTags/>
                <script>{REGISTER_SERVICE_WORKER}</script>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Pages that check a role render completely before the response starts, so a
    // refusal carries its real status code (401/403) instead of a streamed 200; pages
    // with forms do too, so an error left by a form posted without JavaScript is there.
    let guarded = SsrMode::Async;
    // Effects run only in the browser: this marks the page once the WASM has hydrated it
    // (browser tests wait for it; people never see it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Gigforge"/>
        // The reader's language: see ui/language.rs.
        <I18nContextProvider cookie_name=language::LANGUAGE_COOKIE cookie_options=language::cookie_options()>
        <Router>
            <Header/>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home ssr=guarded.clone()/>
                    <Route path=path!("/signin") view=PhoneSignIn ssr=SsrMode::Async/>
                    <Route path=path!("/signin/code") view=CodeSignIn ssr=SsrMode::Async/>
                    <Route path=path!("/staff/signin") view=StaffSignIn ssr=SsrMode::Async/>
                    <Route path=path!("/account/password") view=ChangePassword ssr=SsrMode::Async/>
                    <Route path=path!("/gigs") view=FeedPage ssr=guarded.clone()/>
                    <Route path=path!("/gigs/profile") view=ProfilePage ssr=guarded.clone()/>
                    <Route path=path!("/gigs/mine") view=MyGigsPage ssr=guarded.clone()/>
                    <Route path=path!("/gigs/training/:training_id") view=TrainingPage ssr=guarded.clone()/>
                    <Route path=path!("/gigs/:job_id") view=GigJobPage ssr=guarded.clone()/>
                    <Route path=path!("/gigs/:job_id/do/:reservation_id") view=GigPage ssr=guarded.clone()/>
                    <Route path=path!("/manage") view=ManagerJobs ssr=guarded.clone()/>
                    <Route path=path!("/manage/jobs/new") view=NewJob ssr=guarded.clone()/>
                    <Route path=path!("/manage/jobs/:id") view=JobPage ssr=guarded.clone()/>
                    <Route path=path!("/manage/jobs/:id/settings") view=JobSettingsPage ssr=guarded.clone()/>
                    <Route path=path!("/manage/jobs/:id/form") view=FormBuilderPage ssr=guarded.clone()/>
                    <Route path=path!("/manage/jobs/:id/units") view=UnitsPage ssr=guarded.clone()/>
                    <Route path=path!("/manage/trainings") view=TrainingList ssr=guarded.clone()/>
                    <Route path=path!("/manage/trainings/:id") view=TrainingEditor ssr=guarded.clone()/>
                    <Route path=path!("/review") view=ReviewQueues ssr=guarded.clone()/>
                    <Route path=path!("/review/:job_id") view=ReviewJobPage ssr=guarded.clone()/>
                    <Route path=path!("/customer") view=CustomerJobs ssr=guarded.clone()/>
                    <Route path=path!("/admin") view=AdminUsers ssr=guarded.clone()/>
                    <Route path=path!("/admin/payouts") view=AdminPayouts ssr=guarded/>
                </Routes>
            </main>
        </Router>
        </I18nContextProvider>
    }
}

/// Signed-in people go to their role's page; everyone else sees how to sign in.
#[component]
fn Home() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Transition fallback=|| ()>
            {move || user.get().map(|result| match result {
                Ok(Some(user)) if user.must_change_password => view! { <Redirect path="/account/password"/> }.into_any(),
                Ok(Some(user)) => view! { <Redirect path=user.role.home_path()/> }.into_any(),
                _ => view! { <Landing/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="hero">
            <h1>{t!(i18n, landing.title)}</h1>
            <p>{t!(i18n, landing.lead)}</p>
            <a class="button primary" href="/signin">{t!(i18n, landing.sign_in)}</a>
            <p class="muted small">{t!(i18n, landing.staff)}<a href="/staff/signin">{t!(i18n, landing.staff_link)}</a></p>
        </section>
    }
}
