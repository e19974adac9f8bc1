-- Automated quality checks (issue 5): each check's coded result and evidence per
-- submission, the job's policy, and what the verdict was and why.

-- The job's policy is `jobs.qc_policy` (from 0005; jobs/settings.rs `QcPolicy`).

create table qc_results (
    job_id bigint not null,
    submission_id bigint not null,
    code text not null,
    passed boolean not null,
    evidence text not null,
    checked_at timestamptz not null default now(),
    primary key (job_id, submission_id, code),
    foreign key (job_id, submission_id) references submissions (job_id, id)
);

-- Why a submission went to review (the failed checks, or "audit sample").
alter table submissions add column review_reason text;

-- Who made the last decision on a submission (null: the QC stage); `decided_at` says when.
alter table submissions add column decided_by bigint references users (id);
