//! Review queues, claims under a lease, the item a reviewer sees, decisions on a claimed
//! item, bulk approval, and the photo endpoint.

use super::{reason_text, ReviewItem, ReviewQueue, ShownAnswer, CLAIM_MINUTES};
use crate::error::AppError;
use crate::forms::{Answer, Answers, FieldKind, FormSchema, Lang};
use crate::pipeline::qc::{CheckCode, CheckResult};
use crate::pipeline::server::queue;
use crate::pipeline::Stage;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Jobs with submissions in review, the longest-waiting first.
pub async fn queues(pool: &PgPool) -> Result<Vec<ReviewQueue>, AppError> {
    let rows: Vec<(i64, String, i64, DateTime<Utc>)> = sqlx::query_as(
        "select j.id, j.title, count(*), min(s.received_at)
         from submissions s join jobs j on j.id = s.job_id
         where s.status = 'in_review'
         group by j.id, j.title order by min(s.received_at)",
    )
    .fetch_all(pool)
    .await?;
    let reasons: Vec<(i64, Option<String>, i64)> = sqlx::query_as(
        "select job_id, review_reason, count(*) from submissions where status = 'in_review'
         group by 1, 2 order by 1, 3 desc",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(job_id, title, waiting, oldest)| ReviewQueue {
            job_id,
            title,
            waiting,
            oldest,
            reasons: reasons
                .iter()
                .filter(|r| r.0 == job_id)
                .map(|r| (r.1.clone().unwrap_or_else(|| "reviewer's choice".into()), r.2))
                .collect(),
        })
        .collect())
}

/// The submission this reviewer holds in the job's queue, or the oldest nobody holds,
/// claimed for `CLAIM_MINUTES`. None when the queue is empty (or all of it is held).
pub async fn claim_next(pool: &PgPool, job_id: i64, reviewer_id: i64) -> Result<Option<i64>, AppError> {
    let claimed: Option<i64> = sqlx::query_scalar(
        "update submissions s set review_claimed_by = $2, review_claimed_until = now() + make_interval(mins => $3)
         where (s.job_id, s.id) = (
             select job_id, id from submissions
             where job_id = $1 and status = 'in_review'
               and (review_claimed_by = $2 or review_claimed_until is null or review_claimed_until < now())
             order by (review_claimed_by = $2 and review_claimed_until >= now()) desc nulls last, received_at, id
             limit 1
             for update skip locked)
         returning s.id",
    )
    .bind(job_id)
    .bind(reviewer_id)
    .bind(CLAIM_MINUTES as i32)
    .fetch_optional(pool)
    .await?;
    Ok(claimed)
}

type ItemRow = (
    String,
    String,
    Option<String>,
    serde_json::Value,
    String,
    DateTime<Utc>,
    Option<String>,
    serde_json::Value,
    serde_json::Value,
    serde_json::Value,
    Option<i64>,
    Option<DateTime<Utc>>,
);

