-- 005-email-key.sql: one email comparison everywhere, and users no email
-- reaches. email_key is the email folded by Unicode simple case folding
-- (rules_email_key(), cf_lower() in SQL): "ÄLICE@x" and "älice@x" are one
-- user, as the user.email filter already had it (COLLATE NOCASE folded
-- ASCII letters only). A user cfmock made from an API token or a service
-- key has no email_key: its email is only a label
-- ("<id>@users.cfmock.invalid") and X-Auth-Email never names it.
ALTER TABLE users ADD COLUMN email_key TEXT;
UPDATE users SET email = id WHERE email = id || '@users.cfmock.invalid';
-- where two users of an older database fold to one key, the older keeps
-- it and the others keep their email as it is
CREATE TEMP TABLE email_keys AS
  SELECT min(seq) AS seq, cf_lower(email) AS k FROM users
  WHERE email <> id GROUP BY cf_lower(email);
UPDATE users SET email_key = coalesce((SELECT k FROM email_keys WHERE email_keys.seq = users.seq),
                                      email)
  WHERE email <> id;
DROP TABLE email_keys;
CREATE UNIQUE INDEX users_email_key ON users(email_key);
