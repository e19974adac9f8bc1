//! The form's fields in the browser: answers read from the server-rendered inputs as the
//! gigger changes them, checked by the shared validator (errors and conditions shown at
//! once), photos downscaled and kept on the device, the location, and the draft saved on
//! the device and put back after a reload.

use super::{listen, Gig};
use crate::forms::view::location_button_text;
use crate::forms::{capture_location, Answer, Field, FieldKind};
use crate::gigs::pages::{outbox, submit};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

pub(super) fn start(gig: &Rc<Gig>) {
    let form: &web_sys::EventTarget = gig.root.unchecked_ref();
    // One listener for every input (the browser sends their events up to the form).
    for event in ["input", "change"] {
        let gig = gig.clone();
        listen(form, event, move |event: web_sys::Event| {
            let Some((field, target)) = field_of_event(&gig, &event) else { return };
            match &field.kind {
                FieldKind::Photo { .. } if event.type_() == "change" => {
                    take_photos(&gig, field.key.clone(), target.unchecked_into())
                }
                FieldKind::Photo { .. } | FieldKind::Location { .. } | FieldKind::Instruction { .. } => {}
                _ => {
                    let answer = read_input(&gig, &field);
                    set_answer(&gig, &field.key, answer);
                }
            }
        });
    }
    let clicked = gig.clone();
    listen(form, "click", move |event: web_sys::Event| {
        let Some((field, target)) = field_of_event(&clicked, &event) else { return };
        if matches!(field.kind, FieldKind::Location { .. })
            && target.closest("button").ok().flatten().is_some()
        {
            locate(&clicked, field.key.clone());
        }
    });
    restore_draft(gig);
    refresh(gig);
}

/// The field an event happened in, and the element it happened on.
fn field_of_event(gig: &Gig, event: &web_sys::Event) -> Option<(Field, Element)> {
    let target: Element = event.target()?.dyn_into().ok()?;
    let key = target.closest("[data-field]").ok()??.get_attribute("data-field")?;
    Some((gig.props.form.field(&key)?.clone(), target))
}

/// The server-rendered wrapper of a field (`<div class="gig-field" data-field=KEY>`).
/// Keys are letters, digits and underscores (forms::schema), safe in a selector.
fn field_element(gig: &Gig, key: &str) -> Option<Element> {
    gig.root.query_selector(&format!("[data-field=\"{key}\"]")).ok()?
}

fn inputs(wrapper: &Element, selector: &str) -> Vec<HtmlInputElement> {
    let Ok(list) = wrapper.query_selector_all(selector) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into().ok()).collect()
}

/// A text, number, date or choice field's answer, as its inputs now stand.
fn read_input(gig: &Gig, field: &Field) -> Option<Answer> {
    let wrapper = field_element(gig, &field.key)?;
    let value = || -> Option<String> {
        let control = wrapper.query_selector("input, textarea").ok()??;
        match control.dyn_ref::<HtmlTextAreaElement>() {
            Some(area) => Some(area.value()),
            None => Some(control.dyn_into::<HtmlInputElement>().ok()?.value()),
        }
    };
    let checked = || -> Vec<String> {
        inputs(&wrapper, "input:checked").into_iter().map(|input| input.value()).collect()
    };
    match &field.kind {
        FieldKind::ShortText { .. } | FieldKind::LongText { .. } | FieldKind::Phone | FieldKind::Email => {
            value().filter(|v| !v.trim().is_empty()).map(Answer::Text)
        }
        FieldKind::Number { .. } => value()?.trim().parse::<f64>().ok().map(Answer::Number),
        FieldKind::Date => value().filter(|v| !v.is_empty()).map(Answer::Date),
        FieldKind::YesNo => checked().first().map(|v| Answer::YesNo(v == "yes")),
        FieldKind::SingleChoice { .. } => checked().into_iter().next().map(Answer::Choice),
        FieldKind::MultipleChoice { .. } => Some(checked()).filter(|c| !c.is_empty()).map(Answer::Choices),
        FieldKind::Photo { .. } | FieldKind::Location { .. } | FieldKind::Instruction { .. } => None,
    }
}

/// Records a field's new answer (none: emptied), then shows what follows from it.
pub(super) fn set_answer(gig: &Gig, key: &str, answer: Option<Answer>) {
    gig.touched.borrow_mut().insert(key.to_string());
    {
        let mut answers = gig.answers.borrow_mut();
        match answer {
            Some(answer) => answers.insert(key.to_string(), answer),
            None => answers.remove(key),
        };
    }
    refresh(gig);
}

