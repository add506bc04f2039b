-- 002-accounts.sql: accounts, each stand-alone or in one organization.
--
-- org_seq is the one place an account's organization is kept, so an
-- account is in at most one organization by construction; a move is one
-- UPDATE of it. The organization cannot be deleted while it holds accounts
-- (checked by the store; the foreign key refuses it too).
CREATE TABLE accounts (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  -- the name folded to lower case over all of Unicode: the key of
  -- order_by=account_name and of the case-insensitive filters
  name_key     TEXT NOT NULL,
  type         TEXT NOT NULL CHECK (type IN ('standard', 'enterprise')),
  org_seq      INTEGER REFERENCES organizations(seq),
  creator_seq  INTEGER NOT NULL REFERENCES users(seq),
  created_on   TEXT NOT NULL,
  abuse_contact_email TEXT,
  enforce_twofactor   INTEGER NOT NULL DEFAULT 0,
  -- the profile; NULL until one is set
  business_address  TEXT,
  business_email    TEXT,
  business_name     TEXT,
  business_phone    TEXT,
  external_metadata TEXT
);
CREATE INDEX accounts_org ON accounts(org_seq, seq);
CREATE INDEX accounts_org_name ON accounts(org_seq, name_key, seq);
CREATE INDEX accounts_creator ON accounts(creator_seq, seq);
