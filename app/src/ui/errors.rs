//! How errors reach people: next to the field they concern, or as a panel for the page.

use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The latest error of a form, from its server action (with JavaScript) or from the
/// `?error=…&field=…` the server adds when the form was posted without JavaScript.
#[derive(Clone, Copy)]
pub struct FormErrors {
    latest: Signal<Option<AppError>>,
}

impl FormErrors {
    pub fn new<T, S>(value: S) -> Self
    where
        T: Clone + Send + Sync + 'static,
        S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    {
        let query = use_query_map();
        let latest = Signal::derive(move || match value.get() {
            Some(Ok(_)) => None,
            Some(Err(err)) => Some(err),
            None => query.with(|q| {
                let message = q.get("error")?;
                Some(match q.get("field") {
                    Some(field) => AppError::Invalid { field, message },
                    None => AppError::Conflict(message),
                })
            }),
        });
        FormErrors { latest }
    }

    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || self.latest.get().and_then(|e| e.for_field(name)))
    }

    /// Errors not tied to a field (rate limits, outages...).
    pub fn general(self) -> Signal<Option<String>> {
        Signal::derive(move || match self.latest.get() {
            Some(AppError::Invalid { .. }) | None => None,
            Some(other) => Some(other.to_string()),
        })
    }
}

/// The message under an input; `id` is what the input's `aria-describedby` names.
#[component]
pub fn FieldError(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// A form-level message (an error that belongs to no single field).
#[component]
pub fn FormAlert(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="form-alert" role="alert" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </div>
    }
}

/// A whole-page error: what happened and where to go from here.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let (title, action) = match &error {
        AppError::Unauthenticated => ("Please sign in", Some(("/signin", "Sign in"))),
        AppError::PasswordChangeRequired => {
            ("Change your password", Some(("/account/password", "Change password")))
        }
        AppError::Forbidden => ("Not allowed", Some(("/", "Go to your home page"))),
        AppError::NotFound => ("Not found", Some(("/", "Go to your home page"))),
        _ => ("Something went wrong", None),
    };
    view! {
        <section class="panel error-panel" data-error-status=error.status_code()>
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            {action.map(|(href, label)| view! { <a class="button" href=href>{label}</a> })}
        </section>
    }
}
