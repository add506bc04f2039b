-- 007-tokens.sql: API tokens made through the API (POST /user/tokens,
-- POST /accounts/{id}/tokens) or declared with policies by fixtures
-- (README "API tokens"). A token is owned by a user or by an account,
-- never both. The tokens cfmock makes on first use in open mode, and the
-- plain ones fixtures list, stay in credentials: they are their user.
--
-- policies is the JSON array the API answers (policy ids and group names
-- filled in); grants the same policies compiled (grants.c), read on every
-- request the token authenticates, so no JSON is parsed on that path.
-- not_before and expires_on are milliseconds since the epoch (NULL: none);
-- last_used_on is written at most once a second per token, so a token
-- used in a loop does not make every read a write.
CREATE TABLE api_tokens (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  secret       TEXT NOT NULL UNIQUE,
  user_seq     INTEGER REFERENCES users(seq) ON DELETE CASCADE,
  account_seq  INTEGER REFERENCES accounts(seq) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  issued_on    TEXT NOT NULL,
  modified_on  TEXT NOT NULL,
  last_used_ms INTEGER,
  not_before   INTEGER,
  expires_on   INTEGER,
  ip_in        TEXT,
  ip_not_in    TEXT,
  policies     TEXT NOT NULL,
  grants       BLOB NOT NULL,
  CHECK ((user_seq IS NULL) <> (account_seq IS NULL))
);
CREATE INDEX api_tokens_user ON api_tokens(user_seq, seq);
CREATE INDEX api_tokens_account ON api_tokens(account_seq, seq);

-- The secrets of tokens deleted or rolled away: in open mode an unknown
-- token is a new user, but a secret cfmock issued must stop working for
-- good (CONTRACT.md 12.2), so these fail instead. Reset forgets them.
CREATE TABLE retired_secrets (
  secret TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TRIGGER api_tokens_retired AFTER DELETE ON api_tokens BEGIN
  INSERT OR IGNORE INTO retired_secrets(secret) VALUES (old.secret);
END;
CREATE TRIGGER api_tokens_rolled AFTER UPDATE OF secret ON api_tokens BEGIN
  INSERT OR IGNORE INTO retired_secrets(secret) VALUES (old.secret);
END;
