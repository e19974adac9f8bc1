//! Taking a training: reading it, answering its quiz, being certified on a pass. The
//! server scores every attempt and enforces the attempt count and the cooldown; the
//! right answers never leave it.

use crate::error::{AppError, Message};
use crate::gigs::{QuizQuestion, QuizResult, TrainingNeed, TrainingToTake};
use crate::training::server as trainings;
use crate::training::Training;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

struct Attempts {
    count: i16,
    last: Option<(DateTime<Utc>, bool, i16, Vec<usize>)>,
    certified: bool,
}

async fn attempts(
    conn: &mut PgConnection,
    gigger_id: i64,
    training_id: i64,
) -> Result<Attempts, sqlx::Error> {
    let count: i64 =
        sqlx::query_scalar("select count(*) from training_attempts where user_id = $1 and training_id = $2")
            .bind(gigger_id)
            .bind(training_id)
            .fetch_one(&mut *conn)
            .await?;
    let last: Option<(DateTime<Utc>, bool, i16, serde_json::Value)> = sqlx::query_as(
        "select at, passed, score_percent, answers->'wrong' from training_attempts
         where user_id = $1 and training_id = $2 order by id desc limit 1",
    )
    .bind(gigger_id)
    .bind(training_id)
    .fetch_optional(&mut *conn)
    .await?;
    let certified: bool = sqlx::query_scalar(
        "select exists (select 1 from certifications where user_id = $1 and training_id = $2)",
    )
    .bind(gigger_id)
    .bind(training_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Attempts {
        count: i16::try_from(count).unwrap_or(i16::MAX),
        last: last.map(|(at, passed, score, wrong)| {
            (at, passed, score, serde_json::from_value(wrong).unwrap_or_default())
        }),
        certified,
    })
}

/// Where the gigger stands; `retry_after` only while the cooldown lasts at `now`.
fn need(training: &Training, attempts: &Attempts, now: DateTime<Utc>) -> TrainingNeed {
    if attempts.certified {
        return TrainingNeed::Certified;
    }
    let attempts_left = (training.max_attempts - attempts.count).max(0);
    if attempts_left == 0 {
        return TrainingNeed::Exhausted { training_id: training.id, title: training.title.clone() };
    }
    let retry_after = attempts
        .last
        .as_ref()
        .filter(|(_, passed, _, _)| !passed)
        .map(|(at, _, _, _)| *at + chrono::Duration::minutes(i64::from(training.cooldown_minutes)))
        .filter(|at| *at > now);
    TrainingNeed::Required {
        training_id: training.id,
        title: training.title.clone(),
        attempts_left,
        retry_after,
    }
}

fn last_result(training: &Training, attempts: &Attempts) -> Option<QuizResult> {
    let (at, passed, score, wrong) = attempts.last.clone()?;
    let retry_after = (!passed).then(|| at + chrono::Duration::minutes(i64::from(training.cooldown_minutes)));
    Some(QuizResult {
        score_percent: score,
        passed,
        wrong,
        attempts_left: (training.max_attempts - attempts.count).max(0),
        retry_after,
    })
}

