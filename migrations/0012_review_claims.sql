-- The review console (issue 5): a reviewer claims the oldest submission in a job's
-- review queue under a lease, so two reviewers never hold the same one; a lease that
-- runs out (a closed tab) frees it. A rejection keeps the reason code it was given.
alter table submissions
    add column review_claimed_by bigint references users (id),
    add column review_claimed_until timestamptz,
    add column reject_code text;

-- Each job's queue, oldest first.
create index submissions_review_queue on submissions (job_id, received_at, id) where status = 'in_review';
