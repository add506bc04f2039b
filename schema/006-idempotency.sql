-- 006-idempotency.sql: the Idempotency-Key of POST /accounts (README
-- "Idempotency-Key"). A key is its user's: the same key from another user
-- is another key. request is the body in canonical JSON (json_canonical()),
-- response the result the first request answered, as JSON text, replayed
-- as it was; created_ms is cfmock's clock (the fake one too) when it was
-- made. A key older than 24 hours is deleted when keys are next looked at.
-- The row is written in the transaction that creates the account, so a
-- write that is not kept keeps neither.
CREATE TABLE idempotency_keys (
  user_seq   INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  request    TEXT NOT NULL,
  response   TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  PRIMARY KEY (user_seq, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_ms);
