-- "Get a gig" in one round trip (app/src/gigs/server/reserve.rs).
--
-- Until now a gig was taken in a transaction of four round trips after the session's:
-- BEGIN with the lock of the gigger's profile, the facts the decision needs, the unit's
-- pick, slot and reservation, and COMMIT. Each round trip costs PostgreSQL and the server
-- more than the statement's own work (bench/README.md). The lock has to come before the
-- reads of the gigger's reservations, and a statement reads with the snapshot it started
-- with, so the lock and those reads cannot share one plain statement. A volatile
-- function's statements each take a fresh snapshot: this one takes the lock, reads the
-- gigger's reservations, ends any overdue ones, and picks and holds a unit, all inside
-- the caller's one statement, whose own transaction releases the lock when it ends.
--
-- What the function does not need the lock for stays in the calling statement: whether
-- the job is open to this gigger (eligibility.rs, `CONDITIONS`, evaluated in Rust's one
-- copy of them) and whether it needs a location the gigger lacks. The caller passes the
-- verdicts in, and words any refusal itself.
--
-- The two picks are `reserve::take_unit_sql(Pick::Nearest)` and `(Pick::Oldest)`
-- verbatim, with the same parameter numbers ($1..$9), so that a test can check this copy
-- against Rust's, and the plan test of those statements covers these ones.
--
-- Outcomes: 'active' (the gigger already holds a gig of this job: taken_id, its
-- deadline), 'held' (a new one), 'ineligible', 'limit' (held_count gigs held already),
-- 'needs_location', 'too_far', 'none_free'. `rescanned`: the oldest-free scan from $9
-- found nothing and scanned again from the job's first unit.
create function take_gig(
    arg_job bigint,                -- $1
    arg_gigger bigint,             -- $2
    arg_now timestamptz,           -- $3
    arg_deadline timestamptz,      -- $4 the new reservation's deadline
    arg_max_distance_m float8,     -- $5 the job's distance limit, if any
    arg_latitude float8,           -- $6 the gigger's location, if known
    arg_longitude float8,          -- $7
    arg_metres_per_degree float8,  -- $8
    arg_from_unit bigint,          -- $9 where the oldest-free scan starts (first_free.rs)
    arg_max_held bigint,           -- $10 gigs a gigger may hold across jobs
    arg_eligible boolean,          -- $11 every condition of the job holds for the gigger
    arg_location_ok boolean,       -- $12 the job needs no location, or the gigger has one
    out outcome text,
    out taken_id bigint,
    out taken_deadline timestamptz,
    out held_count bigint,
    out rescanned boolean)
language plpgsql as $$
declare
    overdue boolean;
begin
    rescanned := false;
    -- Orders this gigger's simultaneous requests, so the limits below hold.
    perform 1 from gigger_profiles where user_id = arg_gigger for update;

    select count(*) filter (where r.deadline > arg_now), coalesce(bool_or(r.deadline <= arg_now), false)
    into held_count, overdue
    from reservations r where r.gigger_id = arg_gigger and r.status = 'active';
    if overdue then
        -- A reservation past its deadline that the sweeper has not reached yet ends here,
        -- so it neither blocks a new one nor counts against the limits.
        with ended as (
            update reservations set status = 'expired', ended_at = arg_now
            where gigger_id = arg_gigger and status = 'active' and deadline <= arg_now
            returning job_id, unit_id)
        update units u set slots_left = u.slots_left + e.n
        from (select job_id, unit_id, count(*) as n from ended group by 1, 2) e
        where u.job_id = e.job_id and u.id = e.unit_id;
    end if;

    select r.id, r.deadline into taken_id, taken_deadline
    from reservations r
    where r.gigger_id = arg_gigger and r.job_id = arg_job and r.status = 'active' and r.deadline > arg_now;
    if found then
        outcome := 'active';
        return;
    end if;
    if not arg_eligible then
        outcome := 'ineligible';
        return;
    end if;
    if held_count >= arg_max_held then
        outcome := 'limit';
        return;
    end if;
    if not arg_location_ok then
        outcome := 'needs_location';
        return;
    end if;

    if arg_latitude is not null and arg_longitude is not null then
        -- take_unit_sql(Pick::Nearest)
        with unit as (
             select u.id, geo_point(u.latitude, u.longitude) <-> geo_point($6, $7) as distance from units u
             where u.job_id = $1 and u.status = 'open' and u.slots_left > 0
               and not exists (select 1 from reservations r
                               where r.job_id = $1 and r.unit_id = u.id and r.gigger_id = $2
                               offset 0)
               and u.latitude is not null order by geo_point(u.latitude, u.longitude) <-> geo_point($6, $7)
             limit 1
             for update of u skip locked),
         near_enough as (
             select id from unit where $5::float8 is null or unit.distance is null or unit.distance * $8 <= $5),
         taken as (
             update units set slots_left = slots_left - 1
             from near_enough where units.job_id = $1 and units.id = near_enough.id
             returning units.id),
         held as (
             insert into reservations (job_id, unit_id, gigger_id, reserved_at, deadline, form_version)
             select $1, taken.id, $2, $3, $4, (select max(version) from job_form_versions where job_id = $1)
             from taken
             returning id, deadline)
         select held.id, held.deadline from unit left join held on true
        into taken_id, taken_deadline;
        if found then
            outcome := case when taken_id is null then 'too_far' else 'held' end;
            return;
        end if;
    end if;

    -- No gigger location, or no free unit with one: units without a location count too.
    loop
        -- take_unit_sql(Pick::Oldest)
        with unit as (
             select u.id, null::float8 as distance from units u
             where u.job_id = $1 and u.status = 'open' and u.slots_left > 0
               and not exists (select 1 from reservations r
                               where r.job_id = $1 and r.unit_id = u.id and r.gigger_id = $2
                               offset 0)
               and u.id >= $9 order by u.id
             limit 1
             for update of u skip locked),
         near_enough as (
             select id from unit where $5::float8 is null or unit.distance is null or unit.distance * $8 <= $5),
         taken as (
             update units set slots_left = slots_left - 1
             from near_enough where units.job_id = $1 and units.id = near_enough.id
             returning units.id),
         held as (
             insert into reservations (job_id, unit_id, gigger_id, reserved_at, deadline, form_version)
             select $1, taken.id, $2, $3, $4, (select max(version) from job_form_versions where job_id = $1)
             from taken
             returning id, deadline)
         select held.id, held.deadline from unit left join held on true
        into taken_id, taken_deadline;
        if found then
            outcome := 'held';
            return;
        end if;
        exit when arg_from_unit = 0;
        arg_from_unit := 0;
        rescanned := true;
    end loop;
    outcome := 'none_free';
end $$;
