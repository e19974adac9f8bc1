//! The change log of a job: every change with who, when and what, written in the same
//! transaction as the change itself.

use crate::jobs::JobChange;
use sqlx::PgConnection;

pub async fn record(
    conn: &mut PgConnection,
    job_id: i64,
    actor_user_id: i64,
    action: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into job_changes (job_id, actor_user_id, action, detail) values ($1, $2, $3, $4)")
        .bind(job_id)
        .bind(actor_user_id)
        .bind(action)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}

/// The keys whose values differ between two JSON objects, each with its old and new value.
pub fn difference(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let (Some(before), Some(after)) = (before.as_object(), after.as_object()) else {
        return serde_json::json!({ "from": before, "to": after });
    };
    let changed: serde_json::Map<String, serde_json::Value> = after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, value)| {
            (
                key.clone(),
                serde_json::json!({ "from": before.get(key).cloned().unwrap_or_default(), "to": value }),
            )
        })
        .collect();
    serde_json::Value::Object(changed)
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    at: chrono::DateTime<chrono::Utc>,
    actor: Option<String>,
    action: String,
    detail: serde_json::Value,
}

pub async fn recent(pool: &sqlx::PgPool, job_id: i64, limit: i64) -> Result<Vec<JobChange>, sqlx::Error> {
    let rows: Vec<ChangeRow> = sqlx::query_as(
        "select c.at, coalesce(nullif(u.display_name, ''), u.email) as actor, c.action, c.detail
         from job_changes c left join users u on u.id = c.actor_user_id
         where c.job_id = $1 order by c.at desc, c.id desc limit $2",
    )
    .bind(job_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| JobChange {
            at: row.at,
            actor: row.actor.unwrap_or_default(),
            action: row.action,
            detail: summarise(&row.detail),
        })
        .collect())
}

/// One line a manager can read: `pay: 4500 → 5000; title: … → …`.
fn summarise(detail: &serde_json::Value) -> String {
    let Some(object) = detail.as_object() else { return detail.to_string() };
    object
        .iter()
        .map(|(key, value)| match (value.get("from"), value.get("to")) {
            (Some(from), Some(to)) => format!("{key}: {} \u{2192} {}", short(from), short(to)),
            _ => format!("{key}: {}", short(value)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn short(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 80 {
        format!("{}\u{2026}", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn difference_lists_only_changed_keys() {
        let diff = difference(&json!({"a": 1, "b": "x"}), &json!({"a": 2, "b": "x"}));
        assert_eq!(diff, json!({"a": {"from": 1, "to": 2}}));
        assert_eq!(summarise(&diff), "a: 1 \u{2192} 2");
    }
}
