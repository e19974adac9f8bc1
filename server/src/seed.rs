//! `gigforge seed`: demo data for trying Gigforge locally. Every demo login is printed;
//! do not seed a production database (use `--if-empty` to be safe on re-runs).

use crate::{db, StartupError};
use app::accounts::server::passwords;
use app::forms::FormSchema;
use app::jobs::server::{builtin, store};
use app::jobs::settings::JobSettings;
use app::jobs::templates::BuiltIn;
use sqlx::PgPool;

pub struct DemoLogin {
    pub role: &'static str,
    pub sign_in: &'static str,
    pub password: Option<&'static str>,
    pub name: &'static str,
}

pub const DEMO_ORGANISATION: &str = "Demo Retail Pvt Ltd";

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        role: "admin",
        sign_in: "admin@demo.gigforge.in",
        password: Some("demo-admin-password"),
        name: "Anita Admin",
    },
    DemoLogin {
        role: "manager",
        sign_in: "manager@demo.gigforge.in",
        password: Some("demo-manager-password"),
        name: "Manoj Manager",
    },
    DemoLogin {
        role: "reviewer",
        sign_in: "reviewer@demo.gigforge.in",
        password: Some("demo-reviewer-password"),
        name: "Rekha Reviewer",
    },
    DemoLogin {
        role: "customer",
        sign_in: "customer@demo.gigforge.in",
        password: Some("demo-customer-password"),
        name: "Chetan Customer",
    },
    DemoLogin { role: "gigger", sign_in: "+919000000001", password: None, name: "Asha" },
    DemoLogin { role: "gigger", sign_in: "+919000000002", password: None, name: "Ravi" },
    DemoLogin { role: "gigger", sign_in: "+919000000003", password: None, name: "Meena" },
];

pub async fn run(database_url: Option<&str>, if_empty: bool) -> Result<(), StartupError> {
    let pool = db::connect(database_url).await?;
    db::migrate(&pool).await?;
    let (users,): (i64,) = sqlx::query_as("select count(*) from users")
        .fetch_one(&pool)
        .await
        .map_err(|e| StartupError(format!("reading users: {e}")))?;
    if users > 0 {
        if if_empty {
            println!("The database already has data; demo data not loaded.");
            print_logins();
            return Ok(());
        }
        return Err(StartupError(
            "the database already has users: demo data goes only into an empty database".into(),
        ));
    }
    load(&pool).await.map_err(|e| StartupError(format!("loading demo data failed: {e}")))?;
    println!("Demo data loaded.");
    print_logins();
    Ok(())
}

fn print_logins() {
    println!("Demo logins (staff at /staff/signin, giggers at /signin with the code from the server log):");
    for login in DEMO_LOGINS {
        match login.password {
            Some(password) => println!("  {:<9} {:<28} password {password}", login.role, login.sign_in),
            None => println!("  {:<9} {:<28} (one-time code)", login.role, login.sign_in),
        }
    }
}

