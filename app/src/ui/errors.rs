//! How errors reach people: next to the field they concern, or as a panel for the page.

use super::api::take_form_error;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// True when the reader chose Hindi: messages that have Hindi show in it.
pub fn reads_hindi() -> Signal<bool> {
    let i18n = use_i18n();
    Signal::derive(move || i18n.get_locale() == Locale::hi)
}

/// The latest error of a form, from its server action (with JavaScript) or, when the
/// form was posted without JavaScript, from the session (see `error::server::respond`).
/// The page's error left by a form posted without JavaScript.
#[derive(Clone, Copy)]
struct LeftByPost(Resource<Result<Option<AppError>, AppError>>);

#[derive(Clone, Copy)]
pub struct FormErrors {
    latest: Signal<Option<AppError>>,
    hindi: Signal<bool>,
}

/// Reads the error a form posted without JavaScript left in the session, for the
/// `FormErrors` made anywhere below. Pages whose forms sit inside a `Suspense` (rendered
/// once the page's data is in) call it at their top: a resource first made inside that
/// branch is not waited for by the server render, so the error would be taken from the
/// session and never shown.
pub fn read_error_left_by_post() {
    if use_context::<LeftByPost>().is_none() {
        provide_context(LeftByPost(Resource::new(|| (), |_| take_form_error())));
    }
}

impl FormErrors {
    /// Only the error a form posted without JavaScript left: for a form that always
    /// posts so, even once the page has its WASM.
    pub fn left_by_post() -> Self {
        Self::new(Signal::stored(None::<Result<(), AppError>>))
    }

    pub fn new<T, S>(value: S) -> Self
    where
        T: Clone + Send + Sync + 'static,
        S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    {
        // Resolved during the server render (pages render with SsrMode::Async) and
        // carried to the browser with the page, so it is read from the session once;
        // one per page, shared by all its forms (the first reader would take it all).
        read_error_left_by_post();
        let LeftByPost(left_by_post) = expect_context::<LeftByPost>();
        let latest = Signal::derive(move || match value.get() {
            Some(Ok(_)) => None,
            Some(Err(err)) => Some(err),
            None => left_by_post.get().and_then(Result::ok).flatten(),
        });
        FormErrors { latest, hindi: reads_hindi() }
    }

    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            let hindi = self.hindi.get();
            self.latest.get().and_then(|e| e.field_message(name).map(|m| m.in_hindi_if(hindi).to_string()))
        })
    }

    /// Errors not tied to a field (rate limits, outages...).
    pub fn general(self) -> Signal<Option<String>> {
        Signal::derive(move || match self.latest.get() {
            Some(AppError::Invalid { .. }) | None => None,
            Some(other) => Some(other.text(self.hindi.get())),
        })
    }
}

/// The message under an input; `id` is what the input's `aria-describedby` names.
/// Inside a Suspense so that the server render waits for an error left in the session.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            <p class="field-error" id=id.clone() role="alert" hidden=move || message.get().is_none()>
                {move || message.get().unwrap_or_default()}
            </p>
        </Suspense>
    }
}

/// A form-level message (an error that belongs to no single field).
#[component]
pub fn FormAlert(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            <div class="form-alert" role="alert" hidden=move || message.get().is_none()>
                {move || message.get().unwrap_or_default()}
            </div>
        </Suspense>
    }
}

/// A whole-page error: what happened and where to go from here.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let hindi = reads_hindi().get_untracked();
    let say = |en: &'static str, hi: &'static str| if hindi { hi } else { en };
    let home = say("Go to your home page", "अपने होम पेज पर जाएँ");
    let (title, action) = match &error {
        AppError::Unauthenticated => {
            (say("Please sign in", "कृपया साइन इन करें"), Some(("/signin", say("Sign in", "साइन इन"))))
        }
        AppError::PasswordChangeRequired => (
            say("Change your password", "अपना पासवर्ड बदलें"),
            Some(("/account/password", say("Change password", "पासवर्ड बदलें"))),
        ),
        AppError::Forbidden => (say("Not allowed", "अनुमति नहीं है"), Some(("/", home))),
        AppError::NotFound => (say("Not found", "नहीं मिला"), Some(("/", home))),
        _ => (say("Something went wrong", "कुछ गड़बड़ हुई"), None),
    };
    view! {
        <section class="panel error-panel" data-error-status=error.status_code()>
            <h1>{title}</h1>
            <p>{error.text(hindi)}</p>
            {action.map(|(href, label)| view! { <a class="button" href=href>{label}</a> })}
        </section>
    }
}
