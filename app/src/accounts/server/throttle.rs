//! Row locks that serialise rate-limited actions per key (a phone, an IP, an email), so
//! that "count recent attempts, then act" holds across any number of processes without
//! advisory locks. Hold them only for short database work, never across network calls.

use sqlx::PgConnection;

/// Locks one row per key until the transaction ends, creating the rows on first use.
pub async fn lock_keys(conn: &mut PgConnection, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into otp_throttle_keys (key, last_used_at) select unnest($1::text[]), now()
         on conflict (key) do update set last_used_at = excluded.last_used_at",
    )
    .bind(keys)
    .execute(&mut *conn)
    .await?;
    sqlx::query("select key from otp_throttle_keys where key = any($1) order by key for update")
        .bind(keys)
        .fetch_all(&mut *conn)
        .await?;
    Ok(())
}

/// The key an address is limited under: IPv4 as is, IPv6 by its /64 (one subscriber
/// usually holds a whole /64, so single addresses would limit nothing).
pub fn ip_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6.to_ipv4_mapped().map(|v4| v4.to_string()).unwrap_or_default(),
        _ => ip.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::ip_key;

    #[test]
    fn ipv6_is_limited_per_64_and_ipv4_per_address() {
        assert_eq!(ip_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(ip_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(ip_key("2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
        assert_eq!(ip_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(ip_key("unknown"), "unknown");
    }
}
