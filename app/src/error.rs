//! The one error type every server function returns. It travels to the browser, so each
//! variant carries only a user-safe message; internal causes are logged on the server
//! (see `error::server`) and never serialised.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What a person is told, in English and, for what giggers read, in Hindi too. Pages show
/// the reader's language (`AppError::text`); a message without Hindi (staff tools) shows
/// in English. The Hindi is written next to the English where the message is made, on the
/// server, so none of it weighs on the WASM.
///
/// On the wire an English-only message is a plain string, as before Hindi was added (API
/// clients of the staff tools see no change); one with Hindi is `{"en": .., "hi": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "MessageWire", into = "MessageWire")]
pub struct Message {
    pub en: String,
    pub hi: String,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum MessageWire {
    English(String),
    Both { en: String, hi: String },
}

impl From<MessageWire> for Message {
    fn from(wire: MessageWire) -> Message {
        match wire {
            MessageWire::English(en) => Message { en, hi: String::new() },
            MessageWire::Both { en, hi } => Message { en, hi },
        }
    }
}

impl From<Message> for MessageWire {
    fn from(message: Message) -> MessageWire {
        if message.hi.is_empty() {
            MessageWire::English(message.en)
        } else {
            MessageWire::Both { en: message.en, hi: message.hi }
        }
    }
}

impl Message {
    pub fn both(en: impl Into<String>, hi: impl Into<String>) -> Message {
        Message { en: en.into(), hi: hi.into() }
    }

    /// The Hindi if asked for and written, else the English.
    pub fn in_hindi_if(&self, hindi: bool) -> &str {
        if hindi && !self.hi.is_empty() {
            &self.hi
        } else {
            &self.en
        }
    }
}

impl From<&str> for Message {
    fn from(en: &str) -> Message {
        Message { en: en.into(), hi: String::new() }
    }
}

impl From<String> for Message {
    fn from(en: String) -> Message {
        Message { en, hi: String::new() }
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("Please change your temporary password first.")]
    PasswordChangeRequired,
    #[error("You do not have access to this page.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    /// Bad input, tied to the form field it came from so the page can show it there.
    #[error("{message}")]
    Invalid { field: String, message: Message },
    #[error("{0}")]
    TooManyRequests(Message),
    #[error("{0}")]
    Conflict(Message),
    /// A service we depend on (the SMS gateway, say) is not answering.
    #[error("{0}")]
    Unavailable(Message),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request never reached the function (network down, malformed arguments).
    #[error("Could not reach the server: {0}")]
    Transport(String),
}

impl AppError {
    pub fn invalid(field: &str, message: impl Into<Message>) -> Self {
        AppError::Invalid { field: field.to_string(), message: message.into() }
    }

    /// A refusal a gigger reads, in both languages.
    pub fn conflict(en: impl Into<String>, hi: impl Into<String>) -> Self {
        AppError::Conflict(Message::both(en, hi))
    }

    /// What the reader is told, in Hindi when `hindi` and the message has it.
    pub fn text(&self, hindi: bool) -> String {
        let fixed = |en: &str, hi: &str| if hindi { hi.to_string() } else { en.to_string() };
        match self {
            AppError::Invalid { message, .. }
            | AppError::TooManyRequests(message)
            | AppError::Conflict(message)
            | AppError::Unavailable(message) => message.in_hindi_if(hindi).to_string(),
            AppError::Unauthenticated => fixed("Please sign in to continue.", "आगे बढ़ने के लिए साइन इन करें।"),
            AppError::PasswordChangeRequired => {
                fixed("Please change your temporary password first.", "पहले अपना अस्थायी पासवर्ड बदलें।")
            }
            AppError::Forbidden => fixed("You do not have access to this page.", "यह पेज आपके लिए नहीं है।"),
            AppError::NotFound => fixed("Not found.", "यह नहीं मिला।"),
            AppError::Internal => fixed(
                "Something went wrong on our side. Please try again.",
                "हमारी ओर से कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।",
            ),
            AppError::Transport(cause) => {
                if hindi {
                    format!("सर्वर तक नहीं पहुँच सके: {cause}")
                } else {
                    self.to_string()
                }
            }
        }
    }

