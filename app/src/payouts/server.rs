//! Payout batches, the bank's files, and settlement. Money moves only through the
//! ledger's write path, in the same transaction as the payout rows that explain it.

use super::{rupees_text, BankOutcome, BankResult, BatchSummary, SettleReport};
use crate::error::AppError;
use crate::ledger::server::{post, Posting};
use crate::ledger::{Account, TransactionKind};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};

/// What the bank is asked to pay, one line per payout.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PayoutLine {
    pub reference: String,
    pub payee_name: String,
    pub upi_id: String,
    pub amount_paise: i64,
}

/// Rows of a file with their row numbers (the header is row 1).
pub type Numbered<T> = Vec<(u64, T)>;

/// A bank or UPI provider: writes its bulk-payment file and reads its result file.
pub trait PayoutProvider: Send + Sync {
    fn bulk_payment_file(&self, lines: &[PayoutLine]) -> Vec<u8>;
    /// Every row's result, or every problem found.
    fn read_results(&self, file: &[u8]) -> Result<Numbered<BankResult>, Numbered<String>>;
}

/// The default provider: the bank's bulk-payment CSV and its result CSV.
///
/// Out: `payout_id,name,upi_id,account_number,ifsc,amount_rupees` (UPI payees leave the
/// account and IFSC empty). Back: a header naming at least `payout_id` and `status`
/// (`paid`/`success` or `failed`/`failure`), `reason` (needed for failures) and
/// optionally `bank_reference`, in any order and case.
pub struct BankCsv;

impl PayoutProvider for BankCsv {
    fn bulk_payment_file(&self, lines: &[PayoutLine]) -> Vec<u8> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let _ = out.write_record(["payout_id", "name", "upi_id", "account_number", "ifsc", "amount_rupees"]);
        for line in lines {
            let amount = rupees_text(line.amount_paise);
            let _ = out.write_record([&line.reference, &line.payee_name, &line.upi_id, "", "", &amount]);
        }
        out.into_inner().unwrap_or_default()
    }

    fn read_results(&self, file: &[u8]) -> Result<Numbered<BankResult>, Numbered<String>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(file);
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim_start_matches('\u{feff}').to_lowercase()).collect(),
            Err(_) => return Err(vec![(1, "The file is not CSV text.".into())]),
        };
        let column = |name: &str| header.iter().position(|h| h == name);
        let (Some(id_at), Some(status_at)) = (column("payout_id"), column("status")) else {
            return Err(vec![(1, "The header needs the columns payout_id and status.".into())]);
        };
        let (reason_at, bank_ref_at) = (column("reason"), column("bank_reference"));
        let mut results = Vec::new();
        let mut problems = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let row = index as u64 + 2;
            let record = match record {
                Ok(record) => record,
                Err(_) => {
                    problems.push((row, "This row is not readable CSV text.".into()));
                    continue;
                }
            };
            let cell = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").to_string();
            let reference = cell(Some(id_at));
            if reference.is_empty() {
                problems.push((row, "The payout_id is empty.".into()));
                continue;
            }
            let reason = cell(reason_at);
            let outcome = match cell(Some(status_at)).to_lowercase().as_str() {
                "paid" | "success" => BankOutcome::Paid,
                "failed" | "failure" if reason.is_empty() => {
                    problems.push((row, format!("{reference}: a failed payment needs the bank's reason.")));
                    continue;
                }
                "failed" | "failure" => BankOutcome::Failed { reason },
                other => {
                    problems.push((
                        row,
                        format!("{reference}: the status \"{other}\" is neither paid nor failed."),
                    ));
                    continue;
                }
            };
            let bank_reference = Some(cell(bank_ref_at)).filter(|r| !r.is_empty());
            results.push((row, BankResult { reference, outcome, bank_reference }));
        }
        if problems.is_empty() {
            Ok(results)
        } else {
            Err(problems)
        }
    }
}

