-- Jobs, their versioned forms and their units: the minimum the foundation's demo job
-- needs. The Gig Creation Engine issue extends these tables with further migrations.
-- Hot tables (units, and everything per unit later) carry job_id in their primary
-- key and unique constraints, so that sharding by job (Citus) stays possible.

create table jobs (
    id bigint generated always as identity primary key,
    organisation_id bigint not null references organisations (id),
    title text not null check (length(title) between 1 and 200),
    description text not null default '',
    status text not null default 'draft' check (status in ('draft', 'live', 'paused', 'closed')),
    pay_paise bigint not null check (pay_paise >= 0),
    target_approved integer not null check (target_approved >= 0),
    created_by bigint references users (id),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index jobs_organisation_id on jobs (organisation_id, created_at desc);
create index jobs_status on jobs (status);

-- A form is a JSON schema; editing a live job's form adds a version, and a submission
-- records the version it answered.
create table job_form_versions (
    job_id bigint not null references jobs (id),
    version integer not null check (version >= 1),
    schema jsonb not null,
    created_at timestamptz not null default now(),
    primary key (job_id, version)
);

create table units (
    job_id bigint not null references jobs (id),
    id bigint generated always as identity,
    external_id text not null,
    title text not null,
    address text,
    latitude double precision check (latitude between -90 and 90),
    longitude double precision check (longitude between -180 and 180),
    context jsonb not null default '{}',
    status text not null default 'open' check (status in ('open', 'closed')),
    created_at timestamptz not null default now(),
    primary key (job_id, id),
    constraint units_job_external_id_key unique (job_id, external_id)
);
create index units_job_status on units (job_id, status);
