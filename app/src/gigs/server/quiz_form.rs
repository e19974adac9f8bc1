//! The quiz as a plain HTML form post, for a phone whose WASM has not arrived yet (or
//! never will on a bad connection). It scores with the same `training::attempt` as the
//! `take_quiz` server function, then sends the gigger back to the training page: with
//! `tried=1`, which shows the score and the wrong answers, or with the refusal kept in the
//! session for the page to show once (as every form posted without JavaScript does,
//! `error::server::respond`).

use super::training;
use crate::accounts::server::auth;
use crate::accounts::Role;
use crate::error::{server::FORM_ERROR_KEY, AppError, Message};
use crate::state::AppState;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use tower_sessions::Session;

/// More questions than any quiz has; bounds what a forged form can make us allocate.
const MAX_QUESTIONS: usize = 200;

/// `POST /api/gigs/training/{training_id}/quiz` with fields `q<question>=<option>` (one
/// per ticked option, numbered from 0) and `job` (the job page to return to).
pub async fn handler(
    State(state): State<AppState>,
    session: Session,
    Path(training_id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let job = fields.iter().find(|(name, _)| name == "job").and_then(|(_, id)| id.parse::<i64>().ok());
    let page = match job {
        Some(job) => format!("/gigs/training/{training_id}?job={job}"),
        None => format!("/gigs/training/{training_id}?"),
    };
    let result = async {
        let gigger = auth::require_in_session(&state, &session, &[Role::Gigger]).await?;
        let answers = answers_from_form(&fields)?;
        training::attempt(&state.pool, gigger.id, training_id, &answers, state.clock.now()).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{page}&tried=1")).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/signin").into_response(),
        Err(error) => {
            if let Err(err) = session.insert(FORM_ERROR_KEY, &error).await {
                tracing::warn!(error = %err, "could not keep a quiz refusal for its page");
            }
            Redirect::to(&page).into_response()
        }
    }
}

/// The ticked options per question, in question order; an unanswered question in the
/// middle is an empty list (which `attempt` refuses by number).
fn answers_from_form(fields: &[(String, String)]) -> Result<Vec<Vec<usize>>, AppError> {
    let unreadable = || {
        AppError::invalid("answers", Message::both("The answers could not be read.", "जवाब पढ़े नहीं जा सके।"))
    };
    let mut by_question: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (name, value) in fields {
        let Some(question) = name.strip_prefix('q') else { continue };
        let question: usize = question.parse().map_err(|_| unreadable())?;
        let option: usize = value.parse().map_err(|_| unreadable())?;
        if question >= MAX_QUESTIONS {
            return Err(unreadable());
        }
        by_question.entry(question).or_default().push(option);
    }
    let count = by_question.keys().next_back().map_or(0, |last| last + 1);
    Ok((0..count).map(|i| by_question.remove(&i).unwrap_or_default()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn ticked_options_become_answers_in_question_order() {
        let answers =
            answers_from_form(&form(&[("job", "7"), ("q1", "2"), ("q0", "1"), ("q1", "0")])).unwrap();
        assert_eq!(answers, vec![vec![1], vec![2, 0]]);
        let gap = answers_from_form(&form(&[("q0", "1"), ("q2", "0")])).unwrap();
        assert_eq!(
            gap,
            vec![vec![1], vec![], vec![0]],
            "a skipped question is left empty for attempt to refuse"
        );
        assert!(answers_from_form(&form(&[("qx", "1")])).is_err());
        assert!(answers_from_form(&form(&[("q0", "one")])).is_err());
        assert!(answers_from_form(&form(&[("q100000000", "0")])).is_err(), "no huge allocations");
    }
}