/// Makes a batch of every gigger whose earnings are at least `min_paise`, who has a UPI
/// id and no payout in flight; each balance moves to payouts in flight. None when no
/// gigger qualifies.
pub async fn create_batch(pool: &PgPool, admin_id: i64, min_paise: i64) -> Result<Option<i64>, AppError> {
    if min_paise < 100 {
        return Err(AppError::invalid("min_rupees", "The minimum payout is at least ₹1.00."));
    }
    let mut tx = pool.begin().await?;
    // Locks the earnings accounts first: an overturn (which takes money back) or another
    // batch waits, so a balance read here is still the balance when it is paid out.
    let due: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "with accounts as (
             select a.id, a.owner_id from ledger_accounts a
             join gigger_profiles p on p.user_id = a.owner_id and p.upi_id is not null
             where a.kind = 'gigger_earnings'
               and not exists (select 1 from payouts o where o.gigger_id = a.owner_id and o.status = 'pending')
             order by a.id
             for update of a)
         select a.owner_id, u.display_name, p.upi_id, sum(e.amount_paise)::bigint
         from accounts a
         join ledger_entries e on e.account_id = a.id
         join users u on u.id = a.owner_id
         join gigger_profiles p on p.user_id = a.owner_id
         group by a.owner_id, u.display_name, p.upi_id
         having sum(e.amount_paise) >= $1
         order by a.owner_id",
    )
    .bind(min_paise)
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(None);
    }
    let total: i64 = due.iter().map(|d| d.3).sum();
    let batch_id: i64 = sqlx::query_scalar(
        "insert into payout_batches (created_by, min_paise, payouts, total_paise) values ($1, $2, $3, $4) returning id",
    )
    .bind(admin_id)
    .bind(min_paise)
    .bind(due.len() as i32)
    .bind(total)
    .fetch_one(&mut *tx)
    .await?;
    for (gigger_id, name, upi_id, amount) in due {
        let reference = format!("GFP{batch_id}-{gigger_id}");
        let txn = post(
            &mut tx,
            &Posting {
                kind: TransactionKind::Payout,
                submission: None,
                reverses: None,
                memo: format!("payout {reference}"),
                posted_by: Some(admin_id),
                entries: vec![
                    (Account::GiggerEarnings(gigger_id), -amount),
                    (Account::PayoutsInFlight, amount),
                ],
            },
        )
        .await
        .map_err(ledger_error)?;
        sqlx::query(
            "insert into payouts (batch_id, reference, gigger_id, payee_name, upi_id, amount_paise, ledger_transaction_id)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(batch_id)
        .bind(&reference)
        .bind(gigger_id)
        .bind(&name)
        .bind(&upi_id)
        .bind(amount)
        .bind(txn)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(batch_id, total_paise = total, "payout batch created");
    Ok(Some(batch_id))
}

fn ledger_error(error: crate::ledger::server::LedgerError) -> AppError {
    match error {
        crate::ledger::server::LedgerError::Database(e) => e.into(),
        other => crate::error::server::internal("ledger posting", other),
    }
}

/// The bank's bulk-payment file for a batch (every payout in it, settled or not).
pub async fn bank_file(
    pool: &PgPool,
    provider: &dyn PayoutProvider,
    batch_id: i64,
) -> Result<Vec<u8>, AppError> {
    let lines: Vec<PayoutLine> = sqlx::query_as(
        "select reference, payee_name, upi_id, amount_paise from payouts where batch_id = $1 order by id",
    )
    .bind(batch_id)
    .fetch_all(pool)
    .await?;
    if lines.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(provider.bulk_payment_file(&lines))
}

/// Settles payouts from the bank's result file: all of it, in one transaction, or
/// nothing when any row has a problem (an unknown payout, a contradiction, a repeat).
pub async fn settle(
    pool: &PgPool,
    provider: &dyn PayoutProvider,
    file: &[u8],
) -> Result<SettleReport, AppError> {
    let rows = match provider.read_results(file) {
        Ok(rows) => rows,
        Err(problems) => return Ok(SettleReport { problems, ..Default::default() }),
    };
    let mut report = SettleReport::default();
    let mut tx = pool.begin().await?;
    let references: Vec<&str> = rows.iter().map(|(_, r)| r.reference.as_str()).collect();
    let payouts: Vec<(String, i64, i64, i64, String)> = sqlx::query_as(
        "select reference, id, gigger_id, amount_paise, status from payouts where reference = any($1) for update",
    )
    .bind(&references)
    .fetch_all(&mut *tx)
    .await?;
    let known: HashMap<String, (i64, i64, i64, String)> = payouts
        .into_iter()
        .map(|(reference, id, gigger, amount, status)| (reference, (id, gigger, amount, status)))
        .collect();
    let mut seen = HashSet::new();
    let mut to_settle = Vec::new();
    for (row, result) in rows {
        if !seen.insert(result.reference.clone()) {
            report.problems.push((row, format!("{}: appears twice in the file.", result.reference)));
            continue;
        }
        let Some((id, gigger, amount, status)) = known.get(&result.reference) else {
            report.problems.push((row, format!("{}: no such payout.", result.reference)));
            continue;
        };
        let says = match result.outcome {
            BankOutcome::Paid => "paid",
            BankOutcome::Failed { .. } => "failed",
        };
        match status.as_str() {
            "pending" => to_settle.push((*id, *gigger, *amount, result)),
            earlier if earlier == says => report.already_settled += 1,
            earlier => report.problems.push((
                row,
                format!("{}: already settled as {earlier}, but this file says {says}.", result.reference),
            )),
        }
    }
    if !report.problems.is_empty() {
        return Ok(SettleReport { problems: report.problems, ..Default::default() });
    }
    for (payout_id, gigger_id, amount, result) in to_settle {
        let (kind, entries, status, reason) = match &result.outcome {
            BankOutcome::Paid => (
                TransactionKind::PayoutSettled,
                vec![(Account::PayoutsInFlight, -amount), (Account::Bank, amount)],
                "paid",
                None,
            ),
            BankOutcome::Failed { reason } => (
                TransactionKind::PayoutFailed,
                vec![(Account::PayoutsInFlight, -amount), (Account::GiggerEarnings(gigger_id), amount)],
                "failed",
                Some(reason.as_str()),
            ),
        };
        let txn = post(
            &mut tx,
            &Posting {
                kind,
                submission: None,
                reverses: None,
                memo: format!("payout {} {status}", result.reference),
                posted_by: None,
                entries,
            },
        )
        .await
        .map_err(ledger_error)?;
        sqlx::query(
            "update payouts set status = $2, failure_reason = $3, bank_reference = $4, settled_at = now(),
                 settle_transaction_id = $5
             where id = $1 and status = 'pending'",
        )
        .bind(payout_id)
        .bind(status)
        .bind(reason)
        .bind(&result.bank_reference)
        .bind(txn)
        .execute(&mut *tx)
        .await?;
        match result.outcome {
            BankOutcome::Paid => report.paid += 1,
            BankOutcome::Failed { .. } => report.failed += 1,
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// Batches, newest first, with what is pending, paid and failed in each.
pub async fn batches(pool: &PgPool, limit: i64) -> Result<Vec<BatchSummary>, AppError> {
    type Row = (i64, chrono::DateTime<chrono::Utc>, i32, i64, i64, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "select b.id, b.created_at, b.payouts, b.total_paise,
                coalesce(sum(p.amount_paise) filter (where p.status = 'pending'), 0)::bigint,
                coalesce(sum(p.amount_paise) filter (where p.status = 'paid'), 0)::bigint,
                coalesce(sum(p.amount_paise) filter (where p.status = 'failed'), 0)::bigint
         from payout_batches b join payouts p on p.batch_id = b.id
         group by b.id order by b.id desc limit $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, created_at, payouts, total_paise, pending, paid, failed)| BatchSummary {
            id,
            created_at,
            payouts,
            total_paise,
            pending,
            paid,
            failed,
        })
        .collect())
}

/// GET /api/admin/payouts/{batch_id}/bank.csv: the batch's bulk-payment file, for
/// admins only (a plain handler, so the browser downloads it as a file).
pub async fn bank_file_handler(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    session: tower_sessions::Session,
    axum::extract::Path(batch_id): axum::extract::Path<i64>,
) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let result = async {
        let admin = crate::accounts::server::auth::require_in_session(
            &state,
            &session,
            &[crate::accounts::Role::Admin],
        )
        .await?;
        let file = bank_file(&state.pool, &BankCsv, batch_id).await?;
        tracing::info!(admin = admin.id, batch_id, "bank file downloaded");
        Ok::<_, AppError>(file)
    }
    .await;
    match result {
        Ok(file) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"gigforge-payouts-{batch_id}.csv\""),
                ),
            ],
            file,
        )
            .into_response(),
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(error)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_file_has_one_quoted_line_per_payout_in_rupees() {
        let lines = vec![PayoutLine {
            reference: "GFP1-7".into(),
            payee_name: "Asha, Kumari".into(),
            upi_id: "asha@okaxis".into(),
            amount_paise: 123_405,
        }];
        let text = String::from_utf8(BankCsv.bulk_payment_file(&lines)).unwrap();
        assert_eq!(
            text,
            "payout_id,name,upi_id,account_number,ifsc,amount_rupees\nGFP1-7,\"Asha, Kumari\",asha@okaxis,,,1234.05\n"
        );
    }

    #[test]
    fn result_files_are_read_in_any_column_order_and_every_bad_row_is_named() {
        let good =
            "Status,Payout_ID,reason,bank_reference\nPAID,GFP1-7,,UTR123\nfailed,GFP1-8,Account closed,\n";
        let rows = BankCsv.read_results(good.as_bytes()).unwrap();
        assert_eq!(rows[0].1.outcome, BankOutcome::Paid);
        assert_eq!(rows[0].1.bank_reference.as_deref(), Some("UTR123"));
        assert_eq!(
            rows[1],
            (
                3,
                BankResult {
                    reference: "GFP1-8".into(),
                    outcome: BankOutcome::Failed { reason: "Account closed".into() },
                    bank_reference: None,
                }
            )
        );

        let bad = "payout_id,status,reason\nGFP1-7,maybe,\nGFP1-8,failed,\n,paid,\n";
        let problems = BankCsv.read_results(bad.as_bytes()).unwrap_err();
        assert_eq!(problems.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert!(problems[1].1.contains("needs the bank's reason"));
        assert!(BankCsv.read_results(b"id,result\n1,paid\n").unwrap_err()[0]
            .1
            .contains("payout_id and status"));
    }
}
