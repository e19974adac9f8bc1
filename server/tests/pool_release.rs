//! A connection handed back to the pool costs no round trip unless something is pending
//! on it (the sqlx-core patch in vendor/, vendor/README.md), and what is pending still
//! reaches the database at once: a dropped transaction's ROLLBACK, the rest of an answer
//! nobody read. Measured through a proxy that counts what the client sends.

use server::db;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgPool};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Forwards connections on a loopback port to `upstream`, counting the bytes clients send.
async fn counting_proxy(upstream: (String, u16)) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        loop {
            let (client, _) = listener.accept().await.unwrap();
            let server = TcpStream::connect((upstream.0.as_str(), upstream.1)).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                while let Ok(n @ 1..) = client_read.read(&mut buf).await {
                    counter.fetch_add(n, Ordering::SeqCst);
                    if server_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
            });
        }
    });
    (port, sent)
}

/// The server's pool settings, one connection, through the proxy, to the test's database.
async fn pool_through_proxy(test_pool: &PgPool) -> (PgPool, Arc<AtomicUsize>) {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let direct = PgConnectOptions::from_str(&url).unwrap();
    let (port, sent) = counting_proxy((direct.get_host().to_string(), direct.get_port())).await;
    let database = test_pool.connect_options().get_database().unwrap().to_string();
    let options =
        direct.host("127.0.0.1").port(port).database(&database).application_name("pool-release-test");
    let pool = db::pool_options().max_connections(1).connect_with(options).await.unwrap();
    (pool, sent)
}

/// Waits for the pool's release task (spawned when a connection is dropped).
async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[sqlx::test(migrations = false)]
async fn handing_a_connection_back_sends_nothing(test_pool: PgPool) {
    let (pool, sent) = pool_through_proxy(&test_pool).await;
    let mut conn = pool.acquire().await.unwrap();
    let one: i32 = sqlx::query_scalar("select 1").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(one, 1);
    let before = sent.load(Ordering::SeqCst);
    drop(conn);
    settle().await;
    assert_eq!(sent.load(Ordering::SeqCst), before, "the release made a round trip (sqlx's ping)");

    // And the connection comes back usable.
    let two: i32 = sqlx::query_scalar("select 2").fetch_one(&pool).await.unwrap();
    assert_eq!(two, 2);
}

#[sqlx::test(migrations = false)]
async fn a_dropped_transaction_is_rolled_back_when_its_connection_goes_back(test_pool: PgPool) {
    let (pool, sent) = pool_through_proxy(&test_pool).await;
    sqlx::query("create table held (id int primary key)").execute(&test_pool).await.unwrap();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("insert into held values (1)").execute(&mut *tx).await.unwrap();
    let before = sent.load(Ordering::SeqCst);
    drop(tx);
    settle().await;
    assert!(sent.load(Ordering::SeqCst) > before, "the ROLLBACK was not sent");
    // Rolled back, and nothing is left holding the row: another connection writes it
    // without waiting.
    let mut other = sqlx::PgConnection::connect_with(&test_pool.connect_options()).await.unwrap();
    sqlx::query("set lock_timeout = '1s'").execute(&mut other).await.unwrap();
    sqlx::query("insert into held values (1)").execute(&mut other).await.unwrap();
    let state: String =
        sqlx::query_scalar("select state from pg_stat_activity where application_name = 'pool-release-test'")
            .fetch_one(&mut other)
            .await
            .unwrap();
    assert_eq!(state, "idle");
}

#[sqlx::test(migrations = false)]
async fn an_answer_left_unread_is_drained_before_the_next_user(test_pool: PgPool) {
    let (pool, _) = pool_through_proxy(&test_pool).await;
    {
        use futures::StreamExt;
        let mut conn = pool.acquire().await.unwrap();
        let mut rows = sqlx::query_scalar::<_, i32>("select generate_series(1, 100000)").fetch(&mut *conn);
        assert_eq!(rows.next().await.unwrap().unwrap(), 1);
        // Dropped after the first of 100,000 rows.
    }
    settle().await;
    let answer: i32 = sqlx::query_scalar("select 42").fetch_one(&pool).await.unwrap();
    assert_eq!(answer, 42);
}
