-- Every insert into reservations, submissions and stage_tasks checked its job_id against
-- jobs, and a foreign-key check takes a KEY SHARE lock on the referenced row. A popular
-- job's row was so locked four times per gig by every gigger at once: PostgreSQL records
-- concurrent lockers of one row as a MultiXact, and the row (also updated by the free-gig
-- summaries) grew long HOT chains that every check walked. In the end-to-end benchmark
-- the foreign-key checks were a third of the database's CPU (bench/README.md).
--
-- Nothing is lost by dropping these three:
-- - reservations and submissions keep (job_id, unit_id) -> units (job_id, id), and
--   units.job_id -> jobs: a reservation or submission of a job that does not exist
--   still cannot be written;
-- - stage_tasks is a queue, written in the transaction of the change that causes the
--   work (a submission, itself checked); a task naming a missing subject fails in its
--   stage and ends in the visible dead state.
alter table reservations drop constraint reservations_job_id_fkey;
alter table submissions drop constraint submissions_job_id_fkey;
alter table stage_tasks drop constraint stage_tasks_job_id_fkey;