/// Everything about a submission a reviewer decides on. Only its claimant sees it.
pub async fn item(
    pool: &PgPool,
    job_id: i64,
    submission_id: i64,
    reviewer_id: i64,
) -> Result<ReviewItem, AppError> {
    let row: Option<ItemRow> = sqlx::query_as(
        "select j.title, u.title, u.address, u.context, g.display_name, s.received_at, s.review_reason,
                s.answers, f.schema, j.qc_policy, s.review_claimed_by, s.review_claimed_until
         from submissions s
         join jobs j on j.id = s.job_id
         join units u on u.job_id = s.job_id and u.id = s.unit_id
         join users g on g.id = s.gigger_id
         join job_form_versions f on f.job_id = s.job_id and f.version = s.form_version
         where s.job_id = $1 and s.id = $2 and s.status = 'in_review'",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_optional(pool)
    .await?;
    let Some((
        job_title,
        unit_title,
        unit_address,
        context,
        gigger_name,
        received_at,
        reason,
        answers,
        schema,
        policy,
        by,
        until,
    )) = row
    else {
        return Err(AppError::NotFound);
    };
    let (Some(by), Some(until)) = (by, until) else { return Err(AppError::NotFound) };
    if by != reviewer_id {
        return Err(AppError::Conflict("Another reviewer has this gig now.".into()));
    }
    let internal = |what: &str, e: serde_json::Error| crate::error::server::internal(what, e);
    let form: FormSchema = serde_json::from_value(schema).map_err(|e| internal("stored form version", e))?;
    let answers: Answers = serde_json::from_value(answers).map_err(|e| internal("stored answers", e))?;
    let policy: crate::jobs::settings::QcPolicy =
        serde_json::from_value(policy).map_err(|e| internal("stored QC policy", e))?;
    let photos: Vec<(String, i16)> = sqlx::query_as(
        "select field_key, position from submission_photos where job_id = $1 and submission_id = $2
         order by field_key, position",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_all(pool)
    .await?;
    let results: Vec<(String, bool, String)> = sqlx::query_as(
        "select code, passed, evidence from qc_results where job_id = $1 and submission_id = $2",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_all(pool)
    .await?;
    let waiting_after: i64 = sqlx::query_scalar(
        "select count(*) from submissions where job_id = $1 and status = 'in_review' and id <> $2",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_one(pool)
    .await?;
    let checks = CheckCode::ALL
        .into_iter()
        .filter_map(|code| {
            results.iter().find(|r| r.0 == code.name()).map(|(_, passed, evidence)| CheckResult {
                code,
                passed: *passed,
                evidence: evidence.clone(),
            })
        })
        .collect();
    let shown = form
        .fields()
        .iter()
        .filter_map(|field| {
            let answer = answers.get(&field.key)?;
            let label = field.label.get(Lang::En).to_string();
            let photos_of_field: Vec<String> = photos
                .iter()
                .filter(|(key, _)| key == &field.key)
                .map(|(key, position)| {
                    format!("/api/review/photos/{job_id}/{submission_id}/{key}/{position}")
                })
                .collect();
            Some(ShownAnswer { label, text: answer_text(&field.kind, answer), photos: photos_of_field })
        })
        .collect();
    Ok(ReviewItem {
        job_id,
        submission_id,
        job_title,
        unit_title,
        unit_address,
        unit_context: crate::units::server::store::context_pairs(&context),
        gigger_name,
        received_at,
        review_reason: reason.unwrap_or_default(),
        answers: shown,
        checks,
        reject_reasons: policy.reject_reasons,
        claimed_until: until,
        waiting_after,
    })
}

fn answer_text(kind: &FieldKind, answer: &Answer) -> String {
    let option_label = |options: &[crate::forms::ChoiceOption], value: &str| {
        options
            .iter()
            .find(|o| o.value == value)
            .map(|o| o.label.get(Lang::En).to_string())
            .unwrap_or(value.to_string())
    };
    match (kind, answer) {
        (FieldKind::SingleChoice { options, .. }, Answer::Choice(value)) => option_label(options, value),
        (FieldKind::MultipleChoice { options, .. }, Answer::Choices(values)) => {
            values.iter().map(|v| option_label(options, v)).collect::<Vec<_>>().join(", ")
        }
        (_, Answer::Text(text)) | (_, Answer::Date(text)) | (_, Answer::Choice(text)) => text.clone(),
        (_, Answer::Choices(values)) => values.join(", "),
        (_, Answer::Number(n)) => n.to_string(),
        (_, Answer::YesNo(yes)) => if *yes { "Yes" } else { "No" }.to_string(),
        (_, Answer::Photos(ids)) => format!("{} photo(s)", ids.len()),
        (_, Answer::Location(p)) => format!("{:.5}, {:.5} (±{:.0} m)", p.latitude, p.longitude, p.accuracy_m),
    }
}

/// A reviewer's decision as the console posts it.
pub enum ConsoleDecision {
    Approve,
    Reject { code: String, note: String },
}

/// Decides a submission the reviewer holds; the claim ends with it.
pub async fn decide_claimed(
    pool: &PgPool,
    job_id: i64,
    submission_id: i64,
    reviewer_id: i64,
    decision: ConsoleDecision,
) -> Result<(), AppError> {
    let decision = match decision {
        ConsoleDecision::Approve => crate::pipeline::server::review::ReviewDecision::Approve,
        ConsoleDecision::Reject { code, note } => {
            let policy: serde_json::Value = sqlx::query_scalar("select qc_policy from jobs where id = $1")
                .bind(job_id)
                .fetch_optional(pool)
                .await?
                .ok_or(AppError::NotFound)?;
            let policy: crate::jobs::settings::QcPolicy = serde_json::from_value(policy)
                .map_err(|e| crate::error::server::internal("stored QC policy", e))?;
            if !policy.reject_reasons.contains(&code) {
                return Err(AppError::invalid(
                    "reason_code",
                    "Choose one of this job's reasons for a rejection.",
                ));
            }
            let note = note.trim();
            if note.chars().count() > 500 {
                return Err(AppError::invalid("note", "A note is at most 500 characters."));
            }
            let reason =
                if note.is_empty() { reason_text(&code) } else { format!("{}: {note}", reason_text(&code)) };
            crate::pipeline::server::review::ReviewDecision::Reject { reason, code: Some(code) }
        }
    };
    crate::pipeline::server::review::decide(pool, job_id, submission_id, reviewer_id, &decision, true).await
}

/// Approves every submission in the job's review queue sent there for `reason` (all
/// of them for None) that no other reviewer holds, up to `limit`. Returns how many.
pub async fn bulk_approve(
    pool: &PgPool,
    job_id: i64,
    reviewer_id: i64,
    reason: Option<&str>,
    limit: i64,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "update submissions s set status = 'approved', decided_by = $2, decided_at = now(),
             review_claimed_by = null, review_claimed_until = null
         where (s.job_id, s.id) in (
             select job_id, id from submissions
             where job_id = $1 and status = 'in_review' and ($3::text is null or review_reason = $3)
               and (review_claimed_by is null or review_claimed_by = $2 or review_claimed_until < now())
             order by received_at, id limit $4
             for update skip locked)
         returning s.id",
    )
    .bind(job_id)
    .bind(reviewer_id)
    .bind(reason)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query(
        "insert into submission_events (job_id, submission_id, kind, detail)
         select $1, id, 'review_approved', jsonb_build_object('by', $2::bigint, 'bulk', true) from unnest($3::bigint[]) id",
    )
    .bind(job_id)
    .bind(reviewer_id)
    .bind(&ids)
    .execute(&mut *tx)
    .await?;
    for id in &ids {
        queue::enqueue(&mut tx, Stage::Ledger, job_id, *id).await?;
    }
    tx.commit().await?;
    Ok(ids.len() as i64)
}

/// GET /api/review/photos/{job_id}/{submission_id}/{field}/{position}: a submission's
/// photo, for reviewers and admins (and the gigger who took it).
pub async fn photo_handler(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    axum::extract::Path((job_id, submission_id, field, position)): axum::extract::Path<(
        i64,
        i64,
        String,
        i16,
    )>,
) -> axum::response::Response {
    use crate::accounts::Role;
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let result = async {
        let user = crate::accounts::server::auth::require_in_session(
            &state,
            &session,
            &[Role::Reviewer, Role::Admin, Role::Gigger],
        )
        .await?;
        let key: Option<(String, i64)> = sqlx::query_as(
            "select p.storage_key, s.gigger_id from submission_photos p
             join submissions s on s.job_id = p.job_id and s.id = p.submission_id
             where p.job_id = $1 and p.submission_id = $2 and p.field_key = $3 and p.position = $4",
        )
        .bind(job_id)
        .bind(submission_id)
        .bind(&field)
        .bind(position)
        .fetch_optional(&state.pool)
        .await?;
        let Some((key, gigger_id)) = key else { return Err(AppError::NotFound) };
        if user.role == Role::Gigger && user.id != gigger_id {
            return Err(AppError::NotFound);
        }
        state
            .photo_store
            .get(&key)
            .await
            .map_err(|e| crate::error::server::internal("reading a photo", e))?
            .ok_or(AppError::NotFound)
    }
    .await;
    match result {
        Ok(jpeg) => {
            ([(header::CONTENT_TYPE, "image/jpeg"), (header::CACHE_CONTROL, "private, max-age=3600")], jpeg)
                .into_response()
        }
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(error)).into_response()
        }
    }
}
