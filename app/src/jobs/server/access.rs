//! Who may read or change a job. Managers are platform staff working for the customer
//! organisations listed in `organisation_managers`; admins act for every organisation;
//! customers read their own organisation's jobs; reviewers read every job they review.

use crate::accounts::{Role, SignedInUser};
use crate::error::AppError;
use sqlx::PgPool;

/// The organisations a user's job lists cover: `None` means all of them.
pub async fn visible_organisations(pool: &PgPool, user: &SignedInUser) -> Result<Option<Vec<i64>>, AppError> {
    Ok(match user.role {
        Role::Admin | Role::Reviewer => None,
        Role::Manager => Some(managed_organisations(pool, user.id).await?),
        Role::Customer => Some(super::organisation_of(pool, user.id).await?.into_iter().collect()),
        Role::Gigger => Some(vec![]),
    })
}

pub async fn managed_organisations(pool: &PgPool, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "select organisation_id from organisation_managers where user_id = $1 order by organisation_id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await
}

/// Whether `user` may create and change jobs (and trainings, templates) of `organisation_id`.
pub async fn may_manage(pool: &PgPool, user: &SignedInUser, organisation_id: i64) -> Result<bool, AppError> {
    Ok(match user.role {
        Role::Admin => {
            sqlx::query_scalar::<_, bool>("select exists (select 1 from organisations where id = $1)")
                .bind(organisation_id)
                .fetch_one(pool)
                .await?
        }
        Role::Manager => sqlx::query_scalar::<_, bool>(
            "select exists (select 1 from organisation_managers where organisation_id = $1 and user_id = $2)",
        )
        .bind(organisation_id)
        .bind(user.id)
        .fetch_one(pool)
        .await?,
        _ => false,
    })
}

async fn organisation_of_job(pool: &PgPool, job_id: i64) -> Result<i64, AppError> {
    sqlx::query_scalar("select organisation_id from jobs where id = $1")
        .bind(job_id)
        .fetch_optional(pool)
        .await?
        .ok_or(AppError::NotFound)
}

/// The job's organisation, if `user` may change the job; 404 for no such job, 403 otherwise.
pub async fn require_manage_job(pool: &PgPool, user: &SignedInUser, job_id: i64) -> Result<i64, AppError> {
    let organisation_id = organisation_of_job(pool, job_id).await?;
    if may_manage(pool, user, organisation_id).await? {
        Ok(organisation_id)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whether `user` may read the job (customers: read-only, their own organisation's).
/// Returns the job's organisation and whether the user may also change it.
pub async fn require_read_job(
    pool: &PgPool,
    user: &SignedInUser,
    job_id: i64,
) -> Result<(i64, bool), AppError> {
    let organisation_id = organisation_of_job(pool, job_id).await?;
    if may_manage(pool, user, organisation_id).await? {
        return Ok((organisation_id, true));
    }
    let may_read = match user.role {
        Role::Reviewer => true,
        Role::Customer => super::organisation_of(pool, user.id).await? == Some(organisation_id),
        _ => false,
    };
    if may_read {
        Ok((organisation_id, false))
    } else {
        Err(AppError::Forbidden)
    }
}
