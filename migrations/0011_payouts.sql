-- Payouts (issue 5). An admin's batch takes every gigger whose earnings balance is at
-- least the batch's minimum and who has a payout method (a UPI id): each gets a payout
-- row, moved in the ledger from their earnings to payouts in flight, in one
-- transaction. The payout's reference is the idempotency reference with the bank.
-- A payout is settled only by a bank result row: paid moves it from in flight to the
-- bank; failed moves it back to the gigger's earnings, with the bank's reason.
create table payout_batches (
    id bigint generated always as identity primary key,
    created_by bigint not null references users (id),
    created_at timestamptz not null default now(),
    min_paise bigint not null check (min_paise >= 100),
    payouts integer not null,
    total_paise bigint not null
);

create table payouts (
    id bigint generated always as identity primary key,
    batch_id bigint not null references payout_batches (id),
    -- "GFP{batch}-{gigger}": the payment's reference with the bank (its idempotency key
    -- there), which the bank's result file names.
    reference text not null unique,
    gigger_id bigint not null references users (id),
    -- As they were when the batch was made (what the bank was asked to pay).
    payee_name text not null,
    upi_id text not null,
    amount_paise bigint not null check (amount_paise > 0),
    status text not null default 'pending' check (status in ('pending', 'paid', 'failed')),
    failure_reason text,
    bank_reference text,
    settled_at timestamptz,
    ledger_transaction_id bigint not null references ledger_transactions (id),
    settle_transaction_id bigint references ledger_transactions (id),
    constraint payouts_settled check ((status = 'pending') = (settled_at is null)),
    constraint payouts_failure_has_reason check ((status = 'failed') = (failure_reason is not null))
);
create index payouts_gigger on payouts (gigger_id, status);
-- One payout in flight per gigger: a second batch never pays the same money twice.
create unique index payouts_one_pending_per_gigger on payouts (gigger_id) where status = 'pending';

