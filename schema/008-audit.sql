-- 008-audit.sql: the audit log (README "Audit logs"). One row for every
-- accepted change made through /client/v4, written in the same transaction
-- as the change, so that a crash keeps both or neither. A row is shown in
-- its account's log (account_id), its organization's (org_id) and its
-- user's (actor_user, NULL for an account-owned token); it keeps the
-- account's id and name as they were, so it outlives the account.
-- time_ms follows cfmock's clock (the fake one under --fake-clock); the
-- lists are ordered by (time_ms, seq) and paged by that key.
-- The logs are found by account_seq and org_seq, not by the text ids: a
-- new account or organization has the highest seq, so its entries go at
-- the end of the index instead of at a random page of it (bench/audit.py:
-- random pages made each group commit write and copy back many more). The
-- seqs are never given again (AUTOINCREMENT), and are NULL once the account
-- or organization is gone, when its log can no longer be read. Made ids
-- begin with the time for the same reason.
-- request and response are the JSON texts logged, secrets taken out.
CREATE TABLE audit_logs (
  seq           INTEGER PRIMARY KEY, -- rows go only with a reset, which renews the
                                     -- cursor secret: no AUTOINCREMENT row to update
  id            TEXT NOT NULL UNIQUE,
  time_ms       INTEGER NOT NULL,
  account_id    TEXT,
  account_seq   INTEGER,
  account_name  TEXT,
  org_id        TEXT,
  org_seq       INTEGER,
  actor_user    TEXT,
  action_type   TEXT NOT NULL CHECK (action_type IN ('create', 'update', 'delete', 'view')),
  description   TEXT NOT NULL,
  result        TEXT NOT NULL CHECK (result IN ('success', 'failure')),
  actor_id      TEXT NOT NULL,
  actor_email   TEXT,
  actor_type    TEXT NOT NULL,
  actor_context TEXT NOT NULL,
  token_id      TEXT,
  token_name    TEXT,
  ip            TEXT NOT NULL,
  method        TEXT NOT NULL,
  uri           TEXT NOT NULL,
  status        INTEGER NOT NULL,
  ray_id        TEXT NOT NULL,
  user_agent    TEXT,
  resource_id   TEXT,
  product       TEXT NOT NULL,
  rtype         TEXT NOT NULL,
  scope         TEXT NOT NULL,
  request       TEXT,
  response      TEXT
);
CREATE INDEX audit_logs_account ON audit_logs(account_seq, time_ms, seq) WHERE account_seq IS NOT NULL;
CREATE INDEX audit_logs_org ON audit_logs(org_seq, time_ms, seq) WHERE org_seq IS NOT NULL;
CREATE INDEX audit_logs_user ON audit_logs(actor_user, time_ms, seq) WHERE actor_user IS NOT NULL;
