//! Instant checks on the gigger's plain forms (sign-in, profile), with the server's own
//! parsers, as soon as a field changes: its message shows under it and the browser does
//! not send the form while it stands. The forms themselves are server-rendered and post
//! without JavaScript (ui/island.rs); this island only adds the check, so it has no
//! markup of its own and little code.

use crate::accounts::{OtpCode, Phone};
use crate::gigs::profile::{Pincode, UpiId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Which parser checks a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Check {
    Phone,
    OtpCode,
    Pincode,
    /// Optional: an empty field passes.
    UpiId,
}

impl Check {
    /// What is wrong with `value`, in Hindi if `hindi` and the message has it; `None`
    /// when it parses.
    pub fn problem(self, value: &str, hindi: bool) -> Option<String> {
        match self {
            Check::Phone => Phone::parse(value).err().map(|e| e.told().in_hindi_if(hindi).to_string()),
            Check::OtpCode => OtpCode::parse(value).err().map(|m| m.in_hindi_if(hindi).to_string()),
            Check::Pincode => Pincode::parse(value).err().map(String::from),
            Check::UpiId if value.trim().is_empty() => None,
            Check::UpiId => UpiId::parse(value).err().map(String::from),
        }
    }
}

/// Checks the page's input `input_id`: on every keystroke its validity (so the browser
/// will not submit an invalid value), and when it changes the message in the field's
/// error line (`{input_id}-error`, a `FieldError`), else the server's message there.
#[island]
pub fn InstantCheck(input_id: String, check: Check) -> impl IntoView {
    super::island::enter();
    #[cfg(feature = "hydrate")]
    attach(&input_id, check, super::reads_hindi().get_untracked());
    #[cfg(not(feature = "hydrate"))]
    let _ = (input_id, check);
}

#[cfg(feature = "hydrate")]
fn attach(input_id: &str, check: Check, hindi: bool) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let document = document();
    let Some(input) =
        document.get_element_by_id(input_id).and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let message = document.get_element_by_id(&format!("{input_id}-error"));
    // The server's word on the last value sent (a wrong code, say) stays until this check
    // has something to say instead: hiding it as the field loses focus would move the
    // button under the finger between press and release, and the tap would be lost.
    let from_server = message.as_ref().and_then(|line| line.text_content()).filter(|text| !text.is_empty());
    let target = input.clone();
    let on_event = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
        let problem = check.problem(&target.value(), hindi);
        target.set_custom_validity(problem.as_deref().unwrap_or(""));
        if event.type_() == "change" {
            if let Some(line) = &message {
                let shown = problem.as_deref().or(from_server.as_deref());
                line.set_text_content(shown);
                let _ = line.toggle_attribute_with_force("hidden", shown.is_none());
            }
        }
    });
    for kind in ["input", "change"] {
        let _ = input.add_event_listener_with_callback(kind, on_event.as_ref().unchecked_ref());
    }
    // Lives as long as the page, as the input does.
    on_event.forget();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_check_uses_the_servers_parser() {
        assert!(Check::Phone.problem("98765 43210", false).is_none());
        assert!(Check::Phone.problem("12345", false).unwrap().contains("10-digit"));
        assert!(Check::OtpCode.problem("123 456", false).is_none());
        assert!(Check::OtpCode.problem("12", false).is_some());
        assert!(Check::Pincode.problem("560001", false).is_none());
        assert!(Check::Pincode.problem("5600", false).unwrap().contains("6-digit"));
        assert!(Check::UpiId.problem("", false).is_none());
        assert!(Check::UpiId.problem("name@okbank", false).is_none());
        assert!(Check::UpiId.problem("not a upi", false).is_some());
    }

    #[test]
    fn phone_problems_come_in_hindi_when_asked() {
        let hindi = Check::Phone.problem("12345", true).unwrap();
        assert!(hindi.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)), "{hindi}");
    }
}
