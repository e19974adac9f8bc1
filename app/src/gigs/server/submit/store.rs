//! The submission's rows: reading the reservation it answers, and writing the
//! submission with the reservation's end, its photos, the event and the QC stage's task.

use super::{NewSubmission, StoredPhoto, Target};
use crate::error::{AppError, Message};
use crate::forms::FormSchema;
use crate::gigs::Receipt;
use crate::money::Paise;
use crate::pipeline::Stage;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

#[derive(sqlx::FromRow)]
pub(super) struct ReservationRow {
    pub status: String,
    pub deadline: DateTime<Utc>,
    pub unit_id: i64,
    pub form_version: i32,
    /// Read straight into the form's type: through a `serde_json::Value` first, this
    /// was a tenth of the server's CPU in the end-to-end benchmark.
    pub schema: sqlx::types::Json<FormSchema>,
    pub pay_paise: i64,
}

#[derive(sqlx::FromRow)]
struct ReservationAndEarlier {
    #[sqlx(flatten)]
    reservation: ReservationRow,
    earlier_id: Option<i64>,
    earlier_job_id: Option<i64>,
    earlier_received_at: Option<DateTime<Utc>>,
    earlier_pay_paise: Option<i64>,
    earlier_late: Option<bool>,
    earlier_digest: Option<String>,
}

/// The reservation with the gigger's submission under the key, if there is one.
pub(super) const RESERVATION_AND_EARLIER: &str = "
    select r.status, r.deadline, r.unit_id, r.form_version, f.schema, j.pay_paise,
           s.id as earlier_id, s.job_id as earlier_job_id, s.received_at as earlier_received_at,
           s.pay_paise as earlier_pay_paise, s.late as earlier_late, s.request_digest as earlier_digest
    from reservations r
    join job_form_versions f on f.job_id = r.job_id and f.version = r.form_version
    join jobs j on j.id = r.job_id
    left join submissions s on s.gigger_id = $3 and s.idempotency_key = $4::uuid
    where r.job_id = $1 and r.id = $2 and r.gigger_id = $3";

/// The reservation and the gigger's submission under `key` (its receipt, or an error
/// when that key was used for a different body), unlocked: both from one snapshot.
pub(super) async fn reservation_and_earlier(
    pool: &PgPool,
    target: Target,
    key: &str,
    digest: &str,
) -> Result<(ReservationRow, Option<Receipt>), AppError> {
    let row: ReservationAndEarlier = bind_target(sqlx::query_as(RESERVATION_AND_EARLIER), target)
        .bind(key)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let earlier = row.earlier();
    Ok((row.reservation, receipt_unless_other_body(earlier, digest)?))
}

/// `reservation_and_earlier` with the reservation locked until the transaction ends.
pub(super) async fn reservation_and_earlier_locked(
    conn: &mut PgConnection,
    target: Target,
    key: &str,
    digest: &str,
) -> Result<(ReservationRow, Option<Receipt>), AppError> {
    let sql = format!("{RESERVATION_AND_EARLIER} for update of r");
    let row: ReservationAndEarlier = bind_target(sqlx::query_as(&sql), target)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let found = match row.earlier() {
        None if row.reservation.status == "submitted" => {
            // A duplicate that committed while this waited for the lock: the row read
            // above is the reservation's newer version, but the join kept the older
            // snapshot's (absent) submission. A fresh read finds it.
            return Ok((row.reservation, earlier(conn, target.gigger_id, key, digest).await?));
        }
        found => found,
    };
    Ok((row.reservation, receipt_unless_other_body(found, digest)?))
}

impl ReservationAndEarlier {
    fn earlier(&self) -> Option<EarlierRow> {
        match (self.earlier_id, self.earlier_job_id, self.earlier_received_at) {
            (Some(id), Some(job_id), Some(received_at)) => Some((
                job_id,
                id,
                received_at,
                self.earlier_pay_paise.unwrap_or_default(),
                self.earlier_late.unwrap_or_default(),
                self.earlier_digest.clone().unwrap_or_default(),
            )),
            _ => None,
        }
    }
}

fn bind_target<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    target: Target,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    query.bind(target.job_id).bind(target.reservation_id).bind(target.gigger_id)
}

/// The receipt of the gigger's submission under `key`, if there is one; an error when
/// that key was used for a different body.
async fn earlier(
    conn: &mut PgConnection,
    gigger_id: i64,
    key: &str,
    digest: &str,
) -> Result<Option<Receipt>, AppError> {
    let row: Option<EarlierRow> = sqlx::query_as(
        "select job_id, id, received_at, pay_paise, late, request_digest from submissions
         where gigger_id = $1 and idempotency_key = $2::uuid",
    )
    .bind(gigger_id)
    .bind(key)
    .fetch_optional(conn)
    .await?;
    receipt_unless_other_body(row, digest)
}

type EarlierRow = (i64, i64, DateTime<Utc>, i64, bool, String);

fn receipt_unless_other_body(row: Option<EarlierRow>, digest: &str) -> Result<Option<Receipt>, AppError> {
    match row {
        None => Ok(None),
        Some((_, _, _, _, _, stored)) if stored != digest => Err(AppError::invalid(
            "idempotency_key",
            Message::both(
                "This key was already used for a different submission.",
                "यह कुंजी किसी दूसरे सबमिशन के लिए इस्तेमाल हो चुकी है।",
            ),
        )),
        Some((job_id, submission_id, received_at, pay, late, _)) => {
            Ok(Some(Receipt { job_id, submission_id, received_at, pay: Paise(pay), late }))
        }
    }
}

