-- The signed-in user's id beside each session's data, so that loading a session reads
-- its account in the same query (app/src/accounts/server/session_store.rs). Null for
-- anonymous sessions, and for those saved before this column until their next save.
alter table tower_sessions.session add column user_id bigint;
