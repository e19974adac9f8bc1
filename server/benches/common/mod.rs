//! What the benchmarks share: a fresh database of their own on the server DATABASE_URL names.

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgPool};
use std::str::FromStr;

#[allow(dead_code)] // only the feed benchmark keeps its database
/// The benchmark database `name` as an earlier run left it, migrated to the current
/// schema (for re-measuring without reloading millions of rows).
pub async fn kept_database(admin_url: &str, name: &str) -> PgPool {
    let pool = server::db::connect(Some(&database_url(admin_url, name)))
        .await
        .expect("connect to the kept database");
    server::db::migrate(&pool).await.expect("migrations");
    pool
}

fn database_url(admin_url: &str, name: &str) -> String {
    let (base, query) =
        admin_url.split_once('?').map(|(b, q)| (b, format!("?{q}"))).unwrap_or((admin_url, String::new()));
    format!("{}/{name}{query}", base.rsplit_once('/').expect("a URL with a database name").0)
}

/// Drops and recreates the benchmark database `name`; returns its pool, migrated (no data).
pub async fn fresh_database(admin_url: &str, name: &str) -> PgPool {
    assert!(
        name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "bad name {name}"
    );
    let admin = PgConnectOptions::from_str(admin_url).expect("DATABASE_URL is a PostgreSQL URL");
    let mut conn = admin.connect().await.expect("connect to DATABASE_URL");
    sqlx::raw_sql(&format!("drop database if exists {name} with (force)")).execute(&mut conn).await.unwrap();
    sqlx::raw_sql(&format!("create database {name}")).execute(&mut conn).await.unwrap();
    conn.close().await.ok();
    // The same server and credentials, another database.
    let pool = server::db::connect(Some(&database_url(admin_url, name)))
        .await
        .expect("connect to the benchmark database");
    server::db::migrate(&pool).await.expect("migrations");
    pool
}