/// Writes the submission in one statement, its own transaction, if the reservation is
/// still active: none if it is not (the caller then decides again under the lock).
///
/// A concurrent duplicate (same key) waits on the reservation's row, then finds it
/// submitted and writes nothing. One round trip where a transaction takes four; at
/// hundreds of gigs a second the round trips are most of a gig's cost (bench/README.md).
pub(super) async fn insert_if_still_active(
    pool: &PgPool,
    submission: &NewSubmission<'_>,
) -> Result<Option<Receipt>, sqlx::Error> {
    let sql = insert_if_still_active_sql();
    let row: Option<(i64, DateTime<Utc>)> =
        bind_submission(sqlx::query_as(&sql), submission).fetch_optional(pool).await?;
    Ok(row.map(|(id, received_at)| receipt(submission, id, received_at)))
}

/// `insert_if_still_active`'s statement.
pub(super) fn insert_if_still_active_sql() -> String {
    insert_sql(
        "update reservations set status = 'submitted', ended_at = $11
         where job_id = $1 and id = $3 and gigger_id = $4 and status = 'active'
         returning id",
    )
}

/// Writes the submission in the caller's transaction, which holds the reservation's lock
/// and has checked that it still takes one (`status` is what it read).
pub(super) async fn insert_locked(
    conn: &mut PgConnection,
    submission: &NewSubmission<'_>,
    status: &str,
) -> Result<Receipt, AppError> {
    let sql = insert_sql(
        "update reservations set status = 'submitted', ended_at = $11
         where job_id = $1 and id = $3
         returning id",
    );
    let (id, received_at): (i64, DateTime<Utc>) =
        bind_submission(sqlx::query_as(&sql), submission).fetch_one(&mut *conn).await?;
    // The sweeper gave an expired reservation's slot back; a submission within the grace
    // period takes it again (if another gigger got it meanwhile, the unit simply has one
    // more answer). A statement of its own, run only then: inside the one above, the
    // units' free-gig summary trigger (a statement trigger) ran for every submission,
    // even when it changed no row.
    if status == "expired" {
        sqlx::query(
            "update units set slots_left = slots_left - 1 where job_id = $1 and id = $2 and slots_left > 0",
        )
        .bind(submission.target.job_id)
        .bind(submission.unit_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(receipt(submission, id, received_at))
}

fn receipt(submission: &NewSubmission<'_>, submission_id: i64, received_at: DateTime<Utc>) -> Receipt {
    Receipt {
        job_id: submission.target.job_id,
        submission_id,
        received_at,
        pay: Paise(submission.pay_paise),
        late: submission.late,
    }
}

/// The reservation's end (`ended`, which must return a row for anything to be written),
/// the submission, its photos, the event and the QC stage's task (as `queue::enqueue`
/// would queue it), in one statement.
fn insert_sql(ended: &str) -> String {
    format!(
        "with ended as ({ended}),
         submission as (
             insert into submissions (job_id, unit_id, reservation_id, gigger_id, form_version, answers,
                 idempotency_key, request_digest, started_on_device_at, submitted_on_device_at, received_at,
                 late, pay_paise)
             select $1, $2, $3, $4, $5, $6, $7::uuid, $8, $9, $10, $11, $12, $13 from ended
             returning id, received_at),
         event as (
             insert into submission_events (job_id, submission_id, kind, detail, at)
             select $1, submission.id, 'received', $14, $11 from submission),
         qc_task as (
             insert into stage_tasks (job_id, stage, subject_id)
             select $1, $15, submission.id from submission
             on conflict (job_id, stage, subject_id) do nothing),
         photos as (
             insert into submission_photos (job_id, submission_id, field_key, position, storage_key, sha256,
                 bytes, width, height, exif_taken_at, exif_latitude, exif_longitude)
             select $1, submission.id, p.* from submission,
                 unnest($16::text[], $17::int2[], $18::text[], $19::text[], $20::int4[], $21::int4[],
                        $22::int4[], $23::timestamp[], $24::float8[], $25::float8[]) as p)
         select id, received_at from submission"
    )
}

fn bind_submission<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>,
    s: &'q NewSubmission<'q>,
) -> sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    let photos = s.photos;
    query
        .bind(s.target.job_id)
        .bind(s.unit_id)
        .bind(s.target.reservation_id)
        .bind(s.target.gigger_id)
        .bind(s.form_version)
        .bind(s.answers)
        .bind(s.key)
        .bind(s.digest)
        .bind(s.envelope.started_at)
        .bind(s.envelope.submitted_at)
        .bind(s.received_at)
        .bind(s.late)
        .bind(s.pay_paise)
        .bind(serde_json::json!({ "late": s.late, "photos": photos.len() }))
        .bind(Stage::Qc.name())
        .bind(column(photos, |p| p.field.clone()))
        .bind(column(photos, |p| p.position as i16))
        .bind(column(photos, |p| p.storage_key.clone()))
        .bind(column(photos, |p| p.photo.sha256.clone()))
        .bind(column(photos, |p| p.photo.jpeg.len() as i32))
        .bind(column(photos, |p| p.photo.width as i32))
        .bind(column(photos, |p| p.photo.height as i32))
        .bind(column(photos, |p| p.photo.exif_taken_at))
        .bind(column(photos, |p| p.photo.exif_latitude))
        .bind(column(photos, |p| p.photo.exif_longitude))
}

/// One column of the photo rows, as an array for `unnest`.
fn column<T>(photos: &[StoredPhoto], value: impl Fn(&StoredPhoto) -> T) -> Vec<T> {
    photos.iter().map(value).collect()
}
