-- Jobs with no unit list (`units_mode = 'open'`: "every reservation is a new gig").
--
-- Their gigs are made, not imported: blank units numbered open-1, open-2, ... up to the
-- job's target. Making them all at publish would be up to 10 million rows in one request,
-- so a live open job keeps a small stock of free blank units instead, topped up when it
-- runs low: at publish (in the same transaction) and every second by the expiry stage.
-- Everything downstream (feed, "get a gig" with SKIP LOCKED, expiry, free-gig counts, QC)
-- then treats them exactly like listed units. Each has one slot whatever the job's
-- overlap: every reservation of an open job is a gig of its own.
--
-- `open_units_made` counts the blank units made so far, so the feed can show the gigs
-- still to come (target minus made) without counting units. Only the top-up writes it,
-- holding the job row for a moment, not every reservation.

alter table jobs add column open_units_made bigint not null default 0;

update jobs j set open_units_made = (select count(*) from units u where u.job_id = j.id)
where j.units_mode = 'open';

-- Tops up every live open job (or only `only_job`) whose free gigs are below `stock`:
-- makes up to `stock - free` blank units, never more than the target. Jobs whose row
-- another transaction holds are skipped this round. Returns the units made.
create function top_up_open_units(only_job bigint, stock integer) returns bigint language plpgsql as $$
declare
    job record;
    wanted bigint;
    made bigint := 0;
begin
    for job in
        select j.id, j.target_approved, j.open_units_made, j.gigs_left
        from jobs j
        where j.units_mode = 'open' and j.status = 'live' and j.archived_at is null
          and (only_job is null or j.id = only_job)
          and j.open_units_made < j.target_approved and j.gigs_left < stock
        order by j.id
        for no key update of j skip locked
    loop
        wanted := least(stock - job.gigs_left, job.target_approved - job.open_units_made);
        insert into units (job_id, external_id, title, slots_left)
        select job.id, 'open-' || n, 'Gig ' || n, 1
        from generate_series(job.open_units_made + 1, job.open_units_made + wanted) n
        -- A unit a manager added by hand under the same name keeps its place.
        on conflict (job_id, external_id) do nothing;
        update jobs set open_units_made = open_units_made + wanted where id = job.id;
        made := made + wanted;
    end loop;
    return made;
end $$;
