/* store.c: all of cfmock's SQL (see store.h). Returns cJSON trees owned by
 * the caller; never lets a statement or a column pointer out. Prepared
 * statements are kept in a small cache keyed by their SQL text (prep()). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "clock.h"
#include "ids.h"
#include "roles.h"
#include "store_vfs.h"
#include "util.h"

struct snapshot {
	char *name;
	sqlite3 *db; /* an in-memory copy */
	int64_t created_ms;
	struct snapshot *next;
};

#define STMT_CACHE 64

struct cached {
	char *sql;
	uint64_t hash;
	sqlite3_stmt *stmt;
	int in_use;
	uint64_t last_used;
};

/* SQLite copies the WAL back into the database file (a checkpoint) after
 * a commit that leaves it holding CKPT_PAGES pages. Run on the server
 * thread, as SQLite does by default, the copy and its two fsyncs held
 * every request behind them: a fifth of a write's time, and the p99 of
 * writes. Here a thread of its own runs them on a second connection (WAL
 * lets a checkpoint run beside the writer). The WAL starts again from its
 * top only when a write begins with all of it copied, which a writer that
 * never pauses does not leave the checkpointer time to reach: past
 * CKPT_CAP pages the server thread copies the rest itself (a few pages,
 * the checkpointer keeping up; if it is in a pass, once the pass is over)
 * and the WAL restarts. */
#define CKPT_PAGES 1000
#define CKPT_CAP 4000

struct checkpointer {
	sqlite3 *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_mutex_t pass;  /* held for a checkpoint on either thread */
	int wanted;
	int stopping;
	int copied; /* the WAL's pages copied by the last pass */
};

struct store {
	sqlite3 *db;
	int lock_fd;                /* flock()ed: one cfmock per file */
	struct checkpointer *ckpt;  /* NULL for :memory: */
	struct cached cache[STMT_CACHE];
	uint64_t tick;
	int depth; /* transactions open */
	sqlite3_int64 group_changes; /* sqlite3_total_changes64() when the group began */
	int schema_version;
	unsigned char secret[16];
	struct snapshot *snapshots; /* oldest first */
};

/* Who sees what, the one rule of visibility (store.h).
 *
 * Organizations: @u sees those it created, those where it is an active
 * member, and all below them. That set is kept in org_access: a new
 * organization gets the rows of its parent plus its creator's, and
 * access_rebuild() recomputes one user's rows whenever its memberships
 * change. Queries only ever join org_access.
 *
 * Accounts (alias "a"): @u sees those inside an organization it sees and
 * those where it is an accepted member (an account's creator is one). The
 * fragment takes the user's seq twice; it is written with correlated
 * EXISTS so each test is one index probe, whatever the store's size (an IN
 * (SELECT ...) would build the user's whole set on every query). */
#define ACCT_VISIBLE                                                                      \
	"(EXISTS (SELECT 1 FROM org_access x WHERE x.user_seq = ? AND x.org_seq = a.org_seq) " \
	"OR EXISTS (SELECT 1 FROM account_members y WHERE y.account_seq = a.seq "              \
	"AND y.user_seq = ? AND y.status = 'accepted'))"

/* Logs SQLite's message with where it happened; evaluates to STORE_ERROR. */
#define SQLERR(st) sql_error((st), __FILE__, __LINE__)

static enum store_rc sql_error(struct store *st, const char *file, int line)
{
	error("%s:%d: sqlite: %s", file, line, sqlite3_errmsg(st->db));
	return STORE_ERROR;
}

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* A statement for @sql: from the cache when one for the same text is free
 * (parsing and planning cost more than most of cfmock's queries), else a
 * new one, cached when there is room. Give it back with done(). */
static sqlite3_stmt *prep(struct store *st, const char *sql)
{
	uint64_t h = sql_hash(sql);
	struct cached *c, *slot = NULL;
	sqlite3_stmt *stmt = NULL;
	size_t i;

	for (i = 0; i < STMT_CACHE; i++) {
		c = &st->cache[i];
		if (c->stmt && !c->in_use && c->hash == h && strcmp(c->sql, sql) == 0) {
			c->in_use = 1;
			c->last_used = ++st->tick;
			return c->stmt;
		}
		/* the slot to fill: an empty one, else the least used idle one */
		if (!c->in_use && (!slot || (slot->stmt && (!c->stmt || c->last_used < slot->last_used))))
			slot = c;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, slot ? SQLITE_PREPARE_PERSISTENT : 0, &stmt,
			       NULL) != SQLITE_OK) {
		error("cannot prepare '%.60s...': %s", sql, sqlite3_errmsg(st->db));
		return NULL;
	}
	if (slot) {
		if (slot->stmt) {
			sqlite3_finalize(slot->stmt);
			free(slot->sql);
		}
		slot->sql = xstrdup(sql);
		slot->hash = h;
		slot->stmt = stmt;
		slot->in_use = 1;
		slot->last_used = ++st->tick;
	}
	return stmt;
}

/* Gives back a statement from prep(): reset for its next use if cached,
 * finalized if not. NULL is a no-op. */