/// Where the gigger stands with a job's training (`None` when the job needs none).
pub async fn need_for(
    conn: &mut PgConnection,
    pool: &PgPool,
    gigger_id: i64,
    training_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<TrainingNeed, AppError> {
    let Some(training_id) = training_id else { return Ok(TrainingNeed::None) };
    let training = trainings::load(pool, training_id).await?;
    let attempts = attempts(conn, gigger_id, training_id).await?;
    Ok(need(&training, &attempts, now))
}

/// Giggers may read a training that a live job requires.
async fn require_offered(pool: &PgPool, training_id: i64) -> Result<Training, AppError> {
    let offered: bool = sqlx::query_scalar(
        "select exists (select 1 from jobs where training_id = $1 and status = 'live' and archived_at is null)",
    )
    .bind(training_id)
    .fetch_one(pool)
    .await?;
    if !offered {
        return Err(AppError::NotFound);
    }
    trainings::load(pool, training_id).await
}

pub async fn to_take(
    pool: &PgPool,
    gigger_id: i64,
    training_id: i64,
    now: DateTime<Utc>,
) -> Result<TrainingToTake, AppError> {
    let training = require_offered(pool, training_id).await?;
    let mut conn = pool.acquire().await?;
    let attempts = attempts(&mut conn, gigger_id, training_id).await?;
    Ok(TrainingToTake {
        training_id,
        title: training.title.clone(),
        blocks: training.content.blocks.clone(),
        questions: training
            .content
            .questions
            .iter()
            .map(|q| QuizQuestion {
                prompt: q.prompt.clone(),
                options: q.options.clone(),
                multiple: q.multiple,
            })
            .collect(),
        pass_mark_percent: training.pass_mark_percent,
        need: need(&training, &attempts, now),
        last_result: last_result(&training, &attempts),
        server_now: now,
    })
}

/// Scores one attempt. Refused when certified already, out of attempts, or within the
/// cooldown after a failed attempt; each answer must name options that exist.
pub async fn attempt(
    pool: &PgPool,
    gigger_id: i64,
    training_id: i64,
    answers: &[Vec<usize>],
    now: DateTime<Utc>,
) -> Result<QuizResult, AppError> {
    let training = require_offered(pool, training_id).await?;
    let questions = &training.content.questions;
    if answers.len() != questions.len() {
        return Err(AppError::invalid(
            "answers",
            Message::both("Answer every question.", "हर सवाल का जवाब दें।"),
        ));
    }
    for (n, (given, question)) in answers.iter().zip(questions).enumerate() {
        if given.is_empty() {
            let message = Message::both(
                format!("Question {}: choose an answer.", n + 1),
                format!("सवाल {}: एक जवाब चुनें।", n + 1),
            );
            return Err(AppError::invalid("answers", message));
        }
        if given.iter().any(|&i| i >= question.options.len()) || (!question.multiple && given.len() > 1) {
            let message = Message::both(
                format!("Question {}: that answer is not one of the choices.", n + 1),
                format!("सवाल {}: यह जवाब दिए गए विकल्पों में से नहीं है।", n + 1),
            );
            return Err(AppError::invalid("answers", message));
        }
    }
    let mut tx = pool.begin().await?;
    // One attempt at a time per gigger: the count and cooldown checks then hold.
    sqlx::query("select 1 from gigger_profiles where user_id = $1 for update")
        .bind(gigger_id)
        .execute(&mut *tx)
        .await?;
    let before = attempts(&mut tx, gigger_id, training_id).await?;
    match need(&training, &before, now) {
        TrainingNeed::Certified => {
            return Err(AppError::conflict(
                "You have passed this training already.",
                "आप यह ट्रेनिंग पहले ही पास कर चुके हैं।",
            ))
        }
        TrainingNeed::Exhausted { .. } => {
            return Err(AppError::conflict(
                "You have used every attempt at this quiz.",
                "आप इस क्विज़ के सभी मौके इस्तेमाल कर चुके हैं।",
            ))
        }
        TrainingNeed::Required { retry_after: Some(at), .. } if at > now => {
            let india = at + chrono::Duration::minutes(330);
            return Err(AppError::conflict(
                format!("You can try again after {} (India time).", india.format("%H:%M on %d %b")),
                format!("आप {} (भारतीय समय) के बाद फिर कोशिश कर सकते हैं।", india.format("%d/%m, %H:%M")),
            ));
        }
        _ => {}
    }
    let (score, wrong) = training.content.score(answers);
    let passed = i16::from(score) >= training.pass_mark_percent;
    sqlx::query(
        "insert into training_attempts (user_id, training_id, training_version, answers, score_percent, passed, at)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(gigger_id)
    .bind(training_id)
    .bind(training.version)
    .bind(serde_json::json!({ "given": answers, "wrong": wrong }))
    .bind(i16::from(score))
    .bind(passed)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if passed {
        sqlx::query(
            "insert into certifications (user_id, training_id, certified_at, score_percent) values ($1, $2, $3, $4)
             on conflict do nothing",
        )
        .bind(gigger_id)
        .bind(training_id)
        .bind(now)
        .bind(i16::from(score))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    let attempts_left = (training.max_attempts - before.count - 1).max(0);
    Ok(QuizResult {
        score_percent: i16::from(score),
        passed,
        wrong,
        attempts_left,
        retry_after: (!passed && attempts_left > 0)
            .then(|| now + chrono::Duration::minutes(i64::from(training.cooldown_minutes))),
    })
}