/// Everything in one transaction: either the whole demo exists or none of it.
pub async fn load(pool: &PgPool) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut tx = pool.begin().await?;
    let (org_id,): (i64,) = sqlx::query_as("insert into organisations (name) values ($1) returning id")
        .bind(DEMO_ORGANISATION)
        .fetch_one(&mut *tx)
        .await?;
    let mut manager_id = None;
    for login in DEMO_LOGINS {
        let id: i64 =
            match login.password {
                Some(password) => {
                    let hash = passwords::hash(password).await.map_err(|e| e.to_string())?;
                    let organisation = (login.role == "customer").then_some(org_id);
                    sqlx::query_scalar(
                        "insert into users (role, email, display_name, password_hash, organisation_id)
                     values ($1, $2, $3, $4, $5) returning id",
                    )
                    .bind(login.role)
                    .bind(login.sign_in)
                    .bind(login.name)
                    .bind(hash)
                    .bind(organisation)
                    .fetch_one(&mut *tx)
                    .await?
                }
                None => sqlx::query_scalar(
                    "insert into users (role, phone, display_name) values ('gigger', $1, $2) returning id",
                )
                .bind(login.sign_in)
                .bind(login.name)
                .fetch_one(&mut *tx)
                .await?,
            };
        if login.role == "manager" {
            manager_id = Some(id);
        }
    }

    let manager_id = manager_id.ok_or("the demo logins include a manager")?;
    sqlx::query("insert into organisation_managers (organisation_id, user_id) values ($1, $2)")
        .bind(org_id)
        .bind(manager_id)
        .execute(&mut *tx)
        .await?;
    // The demo job is the built-in shop-verification template, live, with 50 shops.
    let spec = builtin::spec(BuiltIn::ShopVerification);
    let training = spec.training.as_ref().ok_or("the template brings its training")?;
    let training_id = app::training::server::insert(&mut tx, org_id, training, manager_id)
        .await
        .map_err(|e| e.to_string())?;
    let settings = JobSettings {
        training_id: Some(training_id),
        title: "Verify kirana shops in Bengaluru".into(),
        description:
            "Visit the shop at the address, check that it is open and take a clear photo of the shop \
                      front with its name board."
                .into(),
        target_approved: 50,
        ..spec.settings
    };
    let job_id = insert_live_job(&mut tx, org_id, &settings, spec.form, manager_id).await?;
    for n in 1..=50 {
        let (street, area) = STREETS[(n - 1) % STREETS.len()];
        // Spread around central Bengaluru (12.97 N, 77.59 E), deterministic.
        let lat = 12.90 + ((n * 37) % 100) as f64 * 0.0015;
        let lng = 77.52 + ((n * 53) % 100) as f64 * 0.0015;
        sqlx::query(
            "insert into units (job_id, external_id, title, address, latitude, longitude, context)
             values ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(job_id)
        .bind(format!("SHOP-{n:03}"))
        .bind(format!("Kirana store #{n}"))
        .bind(format!("{} {street}, {area}, Bengaluru", 10 + n))
        .bind(lat)
        .bind(lng)
        .bind(serde_json::json!({ "area": area, "shop_type": "kirana" }))
        .execute(&mut *tx)
        .await?;
    }
    seed_tagging_job(&mut tx, org_id, manager_id).await?;
    seed_giggers(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts a demo job with its form as version 1, already live; returns its id.
async fn insert_live_job(
    tx: &mut sqlx::PgConnection,
    org_id: i64,
    settings: &JobSettings,
    form: app::forms::FormDraft,
    manager_id: i64,
) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    let job_id = store::insert(tx, org_id, settings, manager_id).await.map_err(|e| e.to_string())?;
    let schema = FormSchema::parse(form).map_err(|e| format!("{e:?}"))?;
    sqlx::query("insert into job_form_versions (job_id, version, schema, created_by) values ($1, 1, $2, $3)")
        .bind(job_id)
        .bind(serde_json::to_value(&schema)?)
        .bind(manager_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update jobs set status = 'live', published_at = now() where id = $1")
        .bind(job_id)
        .execute(&mut *tx)
        .await?;
    Ok(job_id)
}

/// A second live job whose units have no location (done from anywhere): photo tagging,
/// Hindi title included, no training.
async fn seed_tagging_job(
    tx: &mut sqlx::PgConnection,
    org_id: i64,
    manager_id: i64,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let spec = builtin::spec(BuiltIn::ImageTagging);
    let settings = JobSettings {
        title: "Tag shelf photos".into(),
        title_hi: "शेल्फ़ की फ़ोटो टैग करें".into(),
        target_approved: 300,
        training_id: None,
        ..spec.settings
    };
    let job_id = insert_live_job(tx, org_id, &settings, spec.form, manager_id).await?;
    sqlx::query(
        "insert into units (job_id, external_id, title, context)
         select $1, 'IMG-' || lpad(n::text, 3, '0'), 'Shelf photo ' || n,
                jsonb_build_object('image_url', '/icons/icon-512.png')
         from generate_series(1, 100) n",
    )
    .bind(job_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Centres of a few pincodes (for giggers who give no device location) and profiles for
/// two of the three demo giggers; the third (Meena) sees onboarding at her first sign-in.
async fn seed_giggers(tx: &mut sqlx::PgConnection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    for (pincode, lat, lng, place) in DEMO_PINCODES {
        sqlx::query("insert into pincodes (pincode, latitude, longitude, place) values ($1, $2, $3, $4)")
            .bind(pincode)
            .bind(lat)
            .bind(lng)
            .bind(place)
            .execute(&mut *tx)
            .await?;
    }
    // (phone, pincode, languages, UPI id, device location)
    type Profile<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a str>, Option<(f64, f64)>);
    let profiles: [Profile; 2] = [
        ("+919000000001", "560001", &["en", "hi"], Some("asha@okaxis"), Some((12.9716, 77.5946))),
        ("+919000000002", "560038", &["hi"], None, None),
    ];
    for (phone, pincode, languages, upi, device) in profiles {
        let (lat, lng, source) = match device {
            Some((lat, lng)) => (Some(lat), Some(lng), Some("device")),
            None => {
                let (_, lat, lng, _) =
                    DEMO_PINCODES.iter().find(|p| p.0 == pincode).ok_or("a demo pincode")?;
                (Some(*lat), Some(*lng), Some("pincode"))
            }
        };
        sqlx::query(
            "insert into gigger_profiles (user_id, city, pincode, languages, upi_id, latitude, longitude, location_source)
             select id, 'Bengaluru', $2, $3, $4, $5, $6, $7 from users where phone = $1",
        )
        .bind(phone)
        .bind(pincode)
        .bind(languages)
        .bind(upi)
        .bind(lat)
        .bind(lng)
        .bind(source)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Approximate centres (post office locations) of some pincodes; a real installation
/// loads the full list with `gigforge import-pincodes`.
pub const DEMO_PINCODES: &[(&str, f64, f64, &str)] = &[
    ("560001", 12.9757, 77.6033, "Bengaluru GPO"),
    ("560003", 13.0035, 77.5709, "Malleshwaram"),
    ("560004", 12.9417, 77.5755, "Basavanagudi"),
    ("560017", 12.9609, 77.6387, "HAL"),
    ("560034", 12.9352, 77.6245, "Koramangala"),
    ("560038", 12.9719, 77.6412, "Indiranagar"),
    ("560078", 12.9063, 77.5857, "JP Nagar"),
    ("560100", 12.8452, 77.6602, "Electronic City"),
    ("560103", 12.9260, 77.6762, "Bellandur"),
    ("110001", 28.6315, 77.2167, "New Delhi GPO"),
    ("400001", 18.9388, 72.8354, "Mumbai GPO"),
];

const STREETS: &[(&str, &str)] = &[
    ("MG Road", "Shanthala Nagar"),
    ("100 Feet Road", "Indiranagar"),
    ("CMH Road", "Indiranagar"),
    ("80 Feet Road", "Koramangala"),
    ("Sarjapur Road", "Bellandur"),
    ("Bannerghatta Road", "JP Nagar"),
    ("Sampige Road", "Malleshwaram"),
    ("DVG Road", "Basavanagudi"),
    ("Hosur Road", "Electronic City"),
    ("Old Airport Road", "HAL"),
];