    /// The HTTP status the server answers with for this error.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::PasswordChangeRequired | AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Invalid { .. } => 422,
            AppError::TooManyRequests(_) => 429,
            AppError::Transport(_) => 400,
            AppError::Internal => 500,
            AppError::Unavailable(_) => 503,
        }
    }

    /// The message for one form field, if this error is about it (in English; pages
    /// for giggers use `field_message` and pick the language).
    pub fn for_field(&self, name: &str) -> Option<String> {
        self.field_message(name).map(|message| message.en.clone())
    }

    pub fn field_message(&self, name: &str) -> Option<&Message> {
        match self {
            AppError::Invalid { field, message } if field == name => Some(message),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::Transport(format!("bad request ({msg})"))
            }
            ServerFnErrorErr::Request(msg) => AppError::Transport(msg),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
pub mod server {
    //! Server half: status codes on the response, and conversions that log the cause.
    use super::AppError;

    /// Session key of the error a plain HTML form post left for its page to show.
    pub const FORM_ERROR_KEY: &str = "form_error";

    /// Runs a server function body; on error, sets the response status to match it.
    /// A plain HTML form post (no JavaScript yet) is instead sent back to the form's
    /// page, with the error kept in the session for that page to show once
    /// (`ui::api::take_form_error`): forms work before hydration. The message never
    /// travels in the URL, where anyone could write a link that shows their own text.
    pub async fn respond<T>(
        body: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        use axum::http::{header, HeaderValue, Method, StatusCode};
        let result = body.await;
        let Err(err) = &result else { return result };
        let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else {
            return result;
        };
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>();
        let back_to_form = parts.as_ref().and_then(|parts| {
            let accepts_html = parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"));
            if parts.method != Method::POST || !accepts_html {
                return None;
            }
            let referer = parts.headers.get(header::REFERER)?.to_str().ok()?;
            Some(local_path(referer)?.to_string())
        });
        let back_to_form = match back_to_form {
            Some(url) => match leptos_axum::extract::<tower_sessions::Session>().await {
                Ok(session) if session.insert(FORM_ERROR_KEY, err).await.is_ok() => Some(url),
                _ => None,
            },
            None => None,
        };
        match back_to_form.and_then(|url| HeaderValue::from_str(&url).ok()) {
            Some(location) => {
                options.insert_header(header::LOCATION, location);
                options.set_status(StatusCode::SEE_OTHER);
            }
            None => {
                if let Ok(status) = StatusCode::from_u16(err.status_code()) {
                    options.set_status(status);
                }
            }
        }
        result
    }

    /// The path and query of a same-site URL (never another host: no open redirect).
    pub(crate) fn local_path(url: &str) -> Option<&str> {
        let after_scheme = url.split_once("://").map(|(_, rest)| rest)?;
        let path = &after_scheme[after_scheme.find('/')?..];
        (!path.starts_with("//")).then_some(path)
    }

    /// Logs an unexpected failure with its cause chain and returns the opaque error.
    pub fn internal(context: &str, err: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            internal("database error", err)
        }
    }

    impl From<tower_sessions::session::Error> for AppError {
        fn from(err: tower_sessions::session::Error) -> Self {
            internal("session store error", err)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn only_same_site_paths_are_kept() {
            assert_eq!(local_path("http://127.0.0.1:3000/signin?x=1"), Some("/signin?x=1"));
            assert_eq!(local_path("https://evil.example//evil.example/"), None);
            assert_eq!(local_path("/relative"), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_error_never_carries_details() {
        let json = serde_json::to_string(&AppError::Internal).unwrap();
        assert_eq!(json, "\"Internal\"");
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn invalid_points_at_its_field() {
        let err = AppError::invalid("phone", "Enter a 10-digit mobile number.");
        assert_eq!(err.for_field("phone").as_deref(), Some("Enter a 10-digit mobile number."));
        assert_eq!(err.for_field("code"), None);
        assert_eq!(err.status_code(), 422);
    }

    #[test]
    fn a_message_shows_in_hindi_where_it_has_hindi() {
        let both = AppError::conflict("Every gig is taken.", "सभी गिग ले लिए गए हैं।");
        assert_eq!(both.text(true), "सभी गिग ले लिए गए हैं।");
        assert_eq!(both.text(false), "Every gig is taken.");
        assert_eq!(both.to_string(), "Every gig is taken.");
        let english_only = AppError::invalid("title", "Enter a title.");
        assert_eq!(english_only.text(true), "Enter a title.");
        assert_eq!(AppError::NotFound.text(true), "यह नहीं मिला।");
        // English only stays a plain string on the wire; both round-trip.
        let json = serde_json::to_string(&english_only).unwrap();
        assert_eq!(json, r#"{"Invalid":{"field":"title","message":"Enter a title."}}"#);
        let json = serde_json::to_string(&both).unwrap();
        assert_eq!(json, r#"{"Conflict":{"en":"Every gig is taken.","hi":"सभी गिग ले लिए गए हैं।"}}"#);
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), both);
    }
}
