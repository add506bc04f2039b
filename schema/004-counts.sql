-- 004-counts.sql: how many organizations each user sees, kept by triggers
-- on org_access, so an unfiltered GET /organizations answers total_size
-- without counting the user's whole set on every page.
CREATE TABLE org_counts (
  user_seq INTEGER PRIMARY KEY,
  n        INTEGER NOT NULL
);
INSERT INTO org_counts(user_seq, n) SELECT user_seq, count(*) FROM org_access GROUP BY user_seq;

CREATE TRIGGER org_access_counted AFTER INSERT ON org_access BEGIN
  INSERT INTO org_counts(user_seq, n) VALUES (new.user_seq, 1)
    ON CONFLICT(user_seq) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER org_access_uncounted AFTER DELETE ON org_access BEGIN
  UPDATE org_counts SET n = n - 1 WHERE user_seq = old.user_seq;
END;
