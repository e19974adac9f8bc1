-- The free-gig summaries' update (migrations 0006 and 0014) as PL/pgSQL instead of SQL.
--
-- PostgreSQL 15 parses and plans the statements of a LANGUAGE sql function that it cannot
-- inline on every call; PL/pgSQL keeps each statement's plan for the session. This
-- function runs for about half of all reservations (those that find their job's row free,
-- 0014) and at every expiry sweep; a profile of the end-to-end benchmark had 5 % of all
-- CPU samples in the SQL function's per-call parse and plan (bench/README.md).
--
-- Kept plans are not enough by themselves: PostgreSQL compares a generic plan's estimate
-- (an unnest of unknown length) with custom plans' (usually two deltas), finds the custom
-- ones cheaper and keeps making them. The old join of the deltas with `jobs` was planned
-- again on nine calls in ten, 0.28 ms each time (`pg_stat_statements`, track_planning).
-- So each job's row is now updated by its primary key, a plan that needs no statistics,
-- and the function asks for generic plans. Same effect as before.
create or replace function apply_unit_gigs_deltas_now(deltas unit_gigs_delta[]) returns void
language plpgsql
set plan_cache_mode = force_generic_plan
as $$
declare
    changed_job bigint;
    gigs_change numeric;
begin
    for changed_job, gigs_change in
        select d.job_id, sum(d.gigs) from unnest(deltas) d group by d.job_id having sum(d.gigs) <> 0
    loop
        update jobs set gigs_left = gigs_left + gigs_change where id = changed_job;
    end loop;

    insert into job_unit_cells as c (job_id, cell, centre, gigs_left)
    select d.job_id, geo_cell(d.latitude, d.longitude), geo_cell_centre(geo_cell(d.latitude, d.longitude)), sum(d.gigs)
    from unnest(deltas) d
    where d.latitude is not null and d.longitude is not null
    group by d.job_id, geo_cell(d.latitude, d.longitude)
    having sum(d.gigs) <> 0
    on conflict (job_id, cell) do update set gigs_left = c.gigs_left + excluded.gigs_left;
end $$;
