-- The ledger (issue 5): double entry in integer paise. Every transaction's entries sum
-- to zero (checked at commit by a deferred constraint trigger), transactions and entries
-- are append-only (a correction is a reversal), and a submission earns at most once.
--
-- Signs: an account's balance is the sum of its entries. A gigger's earnings account is
-- positive when Gigforge owes them money; a job's funding account goes negative by what
-- its approved gigs cost; payouts in flight hold money sent to the bank and not yet
-- confirmed; the bank account is what left through the bank (negative when paid out).
create table ledger_accounts (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('gigger_earnings', 'job_funding', 'payouts_in_flight', 'bank')),
    -- The gigger (users.id) or the job (jobs.id); none for the platform's own accounts.
    owner_id bigint,
    created_at timestamptz not null default now(),
    constraint ledger_accounts_owner check ((kind in ('gigger_earnings', 'job_funding')) = (owner_id is not null)),
    constraint ledger_accounts_one_per_owner unique nulls not distinct (kind, owner_id)
);

create table ledger_transactions (
    id bigint generated always as identity primary key,
    kind text not null check (kind in ('earning', 'reversal', 'payout', 'payout_settled', 'payout_failed')),
    -- The submission an earning is for (and its reversal).
    job_id bigint,
    submission_id bigint,
    -- A reversal names the transaction it undoes; each can be undone once.
    reverses_id bigint unique references ledger_transactions (id),
    memo text not null default '',
    posted_by bigint references users (id),
    posted_at timestamptz not null default now(),
    foreign key (job_id, submission_id) references submissions (job_id, id),
    constraint ledger_reversal_names_its_original check ((kind = 'reversal') = (reverses_id is not null))
);
create unique index ledger_one_earning_per_submission on ledger_transactions (job_id, submission_id)
    where kind = 'earning';

create table ledger_entries (
    transaction_id bigint not null references ledger_transactions (id),
    account_id bigint not null references ledger_accounts (id),
    amount_paise bigint not null check (amount_paise <> 0),
    primary key (transaction_id, account_id)
);
create index ledger_entries_account on ledger_entries (account_id);

-- At commit: every transaction touched has at least two entries that sum to zero.
create function ledger_check_balanced() returns trigger language plpgsql as $$
declare
    txn bigint;
    total bigint;
    entries bigint;
begin
    if tg_table_name = 'ledger_transactions' then
        txn := new.id;
    else
        txn := new.transaction_id;
    end if;
    select coalesce(sum(amount_paise), 0), count(*) into total, entries
    from ledger_entries where transaction_id = txn;
    if entries < 2 or total <> 0 then
        raise exception 'ledger transaction % does not balance (% entries, sum % paise)', txn, entries, total
            using errcode = '23514';
    end if;
    return null;
end $$;

create constraint trigger ledger_entries_balanced after insert on ledger_entries
    deferrable initially deferred for each row execute function ledger_check_balanced();
create constraint trigger ledger_transactions_balanced after insert on ledger_transactions
    deferrable initially deferred for each row execute function ledger_check_balanced();

create function ledger_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the ledger is append-only: post a reversal instead' using errcode = '42501';
end $$;

create trigger ledger_entries_append_only before update or delete or truncate on ledger_entries
    for each statement execute function ledger_append_only();
create trigger ledger_transactions_append_only before update or delete or truncate on ledger_transactions
    for each statement execute function ledger_append_only();