static void done(struct store *st, sqlite3_stmt *stmt)
{
	size_t i;

	if (!stmt)
		return;
	for (i = 0; i < STMT_CACHE; i++) {
		if (st->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			st->cache[i].in_use = 0;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

static void cache_clear(struct store *st)
{
	size_t i;

	for (i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(st->cache[i].stmt);
		free(st->cache[i].sql);
		memset(&st->cache[i], 0, sizeof(st->cache[i]));
	}
}

static void bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : NULL;
}

/* Runs @sql; -1 on failure, leaving the message in sqlite3_errmsg(). Quiet:
 * at start-up the caller turns the failure into one line, at run time
 * begin() and commit() log it. */
static int exec(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Runs one transaction statement, prepared once and kept in the cache:
 * every write runs two or three of them. -1 on failure, leaving the
 * message in sqlite3_errmsg(). */
static int tx(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = prep(st, sql);
	int rc;

	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE (so a second
 * process on the same file waits for the lock up front instead of failing
 * halfway), inner ones are savepoints. This lets the fixtures loader wrap
 * many store calls, each a transaction of its own, into one, and the
 * server run many writes in one group (store_group_begin()). */
static int begin(struct store *st)
{
	/* SQLite rolled the outer transaction back by itself (a full disk):
	 * a SAVEPOINT now would start a transaction of its own, committed at
	 * its RELEASE, while the group says nothing was kept */
	if (st->depth && sqlite3_get_autocommit(st->db))
		return error("sqlite: the transaction this write was to join was rolled back");
	if (tx(st, st->depth ? "SAVEPOINT nested" : "BEGIN IMMEDIATE") < 0)
		return error("sqlite: cannot begin a transaction: %s", sqlite3_errmsg(st->db));
	st->depth++;
	return 0;
}

static void rollback(struct store *st)
{
	if (!st->depth)
		return;
	st->depth--;
	if (st->depth) {
		tx(st, "ROLLBACK TO nested");
		tx(st, "RELEASE nested");
	} else {
		tx(st, "ROLLBACK");
	}
}

static int commit(struct store *st)
{
	if (tx(st, st->depth > 1 ? "RELEASE nested" : "COMMIT") < 0) {
		error("sqlite: cannot commit: %s", sqlite3_errmsg(st->db));
		rollback(st);
		return -1;
	}
	st->depth--;
	return 0;
}

/* Ends a write: commits on STORE_OK, rolls back otherwise. */
static enum store_rc finish(struct store *st, enum store_rc rc)
{
	if (rc == STORE_OK) {
		if (commit(st) < 0)
			return STORE_ERROR;
	} else {
		rollback(st);
	}
	return rc;
}

/* Runs a one-statement write whose first parameters are already bound;
 * binds @seq as parameter @i. */
static enum store_rc step_write(struct store *st, sqlite3_stmt *stmt, int i, int64_t seq)
{
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, i, seq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = SQLERR(st);
	done(st, stmt);
	return rc;
}

/* The one row @sql (with one "?" for a seq) finds, made by @from_row. */
static enum store_rc row_by_seq(struct store *st, const char *sql, int64_t seq,
				cJSON *(*from_row)(sqlite3_stmt *), cJSON **out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out = from_row(stmt);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

/* Finishes a write that answers with a tree: on failure, *out is dropped. */
static enum store_rc finish_out(struct store *st, enum store_rc rc, cJSON **out)
{
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

int store_transaction(struct store *st, int (*fn)(struct store *st, void *arg), void *arg)
{
	int rc;

	if (begin(st) < 0)
		return -1;
	rc = fn(st, arg);
	if (rc == 0)
		return commit(st);
	rollback(st);
	return rc;
}

/* Group commit (store.h): the group is the outermost transaction, so each
 * write's own begin() inside it is a savepoint. */
int store_group_begin(struct store *st, int write)
{
	if (st->depth)
		BUG("a group begun inside a transaction");
	if (tx(st, write ? "BEGIN IMMEDIATE" : "BEGIN") < 0)
		return error("sqlite: cannot begin a transaction: %s", sqlite3_errmsg(st->db));
	st->depth++;
	st->group_changes = sqlite3_total_changes64(st->db);
	return 0;
}

int store_group_wrote(struct store *st)
{
	return sqlite3_total_changes64(st->db) != st->group_changes;
}

int store_group_intact(struct store *st)
{
	/* SQLite rolls a whole transaction back on its own after some
	 * failures (a full disk, an I/O error): then it is in autocommit mode
	 * again though depth says a transaction is open */
	return st->depth == 1 && !sqlite3_get_autocommit(st->db);
}

int store_group_commit(struct store *st)
{
	if (st->depth != 1)
		BUG("group commit at depth %d", st->depth);
	if (!store_group_intact(st)) {
		st->depth = 0;
		error("sqlite: the group's transaction was rolled back: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	return commit(st);
}

/* --- opening --- */

static int int_query(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	int rc = -1;

	if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = 0;
	}
	done(st, stmt);
	return rc;
}

static int load_secret(struct store *st)
{
	sqlite3_stmt *stmt = prep(st, "SELECT value FROM settings WHERE key = 'page_token_secret'");
	const char *hex;
	int rc = -1;
	size_t i;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW && (hex = col_text(stmt, 0)) && strlen(hex) == 32) {
		for (i = 0; i < 16; i++) {
			unsigned v;
			if (sscanf(hex + 2 * i, "%2x", &v) != 1)
				break;
			st->secret[i] = (unsigned char)v;
		}
		rc = i == 16 ? 0 : -1;
	}
	done(st, stmt);
	if (rc == 0)
		return 0;

	{
		char hexbuf[33];
		ids_secret_bytes(st->secret, sizeof(st->secret));
		for (i = 0; i < 16; i++)
			snprintf(hexbuf + 2 * i, 3, "%02x", st->secret[i]);
		stmt = prep(st, "INSERT OR REPLACE INTO settings(key, value) VALUES ('page_token_secret', ?)");
		if (!stmt)
			return -1;
		bind_text(stmt, 1, hexbuf);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
		done(st, stmt);
	}
	return rc;
}

static int migrate(struct store *st, char **err)
{
	const struct migration *m;
	int64_t version;
	int latest = 0;

	for (m = store_migrations; m->version; m++)
		latest = m->version;
	if (int_query(st, "PRAGMA user_version", &version) < 0) {
		*err = xasprintf("cannot read the database: %s", sqlite3_errmsg(st->db));
		return -1;
	}
	if (version > latest) {
		*err = xasprintf("the database is at schema version %lld, newer than this cfmock "
				 "knows (%d)", (long long)version, latest);
		return -1;
	}
	for (m = store_migrations; m->version; m++) {
		char *msg = NULL;
		char *bump;

		if (m->version <= version)
			continue;
		bump = xasprintf("PRAGMA user_version = %d", m->version);
		if (begin(st) < 0 ||
		    sqlite3_exec(st->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    exec(st, bump) < 0 || commit(st) < 0) {
			*err = xasprintf("cannot apply schema %s: %s", m->name,
					 msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			free(bump);
			rollback(st);
			return -1;
		}
		free(bump);
	}
	st->schema_version = latest;
	return 0;
}

/* cf_lower(text): utf8_lower() for SQL, so name filters fold case over
 * all of Unicode, not only ASCII as LIKE does. */
static void sql_cf_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	size_t len;
	char *low;

	(void)argc;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	low = utf8_lower(s, (size_t)sqlite3_value_bytes(argv[0]), &len);
	sqlite3_result_text(ctx, low, (int)len, free);
}

static void *ckpt_main(void *arg)
{
	struct checkpointer *c = arg;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		int rc, copied = 0;

		while (!c->wanted && !c->stopping)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->stopping)
			break;
		c->wanted = 0;
		pthread_mutex_unlock(&c->lock);
		pthread_mutex_lock(&c->pass);
		rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, &copied);
		pthread_mutex_unlock(&c->pass);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			error("sqlite: checkpoint: %s", sqlite3_errmsg(c->db));
		pthread_mutex_lock(&c->lock);
		if (rc == SQLITE_OK)
			c->copied = copied;
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* SQLite calls this after every commit with the pages the WAL holds. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct checkpointer *c = arg;

	if (pages >= CKPT_CAP) {
		/* (the write lock is free: SQLite calls this after it) */
		int rc;

		pthread_mutex_lock(&c->pass);
		rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_unlock(&c->pass);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			error("sqlite: checkpoint: %s", sqlite3_errmsg(db));
	} else if (pages >= CKPT_PAGES) {
		pthread_mutex_lock(&c->lock);
		if (c->copied > pages) /* the WAL started again */
			c->copied = 0;
		if (!c->wanted && pages - c->copied >= CKPT_PAGES) {
			c->wanted = 1;
			pthread_cond_signal(&c->wake);
		}
		pthread_mutex_unlock(&c->lock);
	}
	return SQLITE_OK;
}

/* Starts the checkpointer on @path. If it cannot start, SQLite's own
 * checkpoints (on the server thread) stay. */
static void ckpt_start(struct store *st, const char *path)
{
	struct checkpointer *c = xcalloc(1, sizeof(*c));

	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    store_vfs_register() == 0 ? STORE_VFS : NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK) {
		error("sqlite: no checkpoint thread (%s): checkpoints run inline",
		      c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		free(c);
		return;
	}
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->pass, NULL);
	pthread_cond_init(&c->wake, NULL);
	if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
		error("no checkpoint thread: checkpoints run inline");
		pthread_mutex_destroy(&c->lock);
		pthread_mutex_destroy(&c->pass);
		pthread_cond_destroy(&c->wake);
		sqlite3_close(c->db);
		free(c);
		return;
	}
	st->ckpt = c;
	sqlite3_wal_hook(st->db, on_wal_commit, c);
}

static void ckpt_stop(struct store *st)
{
	struct checkpointer *c = st->ckpt;

	if (!c)
		return;
	sqlite3_wal_hook(st->db, NULL, NULL);
	pthread_mutex_lock(&c->lock);
	c->stopping = 1;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	sqlite3_close(c->db);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->pass);
	pthread_cond_destroy(&c->wake);
	free(c);
	st->ckpt = NULL;
}

/* One cfmock per database file: a second one would hand out the same
 * ids and page-token secret from its own memory. flock() locks are apart
 * from the POSIX locks SQLite takes; the descriptor stays open until the
 * store is closed (closing any descriptor of a file drops the process's
 * POSIX locks on it). */
static int lock_file(struct store *st, const char *path, char **err)
{
	st->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (st->lock_fd < 0) {
		*err = xasprintf("cannot open database '%s': %s", path, strerror(errno));
		return -1;
	}
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) < 0) {
		*err = errno == EWOULDBLOCK ?
			       xasprintf("database '%s' is in use by another cfmock", path) :
			       xasprintf("cannot lock database '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct store *store_open(const char *path, char **err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int memory = strcmp(path, ":memory:") == 0;

	*err = NULL;
	st->lock_fd = -1;
	if (!memory && lock_file(st, path, err) < 0)
		goto fail;
	/* SQLite counts every allocation under a global mutex unless told
	 * not to before it starts (no-op after that); cfmock never reads the
	 * counts */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* Each write in a group is a savepoint, whose journal (the pages it
	 * changes, ~30 KiB) SQLite keeps in one buffer of this size and
	 * drops at its RELEASE; past it, for the rest of the transaction, in
	 * a temporary file. At the default 64 KiB a write that changed a few
	 * more pages moved the whole group's journal to a file; in 1 KiB
	 * pieces (temp_store=MEMORY) it was 28 mallocs a write. 120 KiB stays
	 * under glibc's mmap threshold. */
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 120 * 1024);
	/* NOMUTEX: one thread ever uses the connection (server.c), so
	 * SQLite's own locking is pure cost (3% of a write, measured) */
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    memory || store_vfs_register() < 0 ? NULL : STORE_VFS) != SQLITE_OK) {
		*err = xasprintf("cannot open database '%s': %s", path,
				 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_create_function(st->db, "cf_lower", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_cf_lower, NULL, NULL);
	sqlite3_busy_timeout(st->db, 5000);
	/* WAL with synchronous=NORMAL: a write that was answered survives a
	 * crash of the process (the OS holds the log); only a power loss can
	 * take the last transactions back. */
	if (exec(st, "PRAGMA foreign_keys = ON") < 0 ||
	    (!memory && exec(st, "PRAGMA journal_mode = WAL") < 0) ||
	    (!memory && exec(st, "PRAGMA journal_size_limit = 4194304") < 0) ||
	    exec(st, "PRAGMA synchronous = NORMAL") < 0) {
		*err = xasprintf("cannot use database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (migrate(st, err) < 0)
		goto fail;
	if (load_secret(st) < 0) {
		*err = xasprintf("cannot write to database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (!memory)
		ckpt_start(st, path);
	return st;
fail:
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	ckpt_stop(st);
	store_control_snapshots_clear(st);
	cache_clear(st);
	sqlite3_close(st->db);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st);
}

int store_schema_version(struct store *st)
{
	return st->schema_version;
}

const unsigned char *store_secret(struct store *st)
{
	return st->secret;
}

int store_is_empty(struct store *st)
{
	int64_t n = 1;
	if (int_query(st, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM organizations) "
			  "+ (SELECT count(*) FROM accounts)",
		      &n) < 0)
		return 0;
	return n == 0;
}

/* --- ids --- */

/* A new id that no row of @table holds. Random ids practically never
 * collide, but a seeded run restarted on an old database replays its
 * stream, so the ones already given out are skipped. */
static enum store_rc fresh_id(struct store *st, const char *exists_sql, char *out)
{
	sqlite3_stmt *stmt = prep(st, exists_sql);
	enum store_rc rc = STORE_ERROR;
	int step, tries;

	if (!stmt)
		return STORE_ERROR;
	for (tries = 0; tries < 1000; tries++) {
		ids_new(out);
		sqlite3_reset(stmt);
		bind_text(stmt, 1, out);
		step = sqlite3_step(stmt);
		if (step == SQLITE_DONE) {
			rc = STORE_OK;
			break;
		}
		if (step != SQLITE_ROW) {
			rc = SQLERR(st);
			break;
		}
	}
	done(st, stmt);
	return rc;
}

#define USER_ID_TAKEN "SELECT 1 FROM users WHERE id = ?"
#define ORG_ID_TAKEN "SELECT 1 FROM organizations WHERE id = ?"
#define ACCOUNT_ID_TAKEN "SELECT 1 FROM accounts WHERE id = ?"

/* --- users --- */

static const char *const cred_kinds[] = { "token", "key", "service_key" };

static enum store_rc user_insert(struct store *st, const struct user_new *n, struct user *out)
{
	sqlite3_stmt *stmt = prep(st, "INSERT INTO users(id, email, tenant_admin, first_name, "
				      "last_name, create_time, telephone, country, zipcode) "
				      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	char now[CLOCK_RFC3339_LEN + 1], idbuf[ID_LEN + 1];
	const char *id = n->id, *email = n->email;
	char *synth = NULL;
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (!id) {
		if (fresh_id(st, USER_ID_TAKEN, idbuf) != STORE_OK) {
			done(st, stmt);
			return STORE_ERROR;
		}
		id = idbuf;
	}
	if (!email)
		email = synth = xasprintf("%s@users.cfmock.invalid", id);
	clock_now(now);
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, email);
	sqlite3_bind_int(stmt, 3, n->tenant_admin);
	bind_text(stmt, 4, n->first_name);
	bind_text(stmt, 5, n->last_name);
	bind_text(stmt, 6, now);
	bind_text(stmt, 7, n->telephone);
	bind_text(stmt, 8, n->country);
	bind_text(stmt, 9, n->zipcode);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else {
		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_last_insert_rowid(st->db);
		memcpy(out->id, id, ID_LEN + 1);
		out->tenant_admin = n->tenant_admin;
	}
	done(st, stmt);
	free(synth);
	return rc;
}

/* Adds a credential; an API token gets an id of its own (@token_id, or a
 * new one), which token verify answers. */
static enum store_rc cred_insert(struct store *st, enum cred_kind kind, const char *secret,
				 int64_t user_seq, const char *status, const char *token_id,
				 char *out_token_id)
{
	sqlite3_stmt *stmt = prep(st, "INSERT INTO credentials(kind, secret, user_seq, token_id, "
				      "status) VALUES (?, ?, ?, ?, ?)");
	char idbuf[ID_LEN + 1];
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (kind == CRED_TOKEN && !token_id) {
		ids_new(idbuf);
		token_id = idbuf;
	}
	bind_text(stmt, 1, cred_kinds[kind]);
	bind_text(stmt, 2, secret);
	sqlite3_bind_int64(stmt, 3, user_seq);
	bind_text(stmt, 4, kind == CRED_TOKEN ? token_id : NULL);
	bind_text(stmt, 5, status ? status : "active");
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else if (out_token_id && kind == CRED_TOKEN)
		snprintf(out_token_id, ID_LEN + 1, "%s", token_id);
	done(st, stmt);
	return rc;
}

/* Looks the user up by credential, or by email for CRED_KEY (with
 * @need_key, the key must be that user's too). *out_status: the
 * credential's status. */
static enum store_rc user_find(struct store *st, enum cred_kind kind, const char *secret,
			       const char *email, int need_key, struct user *out,
			       const char **out_status)
{
	sqlite3_stmt *stmt;
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (kind == CRED_KEY && !need_key) {
		stmt = prep(st, "SELECT seq, id, tenant_admin, 'active', NULL FROM users "
				"WHERE email = ?");
		if (stmt)
			bind_text(stmt, 1, email);
	} else if (kind == CRED_KEY) {
		stmt = prep(st, "SELECT u.seq, u.id, u.tenant_admin, c.status, NULL FROM users u "
				"JOIN credentials c ON c.user_seq = u.seq AND c.kind = 'key' "
				"AND c.secret = ? WHERE u.email = ?");
		if (stmt) {
			bind_text(stmt, 1, secret);
			bind_text(stmt, 2, email);
		}
	} else {
		stmt = prep(st, "SELECT u.seq, u.id, u.tenant_admin, c.status, c.token_id "
				"FROM credentials c JOIN users u ON u.seq = c.user_seq "
				"WHERE c.kind = ? AND c.secret = ?");
		if (stmt) {
			bind_text(stmt, 1, cred_kinds[kind]);
			bind_text(stmt, 2, secret);
		}
	}
	if (!stmt)
		return STORE_ERROR;
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		static const char *const statuses[] = { "active", "disabled", "expired" };
		const char *status = col_text(stmt, 3);
		size_t i;

		memset(out, 0, sizeof(*out));
		out->seq = sqlite3_column_int64(stmt, 0);
		snprintf(out->id, sizeof(out->id), "%s", col_text(stmt, 1));
		out->tenant_admin = sqlite3_column_int(stmt, 2);
		if (col_text(stmt, 4))
			snprintf(out->token_id, sizeof(out->token_id), "%s", col_text(stmt, 4));
		/* a static string, so it outlives the statement */
		*out_status = "active";
		for (i = 0; status && i < ARRAY_SIZE(statuses); i++)
			if (strcmp(status, statuses[i]) == 0)
				*out_status = statuses[i];
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

enum store_rc store_users_resolve(struct store *st, enum cred_kind kind, const char *secret,
				  const char *email, int strict, struct user *out)
{
	const char *status = "active";
	struct user_new n;
	enum store_rc rc = user_find(st, kind, secret, email, strict, out, &status);

	if (rc == STORE_OK)
		return strcmp(status, "active") == 0 ? STORE_OK : STORE_CONFLICT;
	if (rc != STORE_NOT_FOUND || strict)
		return rc;
	/* CF-API: with X-Auth-Email + X-Auth-Key the email names the user; in
	 * the default open mode any well-formed credential is accepted and
	 * makes its user on first use. */
	memset(&n, 0, sizeof(n));
	n.email = kind == CRED_KEY ? email : NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, &n, out);
	/* an API key is not kept: in open mode the email alone names the
	 * user, and two users may well send the same key */
	if (rc == STORE_OK && kind != CRED_KEY)
		rc = cred_insert(st, kind, secret, out->seq, "active", NULL, out->token_id);
	return finish(st, rc);
}

enum store_rc store_users_create(struct store *st, const struct user_new *n, struct user *out)
{
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = user_insert(st, n, out);
	if (rc == STORE_OK && n->api_key)
		rc = cred_insert(st, CRED_KEY, n->api_key, out->seq, "active", NULL, NULL);
	return finish(st, rc);
}

enum store_rc store_users_token_create(struct store *st, const struct user *u, const char *token,
				    const char *status, const char *token_id)
{
	return cred_insert(st, CRED_TOKEN, token, u->seq, status, token_id, NULL);
}

enum store_rc store_users_service_key_create(struct store *st, const struct user *u, const char *key)
{
	return cred_insert(st, CRED_SERVICE_KEY, key, u->seq, "active", NULL, NULL);
}

enum store_rc store_users_get_by_email(struct store *st, const char *email, struct user *out)
{
	const char *status;
	return user_find(st, CRED_KEY, NULL, email, 0, out, &status);
}

const char *const store_users_update_keys[] = {
	"first_name", "last_name", "telephone", "country", "zipcode", NULL,
};

static cJSON *user_from_row(sqlite3_stmt *stmt)
{
	cJSON *u = cJSON_CreateObject();
	int i;

	cJSON_AddStringToObject(u, "id", col_text(stmt, 0));
	cJSON_AddStringToObject(u, "email", col_text(stmt, 1));
	for (i = 0; i < USERS_UPDATE_FIELDS; i++) {
		const char *v = col_text(stmt, 2 + i);
		if (v)
			cJSON_AddStringToObject(u, store_users_update_keys[i], v);
		else
			cJSON_AddNullToObject(u, store_users_update_keys[i]);
	}
	/* CF-API: cfmock users have no second factor, zones or betas */
	cJSON_AddBoolToObject(u, "two_factor_authentication_enabled", 0);
	cJSON_AddBoolToObject(u, "two_factor_authentication_locked", 0);
	cJSON_AddBoolToObject(u, "suspended", 0);
	cJSON_AddBoolToObject(u, "has_pro_zones", 0);
	cJSON_AddBoolToObject(u, "has_business_zones", 0);
	cJSON_AddBoolToObject(u, "has_enterprise_zones", 0);
	cJSON_AddArrayToObject(u, "betas");
	return u;
}

#define USER_COLS "id, email, first_name, last_name, telephone, country, zipcode"

enum store_rc store_users_get(struct store *st, const struct user *u, cJSON **out)
{
	return row_by_seq(st, "SELECT " USER_COLS " FROM users WHERE seq = ?", u->seq,
			  user_from_row, out);
}

enum store_rc store_users_update(struct store *st, const struct user *u,
				const char *const *values, const int *clear, cJSON **out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc = STORE_OK;
	int i;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	for (i = 0; rc == STORE_OK && i < USERS_UPDATE_FIELDS; i++) {
		char *sql;

		if (!values[i] && !clear[i])
			continue;
		/* the column name comes from the fixed list, never from input */
		sql = xasprintf("UPDATE users SET %s = ? WHERE seq = ?", store_users_update_keys[i]);
		stmt = prep(st, sql);
		free(sql);
		if (stmt)
			bind_text(stmt, 1, clear[i] ? NULL : values[i]);
		rc = step_write(st, stmt, 2, u->seq);
	}
	if (rc == STORE_OK)
		rc = store_users_get(st, u, out);
	return finish_out(st, rc, out);
}

/* --- organizations --- */

/* CF-API: meta.flags (five fields, spec c92b9b0f) and meta.tenant_flags
 * (eight, newer docs) are both optional; cfmock sends both so clients of
 * either generation find theirs. Every feature is on for a cfmock user. */
static const char *const org_flags[] = {
	"account_creation", "account_deletion", "account_migration", "account_mobility",
	"sub_org_creation",
};
static const char *const org_tenant_flags[] = {
	"account_creation", "account_creation_applies_tenant_defaults", "account_deletion",
	"account_migration", "account_mobility", "enterprise_capability", "member_management",
	"sub_org_creation",
};

const char *const store_profile_keys[] = {
	"business_address", "business_email", "business_name", "business_phone",
	"external_metadata", NULL,
};
#define PROFILE_FIELDS 5

#define ORG_COLS                                                                          \
	"o.seq, o.id, o.name, o.create_time, o.tags, c.id, p.id, p.name, "               \
	"o.business_address, o.business_email, o.business_name, o.business_phone, "      \
	"o.external_metadata"
#define ORG_JOINS                                                                         \
	" JOIN users c ON c.seq = o.creator_seq "                                        \
	"LEFT JOIN organizations p ON p.seq = o.parent_seq"
#define ORG_FROM "organizations o" ORG_JOINS
#define ORG_COL_PROFILE 8

/* The profile's fields in the order of store_profile_keys. */
static void profile_fields(const struct profile *p, const char **out)
{
	out[0] = p->business_address;
	out[1] = p->business_email;
	out[2] = p->business_name;
	out[3] = p->business_phone;
	out[4] = p->external_metadata;
}

/* Members whose keys are string constants: cJSON keeps the key's pointer
 * instead of a copy (and add_const() the value's too). A page of 50
 * organizations made ~3,000 small allocations: 45% of its time, in
 * callgrind. */
static cJSON *add_obj(cJSON *o, const char *key)
{
	cJSON *child = cJSON_CreateObject();

	if (!cJSON_AddItemToObjectCS(o, key, child)) {
		cJSON_Delete(child);
		return NULL;
	}
	return child;
}

static void add_str(cJSON *o, const char *key, const char *value)
{
	cJSON *v = cJSON_CreateString(value);

	if (!cJSON_AddItemToObjectCS(o, key, v))
		cJSON_Delete(v);
}

static void add_const(cJSON *o, const char *key, const char *value)
{
	cJSON *v = cJSON_CreateStringReference(value);

	if (!cJSON_AddItemToObjectCS(o, key, v))
		cJSON_Delete(v);
}

static cJSON *profile_from_row(sqlite3_stmt *stmt, int col)
{
	cJSON *p = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < PROFILE_FIELDS; i++) {
		const char *v = col_text(stmt, col + (int)i);
		add_str(p, store_profile_keys[i], v ? v : "");
	}
	return p;
}

static cJSON *org_from_row(sqlite3_stmt *stmt)
{
	cJSON *o = cJSON_CreateObject(), *meta, *flags, *tags;
	const char *t;
	size_t i;

	add_str(o, "id", col_text(stmt, 1));
	add_str(o, "name", col_text(stmt, 2));
	add_str(o, "create_time", col_text(stmt, 3));
	meta = add_obj(o, "meta");
	flags = add_obj(meta, "flags");
	for (i = 0; i < ARRAY_SIZE(org_flags); i++)
		add_const(flags, org_flags[i], "enabled");
	flags = add_obj(meta, "tenant_flags");
	for (i = 0; i < ARRAY_SIZE(org_tenant_flags); i++)
		add_const(flags, org_tenant_flags[i], "enabled");
	/* CF-API: hierarchy_tags runs root -> self; an organization's tag is
	 * its id. managed_by names the user that created it. */
	tags = cJSON_CreateArray();
	if (!cJSON_AddItemToObjectCS(meta, "hierarchy_tags", tags)) {
		cJSON_Delete(tags);
		tags = NULL;
	}
	for (t = col_text(stmt, 4); t && *t;) {
		size_t len = strcspn(t, ",");
		char buf[ID_LEN + 1], *tag = len < sizeof(buf) ? buf : xmalloc(len + 1);

		memcpy(tag, t, len);
		tag[len] = '\0';
		cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
		if (tag != buf)
			free(tag);
		t += len + (t[len] == ',');
	}
	add_str(meta, "managed_by", col_text(stmt, 5));
	if (col_text(stmt, 6)) {
		cJSON *parent = add_obj(o, "parent");
		add_str(parent, "id", col_text(stmt, 6));
		add_str(parent, "name", col_text(stmt, 7));
	}
	if (col_text(stmt, ORG_COL_PROFILE)) {
		cJSON *p = profile_from_row(stmt, ORG_COL_PROFILE);
		if (!cJSON_AddItemToObjectCS(o, "profile", p))
			cJSON_Delete(p);
	}
	return o;
}

/* The internal key of organization @id if @u can see it. */
static enum store_rc org_visible(struct store *st, const struct user *u, const char *id,
				 int64_t *out_seq)
{
	sqlite3_stmt *stmt = prep(st, "SELECT o.seq FROM organizations o JOIN org_access a "
				      "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, u->seq);
	bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

static enum store_rc org_by_seq(struct store *st, int64_t seq, cJSON **out)
{
	return row_by_seq(st, "SELECT " ORG_COLS " FROM " ORG_FROM " WHERE o.seq = ?", seq,
			  org_from_row, out);
}

/* The parent's key and tags, if @u can see it (@u NULL: whoever sees it;
 * fixtures, which write a state as it was, not as a user would make it). */
static enum store_rc org_parent(struct store *st, const struct user *u, const char *id,
				int64_t *out_seq, char **out_tags)
{
	sqlite3_stmt *stmt = prep(st, u ? "SELECT o.seq, o.tags FROM organizations o JOIN org_access a "
					  "ON a.org_seq = o.seq AND a.user_seq = ? WHERE o.id = ?" :
					  "SELECT o.seq, o.tags FROM organizations o "
					  "WHERE ? IS NULL AND o.id = ?");
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (u)
		sqlite3_bind_int64(stmt, 1, u->seq);
	bind_text(stmt, 2, id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		*out_tags = xstrdup(col_text(stmt, 1));
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

static enum store_rc org_insert(struct store *st, const struct user *u, const struct organization_new *o,
				int64_t *out_seq)
{
	sqlite3_stmt *stmt = NULL;
	char idbuf[ID_LEN + 1], now[CLOCK_RFC3339_LEN + 1];
	const char *id = o->id;
	char *parent_tags = NULL, *tags = NULL;
	int64_t parent_seq = 0, seq;
	enum store_rc rc;
	int step;
	size_t i;

	if (o->parent_id) {
		rc = org_parent(st, o->unchecked ? NULL : u, o->parent_id, &parent_seq, &parent_tags);
		if (rc != STORE_OK)
			return rc;
	}
	if (!id) {
		rc = fresh_id(st, ORG_ID_TAKEN, idbuf);
		if (rc != STORE_OK) {
			free(parent_tags);
			return rc;
		}
		id = idbuf;
	}
	tags = parent_tags ? xasprintf("%s,%s", parent_tags, id) : xstrdup(id);
	clock_now(now);
	stmt = prep(st, "INSERT INTO organizations(id, name, parent_seq, creator_seq, tags, "
			"create_time, business_address, business_email, business_name, "
			"business_phone, external_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, o->name);
	if (parent_seq)
		sqlite3_bind_int64(stmt, 3, parent_seq);
	sqlite3_bind_int64(stmt, 4, u->seq);
	bind_text(stmt, 5, tags);
	bind_text(stmt, 6, o->create_time ? o->create_time : now);
	if (o->profile) {
		const char *fields[PROFILE_FIELDS];
		profile_fields(o->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			bind_text(stmt, 7 + (int)i, fields[i]);
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = STORE_CONFLICT;
		goto out;
	}
	if (step != SQLITE_DONE) {
		rc = SQLERR(st);
		goto out;
	}
	seq = sqlite3_last_insert_rowid(st->db);
	done(st, stmt);

	/* Whoever sees the parent sees the child; the creator sees it too. */
	stmt = prep(st, "INSERT OR IGNORE INTO org_access(user_seq, org_seq) "
			"SELECT user_seq, ?1 FROM org_access WHERE org_seq = ?2 "
			"UNION SELECT ?3, ?1");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	sqlite3_bind_int64(stmt, 1, seq);
	sqlite3_bind_int64(stmt, 2, parent_seq);
	sqlite3_bind_int64(stmt, 3, u->seq);
	if (sqlite3_step(stmt) != SQLITE_DONE) {
		rc = SQLERR(st);
		goto out;
	}
	*out_seq = seq;
	rc = STORE_OK;
out:
	done(st, stmt);
	free(parent_tags);
	free(tags);
	return rc;
}

enum store_rc store_organizations_create(struct store *st, const struct user *u,
				const struct organization_new *o, cJSON **out)
{
	enum store_rc rc;
	int64_t seq = 0;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_insert(st, u, o, &seq);
	if (rc == STORE_OK)
		rc = org_by_seq(st, seq, out);
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

enum store_rc store_organizations_get(struct store *st, const struct user *u, const char *id,
			     cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? org_by_seq(st, seq, out) : rc;
}

enum store_rc store_organizations_update(struct store *st, const struct user *u, const char *id,
				const char *name, cJSON **out)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK) {
		stmt = prep(st, "UPDATE organizations SET name = ? WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			bind_text(stmt, 1, name);
			sqlite3_bind_int64(stmt, 2, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			done(st, stmt);
		}
	}
	if (rc == STORE_OK)
		rc = org_by_seq(st, seq, out);
	rc = finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

/* How many rows @sql (one "?" for the organization) counts. */
static enum store_rc count_of(struct store *st, const char *sql, int64_t seq, int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	done(st, stmt);
	return rc;
}

enum store_rc store_organizations_delete(struct store *st, const struct user *u, const char *id,
				char **out_what)
{
	sqlite3_stmt *stmt;
	enum store_rc rc;
	int64_t seq, children = 0, accounts = 0, members = 0;

	*out_what = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = count_of(st, "SELECT count(*) FROM organizations WHERE parent_seq = ?", seq,
			      &children);
	if (rc == STORE_OK)
		rc = count_of(st, "SELECT count(*) FROM accounts WHERE org_seq = ?", seq, &accounts);
	if (rc == STORE_OK)
		rc = count_of(st, "SELECT count(*) FROM org_members WHERE org_seq = ?", seq, &members);
	/* CF-API: "The organization MUST be empty before deleting. It must not
	 * contain any sub-organizations, accounts, members or users." */
	if (rc == STORE_OK && (children || accounts || members)) {
		const struct {
			int64_t n;
			const char *what;
		} parts[] = { { children, "sub-organization" }, { accounts, "account" },
			      { members, "member" } };
		struct strbuf sb = STRBUF_INIT;
		size_t i, said = 0, total = 0;

		for (i = 0; i < ARRAY_SIZE(parts); i++)
			total += parts[i].n != 0;
		for (i = 0; i < ARRAY_SIZE(parts); i++) {
			if (!parts[i].n)
				continue;
			said++;
			strbuf_addf(&sb, "%s%lld %s%s",
				    said == 1 ? "" : said == total ? " and " : ", ",
				    (long long)parts[i].n, parts[i].what, parts[i].n == 1 ? "" : "s");
		}
		*out_what = strbuf_detach(&sb, NULL);
		rc = STORE_CONFLICT;
	}
	if (rc == STORE_OK) {
		stmt = prep(st, "DELETE FROM organizations WHERE seq = ?");
		if (!stmt) {
			rc = STORE_ERROR;
		} else {
			sqlite3_bind_int64(stmt, 1, seq);
			if (sqlite3_step(stmt) != SQLITE_DONE)
				rc = SQLERR(st);
			done(st, stmt);
		}
	}
	return finish(st, rc);
}

/* The profile columns of row @seq in @table ("organizations" or
 * "accounts": both keep the profile in the same five columns). */
static enum store_rc profile_read(struct store *st, const char *table, int64_t seq, cJSON **out)
{
	char *sql = xasprintf("SELECT business_address, business_email, business_name, "
			      "business_phone, external_metadata FROM %s WHERE seq = ?", table);
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, seq);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = profile_from_row(stmt, 0);
	else
		rc = SQLERR(st);
	done(st, stmt);
	return rc;
}

static enum store_rc profile_write(struct store *st, const char *table, int64_t seq,
				   const struct profile *p)
{
	char *sql = xasprintf("UPDATE %s SET business_address = ?, business_email = ?, "
			      "business_name = ?, business_phone = ?, external_metadata = ? "
			      "WHERE seq = ?", table);
	sqlite3_stmt *stmt = prep(st, sql);
	const char *fields[PROFILE_FIELDS];
	size_t i;

	free(sql);
	profile_fields(p, fields);
	for (i = 0; stmt && i < PROFILE_FIELDS; i++)
		bind_text(stmt, 1 + (int)i, fields[i]);
	return step_write(st, stmt, 6, seq);
}

enum store_rc store_organizations_profile_get(struct store *st, const struct user *u, const char *id,
				     cJSON **out)
{
	int64_t seq;
	enum store_rc rc = org_visible(st, u, id, &seq);
	return rc == STORE_OK ? profile_read(st, "organizations", seq, out) : rc;
}

enum store_rc store_organizations_profile_update(struct store *st, const struct user *u, const char *id,
				     const struct profile *p)
{
	enum store_rc rc;
	int64_t seq;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, id, &seq);
	if (rc == STORE_OK)
		rc = profile_write(st, "organizations", seq, p);
	return finish(st, rc);
}

/* --- listing --- */

/* Values to bind, in order, for a query built from fragments. Text values
 * are owned by the list. */
struct binds {
	struct {
		int is_text;
		int64_t i;
		char *s;
	} v[1024 + 16];
	int n;
};

static void bind_add_int(struct binds *b, int64_t i)
{
	if (b->n == (int)ARRAY_SIZE(b->v))
		BUG("too many bind values");
	b->v[b->n].is_text = 0;
	b->v[b->n].i = i;
	b->v[b->n].s = NULL;
	b->n++;
}

/* Takes ownership of @s. */
static void bind_add_text(struct binds *b, char *s)
{
	if (b->n == (int)ARRAY_SIZE(b->v))
		BUG("too many bind values");
	b->v[b->n].is_text = 1;
	b->v[b->n].s = s;
	b->n++;
}

static void binds_apply(const struct binds *b, sqlite3_stmt *stmt)
{
	int i;
	for (i = 0; i < b->n; i++) {
		if (b->v[i].is_text)
			bind_text(stmt, i + 1, b->v[i].s);
		else
			sqlite3_bind_int64(stmt, i + 1, b->v[i].i);
	}
}

static void binds_release(struct binds *b)
{
	int i;
	for (i = 0; i < b->n; i++)
		free(b->v[i].s);
	b->n = 0;
}

/* A LIKE pattern (ESCAPE '\') matching @s lower-cased and literally,
 * between @pre and @post ("%" or ""), for use against cf_lower(column). */
static char *like_pattern(const char *pre, const char *str, const char *post)
{
	struct strbuf sb = STRBUF_INIT;
	char *low = utf8_lower(str, strlen(str), NULL);
	const char *s;

	strbuf_adds(&sb, pre);
	for (s = low; *s; s++) {
		if (*s == '\\' || *s == '%' || *s == '_')
			strbuf_add(&sb, "\\", 1);
		strbuf_add(&sb, s, 1);
	}
	strbuf_adds(&sb, post);
	free(low);
	return strbuf_detach(&sb, NULL);
}

/* Appends the WHERE conditions of @f (after the visibility condition). */
static void org_filter_sql(const struct user *u, const struct organization_filter *f, struct strbuf *sql,
			   struct binds *b)
{
	int i;

	if (f->ids) {
		strbuf_adds(sql, " AND o.id IN (");
		for (i = 0; i < f->nids; i++) {
			strbuf_adds(sql, i ? ", ?" : "?");
			bind_add_text(b, xstrdup(f->ids[i]));
		}
		strbuf_adds(sql, ")");
	}
	if (f->name) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("", f->name, ""));
	}
	if (f->name_starts) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("", f->name_starts, "%"));
	}
	if (f->name_ends) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("%", f->name_ends, ""));
	}
	if (f->name_contains) {
		strbuf_adds(sql, " AND cf_lower(o.name) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern("%", f->name_contains, "%"));
	}
	if (f->parent_null)
		strbuf_adds(sql, " AND o.parent_seq IS NULL");
	if (f->parent_id) {
		strbuf_adds(sql, " AND o.parent_seq = (SELECT seq FROM organizations WHERE id = ?)");
		bind_add_text(b, xstrdup(f->parent_id));
	}
	if (f->containing_org) {
		/* the organizations above it, its parent up to the root */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT parent_seq FROM organizations WHERE id = ? "
				 "UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		bind_add_text(b, xstrdup(f->containing_org));
	}
	if (f->containing_account) {
		/* the organization holding the account (if @u sees the
		 * account), and those above it */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT a.org_seq FROM accounts a WHERE a.id = ? AND " ACCT_VISIBLE
				 " UNION ALL SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		bind_add_text(b, xstrdup(f->containing_account));
		bind_add_int(b, u->seq);
		bind_add_int(b, u->seq);
	}
	if (f->containing_user) {
		/* the organizations where the user is an active member, and
		 * those above them */
		strbuf_adds(sql, " AND o.seq IN (WITH RECURSIVE up(s) AS ("
				 "SELECT m.org_seq FROM org_members m JOIN users mu ON mu.seq = m.user_seq "
				 "WHERE mu.id = ? AND m.status = 'active' "
				 "UNION SELECT x.parent_seq FROM organizations x JOIN up "
				 "ON x.seq = up.s) SELECT s FROM up)");
		bind_add_text(b, xstrdup(f->containing_user));
	}
}

/* The count of a query built in @sql with @b. */
static enum store_rc count_query(struct store *st, const char *sql, const struct binds *b,
				 int64_t *out)
{
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	binds_apply(b, stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	done(st, stmt);
	return rc;
}

/* Runs the list query @sql with @b, adding each row made by @from_row to a
 * new array *out (and the row's first column, its seq, to *out_last; its
 * column @key_col, if >= 0, to *out_last_key); with @limit >= 0, stops
 * after that many and sets *out_more if another follows. */
static enum store_rc collect(struct store *st, const char *sql, const struct binds *b,
			     cJSON *(*from_row)(sqlite3_stmt *), int limit, cJSON **out,
			     int64_t *out_last, int key_col, char **out_last_key, int *out_more)
{
	sqlite3_stmt *stmt = prep(st, sql);
	cJSON *items;
	int n = 0, step;

	if (!stmt)
		return STORE_ERROR;
	binds_apply(b, stmt);
	items = cJSON_CreateArray();
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (limit >= 0 && n == limit) {
			if (out_more)
				*out_more = 1;
			break;
		}
		cJSON_AddItemToArray(items, from_row(stmt));
		if (out_last)
			*out_last = sqlite3_column_int64(stmt, 0);
		if (key_col >= 0) {
			free(*out_last_key);
			*out_last_key = xstrdup(col_text(stmt, key_col));
		}
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		enum store_rc rc = SQLERR(st);
		done(st, stmt);
		cJSON_Delete(items);
		return rc;
	}
	done(st, stmt);
	*out = items;
	return STORE_OK;
}

static int org_filter_empty(const struct organization_filter *f)
{
	return !f->ids && !f->name && !f->name_starts && !f->name_ends && !f->name_contains &&
	       !f->parent_id && !f->parent_null && !f->containing_account &&
	       !f->containing_org && !f->containing_user;
}

enum store_rc store_organizations_list(struct store *st, const struct user *u, const struct organization_filter *f,
			      int64_t after, int limit, cJSON **out, int64_t *out_last,
			      int *out_more, int64_t *out_total)
{
	struct strbuf sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	enum store_rc rc;

	*out = NULL;
	*out_more = 0;
	*out_last = after;

	/* the total, with the filters but not the cursor; with none, the
	 * count the triggers keep (schema 004), so a page costs the same
	 * whatever the user sees */
	if (org_filter_empty(f)) {
		strbuf_adds(&sql, "SELECT coalesce((SELECT n FROM org_counts WHERE user_seq = ?), 0)");
		bind_add_int(b, u->seq);
	} else {
		strbuf_adds(&sql, "SELECT count(*) FROM org_access a JOIN organizations o "
				  "ON o.seq = a.org_seq WHERE a.user_seq = ?");
		bind_add_int(b, u->seq);
		org_filter_sql(u, f, &sql, b);
	}
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;

	/* the page: one more than asked, to know whether more follow */
	binds_release(b);
	sql.len = 0;
	strbuf_adds(&sql, "SELECT " ORG_COLS " FROM org_access a JOIN organizations o "
			  "ON o.seq = a.org_seq" ORG_JOINS " WHERE a.user_seq = ? AND a.org_seq > ?");
	bind_add_int(b, u->seq);
	bind_add_int(b, after);
	org_filter_sql(u, f, &sql, b);
	strbuf_adds(&sql, " ORDER BY a.org_seq LIMIT ?");
	bind_add_int(b, (int64_t)limit + 1);
	rc = collect(st, sql.buf, b, org_from_row, limit, out, out_last, -1, NULL, out_more);
out:
	binds_release(b);
	free(b);
	strbuf_release(&sql);
	return rc;
}

/* --- accounts --- */

static enum store_rc account_member_insert(struct store *st, const char *id,
					   int64_t account_seq, int64_t user_seq,
					   const char *status, const char *roles,
					   const char *policies, const char *create_time,
					   int64_t *out_seq);

#define ACCT_COLS                                                                         \
	"a.seq, a.id, a.name, a.type, a.created_on, a.abuse_contact_email, "              \
	"a.enforce_twofactor, o.id, o.name, a.name_key"
#define ACCT_FROM "accounts a LEFT JOIN organizations o ON o.seq = a.org_seq"
#define ACCT_COL_NAME_KEY 9

/* The IAM shape (iam_account). */
static cJSON *account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;

	add_str(a, "id", col_text(stmt, 1));
	add_str(a, "name", col_text(stmt, 2));
	add_str(a, "type", col_text(stmt, 3));
	add_str(a, "created_on", col_text(stmt, 4));
	/* CF-API: iam_account's settings.abuse_contact_email is a string
	 * (not nullable): left out while none is set. */
	settings = add_obj(a, "settings");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	if (col_text(stmt, 5))
		add_str(settings, "abuse_contact_email", col_text(stmt, 5));
	if (col_text(stmt, 7)) {
		cJSON *m = add_obj(a, "managed_by");
		add_str(m, "parent_org_id", col_text(stmt, 7));
		add_str(m, "parent_org_name", col_text(stmt, 8));
	}
	return a;
}

/* The Organizations-API shape (organizations-api_Account): settings has six
 * required, nullable keys; cfmock keeps two of them. */
static cJSON *org_account_from_row(sqlite3_stmt *stmt)
{
	cJSON *a = cJSON_CreateObject(), *settings;
	const char *abuse = col_text(stmt, 5);

	add_str(a, "id", col_text(stmt, 1));
	add_str(a, "name", col_text(stmt, 2));
	add_str(a, "type", col_text(stmt, 3));
	add_str(a, "created_on", col_text(stmt, 4));
	settings = add_obj(a, "settings");
	if (abuse)
		add_str(settings, "abuse_contact_email", abuse);
	else
		cJSON_AddNullToObject(settings, "abuse_contact_email");
	cJSON_AddNullToObject(settings, "access_approval_expiry");
	cJSON_AddNullToObject(settings, "api_access_enabled");
	cJSON_AddNullToObject(settings, "default_nameservers");
	cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 6));
	cJSON_AddNullToObject(settings, "use_account_custom_ns_by_default");
	return a;
}

