-- 003-members.sql: organization members, account members, and the user
-- fields PATCH /user sets.

ALTER TABLE users ADD COLUMN telephone TEXT;
ALTER TABLE users ADD COLUMN country TEXT;
ALTER TABLE users ADD COLUMN zipcode TEXT;

-- An active member of an organization sees it and all below it (org_access
-- is rebuilt for the user whenever its memberships change). An
-- organization cannot be deleted while it has members.
CREATE TABLE org_members (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  org_seq     INTEGER NOT NULL REFERENCES organizations(seq),
  user_seq    INTEGER NOT NULL REFERENCES users(seq),
  status      TEXT NOT NULL CHECK (status IN ('active', 'pending', 'rejected', 'canceled')),
  create_time TEXT NOT NULL,
  update_time TEXT NOT NULL,
  UNIQUE (org_seq, user_seq)
);
CREATE INDEX org_members_org ON org_members(org_seq, seq);
CREATE INDEX org_members_user ON org_members(user_seq);

-- An accepted member of an account sees it. roles: the role ids, comma
-- separated; policies: the JSON array given instead of roles, if any.
CREATE TABLE account_members (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT NOT NULL UNIQUE,
  account_seq INTEGER NOT NULL REFERENCES accounts(seq) ON DELETE CASCADE,
  user_seq    INTEGER NOT NULL REFERENCES users(seq),
  status      TEXT NOT NULL CHECK (status IN ('accepted', 'pending', 'rejected')),
  roles       TEXT NOT NULL DEFAULT '',
  policies    TEXT,
  create_time TEXT NOT NULL,
  UNIQUE (account_seq, user_seq)
);
CREATE INDEX account_members_account ON account_members(account_seq, seq);
CREATE INDEX account_members_user ON account_members(user_seq, status);

-- Whoever made an account is its first member: the accounts of older
-- databases get theirs, as Super Administrators.
INSERT INTO account_members(id, account_seq, user_seq, status, roles, create_time)
  SELECT lower(hex(randomblob(16))), seq, creator_seq, 'accepted',
         '33666b9c79b9a5273fc7344ff42f953d', created_on
  FROM accounts;

-- API tokens made on first use before this version had no id.
UPDATE credentials SET token_id = lower(hex(randomblob(16)))
  WHERE kind = 'token' AND token_id IS NULL;
