//! The only write path to the ledger. Every posting goes through [`post`], which writes
//! a transaction and its entries in the caller's database transaction; the database
//! checks at commit that they balance and refuses updates and deletes.

use super::{Account, TransactionKind};
use sqlx::PgConnection;

/// A transaction to post: what it is, what it is about, and its entries.
#[derive(Debug, Clone)]
pub struct Posting {
    pub kind: TransactionKind,
    /// The submission an earning (or its reversal) is for.
    pub submission: Option<(i64, i64)>,
    pub reverses: Option<i64>,
    pub memo: String,
    pub posted_by: Option<i64>,
    pub entries: Vec<(Account, i64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("a ledger transaction must balance: its entries sum to {0} paise")]
    Unbalanced(i64),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// `kind = $1` and the owner `$2`, written so that the unique index on (kind, owner_id)
/// finds the row: `owner_id is not distinct from $2` cannot use it (PostgreSQL 15), and
/// would read every gigger's account to find one.
fn account_is(account: Account, alias: &str) -> String {
    match account.owner() {
        Some(_) => format!("{alias}kind = $1 and {alias}owner_id = $2"),
        None => format!("{alias}kind = $1 and {alias}owner_id is null"),
    }
}

/// The account's id, creating the account on first use.
pub async fn account_id(conn: &mut PgConnection, account: Account) -> Result<i64, sqlx::Error> {
    let find = format!("select id from ledger_accounts where {}", account_is(account, ""));
    let existing: Option<i64> = sqlx::query_scalar(&find)
        .bind(account.kind())
        .bind(account.owner())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    sqlx::query("insert into ledger_accounts (kind, owner_id) values ($1, $2) on conflict do nothing")
        .bind(account.kind())
        .bind(account.owner())
        .execute(&mut *conn)
        .await?;
    sqlx::query_scalar(&find).bind(account.kind()).bind(account.owner()).fetch_one(&mut *conn).await
}

/// The ids of `accounts`, in order: the owned ones (giggers' and jobs') found in one
/// round trip, any other or new one by `account_id`.
async fn account_ids(conn: &mut PgConnection, accounts: &[Account]) -> Result<Vec<i64>, sqlx::Error> {
    let owned: Vec<(&str, i64)> =
        accounts.iter().filter_map(|a| a.owner().map(|owner| (a.kind(), owner))).collect();
    let (kinds, owners): (Vec<&str>, Vec<i64>) = owned.iter().copied().unzip();
    let found: Vec<(String, i64, i64)> = if owned.is_empty() {
        Vec::new()
    } else {
        sqlx::query_as(
            "select a.kind, a.owner_id, a.id
             from unnest($1::text[], $2::bigint[]) as wanted(kind, owner_id)
             join ledger_accounts a on a.kind = wanted.kind and a.owner_id = wanted.owner_id",
        )
        .bind(&kinds)
        .bind(&owners)
        .fetch_all(&mut *conn)
        .await?
    };
    let mut ids = Vec::with_capacity(accounts.len());
    for account in accounts {
        let known = account.owner().and_then(|owner| {
            found.iter().find(|(kind, o, _)| kind == account.kind() && *o == owner).map(|(_, _, id)| *id)
        });
        ids.push(match known {
            Some(id) => id,
            None => account_id(conn, *account).await?,
        });
    }
    Ok(ids)
}

/// Posts `posting`; returns the new transaction's id. Entries for the same account are
/// merged; a posting that does not sum to zero is refused before it reaches the database.
pub async fn post(conn: &mut PgConnection, posting: &Posting) -> Result<i64, LedgerError> {
    let total: i64 = posting.entries.iter().map(|(_, amount)| amount).sum();
    if total != 0 {
        return Err(LedgerError::Unbalanced(total));
    }
    let ids =
        account_ids(conn, &posting.entries.iter().map(|(account, _)| *account).collect::<Vec<_>>()).await?;
    let mut merged: Vec<(i64, i64)> = Vec::new();
    for (account, (_, amount)) in ids.into_iter().zip(&posting.entries) {
        match merged.iter_mut().find(|(a, _)| *a == account) {
            Some((_, sum)) => *sum += amount,
            None => merged.push((account, *amount)),
        }
    }
    merged.retain(|(_, amount)| *amount != 0);
    let (accounts, amounts): (Vec<i64>, Vec<i64>) = merged.into_iter().unzip();
    let (job_id, submission_id) = posting.submission.unzip();
    // The transaction and its entries in one statement; the database checks at commit
    // that they balance.
    let id: i64 = sqlx::query_scalar(
        "with txn as (
             insert into ledger_transactions (kind, job_id, submission_id, reverses_id, memo, posted_by)
             values ($1, $2, $3, $4, $5, $6) returning id),
         entries as (
             insert into ledger_entries (transaction_id, account_id, amount_paise)
             select txn.id, account, amount from txn, unnest($7::bigint[], $8::bigint[]) as e(account, amount))
         select id from txn",
    )
    .bind(posting.kind.name())
    .bind(job_id)
    .bind(submission_id)
    .bind(posting.reverses)
    .bind(&posting.memo)
    .bind(posting.posted_by)
    .bind(&accounts)
    .bind(&amounts)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// The earning of an approved submission: the job's funding pays the gigger.
pub fn earning(job_id: i64, submission_id: i64, gigger_id: i64, pay_paise: i64) -> Posting {
    Posting {
        kind: TransactionKind::Earning,
        submission: Some((job_id, submission_id)),
        reverses: None,
        memo: format!("gig {job_id}-{submission_id} approved"),
        posted_by: None,
        entries: vec![
            (Account::JobFunding(job_id), -pay_paise),
            (Account::GiggerEarnings(gigger_id), pay_paise),
        ],
    }
}

/// Posts the earning for an approved submission, once: false if it already has one.
pub async fn post_earning(
    conn: &mut PgConnection,
    job_id: i64,
    submission_id: i64,
    gigger_id: i64,
    pay_paise: i64,
) -> Result<bool, LedgerError> {
    let already: bool = sqlx::query_scalar(
        "select exists (select 1 from ledger_transactions
                        where kind = 'earning' and job_id = $1 and submission_id = $2)",
    )
    .bind(job_id)
    .bind(submission_id)
    .fetch_one(&mut *conn)
    .await?;
    if already {
        return Ok(false);
    }
    post(conn, &earning(job_id, submission_id, gigger_id, pay_paise)).await?;
    Ok(true)
}

/// The account's balance in paise (zero for an account never used).
pub async fn balance(conn: &mut PgConnection, account: Account) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "select coalesce(sum(e.amount_paise), 0)::bigint
         from ledger_entries e join ledger_accounts a on a.id = e.account_id
         where {}",
        account_is(account, "a.")
    ))
    .bind(account.kind())
    .bind(account.owner())
    .fetch_one(conn)
    .await
}