/// Shows and hides fields by their conditions and each field's error (for fields the
/// gigger touched, or all once they tried to submit), and saves the draft.
pub(super) fn refresh(gig: &Gig) {
    let answers = gig.answers.borrow();
    let schema = &gig.props.form;
    let errors = schema.validate(&answers).err().unwrap_or_default();
    let touched = gig.touched.borrow();
    for field in schema.fields() {
        if let Some(wrapper) = field_element(gig, &field.key) {
            set_hidden(&wrapper, !schema.is_visible(field, &answers));
        }
        let shown = gig.show_all_errors.get() || touched.contains(&field.key);
        let message =
            errors.iter().find(|e| e.field == field.key).filter(|_| shown).map(|e| e.message(gig.lang));
        if let Some(slot) = by_id(&format!("answer-{}-error", field.key)) {
            slot.set_text_content(message.as_deref());
            set_hidden(&slot, message.is_none());
        }
    }
    if gig.restored.get() {
        submit::save_draft(gig.props.job_id, gig.props.reservation_id, &answers);
    }
}

pub(super) fn set_hidden(element: &Element, hidden: bool) {
    set_flag(element, "hidden", hidden);
}

pub(super) fn set_disabled(element: &Element, disabled: bool) {
    set_flag(element, "disabled", disabled);
}

/// Sets or removes a boolean attribute.
fn set_flag(element: &Element, name: &str, on: bool) {
    let _ = if on { element.set_attribute(name, "") } else { element.remove_attribute(name) };
}

fn by_id(id: &str) -> Option<Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// Puts back what was typed on this device at once, and the photo answers once their
/// photos are read back from the outbox; saving starts after that.
fn restore_draft(gig: &Rc<Gig>) {
    let (job_id, reservation_id) = (gig.props.job_id, gig.props.reservation_id);
    let saved = submit::load_draft(job_id, reservation_id).unwrap_or_default();
    for (key, answer) in &saved {
        if !matches!(answer, Answer::Photos(_)) && gig.props.form.field(key).is_some() {
            show_answer(gig, key, answer);
            gig.answers.borrow_mut().insert(key.clone(), answer.clone());
        }
    }
    let gig = gig.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let slot = gig.slot();
        let photos = outbox::photos_of(&slot).await;
        let found: std::collections::HashSet<String> = photos.iter().map(|p| p.id.clone()).collect();
        photos.into_iter().for_each(submit::keep_photo);
        for (key, answer) in saved {
            let Answer::Photos(ids) = answer else { continue };
            let ids: Vec<String> = ids.into_iter().filter(|id| found.contains(id)).collect();
            if !ids.is_empty() && !gig.answers.borrow().contains_key(&key) {
                let answer = Answer::Photos(ids);
                show_answer(&gig, &key, &answer);
                gig.answers.borrow_mut().insert(key, answer);
            }
        }
        gig.restored.set(true);
        refresh(&gig);
        super::sending::after_restore(&gig).await;
    });
}

/// Writes a saved answer back into the field's inputs.
fn show_answer(gig: &Gig, key: &str, answer: &Answer) {
    let Some(wrapper) = field_element(gig, key) else { return };
    match answer {
        Answer::Text(text) | Answer::Date(text) => {
            if let Ok(Some(control)) = wrapper.query_selector("input, textarea") {
                match control.dyn_ref::<HtmlTextAreaElement>() {
                    Some(area) => area.set_value(text),
                    None => control.unchecked_ref::<HtmlInputElement>().set_value(text),
                }
            }
        }
        Answer::Number(number) => {
            if let Some(input) = inputs(&wrapper, "input").first() {
                input.set_value_as_number(*number);
            }
        }
        Answer::YesNo(_) | Answer::Choice(_) | Answer::Choices(_) => {
            let values: Vec<&str> = match answer {
                Answer::YesNo(true) => vec!["yes"],
                Answer::YesNo(false) => vec!["no"],
                Answer::Choice(value) => vec![value.as_str()],
                Answer::Choices(values) => values.iter().map(String::as_str).collect(),
                _ => vec![],
            };
            for input in inputs(&wrapper, "input") {
                input.set_checked(values.contains(&input.value().as_str()));
            }
        }
        Answer::Photos(ids) => show_photo_count(&wrapper, ids.len()),
        Answer::Location(point) => {
            if let Ok(Some(value)) = wrapper.query_selector("[data-testid=location-value]") {
                value.set_text_content(Some(&format!(
                    "{}, {} (\u{b1}{} m)",
                    decimals(point.latitude, 5),
                    decimals(point.longitude, 5),
                    decimals(point.accuracy_m, 0)
                )));
            }
        }
    }
}

