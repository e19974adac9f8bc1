//! The CSV import endpoint: `POST /api/jobs/{job_id}/units/import?on_duplicate=reject|update`
//! with the file as the body (and optional `external_id=`, `title=`, ... naming columns).
//!
//! The upload is parsed while it streams in, on a blocking thread; good rows go straight
//! into a `COPY` inside one transaction. If any row is bad, the COPY is aborted and the
//! transaction rolled back, so an import is all or nothing, and the answer lists every
//! bad row (422). A million rows take seconds, not minutes (see `bench/`).

use super::csv_rows::{read_units, Mapping, OnDuplicate, UnitUpdate};
use crate::accounts::server::auth;
use crate::accounts::Role;
use crate::error::AppError;
use crate::jobs::server::{access, changes, forms};
use crate::state::AppState;
use crate::units::{ImportReport, MAX_IMPORT_BYTES};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures::StreamExt;
use std::collections::HashSet;
use std::io::Read;
use tower_sessions::Session;

#[derive(Debug, serde::Deserialize)]
pub struct ImportParams {
    pub on_duplicate: Option<OnDuplicate>,
    #[serde(flatten)]
    pub mapping: Mapping,
}

pub async fn handler(
    State(state): State<AppState>,
    session: Session,
    Path(job_id): Path<i64>,
    Query(params): Query<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let user = auth::require_in_session(&state, &session, &[Role::Manager, Role::Admin]).await?;
        access::require_manage_job(&state.pool, &user, job_id).await?;
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_IMPORT_BYTES) {
            return Err(too_large());
        }
        import(&state, job_id, user.id, params, body).await
    }
    .await;
    match result {
        Ok(report) if report.problem_count == 0 => (StatusCode::OK, Json(report)).into_response(),
        Ok(report) => (StatusCode::UNPROCESSABLE_ENTITY, Json(report)).into_response(),
        Err(error) => {
            let status =
                StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(error)).into_response()
        }
    }
}

fn too_large() -> AppError {
    AppError::invalid(
        "file",
        format!(
            "The file is larger than {} MB; split it into smaller files.",
            MAX_IMPORT_BYTES / (1024 * 1024)
        ),
    )
}

/// A `Read` over the upload's chunks as they arrive from the async side.
struct ChannelReader {
    chunks: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

const COPY_UNITS: &str =
    "copy units (job_id, external_id, title, address, latitude, longitude, context, gold_answers)
    from stdin (format csv)";

pub async fn import(
    state: &AppState,
    job_id: i64,
    actor: i64,
    params: ImportParams,
    body: Body,
) -> Result<ImportReport, AppError> {
    let started = std::time::Instant::now();
    let mut tx = state.pool.begin().await?;
    // One import per job at a time: a transaction-scoped advisory lock on the job's
    // imports, not a lock on the job's row (which held every settings, form and status
    // change of the job until a possibly slow upload had finished). Correctness does not
    // rest on it: the unique (job_id, external_id) constraint refuses a concurrent import's
    // duplicate ids (409); the lock only makes a second import wait instead of failing.
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('gigforge units import ' || $1::text, 0))")
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
    let form = forms::latest_schema(&mut tx, job_id).await?;
    let existing: HashSet<String> = sqlx::query_scalar("select external_id from units where job_id = $1")
        .bind(job_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    let on_duplicate = params.on_duplicate.unwrap_or(OnDuplicate::Reject);

    let (body_tx, body_rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(32);
    let (copy_tx, mut copy_rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let upload = tokio::spawn(async move {
        let mut stream = body.into_data_stream();
        let mut received = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()));
            if let Ok(bytes) = &chunk {
                received += bytes.len() as u64;
                if received > MAX_IMPORT_BYTES {
                    let _ = body_tx.send(Err(std::io::Error::other("too large"))).await;
                    return true;
                }
            }
            let failed = chunk.is_err();
            if body_tx.send(chunk).await.is_err() || failed {
                break;
            }
        }
        false
    });
    let parse = tokio::task::spawn_blocking(move || {
        let reader = ChannelReader { chunks: body_rx, current: Bytes::new() };
        read_units(reader, job_id, &params.mapping, form.as_ref(), &existing, on_duplicate, |chunk| {
            copy_tx.blocking_send(chunk).is_ok()
        })
    });

    let mut copy = tx.copy_in_raw(COPY_UNITS).await?;
    let mut copy_failed = None;
    while let Some(chunk) = copy_rx.recv().await {
        if copy_failed.is_none() {
            if let Err(error) = copy.send(chunk).await {
                copy_failed = Some(error);
            }
        }
    }
    let (mut report, updates) =
        parse.await.map_err(|e| crate::error::server::internal("import parser", e))?;
    if upload.await.unwrap_or(false) {
        copy.abort("upload too large").await.ok();
        return Err(too_large());
    }
    if report.problem_count > 0 || copy_failed.is_some() {
        copy.abort("import refused").await.ok();
        if let Some(error) = copy_failed {
            return Err(duplicate_or_internal(error));
        }
        report.inserted = 0;
        report.updated = 0;
        report.milliseconds = started.elapsed().as_millis() as u64;
        return Ok(report);
    }
    copy.finish().await.map_err(duplicate_or_internal)?;
    apply_updates(&mut tx, job_id, &updates).await?;
    changes::record(
        &mut tx,
        job_id,
        actor,
        "units imported",
        serde_json::json!({ "rows": report.rows, "inserted": report.inserted, "updated": report.updated }),
    )
    .await?;
    tx.commit().await?;
    report.milliseconds = started.elapsed().as_millis() as u64;
    Ok(report)
}

fn duplicate_or_internal(error: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &error {
        if db.constraint() == Some("units_job_external_id_key") {
            return AppError::Conflict(
                "Another import added some of these unit ids at the same time. Import again.".into(),
            );
        }
    }
    crate::error::server::internal("unit import", error)
}

/// Updates existing units in batches (update mode).
async fn apply_updates(
    tx: &mut sqlx::PgConnection,
    job_id: i64,
    updates: &[UnitUpdate],
) -> Result<(), AppError> {
    for batch in updates.chunks(5000) {
        let ids: Vec<&str> = batch.iter().map(|u| u.fields.external_id.as_str()).collect();
        let titles: Vec<&str> = batch.iter().map(|u| u.fields.title.as_str()).collect();
        let addresses: Vec<Option<&str>> = batch.iter().map(|u| u.fields.address.as_deref()).collect();
        let lats: Vec<Option<f64>> = batch.iter().map(|u| u.fields.location.map(|l| l.0)).collect();
        let lons: Vec<Option<f64>> = batch.iter().map(|u| u.fields.location.map(|l| l.1)).collect();
        let contexts: Vec<&serde_json::Value> = batch.iter().map(|u| &u.context).collect();
        let golds: Vec<Option<&serde_json::Value>> = batch.iter().map(|u| u.gold.as_ref()).collect();
        sqlx::query(
            "update units u set title = n.title, address = n.address, latitude = n.lat, longitude = n.lon,
                 context = n.context, gold_answers = n.gold, updated_at = now()
             from unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::jsonb[], $8::jsonb[])
                  as n(external_id, title, address, lat, lon, context, gold)
             where u.job_id = $1 and u.external_id = n.external_id",
        )
        .bind(job_id)
        .bind(ids)
        .bind(titles)
        .bind(addresses)
        .bind(lats)
        .bind(lons)
        .bind(contexts)
        .bind(golds)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
