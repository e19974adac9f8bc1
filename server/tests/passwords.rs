//! Email-and-password accounts against a real database.

mod common;

use app::accounts::server::sign_in;
use app::accounts::{Role, SignedInUser};
use app::error::AppError;
use chrono::Duration;
use sqlx::PgPool;

async fn admin(pool: &PgPool) -> SignedInUser {
    common::seed_demo(pool).await;
    let id: i64 =
        sqlx::query_scalar("select id from users where role = 'admin'").fetch_one(pool).await.unwrap();
    SignedInUser { id, role: Role::Admin, display_name: "Admin".into(), must_change_password: false }
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn sign_in_accepts_only_the_right_password(pool: PgPool) {
    common::seed_demo(&pool).await;
    let (state, _clock, _dir) = common::state(pool);
    let (email, password) = common::demo_password("manager");
    let id = sign_in::check_password(&state, &email.to_uppercase(), password, "ip").await.unwrap();
    assert!(id > 0);
    let wrong = sign_in::check_password(&state, email, "wrong password!", "ip").await.unwrap_err();
    assert_eq!(wrong.for_field("password").unwrap(), "Email or password is not right.");
    // Unknown emails get the same answer: nobody learns who has an account.
    let unknown = sign_in::check_password(&state, "nobody@example.com", password, "ip").await.unwrap_err();
    assert_eq!(unknown, wrong);
    let bad_email = sign_in::check_password(&state, "not an email", password, "ip").await.unwrap_err();
    assert!(bad_email.for_field("email").is_some());
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn ten_failures_lock_the_email_for_fifteen_minutes(pool: PgPool) {
    common::seed_demo(&pool).await;
    let (state, clock, _dir) = common::state(pool);
    let (email, password) = common::demo_password("reviewer");
    for _ in 0..10 {
        assert!(sign_in::check_password(&state, email, "guess guess guess", "ip").await.is_err());
    }
    let locked = sign_in::check_password(&state, email, password, "ip").await.unwrap_err();
    assert!(matches!(locked, AppError::TooManyRequests(_)), "{locked:?}");
    clock.advance(Duration::minutes(16));
    sign_in::check_password(&state, email, password, "ip").await.unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn an_admin_creates_an_account_that_must_change_its_password(pool: PgPool) {
    let admin = admin(&pool).await;
    let (state, _clock, _dir) = common::state(pool.clone());
    let created =
        sign_in::create_password_user(&state, &admin, "New.Manager@Example.com", "Nia", "manager", "")
            .await
            .unwrap();
    assert_eq!(created.email, "new.manager@example.com");
    let id =
        sign_in::check_password(&state, &created.email, &created.temporary_password, "ip").await.unwrap();
    let user = app::accounts::server::users::active_by_id(&pool, id).await.unwrap().unwrap();
    assert!(user.must_change_password);
    assert_eq!(user.role, Role::Manager);

    let audit: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'user.created' and actor_user_id = $1",
    )
    .bind(admin.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audit, 1);

    // Changing it: the current one must be right, the new one long enough and confirmed.
    let err =
        sign_in::change_password(&state, &user, "nope", "a new long passphrase", "a new long passphrase")
            .await
            .unwrap_err();
    assert!(err.for_field("current_password").is_some());
    let temp = created.temporary_password.as_str();
    let err = sign_in::change_password(&state, &user, temp, "short", "short").await.unwrap_err();
    assert_eq!(err.for_field("new_password").unwrap(), "Use at least 12 characters.");
    let err = sign_in::change_password(&state, &user, temp, "a new long passphrase", "a new long passphrasE")
        .await
        .unwrap_err();
    assert!(err.for_field("confirm_password").is_some());
    let err = sign_in::change_password(&state, &user, temp, temp, temp).await.unwrap_err();
    assert!(err.for_field("new_password").is_some());
    sign_in::change_password(&state, &user, temp, "a new long passphrase", "a new long passphrase")
        .await
        .unwrap();

    let user = app::accounts::server::users::active_by_id(&pool, id).await.unwrap().unwrap();
    assert!(!user.must_change_password);
    assert!(sign_in::check_password(&state, &created.email, temp, "ip").await.is_err());
    sign_in::check_password(&state, &created.email, "a new long passphrase", "ip").await.unwrap();
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn bad_account_details_point_at_their_field_and_save_nothing(pool: PgPool) {
    let admin = admin(&pool).await;
    let (state, _clock, _dir) = common::state(pool.clone());
    let before: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&pool).await.unwrap();
    let cases = [
        (
            "manager@demo.gigforge.in",
            "Dup",
            "manager",
            "",
            "email",
            "An account with this email already exists.",
        ),
        ("x@example.com", "X", "gigger", "", "role", "Choose manager, reviewer, customer or admin."),
        ("x@example.com", "  ", "manager", "", "display_name", "Enter a name."),
        (
            "x@example.com",
            "X",
            "customer",
            "",
            "organisation_id",
            "A customer account belongs to an organisation: choose one.",
        ),
        ("x@example.com", "X", "customer", "999999", "organisation_id", "That organisation does not exist."),
        ("x@", "X", "manager", "", "email", "That does not look like an email address."),
    ];
    for (email, name, role, org, field, message) in cases {
        let err = sign_in::create_password_user(&state, &admin, email, name, role, org).await.unwrap_err();
        assert_eq!(err.for_field(field).as_deref(), Some(message), "{email} {role}: {err:?}");
    }
    let after: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&pool).await.unwrap();
    assert_eq!(before, after);
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn the_first_admin_comes_from_the_command_line(pool: PgPool) {
    let (state, _clock, _dir) = common::state(pool.clone());
    let (id, temporary) = server::admin::insert_admin(&pool, "Root@Example.com", "Root").await.unwrap();
    assert_eq!(sign_in::check_password(&state, "root@example.com", &temporary, "ip").await.unwrap(), id);
    let user = app::accounts::server::users::active_by_id(&pool, id).await.unwrap().unwrap();
    assert_eq!((user.role, user.must_change_password), (Role::Admin, true));
    let again = server::admin::insert_admin(&pool, "root@example.com", "Root").await.unwrap_err();
    assert_eq!(again.to_string(), "an account with the email root@example.com already exists");
    let bad = server::admin::insert_admin(&pool, "root", "Root").await.unwrap_err();
    assert!(bad.to_string().starts_with("--email:"), "{bad}");
}

#[sqlx::test(migrator = "server::db::MIGRATOR")]
async fn concurrent_guesses_cannot_exceed_the_failure_limit(pool: PgPool) {
    common::seed_demo(&pool).await;
    let (state, _clock, _dir) = common::state(pool);
    let (email, _password) = common::demo_password("admin");
    let guesses: Vec<_> = (0..16)
        .map(|n| {
            let state = state.clone();
            tokio::spawn(async move {
                sign_in::check_password(&state, email, &format!("guess number {n}"), "ip").await
            })
        })
        .collect();
    let mut wrong = 0;
    let mut refused = 0;
    for guess in guesses {
        match guess.await.unwrap().unwrap_err() {
            AppError::Invalid { .. } => wrong += 1,
            AppError::TooManyRequests(_) => refused += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((wrong, refused), (10, 6), "exactly the limit's worth of guesses were checked");
}
