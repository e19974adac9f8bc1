-- The Gig Creation Engine: full job settings, optimistic versions, an audit trail per
-- job, training modules (a certification is passing one), templates, gold units, and
-- which managers work for which customer organisation.

-- Managers are platform staff; each works for the customer organisations listed here.
-- Admins may act for every organisation.
create table organisation_managers (
    organisation_id bigint not null references organisations (id),
    user_id bigint not null references users (id),
    primary key (organisation_id, user_id)
);
create index organisation_managers_user on organisation_managers (user_id);

-- A training module: ordered content blocks and a quiz (both JSON checked by the Rust
-- types in app/src/training). Passing its quiz certifies a gigger; any number of jobs
-- may require the same training.
create table trainings (
    id bigint generated always as identity primary key,
    organisation_id bigint not null references organisations (id),
    title text not null check (length(title) between 1 and 200),
    content jsonb not null default '{"blocks":[],"questions":[]}',
    pass_mark_percent smallint not null default 80 check (pass_mark_percent between 1 and 100),
    max_attempts smallint not null default 3 check (max_attempts between 1 and 100),
    cooldown_minutes integer not null default 60 check (cooldown_minutes between 0 and 43200),
    version integer not null default 1,
    created_by bigint references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index trainings_organisation on trainings (organisation_id, id desc);

alter table jobs
    add column title_hi text not null default '' check (length(title_hi) <= 200),
    add column description_hi text not null default '',
    add column category text not null default 'other',
    add column budget_cap_paise bigint check (budget_cap_paise >= 0),
    add column daily_cap_per_gigger integer check (daily_cap_per_gigger >= 1),
    add column reservation_minutes integer not null default 60 check (reservation_minutes between 5 and 10080),
    add column starts_on date,
    add column ends_on date,
    -- {"kind":"anywhere"} | {"kind":"places","cities":[..],"pincodes":[..]} | {"kind":"near_units","max_distance_m":n}
    add column geography jsonb not null default '{"kind":"anywhere"}',
    add column languages text[] not null default '{}',
    add column training_id bigint references trainings (id),
    add column min_trust_score smallint not null default 0 check (min_trust_score between 0 and 100),
    add column overlap smallint not null default 1 check (overlap between 1 and 20),
    add column qc_policy jsonb not null default '{}',
    -- 'list': work comes from imported units; 'open': no unit list, every reservation
    -- creates its own unit until the target is reached (e.g. "install the app").
    add column units_mode text not null default 'list' check (units_mode in ('list', 'open')),
    -- Optimistic concurrency: every change bumps it; an edit names the version it saw.
    add column version integer not null default 1,
    add column published_at timestamptz,
    add column archived_at timestamptz,
    add constraint jobs_dates_in_order check (ends_on is null or starts_on is null or ends_on >= starts_on),
    add constraint jobs_budget_covers_pay check (budget_cap_paise is null or budget_cap_paise >= pay_paise);
create index jobs_training on jobs (training_id) where training_id is not null;

-- Every change to a job (settings, form, units, status) with who and when and what.
create table job_changes (
    job_id bigint not null references jobs (id),
    id bigint generated always as identity,
    actor_user_id bigint references users (id),
    action text not null,
    detail jsonb not null default '{}',
    at timestamptz not null default now(),
    primary key (job_id, id)
);
create index job_changes_job_at on job_changes (job_id, at desc);

alter table job_form_versions
    add column created_by bigint references users (id);

-- Gold units carry known answers by form field key; null for ordinary units.
alter table units
    add column gold_answers jsonb,
    add column updated_at timestamptz not null default now();

-- Templates saved by managers (built-in templates live in code, app/src/jobs/templates.rs).
-- `spec` is a whole job without its units: settings, form, training link, QC policy, pay.
create table job_templates (
    id bigint generated always as identity primary key,
    organisation_id bigint not null references organisations (id),
    name text not null check (length(name) between 1 and 200),
    spec jsonb not null,
    created_by bigint references users (id),
    created_at timestamptz not null default now()
);
create index job_templates_organisation on job_templates (organisation_id, created_at desc);
