//! Storing a gigger's profile and loading it as `Me`, the facts every eligibility
//! check needs.

use crate::accounts::server::audit;
use crate::error::AppError;
use crate::forms::Lang;
use crate::gigs::{GiggerProfile, ProfileInput};
use sqlx::PgPool;

/// The signed-in gigger as the feed, job page and reservation see them.
#[derive(Debug, Clone)]
pub struct Me {
    pub id: i64,
    pub profile: GiggerProfile,
}

impl Me {
    pub fn location(&self) -> Option<(f64, f64)> {
        self.profile.latitude.zip(self.profile.longitude)
    }

    pub fn language_codes(&self) -> Vec<String> {
        self.profile.languages.iter().map(|l| l.code().to_string()).collect()
    }
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    display_name: String,
    phone: String,
    city: String,
    pincode: String,
    languages: Vec<String>,
    upi_id: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    location_source: Option<String>,
    trust_score: i16,
}

pub async fn load(pool: &PgPool, user_id: i64) -> Result<Option<GiggerProfile>, sqlx::Error> {
    let row: Option<ProfileRow> = sqlx::query_as(&format!("{PROFILE_SELECT} where p.user_id = $1"))
        .bind(user_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(ProfileRow::into_profile))
}

const PROFILE_SELECT: &str =
    "select u.display_name, u.phone, p.city, p.pincode, p.languages, p.upi_id, p.latitude,
            p.longitude, p.location_source, p.trust_score
     from gigger_profiles p join users u on u.id = p.user_id";

impl ProfileRow {
    fn into_profile(self) -> GiggerProfile {
        GiggerProfile {
            name: self.display_name,
            phone: self.phone,
            city: self.city,
            pincode: self.pincode,
            languages: self.languages.iter().filter_map(|code| Lang::parse(code)).collect(),
            upi_id: self.upi_id,
            latitude: self.latitude,
            longitude: self.longitude,
            location_source: self.location_source,
            trust_score: self.trust_score,
        }
    }
}

pub(super) fn no_profile() -> AppError {
    AppError::invalid("profile", "Tell us about yourself first.")
}

/// The gigger with their profile, or a request to complete it first.
pub async fn me(pool: &PgPool, user_id: i64) -> Result<Me, AppError> {
    match load(pool, user_id).await? {
        Some(profile) => Ok(Me { id: user_id, profile }),
        None => Err(no_profile()),
    }
}

/// Creates or replaces the profile. Without a device location the pincode's centre is
/// used, when the pincode table knows it.
pub async fn save(
    pool: &PgPool,
    user_id: i64,
    input: &ProfileInput,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let (latitude, longitude, source) = match input.device_location {
        Some((lat, lng)) => (Some(lat), Some(lng), Some("device")),
        None => {
            let centre: Option<(f64, f64)> =
                sqlx::query_as("select latitude, longitude from pincodes where pincode = $1")
                    .bind(input.pincode.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            match centre {
                Some((lat, lng)) => (Some(lat), Some(lng), Some("pincode")),
                None => (None, None, None),
            }
        }
    };
    let languages: Vec<&str> = input.languages.iter().map(|l| l.code()).collect();
    sqlx::query("update users set display_name = $2 where id = $1 and role = 'gigger'")
        .bind(user_id)
        .bind(&input.name)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "insert into gigger_profiles (user_id, city, pincode, languages, upi_id, latitude, longitude, location_source)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (user_id) do update set city = $2, pincode = $3, languages = $4, upi_id = $5,
             latitude = $6, longitude = $7, location_source = $8, updated_at = now()",
    )
    .bind(user_id)
    .bind(&input.city)
    .bind(input.pincode.as_str())
    .bind(&languages)
    .bind(input.upi_id.as_ref().map(|u| u.as_str()))
    .bind(latitude)
    .bind(longitude)
    .bind(source)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user_id),
        "profile.save",
        &format!("user:{user_id}"),
        serde_json::json!({ "city": input.city, "pincode": input.pincode.as_str(), "has_upi": input.upi_id.is_some() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