/* Where a visible account sits. */
struct acct_pos {
	int64_t seq;
	int64_t org_seq; /* 0: stand-alone */
};

/* The position of account @id if @u can see it. */
static enum store_rc acct_visible(struct store *st, const struct user *u, const char *id,
				  struct acct_pos *out)
{
	sqlite3_stmt *stmt = prep(st, "SELECT a.seq, a.org_seq FROM accounts a "
				      "WHERE a.id = ? AND " ACCT_VISIBLE);
	enum store_rc rc = STORE_NOT_FOUND;
	int step;

	if (!stmt)
		return STORE_ERROR;
	bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, u->seq);
	sqlite3_bind_int64(stmt, 3, u->seq);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		out->seq = sqlite3_column_int64(stmt, 0);
		out->org_seq = sqlite3_column_int64(stmt, 1);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

static enum store_rc account_by_seq(struct store *st, int64_t seq, cJSON **out)
{
	return row_by_seq(st, "SELECT " ACCT_COLS " FROM " ACCT_FROM " WHERE a.seq = ?", seq,
			  account_from_row, out);
}

enum store_rc store_accounts_create(struct store *st, const struct user *u,
				    const struct account_new *a, cJSON **out)
{
	sqlite3_stmt *stmt = NULL;
	char idbuf[ID_LEN + 1], now[CLOCK_RFC3339_LEN + 1];
	const char *id = a->id;
	char *tags = NULL, *key = NULL;
	int64_t org_seq = 0;
	enum store_rc rc = STORE_OK;
	int step;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	if (a->org_id)
		rc = org_parent(st, a->unchecked ? NULL : u, a->org_id, &org_seq, &tags);
	if (rc == STORE_OK && !id) {
		rc = fresh_id(st, ACCOUNT_ID_TAKEN, idbuf);
		id = idbuf;
	}
	if (rc != STORE_OK)
		goto out;
	clock_now(now);
	key = utf8_lower(a->name, strlen(a->name), NULL);
	stmt = prep(st, "INSERT INTO accounts(id, name, name_key, type, org_seq, creator_seq, "
			"created_on, abuse_contact_email, enforce_twofactor, business_address, "
			"business_email, business_name, business_phone, external_metadata) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!stmt) {
		rc = STORE_ERROR;
		goto out;
	}
	bind_text(stmt, 1, id);
	bind_text(stmt, 2, a->name);
	bind_text(stmt, 3, key);
	bind_text(stmt, 4, a->type);
	if (org_seq)
		sqlite3_bind_int64(stmt, 5, org_seq);
	sqlite3_bind_int64(stmt, 6, u->seq);
	bind_text(stmt, 7, a->created_on ? a->created_on : now);
	bind_text(stmt, 8, a->abuse_contact_email);
	sqlite3_bind_int(stmt, 9, a->enforce_twofactor > 0);
	if (a->profile) {
		const char *fields[PROFILE_FIELDS];
		size_t i;
		profile_fields(a->profile, fields);
		for (i = 0; i < PROFILE_FIELDS; i++)
			bind_text(stmt, 10 + (int)i, fields[i]);
	}
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rc = STORE_CONFLICT;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	} else {
		int64_t seq = sqlite3_last_insert_rowid(st->db);
		/* CF-API: whoever creates an account is its first member, a
		 * Super Administrator */
		rc = account_member_insert(st, NULL, seq, u->seq, "accepted", ROLE_SUPER_ADMIN,
					   NULL, a->created_on ? a->created_on : now, NULL);
		if (rc == STORE_OK)
			rc = account_by_seq(st, seq, out);
	}
