-- 001-init.sql: users and their credentials, organizations and who can see
-- them. Applied by store_open() when PRAGMA user_version < 1.
--
-- Integer "seq" keys are the internal order (the live API lists by internal
-- id) and the cursor of every page token; "id" is the 32-hex id clients see.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
  seq          INTEGER PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
  first_name   TEXT,
  last_name    TEXT,
  tenant_admin INTEGER NOT NULL DEFAULT 0,
  create_time  TEXT NOT NULL
);

-- A credential names its user. For 'key' the secret is the API key and the
-- user is the one with the X-Auth-Email given beside it.
CREATE TABLE credentials (
  kind     TEXT NOT NULL CHECK (kind IN ('token', 'key', 'service_key')),
  secret   TEXT NOT NULL,
  user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  token_id TEXT,
  status   TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'expired')),
  PRIMARY KEY (kind, secret)
) WITHOUT ROWID;
CREATE INDEX credentials_user ON credentials(user_seq);

-- The parent is fixed at creation (PUT changes only the name), so the
-- hierarchy can never form a cycle, and "tags" (the ids from the root down
-- to this organization, comma-separated) never goes stale.
-- AUTOINCREMENT: a deleted organization's key is never given again, so a
-- page token (which holds the last key sent) never skips a new one.
CREATE TABLE organizations (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  parent_seq  INTEGER REFERENCES organizations(seq),
  creator_seq INTEGER NOT NULL REFERENCES users(seq),
  tags        TEXT NOT NULL,
  create_time TEXT NOT NULL,
  -- the profile; NULL until one is set
  business_address  TEXT,
  business_email    TEXT,
  business_name     TEXT,
  business_phone    TEXT,
  external_metadata TEXT
);
CREATE INDEX organizations_parent ON organizations(parent_seq);

-- Who can see which organization: a row for every (user, organization)
-- pair, kept up to date on every write, so a listing is one index range
-- scan in page order whatever the size of the table. A user sees the
-- organizations it created and all their sub-organizations.
CREATE TABLE org_access (
  user_seq INTEGER NOT NULL REFERENCES users(seq) ON DELETE CASCADE,
  org_seq  INTEGER NOT NULL REFERENCES organizations(seq) ON DELETE CASCADE,
  PRIMARY KEY (user_seq, org_seq)
) WITHOUT ROWID;
CREATE INDEX org_access_org ON org_access(org_seq);
