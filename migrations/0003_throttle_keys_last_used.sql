-- Lets the hourly clean-up delete lock rows for phones, IPs and emails not seen for a day.
alter table otp_throttle_keys add column last_used_at timestamptz not null default now();