out:
	done(st, stmt);
	free(tags);
	free(key);
	return finish_out(st, rc, out);
}

enum store_rc store_accounts_get(struct store *st, const struct user *u, const char *id,
				 cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);
	return rc == STORE_OK ? account_by_seq(st, pos.seq, out) : rc;
}

enum store_rc store_accounts_update(struct store *st, const struct user *u, const char *id,
				    const struct account_update *a, cJSON **out)
{
	struct acct_pos pos;
	sqlite3_stmt *stmt;
	char *key;
	enum store_rc rc;

	*out = NULL;
	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK) {
		/* "" clears the abuse contact; NULL and -1 keep what is there */
		stmt = prep(st, "UPDATE accounts SET name = ?1, name_key = ?2, type = ?3, "
				"abuse_contact_email = CASE WHEN ?4 IS NULL THEN abuse_contact_email "
				"WHEN ?4 = '' THEN NULL ELSE ?4 END, "
				"enforce_twofactor = CASE WHEN ?5 < 0 THEN enforce_twofactor ELSE ?5 END "
				"WHERE seq = ?6");
		key = utf8_lower(a->name, strlen(a->name), NULL);
		if (stmt) {
			bind_text(stmt, 1, a->name);
			bind_text(stmt, 2, key);
			bind_text(stmt, 3, a->type);
			bind_text(stmt, 4, a->abuse_contact_email);
			sqlite3_bind_int(stmt, 5, a->enforce_twofactor);
		}
		rc = step_write(st, stmt, 6, pos.seq);
		free(key);
	}
	if (rc == STORE_OK)
		rc = account_by_seq(st, pos.seq, out);
	return finish_out(st, rc, out);
}

