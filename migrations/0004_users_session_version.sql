-- Sessions remember the version they were started under; changing the password bumps
-- it, which ends every other session of that user (a stolen session does not survive).
alter table users add column session_version integer not null default 0;
