-- Feed indexes, from the benchmark at 10 M units (bench/README.md):
-- - the feed's next pages ask, per job, for its nearest free cell to the gigger. With
--   btree_gist, a (job_id, centre) index answers that with one nearest-neighbour step
--   inside the job (0.1 ms); without it the job's every cell was read (~5 ms per job);
-- - with that index present, the planner chose it (index-only) for the scan across all
--   jobs too, which it serves badly (57 ms for 564 cells); the all-jobs index now
--   carries job_id as well, so it is index-only and chosen again (1 ms).
drop index job_unit_cells_nearest;
create index job_unit_cells_nearest on job_unit_cells using gist (centre) include (job_id) where gigs_left > 0;
create index job_unit_cells_job_nearest on job_unit_cells using gist (job_id, centre) where gigs_left > 0;