enum store_rc store_accounts_delete(struct store *st, const struct user *u, const char *id)
{
	struct acct_pos pos;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	/* The profile lives in the row; what hangs off an account in other
	 * tables goes with it by ON DELETE CASCADE. */
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = step_write(st, prep(st, "DELETE FROM accounts WHERE seq = ?"), 1, pos.seq);
	return finish(st, rc);
}

enum store_rc store_accounts_profile_get(struct store *st, const struct user *u, const char *id,
					 cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);
	return rc == STORE_OK ? profile_read(st, "accounts", pos.seq, out) : rc;
}

enum store_rc store_accounts_profile_update(struct store *st, const struct user *u, const char *id,
					 const struct profile *p)
{
	struct acct_pos pos;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_OK)
		rc = profile_write(st, "accounts", pos.seq, p);
	return finish(st, rc);
}

/* The organizations from the root down to @org_seq that @u sees, as
 * Organization objects. (A member of a sub-organization, or of the account
 * only, does not see the ones above.) */
static enum store_rc org_chain(struct store *st, const struct user *u, int64_t org_seq,
			       cJSON **out)
{
	sqlite3_stmt *stmt = prep(st, "WITH RECURSIVE up(s, depth) AS (SELECT ?, 0 "
				      "UNION ALL SELECT x.parent_seq, up.depth + 1 FROM organizations x "
				      "JOIN up ON x.seq = up.s WHERE x.parent_seq IS NOT NULL) "
				      "SELECT " ORG_COLS " FROM up JOIN organizations o ON o.seq = up.s "
				      "JOIN org_access a ON a.org_seq = o.seq AND a.user_seq = ?"
				      ORG_JOINS " ORDER BY up.depth DESC");
	enum store_rc rc = STORE_OK;
	cJSON *items = cJSON_CreateArray();
	int step;

	if (!stmt) {
		cJSON_Delete(items);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, org_seq);
	sqlite3_bind_int64(stmt, 2, u->seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW)
		cJSON_AddItemToArray(items, org_from_row(stmt));
	if (step != SQLITE_DONE) {
		rc = SQLERR(st);
		cJSON_Delete(items);
		items = NULL;
	}
	done(st, stmt);
	*out = items;
	return rc;
}

enum store_rc store_accounts_organizations_list(struct store *st, const struct user *u,
					   const char *id, cJSON **out)
{
	struct acct_pos pos;
	enum store_rc rc = acct_visible(st, u, id, &pos);

	if (rc != STORE_OK)
		return rc;
	/* CF-API: "in order from "root" to "leaf", where the "leaf" will be
	 * the organization that _immediately_ contains the specified account" */
	if (!pos.org_seq) {
		*out = cJSON_CreateArray();
		return STORE_OK;
	}
	return org_chain(st, u, pos.org_seq, out);
}

