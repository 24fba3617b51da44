-- Issue 17: a session token names its person (`vsa_<person id>.<secret>`, auth/tokens.py), and the session look-ups
-- filter by that person and the token's hash (db/viewers.py, db/sessions.py): on Citus, with sessions distributed by
-- person_id, a router query to one shard instead of a query to every shard on every request (docs/scale.md,
-- 'Sessions'). The unique keys hold the distribution column, as Citus requires; leading with person_id, each is also
-- the index the look-up uses.
--
-- Tokens issued before cannot be parsed and are not found any more (the client signs in again: docs/changelog.md,
-- docs/operations.md); their sessions are ended here so that no live row stays that nothing can reach.
update sessions set revoked_at = now() where revoked_at is null;

alter table sessions
    drop constraint sessions_access_token_hash_key,
    drop constraint sessions_refresh_token_hash_key,
    add constraint sessions_person_access_token_key unique (person_id, access_token_hash),
    add constraint sessions_person_refresh_token_key unique (person_id, refresh_token_hash);
