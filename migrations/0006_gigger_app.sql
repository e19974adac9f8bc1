-- The gigger app: profiles, training attempts and certifications, reservations with
-- deadlines, submissions (idempotent, with photos) and the event row the pipeline reads.
--
-- Availability is counted, not recounted: each unit holds `slots_left` (the job's overlap
-- minus active reservations minus accepted submissions), and statement-level triggers
-- keep two summaries in step with it, in the same transaction as the change:
--   jobs.gigs_left          gigs a gigger could still get (the feed's "gigs left")
--   job_unit_cells          the same per job and per ~1 km grid cell, for the feed's
--                           "nearest first" without touching 10 M unit rows.

-- Distances: a point in a sinusoidal projection (x = longitude·cos(latitude), y =
-- latitude, both in degrees), where plain Euclidean distance (GiST's `<->`) is close to
-- the great-circle distance over the tens of kilometres a gigger travels. One degree is
-- 111.195 km. Immutable so that indexes can use it.
create function geo_point(latitude double precision, longitude double precision) returns point
    language sql immutable parallel safe
    return point(longitude * cos(radians(latitude)), latitude);

-- The ~1.1 km cell a location falls in (0.01 degree of latitude and of longitude).
create function geo_cell(latitude double precision, longitude double precision) returns bigint
    language sql immutable parallel safe
    return (floor((latitude + 90) * 100)::bigint) * 100000 + floor((longitude + 180) * 100)::bigint;

-- Who a gigger is and where they work from. The name lives in users.display_name.
create table gigger_profiles (
    user_id bigint primary key references users (id),
    city text not null check (length(city) between 1 and 100),
    pincode text not null check (pincode ~ '^[1-9][0-9]{5}$'),
    languages text[] not null check (cardinality(languages) >= 1),
    -- The shape only (app/src/gigs/profile.rs checks lengths; PostgreSQL regex bounds stop at 255).
    upi_id text check (upi_id ~ '^[a-zA-Z0-9._-]+@[a-zA-Z][a-zA-Z0-9]+$' and length(upi_id) <= 321),
    -- From the device ("use my location") or else the pincode's centre; null if neither.
    latitude double precision check (latitude between -90 and 90),
    longitude double precision check (longitude between -180 and 180),
    location_source text check (location_source in ('device', 'pincode')),
    -- 0..100; the pipeline raises or lowers it as submissions are decided.
    trust_score smallint not null default 50 check (trust_score between 0 and 100),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gigger_profiles_location_pair check ((latitude is null) = (longitude is null))
);

-- Centres of Indian postal codes, loaded with `gigforge import-pincodes FILE.csv`.
create table pincodes (
    pincode text primary key check (pincode ~ '^[1-9][0-9]{5}$'),
    latitude double precision not null check (latitude between -90 and 90),
    longitude double precision not null check (longitude between -180 and 180),
    place text not null default ''
);

-- Every quiz attempt, scored on the server; passing one certifies (certifications).
create table training_attempts (
    user_id bigint not null references users (id),
    training_id bigint not null references trainings (id),
    id bigint generated always as identity,
    training_version integer not null,
    answers jsonb not null,
    score_percent smallint not null check (score_percent between 0 and 100),
    passed boolean not null,
    at timestamptz not null default now(),
    primary key (user_id, training_id, id)
);

create table certifications (
    user_id bigint not null references users (id),
    training_id bigint not null references trainings (id),
    certified_at timestamptz not null default now(),
    score_percent smallint not null,
    primary key (user_id, training_id)
);

-- How to spend a job's units.
alter table jobs
    add column expected_minutes smallint not null default 15 check (expected_minutes between 1 and 1440),
    add column gigs_left bigint not null default 0;

alter table units
    add column slots_left smallint check (slots_left >= 0);

-- A new unit starts with the job's overlap; its slots are taken by reservations.
create function units_fill_slots() returns trigger language plpgsql as $$
begin
    if new.slots_left is null then
        select overlap into new.slots_left from jobs where id = new.job_id;
    end if;
    return new;
end $$;
create trigger units_fill_slots before insert on units
    for each row execute function units_fill_slots();

update units u set slots_left = j.overlap from jobs j where j.id = u.job_id;
alter table units alter column slots_left set not null;

create table job_unit_cells (
    job_id bigint not null references jobs (id),
    cell bigint not null,
    -- The cell's centre, as geo_point.
    centre point not null,
    -- No check constraint: INSERT .. ON CONFLICT checks the proposed row (a negative
    -- delta) before merging it. Tests compare the summaries with a recount.
    gigs_left bigint not null,
    primary key (job_id, cell)
);
create extension if not exists btree_gist;
-- Nearest cells with work, across every job: the feed's first stage.
create index job_unit_cells_nearest on job_unit_cells using gist (centre) where gigs_left > 0;

-- The centre of a cell, as geo_point.
create function geo_cell_centre(cell bigint) returns point
    language sql immutable parallel safe
    return geo_point((cell / 100000) / 100.0 - 90 + 0.005, (cell % 100000) / 100.0 - 180 + 0.005);

-- What a unit contributes to the summaries: its free slots while it is open.
create function unit_gigs(status text, slots_left smallint) returns bigint
    language sql immutable parallel safe
    return case when status = 'open' then slots_left else 0 end;

create type unit_gigs_delta as (job_id bigint, latitude double precision, longitude double precision, gigs bigint);

-- Applies the change one statement made to units to the summaries. The triggers are
-- statement-level (transition tables), so a million-row COPY is one aggregate rather
-- than a million updates of one job row.
create function apply_unit_gigs_deltas(deltas unit_gigs_delta[]) returns void language sql as $$
    with d as (select * from unnest(deltas)),
    per_job as (select job_id, sum(gigs) as gigs from d group by job_id having sum(gigs) <> 0)
    update jobs j set gigs_left = j.gigs_left + per_job.gigs from per_job where j.id = per_job.job_id;

    insert into job_unit_cells as c (job_id, cell, centre, gigs_left)
    select job_id, geo_cell(latitude, longitude), geo_cell_centre(geo_cell(latitude, longitude)), sum(gigs)
    from unnest(deltas)
    where latitude is not null and longitude is not null
    group by job_id, geo_cell(latitude, longitude)
    having sum(gigs) <> 0
    on conflict (job_id, cell) do update set gigs_left = c.gigs_left + excluded.gigs_left;
$$;

create function units_summarise_insert() returns trigger language plpgsql as $$
begin
    perform apply_unit_gigs_deltas(array(
        select row(job_id, latitude, longitude, unit_gigs(status, slots_left))::unit_gigs_delta
        from new_units where unit_gigs(status, slots_left) <> 0));
    return null;
end $$;

create function units_summarise_update() returns trigger language plpgsql as $$
begin
    perform apply_unit_gigs_deltas(array(
        select row(job_id, latitude, longitude, unit_gigs(status, slots_left))::unit_gigs_delta from new_units
        union all
        select row(job_id, latitude, longitude, -unit_gigs(status, slots_left))::unit_gigs_delta from old_units));
    return null;
end $$;

create function units_summarise_delete() returns trigger language plpgsql as $$
begin
    perform apply_unit_gigs_deltas(array(
        select row(job_id, latitude, longitude, -unit_gigs(status, slots_left))::unit_gigs_delta
        from old_units where unit_gigs(status, slots_left) <> 0));
    return null;
end $$;

create trigger units_summarise_insert after insert on units
    referencing new table as new_units for each statement execute function units_summarise_insert();
create trigger units_summarise_update after update on units
    referencing old table as old_units new table as new_units
    for each statement execute function units_summarise_update();
create trigger units_summarise_delete after delete on units
    referencing old table as old_units for each statement execute function units_summarise_delete();

-- Summaries for the units that exist already.
select apply_unit_gigs_deltas(array(
    select row(job_id, latitude, longitude, unit_gigs(status, slots_left))::unit_gigs_delta from units));

-- The nearest free unit of a job, and the one-holder-per-slot lock (SKIP LOCKED).
create index units_free_nearest on units using gist (job_id, geo_point(latitude, longitude))
    where status = 'open' and slots_left > 0 and latitude is not null;
create index units_free_in_order on units (job_id, id) where status = 'open' and slots_left > 0;

-- A gigger's hold on one slot of a unit, until a server-set deadline.
create table reservations (
    job_id bigint not null references jobs (id),
    id bigint generated always as identity,
    unit_id bigint not null,
    gigger_id bigint not null references users (id),
    status text not null default 'active' check (status in ('active', 'released', 'expired', 'submitted')),
    reserved_at timestamptz not null default now(),
    deadline timestamptz not null,
    ended_at timestamptz,
    -- The form version shown when the gig was reserved: the one its answers follow.
    form_version integer not null,
    primary key (job_id, id),
    foreign key (job_id, unit_id) references units (job_id, id),
    constraint reservations_ended check ((status = 'active') = (ended_at is null))
);
-- One active reservation per job and gigger; a gigger never holds one unit twice.
create unique index reservations_one_active_per_job on reservations (gigger_id, job_id) where status = 'active';
create index reservations_gigger on reservations (gigger_id, reserved_at desc);
create index reservations_due on reservations (deadline) where status = 'active';
create index reservations_unit on reservations (job_id, unit_id, gigger_id);

-- A gigger's answers for a reservation. The idempotency key is made by the device; the
-- request digest (answers and photo bytes) tells a retry from a different submission.
create table submissions (
    job_id bigint not null references jobs (id),
    id bigint generated always as identity,
    unit_id bigint not null,
    reservation_id bigint not null,
    gigger_id bigint not null references users (id),
    form_version integer not null,
    answers jsonb not null,
    idempotency_key uuid not null,
    request_digest text not null,
    status text not null default 'received'
        check (status in ('received', 'in_review', 'approved', 'rejected')),
    reject_reason text,
    -- When the gigger opened the gig on the device and pressed submit (device clock,
    -- kept as evidence) and when the server took it.
    started_on_device_at timestamptz,
    submitted_on_device_at timestamptz,
    received_at timestamptz not null default now(),
    late boolean not null default false,
    pay_paise bigint not null,
    decided_at timestamptz,
    primary key (job_id, id),
    foreign key (job_id, unit_id) references units (job_id, id),
    foreign key (job_id, reservation_id) references reservations (job_id, id),
    constraint submissions_one_per_reservation unique (job_id, reservation_id)
);
create unique index submissions_idempotency on submissions (gigger_id, idempotency_key);
create index submissions_gigger on submissions (gigger_id, received_at desc);
create index submissions_job_status on submissions (job_id, status, received_at);

-- Photos of a submission, stored without EXIF under `storage_key`; what EXIF said is kept here.
create table submission_photos (
    job_id bigint not null,
    submission_id bigint not null,
    field_key text not null,
    position smallint not null check (position >= 0),
    storage_key text not null,
    sha256 text not null,
    bytes integer not null,
    width integer not null,
    height integer not null,
    exif_taken_at timestamp,
    exif_latitude double precision,
    exif_longitude double precision,
    primary key (job_id, submission_id, field_key, position),
    foreign key (job_id, submission_id) references submissions (job_id, id)
);

-- What happened to a submission, for the pipeline to pick up (written in the same
-- transaction as the change).
create table submission_events (
    job_id bigint not null,
    id bigint generated always as identity,
    submission_id bigint not null,
    kind text not null,
    detail jsonb not null default '{}',
    at timestamptz not null default now(),
    primary key (job_id, id),
    foreign key (job_id, submission_id) references submissions (job_id, id)
);
create index submission_events_at on submission_events (id);