enum store_rc store_accounts_list(struct store *st, const struct user *u, const char *name,
				  int desc, int64_t offset, int limit, cJSON **out,
				  int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	enum store_rc rc;

	*out = NULL;
	strbuf_adds(&where, " WHERE " ACCT_VISIBLE);
	bind_add_int(b, u->seq);
	bind_add_int(b, u->seq);
	/* CF-API: "name: Name of the account": the whole name, compared
	 * case-insensitively as the Organizations-API name filters are */
	if (name) {
		strbuf_adds(&where, " AND a.name_key = ?");
		bind_add_text(b, utf8_lower(name, strlen(name), NULL));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	/* CF-API: no order parameter; like the Organizations API's lists,
	 * the order is the internal id's, and direction turns it round */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCT_COLS " FROM " ACCT_FROM "%s ORDER BY a.seq %s "
			  "LIMIT ? OFFSET ?", where.buf, desc ? "DESC" : "ASC");
	bind_add_int(b, limit);
	bind_add_int(b, offset);
	rc = collect(st, sql.buf, b, account_from_row, -1, out, NULL, -1, NULL, NULL);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

/* The root of the hierarchy an organization is in: the first of its tags. */
static int same_root(const char *tags_a, const char *tags_b)
{
	size_t la = strcspn(tags_a, ","), lb = strcspn(tags_b, ",");
	return la == lb && memcmp(tags_a, tags_b, la) == 0;
}

/* Moves one account (within the caller's transaction). */
static enum store_rc move_one(struct store *st, const struct user *u, const char *id,
			      int64_t dest_seq, const char *dest_tags, struct move_result *out)
{
	sqlite3_stmt *stmt;
	struct acct_pos pos;
	enum store_rc rc;
	int step;

	out->source_id[0] = '\0';
	rc = acct_visible(st, u, id, &pos);
	if (rc == STORE_NOT_FOUND) {
		out->status = MOVE_NO_ACCOUNT;
		return STORE_OK;
	}
	if (rc != STORE_OK)
		return rc;
	if (pos.org_seq == dest_seq) {
		out->status = MOVE_SAME_ORG;
		return STORE_OK;
	}
	if (pos.org_seq) {
		stmt = prep(st, "SELECT id, tags FROM organizations WHERE seq = ?");
		if (!stmt)
			return STORE_ERROR;
		sqlite3_bind_int64(stmt, 1, pos.org_seq);
		step = sqlite3_step(stmt);
		if (step != SQLITE_ROW) {
			rc = SQLERR(st);
			done(st, stmt);
			return rc;
		}
		snprintf(out->source_id, sizeof(out->source_id), "%s", col_text(stmt, 0));
		/* CF-API: an account moves "between organizations in the same
		 * hierarchy" (a stand-alone one may go anywhere) */
		if (!same_root(col_text(stmt, 1), dest_tags)) {
			done(st, stmt);
			out->status = MOVE_OTHER_HIERARCHY;
			return STORE_OK;
		}
		done(st, stmt);
	}
	stmt = prep(st, "UPDATE accounts SET org_seq = ? WHERE seq = ?");
	if (stmt)
		sqlite3_bind_int64(stmt, 1, dest_seq);
	rc = step_write(st, stmt, 2, pos.seq);
	if (rc == STORE_OK)
		out->status = MOVE_DONE;
	return rc;
}

enum store_rc store_accounts_move(struct store *st, const struct user *u,
				  const char *const *ids, int n, const char *dest_id,
				  struct move_result *out)
{
	char *dest_tags = NULL;
	int64_t dest_seq;
	enum store_rc rc;
	int i;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_parent(st, u, dest_id, &dest_seq, &dest_tags);
	for (i = 0; rc == STORE_OK && i < n; i++)
		rc = move_one(st, u, ids[i], dest_seq, dest_tags, &out[i]);
	free(dest_tags);
	return finish(st, rc);
}

/* Appends " AND <col> LIKE ?" for each of the four name filters in @v
 * (=, startsWith, endsWith, contains). */
static void name_filters_sql(const char *col, const char *const *v, struct strbuf *sql,
			     struct binds *b)
{
	static const char *const pre[] = { "", "", "%", "%" }, *const post[] = { "", "%", "", "%" };
	int i;

	for (i = 0; i < 4; i++) {
		if (!v[i])
			continue;
		strbuf_addf(sql, " AND %s LIKE ? ESCAPE '\\'", col);
		bind_add_text(b, like_pattern(pre[i], v[i], post[i]));
	}
}

enum store_rc store_organizations_accounts_list(struct store *st, const struct user *u, const char *org_id,
				  const struct organizations_accounts_filter *f, int has_after,
				  int64_t after, const char *after_key, int limit, cJSON **out,
				  int64_t *out_last, char **out_last_key, int *out_more,
				  int64_t *out_total)
{
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	const char *dir = f->desc ? "DESC" : "ASC", *cmp = f->desc ? "<" : ">";
	int64_t org_seq;
	enum store_rc rc;

	*out = NULL;
	*out_more = 0;
	*out_last = after;
	*out_last_key = NULL;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc != STORE_OK)
		goto out;
	/* Every account in an organization @u sees is visible to @u. */
	strbuf_adds(&where, " WHERE a.org_seq = ?");
	bind_add_int(b, org_seq);
	/* CF-API: cfmock's accounts have one name; account_pubname (the
	 * account's public name) filters the same one */
	name_filters_sql("a.name_key", f->name, &where, b);
	name_filters_sql("a.name_key", f->pubname, &where, b);
	strbuf_addf(&sql, "SELECT count(*) FROM accounts a%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;

	/* The page: keyset, one more than asked to know whether more follow.
	 * CF-API: "When not specified, results are ordered by internal
	 * account ID." */
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ACCT_COLS " FROM " ACCT_FROM "%s", where.buf);
	if (has_after && f->by_name) {
		strbuf_addf(&sql, " AND (a.name_key, a.seq) %s (?, ?)", cmp);
		bind_add_text(b, xstrdup(after_key ? after_key : ""));
		bind_add_int(b, after);
	} else if (has_after) {
		strbuf_addf(&sql, " AND a.seq %s ?", cmp);
		bind_add_int(b, after);
	}
	if (f->by_name)
		strbuf_addf(&sql, " ORDER BY a.name_key %s, a.seq %s LIMIT ?", dir, dir);
	else
		strbuf_addf(&sql, " ORDER BY a.seq %s LIMIT ?", dir);
	bind_add_int(b, (int64_t)limit + 1);
	rc = collect(st, sql.buf, b, org_account_from_row, limit, out, out_last,
		     f->by_name ? ACCT_COL_NAME_KEY : -1, out_last_key, out_more);
	if (rc != STORE_OK) {
		free(*out_last_key);
		*out_last_key = NULL;
	}
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

/* --- members --- */

#define MEMBER_ID_TAKEN "SELECT 1 FROM org_members WHERE id = ?1 UNION ALL " \
	"SELECT 1 FROM account_members WHERE id = ?1"

/* Recomputes which organizations user @user_seq sees (store.h's rule),
 * after its memberships changed. */
static enum store_rc access_rebuild(struct store *st, int64_t user_seq)
{
	enum store_rc rc;

	rc = step_write(st, prep(st, "DELETE FROM org_access WHERE user_seq = ?"), 1, user_seq);
	if (rc != STORE_OK)
		return rc;
	return step_write(st, prep(st, "INSERT INTO org_access(user_seq, org_seq) "
				       "WITH RECURSIVE roots(s) AS ("
				       "SELECT seq FROM organizations WHERE creator_seq = ?1 "
				       "UNION SELECT org_seq FROM org_members "
				       "WHERE user_seq = ?1 AND status = 'active'), "
				       "down(s) AS (SELECT s FROM roots UNION "
				       "SELECT o.seq FROM organizations o JOIN down ON o.parent_seq = down.s) "
				       "SELECT ?1, s FROM down"),
			  1, user_seq);
}

/* The user with @email, made (with no credentials) if there is none. */
static enum store_rc user_for_email(struct store *st, const char *email, int64_t *out_seq)
{
	struct user found;
	const char *status;
	enum store_rc rc = user_find(st, CRED_KEY, NULL, email, 0, &found, &status);

	if (rc == STORE_NOT_FOUND) {
		struct user_new n;
		memset(&n, 0, sizeof(n));
		n.email = email;
		rc = user_insert(st, &n, &found);
	}
	if (rc == STORE_OK)
		*out_seq = found.seq;
	return rc;
}

/* The user of a member, as the Organizations-API shows it: cols are
 * id, email, first_name, last_name from @col. */
static cJSON *member_user(sqlite3_stmt *stmt, int col)
{
	cJSON *u = cJSON_CreateObject();
	const char *first = col_text(stmt, col + 2), *last = col_text(stmt, col + 3);
	char *name = xasprintf("%s%s%s", first ? first : "", first && last ? " " : "",
			       last ? last : "");

	cJSON_AddStringToObject(u, "id", col_text(stmt, col));
	cJSON_AddStringToObject(u, "email", col_text(stmt, col + 1));
	cJSON_AddStringToObject(u, "name", name);
	cJSON_AddBoolToObject(u, "two_factor_authentication_enabled", 0);
	free(name);
	return u;
}

#define ORG_MEMBER_COLS \
	"m.seq, m.id, m.status, m.create_time, m.update_time, u.id, u.email, u.first_name, " \
	"u.last_name"
#define ORG_MEMBER_FROM "org_members m JOIN users u ON u.seq = m.user_seq"

static cJSON *org_member_from_row(sqlite3_stmt *stmt)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "id", col_text(stmt, 1));
	cJSON_AddStringToObject(m, "status", col_text(stmt, 2));
	cJSON_AddItemToObject(m, "user", member_user(stmt, 5));
	/* CF-API: meta is a required object with no defined keys */
	cJSON_AddObjectToObject(m, "meta");
	cJSON_AddStringToObject(m, "create_time", col_text(stmt, 3));
	cJSON_AddStringToObject(m, "update_time", col_text(stmt, 4));
	return m;
}

/* The key (and user) of member @member_id of the organization or account
 * with key @parent_seq: @table is "org_members" or "account_members",
 * @parent_col its "org_seq" or "account_seq" (fixed names, never input). */
static enum store_rc member_lookup(struct store *st, const char *table, const char *parent_col,
				   int64_t parent_seq, const char *member_id, int64_t *out_seq,
				   int64_t *out_user_seq)
{
	char *sql = xasprintf("SELECT seq, user_seq FROM %s WHERE %s = ? AND id = ?", table,
			      parent_col);
	sqlite3_stmt *stmt = prep(st, sql);
	enum store_rc rc = STORE_NO_ITEM;
	int step;

	free(sql);
	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, 1, parent_seq);
	bind_text(stmt, 2, member_id);
	step = sqlite3_step(stmt);
	if (step == SQLITE_ROW) {
		*out_seq = sqlite3_column_int64(stmt, 0);
		if (out_user_seq)
			*out_user_seq = sqlite3_column_int64(stmt, 1);
		rc = STORE_OK;
	} else if (step != SQLITE_DONE) {
		rc = SQLERR(st);
	}
	done(st, stmt);
	return rc;
}

static enum store_rc org_member_seq(struct store *st, int64_t org_seq, const char *member_id,
				    int64_t *out_seq, int64_t *out_user_seq)
{
	return member_lookup(st, "org_members", "org_seq", org_seq, member_id, out_seq,
			     out_user_seq);
}

static enum store_rc account_member_seq(struct store *st, int64_t account_seq,
					const char *member_id, int64_t *out_seq)
{
	return member_lookup(st, "account_members", "account_seq", account_seq, member_id,
			     out_seq, NULL);
}

enum store_rc store_org_members_create(struct store *st, const struct user *u, const char *org_id,
				    const struct org_member_new *m, int n, cJSON **out,
				    int *out_bad)
{
	sqlite3_stmt *stmt;
	char now[CLOCK_RFC3339_LEN + 1];
	int64_t org_seq;
	enum store_rc rc;
	cJSON *items = cJSON_CreateArray();
	int i, step;

	*out = NULL;
	*out_bad = -1;
	if (begin(st) < 0) {
		cJSON_Delete(items);
		return STORE_ERROR;
	}
	rc = org_visible(st, u, org_id, &org_seq);
	for (i = 0; rc == STORE_OK && i < n; i++) {
		char idbuf[ID_LEN + 1];
		const char *id = m[i].id;
		int64_t user_seq = 0, seq;

		rc = user_for_email(st, m[i].email, &user_seq);
		if (rc == STORE_OK && !id) {
			rc = fresh_id(st, MEMBER_ID_TAKEN, idbuf);
			id = idbuf;
		}
		if (rc != STORE_OK)
			break;
		clock_now(now);
		stmt = prep(st, "INSERT INTO org_members(id, org_seq, user_seq, status, create_time, "
				"update_time) VALUES (?, ?, ?, ?, ?, ?5)");
		if (!stmt) {
			rc = STORE_ERROR;
			break;
		}
		bind_text(stmt, 1, id);
		sqlite3_bind_int64(stmt, 2, org_seq);
		sqlite3_bind_int64(stmt, 3, user_seq);
		bind_text(stmt, 4, m[i].status);
		bind_text(stmt, 5, m[i].create_time ? m[i].create_time : now);
		step = sqlite3_step(stmt);
		done(st, stmt);
		if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY) {
			*out_bad = i;
			rc = STORE_CONFLICT;
			break;
		}
		if (step != SQLITE_DONE) {
			rc = SQLERR(st);
			break;
		}
		seq = sqlite3_last_insert_rowid(st->db);
		rc = access_rebuild(st, user_seq);
		if (rc == STORE_OK) {
			cJSON *item = NULL;
			rc = row_by_seq(st, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM
					    " WHERE m.seq = ?", seq, org_member_from_row, &item);
			if (item)
				cJSON_AddItemToArray(items, item);
		}
	}
	rc = finish(st, rc);
	if (rc == STORE_OK)
		*out = items;
	else
		cJSON_Delete(items);
	return rc;
}

enum store_rc store_org_members_get(struct store *st, const struct user *u, const char *org_id,
				    const char *member_id, cJSON **out)
{
	int64_t org_seq, seq, user_seq;
	enum store_rc rc = org_visible(st, u, org_id, &org_seq);

	if (rc == STORE_OK)
		rc = org_member_seq(st, org_seq, member_id, &seq, &user_seq);
	if (rc == STORE_OK)
		rc = row_by_seq(st, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM
				    " WHERE m.seq = ?", seq, org_member_from_row, out);
	return rc;
}

enum store_rc store_org_members_delete(struct store *st, const struct user *u,
				       const char *org_id, const char *member_id)
{
	int64_t org_seq, seq, user_seq;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc == STORE_OK)
		rc = org_member_seq(st, org_seq, member_id, &seq, &user_seq);
	if (rc == STORE_OK)
		rc = step_write(st, prep(st, "DELETE FROM org_members WHERE seq = ?"), 1, seq);
	/* the former member sees only what it still reaches otherwise */
	if (rc == STORE_OK)
		rc = access_rebuild(st, user_seq);
	return finish(st, rc);
}

