//! "My gigs": what the gigger holds, what they submitted and what they earned. Only
//! ever the signed-in gigger's own rows.

use crate::error::AppError;
use crate::forms::{FormSchema, Text};
use crate::gigs::{ActiveGig, Earnings, MyGig, MyGigs, Receipt, ReservedGig, SubmissionStatus};
use crate::money::Paise;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub const PAGE_SIZE: i64 = 30;

#[derive(sqlx::FromRow)]
struct SubmittedRow {
    job_id: i64,
    id: i64,
    title: String,
    title_hi: String,
    unit_title: String,
    received_at: DateTime<Utc>,
    status: String,
    reject_reason: Option<String>,
    pay_paise: i64,
}

pub async fn load_my_gigs(
    pool: &PgPool,
    gigger_id: i64,
    before: Option<(DateTime<Utc>, i64)>,
    now: DateTime<Utc>,
) -> Result<MyGigs, sqlx::Error> {
    let active: Vec<(i64, i64, String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "select r.job_id, r.id, j.title, j.title_hi, u.title, r.deadline
         from reservations r join jobs j on j.id = r.job_id
         join units u on u.job_id = r.job_id and u.id = r.unit_id
         where r.gigger_id = $1 and r.status = 'active' and r.deadline > $2
         order by r.deadline",
    )
    .bind(gigger_id)
    .bind(now)
    .fetch_all(pool)
    .await?;
    let (before_at, before_id) = before.unwrap_or((DateTime::<Utc>::MAX_UTC, i64::MAX));
    let rows: Vec<SubmittedRow> = sqlx::query_as(
        "select s.job_id, s.id, j.title, j.title_hi, u.title as unit_title, s.received_at, s.status,
                s.reject_reason, s.pay_paise
         from submissions s join jobs j on j.id = s.job_id
         join units u on u.job_id = s.job_id and u.id = s.unit_id
         where s.gigger_id = $1 and (s.received_at, s.id) < ($2, $3)
         order by s.received_at desc, s.id desc
         limit $4",
    )
    .bind(gigger_id)
    .bind(before_at)
    .bind(before_id)
    .bind(PAGE_SIZE + 1)
    .fetch_all(pool)
    .await?;
    // Pending: in QC or review. Approved: what Gigforge owes now (the ledger balance,
    // plus approvals whose earning the ledger stage has not posted yet). Paying: in a
    // payout the bank has not answered. Paid and failed: as the bank's results said
    // (a failed payout's money is back in the approved balance).
    let (pending, unposted, balance, paying, paid, failed): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select
             (select coalesce(sum(pay_paise), 0) from submissions
              where gigger_id = $1 and status in ('received', 'in_review'))::bigint,
             (select coalesce(sum(s.pay_paise), 0) from submissions s
              where s.gigger_id = $1 and s.status = 'approved'
                and not exists (select 1 from ledger_transactions t
                                where t.kind = 'earning' and t.job_id = s.job_id and t.submission_id = s.id))::bigint,
             (select coalesce(sum(e.amount_paise), 0) from ledger_accounts a join ledger_entries e on e.account_id = a.id
              where a.kind = 'gigger_earnings' and a.owner_id = $1)::bigint,
             (select coalesce(sum(amount_paise), 0) from payouts where gigger_id = $1 and status = 'pending')::bigint,
             (select coalesce(sum(amount_paise), 0) from payouts where gigger_id = $1 and status = 'paid')::bigint,
             (select coalesce(sum(amount_paise), 0) from payouts where gigger_id = $1 and status = 'failed')::bigint",
    )
    .bind(gigger_id)
    .fetch_one(pool)
    .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let submitted: Vec<MyGig> = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|row| MyGig {
            job_id: row.job_id,
            submission_id: row.id,
            job_title: Text::both(row.title, row.title_hi),
            unit_title: row.unit_title,
            received_at: row.received_at,
            status: SubmissionStatus::parse(&row.status).unwrap_or(SubmissionStatus::Received),
            reject_reason: row.reject_reason,
            pay: Paise(row.pay_paise),
        })
        .collect();
    let next = if more { submitted.last().map(|gig| (gig.received_at, gig.submission_id)) } else { None };
    Ok(MyGigs {
        active: active
            .into_iter()
            .map(|(job_id, reservation_id, title, title_hi, unit_title, deadline)| ActiveGig {
                job_id,
                reservation_id,
                job_title: Text::both(title, title_hi),
                unit_title,
                deadline,
            })
            .collect(),
        submitted,
        earnings: Earnings { pending, approved: balance + unposted, paying, paid, failed },
        next,
    })
}

#[derive(sqlx::FromRow)]
struct ReservedRow {
    status: String,
    deadline: DateTime<Utc>,
    form_version: i32,
    title: String,
    title_hi: String,
    pay_paise: i64,
    unit_title: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    context: serde_json::Value,
    schema: serde_json::Value,
}

/// A reservation of the gigger's, with its unit and form; with the receipt once submitted.
pub async fn load_reserved_gig(
    pool: &PgPool,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
    now: DateTime<Utc>,
) -> Result<ReservedGig, AppError> {
    let row: ReservedRow = sqlx::query_as(
        "select r.status, r.deadline, r.form_version, j.title, j.title_hi, j.pay_paise,
                u.title as unit_title, u.address, u.latitude, u.longitude, u.context, f.schema
         from reservations r join jobs j on j.id = r.job_id
         join units u on u.job_id = r.job_id and u.id = r.unit_id
         join job_form_versions f on f.job_id = r.job_id and f.version = r.form_version
         where r.job_id = $1 and r.id = $2 and r.gigger_id = $3",
    )
    .bind(job_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let form: FormSchema = serde_json::from_value(row.schema)
        .map_err(|e| crate::error::server::internal("stored form version does not parse", e))?;
    let receipt = receipt_for_reservation(pool, gigger_id, job_id, reservation_id).await?;
    let unit_context = crate::units::server::store::context_pairs(&row.context);
    Ok(ReservedGig {
        job_id,
        reservation_id,
        job_title: Text::both(row.title, row.title_hi),
        pay: Paise(row.pay_paise),
        status: row.status,
        deadline: row.deadline,
        server_now: now,
        unit_title: row.unit_title,
        unit_address: row.address,
        unit_latitude: row.latitude,
        unit_longitude: row.longitude,
        unit_context,
        form_version: row.form_version,
        form,
        receipt,
    })
}

pub async fn receipt_for_reservation(
    pool: &PgPool,
    gigger_id: i64,
    job_id: i64,
    reservation_id: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    let row: Option<(i64, DateTime<Utc>, i64, bool)> = sqlx::query_as(
        "select id, received_at, pay_paise, late from submissions
         where job_id = $1 and reservation_id = $2 and gigger_id = $3",
    )
    .bind(job_id)
    .bind(reservation_id)
    .bind(gigger_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(submission_id, received_at, pay, late)| Receipt {
        job_id,
        submission_id,
        received_at,
        pay: Paise(pay),
        late,
    }))
}