fn show_photo_count(wrapper: &Element, count: usize) {
    if let Ok(Some(label)) = wrapper.query_selector(".photo-count") {
        let text = if count > 0 { format!("\u{2713} {count}") } else { String::new() };
        label.set_text_content(Some(&text));
    }
}

/// `value` rounded to `places` decimals ("12.97160"), written out by hand: the standard
/// float formatting would add its whole machinery to the phone's download for three numbers.
fn decimals(value: f64, places: u32) -> String {
    let scale = 10u64.pow(places);
    let scaled = (value.abs() * scale as f64).round() as u64;
    let sign = if value < 0.0 && scaled > 0 { "-" } else { "" };
    let (whole, fraction) = (scaled / scale, scaled % scale);
    if places == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:0width$}", width = places as usize)
    }
}

/// The photos the gigger just took: each downscaled to a JPEG of at most 1600 px, kept
/// in the outbox (a reload keeps it) and in memory, then the field answers with their ids.
fn take_photos(gig: &Rc<Gig>, key: String, input: HtmlInputElement) {
    let files: Vec<web_sys::File> = input
        .files()
        .map(|files| (0..files.length()).filter_map(|i| files.get(i)).collect())
        .unwrap_or_default();
    let problem = gig.root.query_selector(".photo-problem").ok().flatten();
    if let Some(problem) = &problem {
        set_hidden(problem, true);
    }
    let gig = gig.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let slot = gig.slot();
        let mut ids = Vec::new();
        for file in files {
            let original_head = file.slice_with_i32_and_i32(0, submit::ORIGINAL_HEAD_BYTES).ok();
            match crate::photos::browser::downscale_to_jpeg(file, crate::photos::MAX_SIDE_PX, 0.85).await {
                Ok(jpeg) => {
                    let photo = submit::KeptPhoto { id: submit::random_uuid(), jpeg, original_head };
                    outbox::keep_photo(&slot, &photo).await;
                    ids.push(photo.id.clone());
                    submit::keep_photo(photo);
                }
                Err(message) => {
                    if let Some(problem) = &problem {
                        problem.set_text_content(Some(&message));
                        set_hidden(problem, false);
                    }
                }
            }
        }
        if let Some(wrapper) = field_element(&gig, &key) {
            show_photo_count(&wrapper, ids.len());
        }
        set_answer(&gig, &key, (!ids.is_empty()).then_some(Answer::Photos(ids)));
    });
}

/// "Capture my location": asks the phone, then the field answers with the position.
fn locate(gig: &Rc<Gig>, key: String) {
    let Some(wrapper) = field_element(gig, &key) else { return };
    let Ok(Some(button)) = wrapper.query_selector("button") else { return };
    let Ok(Some(problem)) = wrapper.query_selector(".field-error") else { return };
    let lang = gig.lang;
    let busy = move |button: &Element, busy: bool| {
        set_disabled(button, busy);
        button.set_text_content(Some(location_button_text(lang, busy)));
    };
    busy(&button, true);
    set_hidden(&problem, true);
    let gig = gig.clone();
    capture_location(move |result| {
        busy(&button, false);
        match result {
            Ok(point) => {
                let answer = Answer::Location(point);
                show_answer(&gig, &key, &answer);
                set_answer(&gig, &key, Some(answer));
            }
            Err(message) => {
                problem.set_text_content(Some(&message));
                set_hidden(&problem, false);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::decimals;

    #[test]
    fn decimals_read_as_the_standard_formatting_writes_them() {
        for (value, places) in [(12.9716, 5), (77.594_649, 5), (-12.3, 5), (12.0, 0), (11.6, 0), (0.0, 5)] {
            assert_eq!(decimals(value, places), format!("{value:.places$}", places = places as usize));
        }
        // No "-0.00000" for a value that rounds to zero.
        assert_eq!(decimals(-0.000_004, 5), "0.00000");
    }
}