enum store_rc store_org_members_list(struct store *st, const struct user *u, const char *org_id,
				     const struct org_member_filter *f, int64_t after, int limit,
				     cJSON **out, int64_t *out_last, int *out_more,
				     int64_t *out_total)
{
	static const char *const pre[] = { "", "%", "", "%" }, *const post[] = { "", "%", "%", "" };
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	int64_t org_seq;
	enum store_rc rc;
	int i;

	*out = NULL;
	*out_more = 0;
	*out_last = after;
	rc = org_visible(st, u, org_id, &org_seq);
	if (rc != STORE_OK)
		goto out;
	strbuf_adds(&where, " WHERE m.org_seq = ?");
	bind_add_int(b, org_seq);
	if (f->statuses) {
		strbuf_adds(&where, " AND m.status IN (");
		for (i = 0; i < f->nstatuses; i++) {
			strbuf_adds(&where, i ? ", ?" : "?");
			bind_add_text(b, xstrdup(f->statuses[i]));
		}
		strbuf_adds(&where, ")");
	}
	/* CF-API: emails compare case-insensitively, as everywhere */
	for (i = 0; i < 4; i++) {
		if (!f->email[i])
			continue;
		strbuf_adds(&where, " AND cf_lower(u.email) LIKE ? ESCAPE '\\'");
		bind_add_text(b, like_pattern(pre[i], f->email[i], post[i]));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM " ORG_MEMBER_FROM "%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	strbuf_addf(&sql, "SELECT " ORG_MEMBER_COLS " FROM " ORG_MEMBER_FROM "%s AND m.seq > ? "
			  "ORDER BY m.seq LIMIT ?", where.buf);
	bind_add_int(b, after);
	bind_add_int(b, (int64_t)limit + 1);
	rc = collect(st, sql.buf, b, org_member_from_row, limit, out, out_last, -1, NULL, out_more);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

/* --- account members --- */

#define ACCT_MEMBER_COLS \
	"m.seq, m.id, m.status, m.roles, m.policies, u.id, u.email, u.first_name, u.last_name"
#define ACCT_MEMBER_FROM "account_members m JOIN users u ON u.seq = m.user_seq"

/* iam_member_with_policies. */
static cJSON *account_member_from_row(sqlite3_stmt *stmt)
{
	cJSON *m = cJSON_CreateObject(), *user, *roles, *policies = NULL;
	const char *first = col_text(stmt, 7), *last = col_text(stmt, 8), *r;

	cJSON_AddStringToObject(m, "id", col_text(stmt, 1));
	cJSON_AddStringToObject(m, "email", col_text(stmt, 6));
	cJSON_AddStringToObject(m, "status", col_text(stmt, 2));
	user = cJSON_AddObjectToObject(m, "user");
	cJSON_AddStringToObject(user, "id", col_text(stmt, 5));
	cJSON_AddStringToObject(user, "email", col_text(stmt, 6));
	if (first)
		cJSON_AddStringToObject(user, "first_name", first);
	else
		cJSON_AddNullToObject(user, "first_name");
	if (last)
		cJSON_AddStringToObject(user, "last_name", last);
	else
		cJSON_AddNullToObject(user, "last_name");
	cJSON_AddBoolToObject(user, "two_factor_authentication_enabled", 0);
	roles = cJSON_AddArrayToObject(m, "roles");
	for (r = col_text(stmt, 3); r && *r;) {
		size_t len = strcspn(r, ",");
		char *id = xstrndup(r, len);
		const struct role *role = role_find(id);
		if (role)
			cJSON_AddItemToArray(roles, role_json(role));
		free(id);
		r += len + (r[len] == ',');
	}
	if (col_text(stmt, 4))
		policies = cJSON_Parse(col_text(stmt, 4));
	if (!cJSON_IsArray(policies)) {
		cJSON_Delete(policies);
		policies = cJSON_CreateArray();
	}
	cJSON_AddItemToObject(m, "policies", policies);
	return m;
}

static enum store_rc account_member_insert(struct store *st, const char *id,
					   int64_t account_seq, int64_t user_seq,
					   const char *status, const char *roles,
					   const char *policies, const char *create_time,
					   int64_t *out_seq)
{
	sqlite3_stmt *stmt;
	char idbuf[ID_LEN + 1];
	enum store_rc rc = STORE_OK;
	int step;

	if (!id) {
		rc = fresh_id(st, MEMBER_ID_TAKEN, idbuf);
		id = idbuf;
	}
	if (rc != STORE_OK)
		return rc;
	stmt = prep(st, "INSERT INTO account_members(id, account_seq, user_seq, status, roles, "
			"policies, create_time) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!stmt)
		return STORE_ERROR;
	bind_text(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, account_seq);
	sqlite3_bind_int64(stmt, 3, user_seq);
	bind_text(stmt, 4, status);
	bind_text(stmt, 5, roles);
	bind_text(stmt, 6, policies);
	bind_text(stmt, 7, create_time);
	step = sqlite3_step(stmt);
	if (step == SQLITE_CONSTRAINT_UNIQUE || step == SQLITE_CONSTRAINT_PRIMARYKEY)
		rc = STORE_CONFLICT;
	else if (step != SQLITE_DONE)
		rc = SQLERR(st);
	else if (out_seq)
		*out_seq = sqlite3_last_insert_rowid(st->db);
	done(st, stmt);
	return rc;
}

static char *roles_text(const char *const *roles, int n)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	strbuf_adds(&sb, "");
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", roles[i]);
	return strbuf_detach(&sb, NULL);
}

enum store_rc store_accounts_visible(struct store *st, const struct user *u,
				     const char *account_id)
{
	struct acct_pos pos;
	return acct_visible(st, u, account_id, &pos);
}

enum store_rc store_account_members_create(struct store *st, const struct user *u,
					const char *account_id,
					const struct account_member_new *m, cJSON **out)
{
	char now[CLOCK_RFC3339_LEN + 1];
	struct acct_pos pos;
	int64_t user_seq = 0, seq = 0;
	char *roles = roles_text(m->roles, m->nroles);
	enum store_rc rc;

	*out = NULL;
	if (begin(st) < 0) {
		free(roles);
		return STORE_ERROR;
	}
	rc = acct_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = user_for_email(st, m->email, &user_seq);
	clock_now(now);
	if (rc == STORE_OK && m->upsert) {
		/* in place, so the membership keeps its place in the order */
		sqlite3_stmt *up = prep(st, "UPDATE account_members SET id = coalesce(?, id), "
					    "status = ?, roles = ?, policies = ?, "
					    "create_time = coalesce(?, create_time) "
					    "WHERE account_seq = ? AND user_seq = ? RETURNING seq");
		int step;

		if (!up) {
			rc = STORE_ERROR;
		} else {
			bind_text(up, 1, m->id);
			bind_text(up, 2, m->status);
			bind_text(up, 3, roles);
			bind_text(up, 4, m->policies);
			bind_text(up, 5, m->create_time);
			sqlite3_bind_int64(up, 6, pos.seq);
			sqlite3_bind_int64(up, 7, user_seq);
			step = sqlite3_step(up);
			if (step == SQLITE_ROW)
				seq = sqlite3_column_int64(up, 0);
			else if (step != SQLITE_DONE)
				rc = step == SQLITE_CONSTRAINT_UNIQUE ? STORE_CONFLICT : SQLERR(st);
			done(st, up);
		}
	}
	if (rc == STORE_OK && !seq)
		rc = account_member_insert(st, m->id, pos.seq, user_seq, m->status, roles,
					   m->policies, m->create_time ? m->create_time : now, &seq);
	if (rc == STORE_OK)
		rc = row_by_seq(st, "SELECT " ACCT_MEMBER_COLS " FROM " ACCT_MEMBER_FROM
				    " WHERE m.seq = ?", seq, account_member_from_row, out);
	free(roles);
	return finish_out(st, rc, out);
}

enum store_rc store_account_members_get(struct store *st, const struct user *u,
					const char *account_id, const char *member_id,
					cJSON **out)
{
	struct acct_pos pos;
	int64_t seq;
	enum store_rc rc = acct_visible(st, u, account_id, &pos);

	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK)
		rc = row_by_seq(st, "SELECT " ACCT_MEMBER_COLS " FROM " ACCT_MEMBER_FROM
				    " WHERE m.seq = ?", seq, account_member_from_row, out);
	return rc;
}

enum store_rc store_account_members_update(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id,
					   const char *const *roles, int nroles,
					   const char *policies, cJSON **out)
{
	struct acct_pos pos;
	sqlite3_stmt *stmt;
	int64_t seq = 0;
	char *text = roles_text(roles, nroles);
	enum store_rc rc;

	*out = NULL;
	if (begin(st) < 0) {
		free(text);
		return STORE_ERROR;
	}
	rc = acct_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK && nroles >= 0) {
		stmt = prep(st, "UPDATE account_members SET roles = ?, policies = ? WHERE seq = ?");
		if (stmt) {
			bind_text(stmt, 1, policies ? "" : text);
			bind_text(stmt, 2, policies);
		}
		rc = step_write(st, stmt, 3, seq);
	}
	if (rc == STORE_OK)
		rc = row_by_seq(st, "SELECT " ACCT_MEMBER_COLS " FROM " ACCT_MEMBER_FROM
				    " WHERE m.seq = ?", seq, account_member_from_row, out);
	free(text);
	return finish_out(st, rc, out);
}

enum store_rc store_account_members_delete(struct store *st, const struct user *u,
					   const char *account_id, const char *member_id)
{
	struct acct_pos pos;
	int64_t seq;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, account_id, &pos);
	if (rc == STORE_OK)
		rc = account_member_seq(st, pos.seq, member_id, &seq);
	if (rc == STORE_OK)
		rc = step_write(st, prep(st, "DELETE FROM account_members WHERE seq = ?"), 1, seq);
	return finish(st, rc);
}

enum store_rc store_account_members_list(struct store *st, const struct user *u,
					 const char *account_id, const char *status,
					 const char *order, int desc, int64_t offset, int limit,
					 cJSON **out, int64_t *out_total)
{
	/* the order keys, from a fixed list (never from the request) */
	static const struct {
		const char *name;
		const char *sql;
	} orders[] = {
		{ "user.first_name", "cf_lower(u.first_name)" },
		{ "user.last_name", "cf_lower(u.last_name)" },
		{ "user.email", "cf_lower(u.email)" },
		{ "status", "m.status" },
	};
	struct strbuf where = STRBUF_INIT, sql = STRBUF_INIT;
	struct binds *b = xcalloc(1, sizeof(*b));
	const char *dir = desc ? "DESC" : "ASC", *key = NULL;
	struct acct_pos pos;
	enum store_rc rc;
	size_t i;

	*out = NULL;
	rc = acct_visible(st, u, account_id, &pos);
	if (rc != STORE_OK)
		goto out;
	for (i = 0; order && i < ARRAY_SIZE(orders); i++)
		if (strcmp(order, orders[i].name) == 0)
			key = orders[i].sql;
	strbuf_adds(&where, " WHERE m.account_seq = ?");
	bind_add_int(b, pos.seq);
	if (status) {
		strbuf_adds(&where, " AND m.status = ?");
		bind_add_text(b, xstrdup(status));
	}
	strbuf_addf(&sql, "SELECT count(*) FROM " ACCT_MEMBER_FROM "%s", where.buf);
	rc = count_query(st, sql.buf, b, out_total);
	if (rc != STORE_OK)
		goto out;
	sql.len = 0;
	/* CF-API: no default order is documented; cfmock lists members in the
	 * order they were added, and by @order with ties in that order */
	if (key)
		strbuf_addf(&sql, "SELECT " ACCT_MEMBER_COLS " FROM " ACCT_MEMBER_FROM "%s "
				  "ORDER BY %s %s NULLS LAST, m.seq %s LIMIT ? OFFSET ?",
			    where.buf, key, dir, dir);
	else
		strbuf_addf(&sql, "SELECT " ACCT_MEMBER_COLS " FROM " ACCT_MEMBER_FROM "%s "
				  "ORDER BY m.seq %s LIMIT ? OFFSET ?", where.buf, dir);
	bind_add_int(b, limit);
	bind_add_int(b, offset);
	rc = collect(st, sql.buf, b, account_member_from_row, -1, out, NULL, -1, NULL, NULL);
out:
	binds_release(b);
	free(b);
	strbuf_release(&where);
	strbuf_release(&sql);
	return rc;
}

enum store_rc store_account_members_delete_owner(struct store *st, const struct user *u,
					       const char *account_id)
{
	struct acct_pos pos;
	enum store_rc rc;

	if (begin(st) < 0)
		return STORE_ERROR;
	rc = acct_visible(st, u, account_id, &pos);
	if (rc == STORE_OK) {
		sqlite3_stmt *del = prep(st, "DELETE FROM account_members WHERE account_seq = ? "
					     "AND user_seq = ?");
		if (del)
			sqlite3_bind_int64(del, 1, pos.seq);
		rc = step_write(st, del, 2, u->seq);
	}
	return finish(st, rc);
}

/* --- the whole state --- */

enum store_rc store_control_reset(struct store *st)
{
	static const char *const tables[] = {
		"account_members", "org_members", "accounts", "org_access", "organizations",
		"credentials", "users", "org_counts",
	};
	enum store_rc rc = STORE_OK;
	size_t i;

	if (begin(st) < 0)
		return STORE_ERROR;
	for (i = 0; rc == STORE_OK && i < ARRAY_SIZE(tables); i++) {
		char *sql = xasprintf("DELETE FROM %s", tables[i]);
		if (exec(st, sql) < 0)
			rc = SQLERR(st);
		free(sql);
	}
	/* keys count from 1 again, as on a new database; the new secret
	 * makes every page token from before invalid, so none can skip */
	if (rc == STORE_OK && exec(st, "DELETE FROM sqlite_sequence") < 0)
		rc = SQLERR(st);
	if (rc == STORE_OK && exec(st, "DELETE FROM settings WHERE key = 'page_token_secret'") < 0)
		rc = SQLERR(st);
	if (rc == STORE_OK && load_secret(st) < 0)
		rc = SQLERR(st);
	return finish(st, rc);
}

/* --- export --- */

static void add_opt_string(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
}

