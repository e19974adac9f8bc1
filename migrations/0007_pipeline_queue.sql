-- The pipeline's stage queue (issue 5): one table for every stage, in the style of
-- River/Oban. A task is inserted in the same transaction as the change that causes it
-- (a submission received, a verdict of approve); a worker claims a batch under a lease
-- with FOR UPDATE SKIP LOCKED, and deletes the task in the same transaction as its
-- effect, so queue rows stay few. A crashed worker's lease runs out and the task is
-- claimed again; a failure is retried with backoff and, after the stage's attempts,
-- the task is kept as 'dead' with its error for an admin to see and retry.
create table stage_tasks (
    job_id bigint not null,
    id bigint generated always as identity,
    stage text not null check (stage ~ '^[a-z_]{1,32}$'),
    -- What the task is about, within the job (a submission id for qc and ledger).
    subject_id bigint not null,
    state text not null default 'ready' check (state in ('ready', 'dead')),
    attempts integer not null default 0 check (attempts >= 0),
    run_after timestamptz not null default now(),
    -- Set while a worker holds the task; a lease in the past is free to take.
    leased_by text,
    leased_until timestamptz,
    last_error text,
    created_at timestamptz not null default now(),
    primary key (job_id, id),
    -- One pending task per stage and subject: enqueueing twice is a no-op.
    unique (job_id, stage, subject_id),
    foreign key (job_id) references jobs (id)
);

-- The claim's scan: ready tasks of one stage, due first.
create index stage_tasks_due on stage_tasks (stage, run_after) where state = 'ready';
-- The admin's list of dead tasks.
create index stage_tasks_dead on stage_tasks (stage, created_at) where state = 'dead';
