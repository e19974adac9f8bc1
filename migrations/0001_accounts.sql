-- Accounts: organisations (customers), users of every role, sign-in codes, password
-- failure counts, server-side sessions and the audit log.
-- Small shared tables (not distributed by job): plain bigint identity keys.

create table organisations (
    id bigint generated always as identity primary key,
    name text not null,
    created_at timestamptz not null default now(),
    constraint organisations_name_key unique (name)
);

-- Giggers sign in by phone (E.164, parsed by the app); everyone else by email and an
-- argon2id password hash. Customers belong to an organisation.
create table users (
    id bigint generated always as identity primary key,
    role text not null check (role in ('gigger', 'manager', 'reviewer', 'customer', 'admin')),
    display_name text not null default '',
    phone text,
    email text,
    password_hash text,
    must_change_password boolean not null default false,
    organisation_id bigint,
    created_at timestamptz not null default now(),
    disabled_at timestamptz,
    constraint users_phone_key unique (phone),
    constraint users_email_key unique (email),
    constraint users_organisation_id_fkey foreign key (organisation_id) references organisations (id),
    constraint users_gigger_signs_in_by_phone check ((role = 'gigger') = (phone is not null)),
    constraint users_others_sign_in_by_password check (role = 'gigger' or (email is not null and password_hash is not null)),
    constraint users_customer_has_organisation check ((role = 'customer') = (organisation_id is not null)),
    constraint users_email_is_lowercase check (email = lower(email))
);

-- One-time sign-in codes, stored only as an HMAC. The latest code of a phone is the
-- only one that counts; older rows stay for the hourly rate limits, then are deleted.
create table otp_codes (
    id bigint generated always as identity primary key,
    phone text not null,
    code_hash text not null,
    requested_ip text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    failed_attempts integer not null default 0 check (failed_attempts >= 0),
    consumed_at timestamptz
);
create index otp_codes_phone_created_at on otp_codes (phone, created_at desc);
create index otp_codes_ip_created_at on otp_codes (requested_ip, created_at desc);

-- Rows locked (select ... for update) while a code is issued, so that the per-phone and
-- per-IP limits hold across processes without advisory locks.
create table otp_throttle_keys (
    key text primary key
);

-- Failed password sign-ins, counted per email over 15 minutes; cleared on success.
create table password_failures (
    id bigint generated always as identity primary key,
    email text not null,
    ip text not null,
    at timestamptz not null
);
create index password_failures_email_at on password_failures (email, at desc);

-- Who did what, written in the same transaction as the change itself.
create table audit_log (
    id bigint generated always as identity primary key,
    actor_user_id bigint references users (id),
    action text not null,
    subject text not null,
    detail jsonb not null default '{}',
    at timestamptz not null
);
create index audit_log_subject_at on audit_log (subject, at desc);

-- Server-side sessions for tower-sessions' PostgresStore (its own layout, created here
-- so that one migration run sets up everything).
create schema if not exists tower_sessions;
create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
create index session_expiry_date on tower_sessions.session (expiry_date);