static enum store_rc export_users(struct store *st, cJSON *users)
{
	sqlite3_stmt *stmt = prep(st, "SELECT seq, id, email, first_name, last_name, telephone, "
				      "country, zipcode, tenant_admin FROM users ORDER BY seq");
	sqlite3_stmt *creds = prep(st, "SELECT kind, secret, status, token_id FROM credentials "
				       "WHERE user_seq = ? ORDER BY kind, secret");
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt || !creds) {
		done(st, stmt);
		done(st, creds);
		return STORE_ERROR;
	}
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *u = cJSON_CreateObject(), *tokens = NULL, *svc = NULL;
		int cstep;

		cJSON_AddStringToObject(u, "id", col_text(stmt, 1));
		cJSON_AddStringToObject(u, "email", col_text(stmt, 2));
		add_opt_string(u, "first_name", col_text(stmt, 3));
		add_opt_string(u, "last_name", col_text(stmt, 4));
		add_opt_string(u, "telephone", col_text(stmt, 5));
		add_opt_string(u, "country", col_text(stmt, 6));
		add_opt_string(u, "zipcode", col_text(stmt, 7));
		if (sqlite3_column_int(stmt, 8))
			cJSON_AddBoolToObject(u, "tenant_admin", 1);
		sqlite3_reset(creds);
		sqlite3_bind_int64(creds, 1, sqlite3_column_int64(stmt, 0));
		while ((cstep = sqlite3_step(creds)) == SQLITE_ROW) {
			const char *kind = col_text(creds, 0), *secret = col_text(creds, 1);
			if (strcmp(kind, "key") == 0 && !cJSON_GetObjectItem(u, "api_key")) {
				cJSON_AddStringToObject(u, "api_key", secret);
			} else if (strcmp(kind, "token") == 0) {
				cJSON *t = cJSON_CreateObject();
				if (!tokens)
					tokens = cJSON_AddArrayToObject(u, "tokens");
				cJSON_AddStringToObject(t, "value", secret);
				cJSON_AddStringToObject(t, "status", col_text(creds, 2));
				add_opt_string(t, "id", col_text(creds, 3));
				cJSON_AddItemToArray(tokens, t);
			} else if (strcmp(kind, "service_key") == 0) {
				if (!svc)
					svc = cJSON_AddArrayToObject(u, "service_keys");
				cJSON_AddItemToArray(svc, cJSON_CreateString(secret));
			}
		}
		cJSON_AddItemToArray(users, u);
		if (cstep != SQLITE_DONE) {
			rc = SQLERR(st);
			break;
		}
	}
	if (rc == STORE_OK && step != SQLITE_DONE && step != SQLITE_ROW)
		rc = SQLERR(st);
	done(st, stmt);
	done(st, creds);
	return rc;
}

/* The five profile fields of a row, if any is set. */
static void export_profile(cJSON *o, sqlite3_stmt *stmt, int col)
{
	if (col_text(stmt, col))
		cJSON_AddItemToObject(o, "profile", profile_from_row(stmt, col));
}

static enum store_rc export_account_members(struct store *st, int64_t account_seq,
					    int64_t owner_seq, cJSON *a)
{
	sqlite3_stmt *stmt = prep(st, "SELECT m.id, u.email, m.status, m.roles, m.policies, "
				      "m.create_time, m.user_seq FROM account_members m "
				      "JOIN users u ON u.seq = m.user_seq "
				      "WHERE m.account_seq = ? ORDER BY m.seq");
	cJSON *list = cJSON_CreateArray();
	int step, owner_in = 0;

	if (!stmt) {
		cJSON_Delete(list);
		return STORE_ERROR;
	}
	sqlite3_bind_int64(stmt, 1, account_seq);
	while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *m = cJSON_CreateObject(), *roles = cJSON_AddArrayToObject(m, "roles");
		const char *r;

		cJSON_AddStringToObject(m, "id", col_text(stmt, 0));
		cJSON_AddStringToObject(m, "email", col_text(stmt, 1));
		cJSON_AddStringToObject(m, "status", col_text(stmt, 2));
		for (r = col_text(stmt, 3); r && *r;) {
			size_t len = strcspn(r, ",");
			char *id = xstrndup(r, len);
			cJSON_AddItemToArray(roles, cJSON_CreateString(id));
			free(id);
			r += len + (r[len] == ',');
		}
		if (col_text(stmt, 4)) {
			cJSON *p = cJSON_Parse(col_text(stmt, 4));
			if (p)
				cJSON_AddItemToObject(m, "policies", p);
		}
		cJSON_AddStringToObject(m, "create_time", col_text(stmt, 5));
		owner_in |= sqlite3_column_int64(stmt, 6) == owner_seq;
		cJSON_AddItemToArray(list, m);
	}
	done(st, stmt);
	if (step != SQLITE_DONE) {
		cJSON_Delete(list);
		return SQLERR(st);
	}
	if (!owner_in)
		cJSON_AddBoolToObject(a, "owner_is_member", 0);
	if (cJSON_GetArraySize(list))
		cJSON_AddItemToObject(a, "members", list);
	else
		cJSON_Delete(list);
	return STORE_OK;
}

/* The accounts whose org_seq is @org_seq (0: stand-alone). */
static enum store_rc export_accounts(struct store *st, int64_t org_seq, cJSON *list)
{
	sqlite3_stmt *stmt = prep(st, "SELECT a.seq, a.id, a.name, u.email, a.type, a.created_on, "
				      "a.abuse_contact_email, a.enforce_twofactor, a.business_address, "
				      "a.business_email, a.business_name, a.business_phone, "
				      "a.external_metadata, a.creator_seq FROM accounts a "
				      "JOIN users u ON u.seq = a.creator_seq "
				      "WHERE a.org_seq IS ? ORDER BY a.seq");
	enum store_rc rc = STORE_OK;
	int step;

	if (!stmt)
		return STORE_ERROR;
	if (org_seq)
		sqlite3_bind_int64(stmt, 1, org_seq);
	while (rc == STORE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *a = cJSON_CreateObject(), *settings;

		cJSON_AddStringToObject(a, "id", col_text(stmt, 1));
		cJSON_AddStringToObject(a, "name", col_text(stmt, 2));
		cJSON_AddStringToObject(a, "owner", col_text(stmt, 3));
		cJSON_AddStringToObject(a, "type", col_text(stmt, 4));
		cJSON_AddStringToObject(a, "created_on", col_text(stmt, 5));
		settings = cJSON_AddObjectToObject(a, "settings");
		add_opt_string(settings, "abuse_contact_email", col_text(stmt, 6));
		cJSON_AddBoolToObject(settings, "enforce_twofactor", sqlite3_column_int(stmt, 7));
		export_profile(a, stmt, 8);
		rc = export_account_members(st, sqlite3_column_int64(stmt, 0),
					    sqlite3_column_int64(stmt, 13), a);
		cJSON_AddItemToArray(list, a);
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = SQLERR(st);
	done(st, stmt);
	return rc;
}

/* The organizations whose parent is @parent_seq (0: roots), each with its
 * members, accounts and sub-organizations. */
static enum store_rc export_orgs(struct store *st, int64_t parent_seq, cJSON *list)
{
	sqlite3_stmt *stmt = prep(st, "SELECT o.seq, o.id, o.name, u.email, o.create_time, "
				      "o.business_address, o.business_email, o.business_name, "
				      "o.business_phone, o.external_metadata FROM organizations o "
				      "JOIN users u ON u.seq = o.creator_seq "
				      "WHERE o.parent_seq IS ? ORDER BY o.seq");
	sqlite3_stmt *members = prep(st, "SELECT m.id, u.email, m.status, m.create_time "
					 "FROM org_members m JOIN users u ON u.seq = m.user_seq "
					 "WHERE m.org_seq = ? ORDER BY m.seq");
	enum store_rc rc = STORE_OK;
	int step = SQLITE_DONE;

	if (!stmt || !members) {
		done(st, stmt);
		done(st, members);
		return STORE_ERROR;
	}
	if (parent_seq)
		sqlite3_bind_int64(stmt, 1, parent_seq);
	while (rc == STORE_OK && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject(), *ml = NULL, *accounts, *subs;
		int64_t seq = sqlite3_column_int64(stmt, 0);
		int mstep;

		cJSON_AddStringToObject(o, "id", col_text(stmt, 1));
		cJSON_AddStringToObject(o, "name", col_text(stmt, 2));
		cJSON_AddStringToObject(o, "owner", col_text(stmt, 3));
		cJSON_AddStringToObject(o, "create_time", col_text(stmt, 4));
		export_profile(o, stmt, 5);
		sqlite3_reset(members);
		sqlite3_bind_int64(members, 1, seq);
		while ((mstep = sqlite3_step(members)) == SQLITE_ROW) {
			cJSON *m = cJSON_CreateObject();
			if (!ml)
				ml = cJSON_AddArrayToObject(o, "members");
			cJSON_AddStringToObject(m, "id", col_text(members, 0));
			cJSON_AddStringToObject(m, "email", col_text(members, 1));
			cJSON_AddStringToObject(m, "status", col_text(members, 2));
			cJSON_AddStringToObject(m, "create_time", col_text(members, 3));
			cJSON_AddItemToArray(ml, m);
		}
		if (mstep != SQLITE_DONE)
			rc = SQLERR(st);
		accounts = cJSON_CreateArray();
		if (rc == STORE_OK)
			rc = export_accounts(st, seq, accounts);
		if (cJSON_GetArraySize(accounts))
			cJSON_AddItemToObject(o, "accounts", accounts);
		else
			cJSON_Delete(accounts);
		subs = cJSON_CreateArray();
		if (rc == STORE_OK)
			rc = export_orgs(st, seq, subs);
		if (cJSON_GetArraySize(subs))
			cJSON_AddItemToObject(o, "organizations", subs);
		else
			cJSON_Delete(subs);
		cJSON_AddItemToArray(list, o);
	}
	if (rc == STORE_OK && step != SQLITE_DONE)
		rc = SQLERR(st);
	done(st, stmt);
	done(st, members);
	return rc;
}

enum store_rc store_control_state(struct store *st, cJSON **out)
{
	cJSON *root = cJSON_CreateObject();
	enum store_rc rc;

	*out = NULL;
	/* one read transaction: a consistent picture */
	if (begin(st) < 0) {
		cJSON_Delete(root);
		return STORE_ERROR;
	}
	rc = export_users(st, cJSON_AddArrayToObject(root, "users"));
	if (rc == STORE_OK)
		rc = export_orgs(st, 0, cJSON_AddArrayToObject(root, "organizations"));
	if (rc == STORE_OK)
		rc = export_accounts(st, 0, cJSON_AddArrayToObject(root, "accounts"));
	rollback(st);
	if (rc != STORE_OK) {
		cJSON_Delete(root);
		return rc;
	}
	*out = root;
	return STORE_OK;
}

/* --- snapshots --- */

static struct snapshot *snapshot_find(struct store *st, const char *name)
{
	struct snapshot *s;

	for (s = st->snapshots; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Copies all of @from into @to with the backup API. */
static int backup_copy(sqlite3 *to, sqlite3 *from)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		return -1;
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	return rc == SQLITE_DONE ? 0 : -1;
}

enum store_rc store_control_snapshot_save(struct store *st, const char *name, int max)
{
	struct snapshot *s = snapshot_find(st, name), **tail;
	sqlite3 *copy = NULL;
	int n = 0;

	for (tail = &st->snapshots; *tail; tail = &(*tail)->next)
		n++;
	if (!s && n >= max)
		return STORE_CONFLICT;
	if (sqlite3_open_v2(":memory:", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK || backup_copy(copy, st->db) < 0) {
		error("cannot save snapshot '%s': %s", name, sqlite3_errmsg(copy ? copy : st->db));
		sqlite3_close(copy);
		return STORE_ERROR;
	}
	if (s) { /* saving again under a name replaces it */
		sqlite3_close(s->db);
	} else {
		s = xcalloc(1, sizeof(*s));
		s->name = xstrdup(name);
		*tail = s;
	}
	s->db = copy;
	s->created_ms = clock_now_ms();
	return STORE_OK;
}

enum store_rc store_control_snapshot_restore(struct store *st, const char *name)
{
	struct snapshot *s = snapshot_find(st, name);

	if (!s)
		return STORE_NOT_FOUND;
	if (st->depth)
		BUG("snapshot restore inside a transaction");
	if (backup_copy(st->db, s->db) < 0) {
		error("cannot restore snapshot '%s': %s", name, sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
	/* the snapshot's secret is the one its page tokens were made with */
	if (load_secret(st) < 0)
		return SQLERR(st);
	return STORE_OK;
}

enum store_rc store_control_snapshot_delete(struct store *st, const char *name)
{
	struct snapshot **p;

	for (p = &st->snapshots; *p; p = &(*p)->next) {
		if (strcmp((*p)->name, name) == 0) {
			struct snapshot *s = *p;
			*p = s->next;
			sqlite3_close(s->db);
			free(s->name);
			free(s);
			return STORE_OK;
		}
	}
	return STORE_NOT_FOUND;
}

void store_control_snapshots_clear(struct store *st)
{
	while (st->snapshots)
		store_control_snapshot_delete(st, st->snapshots->name);
}

cJSON *store_control_snapshots_list(struct store *st)
{
	cJSON *out = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(out, "snapshots");
	struct snapshot *s;

	for (s = st->snapshots; s; s = s->next) {
		cJSON *o = cJSON_CreateObject();
		char when[CLOCK_RFC3339_LEN + 1];
		int64_t pages = 0, size = 0;
		sqlite3_stmt *q;

		clock_format(s->created_ms, when);
		cJSON_AddStringToObject(o, "name", s->name);
		cJSON_AddStringToObject(o, "created_at", when);
		if (sqlite3_prepare_v2(s->db, "PRAGMA page_count", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			pages = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (sqlite3_prepare_v2(s->db, "PRAGMA page_size", -1, &q, NULL) == SQLITE_OK &&
		    sqlite3_step(q) == SQLITE_ROW)
			size = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		cJSON_AddNumberToObject(o, "bytes", (double)(pages * size));
		cJSON_AddItemToArray(list, o);
	}
	return out;
}
