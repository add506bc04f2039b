/* store.c: the store's engine (see store.h and store_internal.h): opening
 * the database and bringing its schema up to date, the lock that keeps one
 * cfmock per file, the checkpointer thread, the statement cache,
 * transactions and group commit, the list runner and fresh ids. The SQL of
 * each resource lives in its store_<name>.c; reset, the export and
 * snapshots in store_control.c. Returns cJSON trees owned by the caller;
 * never lets a statement or a column pointer out. */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grants.h"
#include "ids.h"
#include "store_vfs.h"
#include "util.h"

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
	int stuck;  /* warned that the WAL cannot be copied back */
};

enum store_rc sql_error(struct store *st, const char *file, int line)
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

sqlite3_stmt *sql_prep(struct store *st, const char *sql)
{
	struct cached *c, *slot = NULL;
	sqlite3_stmt *stmt = NULL;
	uint64_t h;
	size_t i;

	/* most statements are literals, asked for with the same pointer
	 * each time: found by it (and checked by the text, as the pointer of
	 * a freed, built statement may come back) before any hashing */
	for (i = 0; i < STMT_CACHE; i++) {
		c = &st->cache[i];
		if (c->caller_sql == sql && c->stmt && !c->in_use && strcmp(c->sql, sql) == 0) {
			c->in_use = 1;
			c->last_used = ++st->tick;
			return c->stmt;
		}
	}
	h = sql_hash(sql);
	for (i = 0; i < STMT_CACHE; i++) {
		c = &st->cache[i];
		if (c->stmt && !c->in_use && c->hash == h && strcmp(c->sql, sql) == 0) {
			c->caller_sql = sql;
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
		slot->caller_sql = sql;
		slot->hash = h;
		slot->stmt = stmt;
		slot->in_use = 1;
		slot->last_used = ++st->tick;
	}
	return stmt;
}

void sql_done(struct store *st, sqlite3_stmt *stmt)
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

void sql_bind_text(sqlite3_stmt *stmt, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(stmt, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, i);
}

const char *sql_col_text(sqlite3_stmt *stmt, int i)
{
	const unsigned char *s = sqlite3_column_text(stmt, i);
	return s ? (const char *)s : NULL;
}

int sql_exec(struct store *st, const char *sql)
{
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Runs one transaction statement, prepared once and kept in the cache:
 * every write runs two or three of them. -1 on failure, leaving the
 * message in sqlite3_errmsg(). */
static int sql_tx(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	int rc;

	if (!stmt)
		return -1;
	rc = sqlite3_step(stmt);
	sql_done(st, stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int sql_begin(struct store *st)
{
	/* SQLite rolled the outer transaction back by itself (a full disk):
	 * a SAVEPOINT now would start a transaction of its own, committed at
	 * its RELEASE, while the group says nothing was kept */
	if (st->depth && sqlite3_get_autocommit(st->db))
		return error("sqlite: the transaction this write was to join was rolled back");
	if (sql_tx(st, st->depth ? "SAVEPOINT nested" : st->reader ? "BEGIN" : "BEGIN IMMEDIATE") < 0)
		return error("sqlite: cannot begin a transaction: %s", sqlite3_errmsg(st->db));
	st->depth++;
	return 0;
}

void sql_rollback(struct store *st)
{
	if (!st->depth)
		return;
	st->depth--;
	if (st->depth) {
		sql_tx(st, "ROLLBACK TO nested");
		sql_tx(st, "RELEASE nested");
	} else {
		sql_tx(st, "ROLLBACK");
	}
}

static int sql_commit(struct store *st)
{
	if (sql_tx(st, st->depth > 1 ? "RELEASE nested" : "COMMIT") < 0) {
		error("sqlite: cannot commit: %s", sqlite3_errmsg(st->db));
		sql_rollback(st);
		return -1;
	}
	st->depth--;
	return 0;
}

enum store_rc sql_finish(struct store *st, enum store_rc rc)
{
	if (rc == STORE_OK) {
		if (sql_commit(st) < 0)
			return STORE_ERROR;
	} else {
		sql_rollback(st);
	}
	return rc;
}

enum store_rc sql_step_write(struct store *st, sqlite3_stmt *stmt, int i, int64_t seq)
{
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	sqlite3_bind_int64(stmt, i, seq);
	if (sqlite3_step(stmt) != SQLITE_DONE)
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

enum store_rc sql_row_by_seq(struct store *st, const char *sql, int64_t seq,
			     cJSON *(*from_row)(sqlite3_stmt *), cJSON **out)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
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
	sql_done(st, stmt);
	return rc;
}

enum store_rc sql_finish_out(struct store *st, enum store_rc rc, cJSON **out)
{
	rc = sql_finish(st, rc);
	if (rc != STORE_OK && *out) {
		cJSON_Delete(*out);
		*out = NULL;
	}
	return rc;
}

int store_transaction(struct store *st, int (*fn)(struct store *st, void *arg), void *arg)
{
	int rc;

	if (sql_begin(st) < 0)
		return -1;
	rc = fn(st, arg);
	if (rc == 0)
		return sql_commit(st);
	sql_rollback(st);
	return rc;
}

/* Group commit (store.h): the group is the outermost transaction, so each
 * write's own sql_begin() inside it is a savepoint. */
int store_group_begin(struct store *st, int write)
{
	if (st->depth)
		BUG("a group begun inside a transaction");
	if (sql_tx(st, write ? "BEGIN IMMEDIATE" : "BEGIN") < 0)
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
	return sql_commit(st);
}

static int sql_int_query(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	int rc = -1;

	if (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
		*out = sqlite3_column_int64(stmt, 0);
		rc = 0;
	}
	sql_done(st, stmt);
	return rc;
}

int sql_load_secret(struct store *st)
{
	sqlite3_stmt *stmt = sql_prep(st, "SELECT value FROM settings WHERE key = 'page_token_secret'");
	const char *hex;
	int rc = -1;
	size_t i;

	if (!stmt)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW && (hex = sql_col_text(stmt, 0)) && strlen(hex) == 32) {
		for (i = 0; i < 16; i++) {
			unsigned v;
			if (sscanf(hex + 2 * i, "%2x", &v) != 1)
				break;
			st->secret[i] = (unsigned char)v;
		}
		rc = i == 16 ? 0 : -1;
	}
	sql_done(st, stmt);
	if (rc == 0)
		return 0;

	{
		char hexbuf[33];
		ids_secret_bytes(st->secret, sizeof(st->secret));
		for (i = 0; i < 16; i++)
			snprintf(hexbuf + 2 * i, 3, "%02x", st->secret[i]);
		stmt = sql_prep(st, "INSERT OR REPLACE INTO settings(key, value) VALUES ('page_token_secret', ?)");
		if (!stmt)
			return -1;
		sql_bind_text(stmt, 1, hexbuf);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : -1;
		sql_done(st, stmt);
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
	if (sql_int_query(st, "PRAGMA user_version", &version) < 0) {
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
		if (sql_begin(st) < 0 ||
		    sqlite3_exec(st->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sql_exec(st, bump) < 0 || sql_commit(st) < 0) {
			*err = xasprintf("cannot apply schema %s: %s", m->name,
					 msg ? msg : sqlite3_errmsg(st->db));
			sqlite3_free(msg);
			free(bump);
			sql_rollback(st);
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

/* cf_match(folded, filter, how): 1 if the text @folded holds the text
 * @filter as enum match @how says (both already folded), else 0. Bytes are
 * compared: UTF-8 is self-synchronising, so a substring of bytes is one of
 * characters. */
static void sql_cf_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *h = (const char *)sqlite3_value_text(argv[0]);
	size_t hl = (size_t)sqlite3_value_bytes(argv[0]);
	const char *n = (const char *)sqlite3_value_text(argv[1]);
	size_t nl = (size_t)sqlite3_value_bytes(argv[1]);
	int hit;

	(void)argc;
	if (!h || !n) {
		sqlite3_result_null(ctx);
		return;
	}
	switch ((enum match)sqlite3_value_int(argv[2])) {
	case MATCH_EQUAL:
		hit = hl == nl && memcmp(h, n, nl) == 0;
		break;
	case MATCH_PREFIX:
		hit = hl >= nl && memcmp(h, n, nl) == 0;
		break;
	case MATCH_SUFFIX:
		hit = hl >= nl && memcmp(h + hl - nl, n, nl) == 0;
		break;
	default:
		hit = nl == 0 || memmem(h, hl, n, nl) != NULL;
		break;
	}
	sqlite3_result_int(ctx, hit);
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
		int rc, log = 0, copied = 0;

		pthread_mutex_lock(&c->pass);
		rc = sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
		pthread_mutex_unlock(&c->pass);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			error("sqlite: checkpoint: %s", sqlite3_errmsg(db));
		else if (rc == SQLITE_OK && log - copied >= CKPT_CAP && !c->stuck) {
			/* only a reader of an older state stops a pass (cfmock's
			 * own reads end with each turn of the loop): another
			 * process holding a read transaction open */
			struct stat sb;
			const char *wal = sqlite3_filename_wal(sqlite3_db_filename(db, name));

			c->stuck = 1;
			warning("%s holds %d pages (%lld MiB) that cannot be copied back into "
			      "the database: another process (a sqlite3 shell?) holds a read "
			      "transaction open on it, and the WAL grows until that reader ends",
			      wal, log, stat(wal, &sb) == 0 ? (long long)sb.st_size / 1048576 : -1LL);
		} else if (rc == SQLITE_OK && log - copied < CKPT_PAGES) {
			c->stuck = 0;
		}
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

/* The connection settings every connection of cfmock's has. */
/* cf_ip_in(ip, range): whether address @ip is in @range (an address or a
 * CIDR); the v1 audit logs' actor.ip filter. */
static void sql_cf_ip_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *ip = (const char *)sqlite3_value_text(argv[0]);
	const char *range = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx, ip && range && !strchr(range, ',') &&
				     grants_ip_allowed(ip, range, NULL));
}

static void add_functions(sqlite3 *db)
{
	sqlite3_extended_result_codes(db, 1);
	sqlite3_create_function(db, "cf_lower", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_cf_lower, NULL, NULL);
	sqlite3_create_function(db, "cf_match", 3,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_cf_match, NULL, NULL);
	sqlite3_create_function(db, "cf_ip_in", 2,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_cf_ip_in, NULL, NULL);
	sqlite3_busy_timeout(db, 5000);
}

struct store *store_open_reader(struct store *st)
{
	const char *path = sqlite3_db_filename(st->db, "main");
	struct store *r;

	if (!path || !*path)
		return NULL; /* :memory: */
	r = xcalloc(1, sizeof(*r));
	r->lock_fd = -1;
	r->reader = 1;
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    store_vfs_register() == 0 ? STORE_VFS : NULL) != SQLITE_OK) {
		error("sqlite: cannot open a reader on '%s': %s", path,
		      r->db ? sqlite3_errmsg(r->db) : "out of memory");
		store_close(r);
		return NULL;
	}
	add_functions(r->db);
	r->schema_version = st->schema_version;
	memcpy(r->secret, st->secret, sizeof(r->secret));
	return r;
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
	add_functions(st->db);
	/* WAL with synchronous=NORMAL: a write that was answered survives a
	 * crash of the process (the OS holds the log); only a power loss can
	 * take the last transactions back. */
	if (sql_exec(st, "PRAGMA foreign_keys = ON") < 0 ||
	    (!memory && sql_exec(st, "PRAGMA journal_mode = WAL") < 0) ||
	    (!memory && sql_exec(st, "PRAGMA journal_size_limit = 4194304") < 0) ||
	    sql_exec(st, "PRAGMA synchronous = NORMAL") < 0) {
		*err = xasprintf("cannot use database '%s': %s", path, sqlite3_errmsg(st->db));
		goto fail;
	}
	if (migrate(st, err) < 0)
		goto fail;
	if (sql_load_secret(st) < 0) {
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
	audit_counts_clear(st);
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
	if (sql_int_query(st, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM organizations) "
			  "+ (SELECT count(*) FROM accounts)",
		      &n) < 0)
		return 0;
	return n == 0;
}

enum store_rc sql_fresh_id(struct store *st, const char *exists_sql, char *out)
{
	sqlite3_stmt *stmt = sql_prep(st, exists_sql);
	enum store_rc rc = STORE_ERROR;
	int step, tries;

	if (!stmt)
		return STORE_ERROR;
	for (tries = 0; tries < 1000; tries++) {
		ids_new(out);
		sqlite3_reset(stmt);
		sql_bind_text(stmt, 1, out);
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
	sql_done(st, stmt);
	return rc;
}

cJSON *row_add_obj(cJSON *o, const char *key)
{
	cJSON *child = cJSON_CreateObject();

	if (!cJSON_AddItemToObjectCS(o, key, child)) {
		cJSON_Delete(child);
		return NULL;
	}
	return child;
}

void row_add_str(cJSON *o, const char *key, const char *value)
{
	cJSON *v = cJSON_CreateString(value);

	if (!cJSON_AddItemToObjectCS(o, key, v))
		cJSON_Delete(v);
}

void row_add_const(cJSON *o, const char *key, const char *value)
{
	cJSON *v = cJSON_CreateStringReference(value);

	if (!cJSON_AddItemToObjectCS(o, key, v))
		cJSON_Delete(v);
}

void binds_add_int(struct binds *b, int64_t i)
{
	if (b->n == (int)ARRAY_SIZE(b->v))
		BUG("too many bind values");
	b->v[b->n].is_text = 0;
	b->v[b->n].i = i;
	b->v[b->n].s = NULL;
	b->n++;
}

void binds_add_text(struct binds *b, char *s)
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
			sql_bind_text(stmt, i + 1, b->v[i].s);
		else
			sqlite3_bind_int64(stmt, i + 1, b->v[i].i);
	}
}

void binds_truncate(struct binds *b, int n)
{
	int i;
	for (i = n; i < b->n; i++)
		free(b->v[i].s);
	b->n = n;
}

void binds_release(struct binds *b)
{
	binds_truncate(b, 0);
}

void sql_match(struct strbuf *sql, struct binds *b, const char *folded, enum match how,
	       const char *value)
{
	if (!value)
		return;
	strbuf_addf(sql, " AND cf_match(%s, ?, %d)", folded, (int)how);
	binds_add_text(b, utf8_lower(value, strlen(value), NULL));
}

enum store_rc sql_count(struct store *st, const char *sql, const struct binds *b,
			int64_t *out)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	enum store_rc rc = STORE_OK;

	if (!stmt)
		return STORE_ERROR;
	binds_apply(b, stmt);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		*out = sqlite3_column_int64(stmt, 0);
	else
		rc = SQLERR(st);
	sql_done(st, stmt);
	return rc;
}

/* 1 if one of the eight bytes of @v needs escaping in JSON: below 0x20,
 * '"' or '\\' (the usual bit tricks for "has a byte less than" and "has a
 * zero byte", exact as a yes or no). */
static int word_needs_escape(uint64_t v)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');

	return (((v - ones * 0x20) & ~v) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs ? 1 : 0;
}

/* The bytes @len bytes of text take in JSON as cJSON prints them. Most
 * text needs no escape: it is read eight bytes at a time. */
static size_t text_json_bytes(const unsigned char *t, size_t len)
{
	size_t n = len, k = 0;

	while (k < len) {
		uint64_t v;

		if (k + 8 <= len) {
			memcpy(&v, t + k, 8);
			if (!word_needs_escape(v)) {
				k += 8;
				continue;
			}
		}
		if (t[k] < 0x20)
			n += t[k] && strchr("\b\f\n\r\t", t[k]) ? 1 : 5;
		else if (t[k] == '"' || t[k] == '\\')
			n += 1;
		k++;
	}
	return n;
}

/* The bytes row @stmt may take in JSON: each text column as cJSON prints
 * it ('"', '\\' and the control characters escaped: two bytes, or six
 * for \u00XX), and 64 for each column's key, quotes and punctuation, and
 * for what a row builder adds around them (flags, nulls). */
static size_t row_json_bytes(sqlite3_stmt *stmt)
{
	int i, ncol = sqlite3_column_count(stmt);
	size_t n = 0;

	for (i = 0; i < ncol; i++) {
		n += 64;
		if (sqlite3_column_type(stmt, i) == SQLITE_TEXT)
			n += text_json_bytes(sqlite3_column_text(stmt, i),
					     (size_t)sqlite3_column_bytes(stmt, i));
	}
	return n;
}

enum store_rc sql_collect(struct store *st, const char *sql, const struct binds *b,
			  cJSON *(*from_row)(sqlite3_stmt *), int limit, cJSON **out,
			  int64_t *out_last, int key_col, char **out_last_key, int *out_more)
{
	sqlite3_stmt *stmt = sql_prep(st, sql);
	cJSON *items;
	size_t bytes = 0;
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
		if (limit >= 0) {
			bytes += row_json_bytes(stmt);
			if (n > 0 && bytes > STORE_PAGE_BYTES) {
				if (out_more)
					*out_more = 1;
				break;
			}
		}
		cJSON_AddItemToArray(items, from_row(stmt));
		if (out_last)
			*out_last = sqlite3_column_int64(stmt, 0);
		if (key_col >= 0) {
			free(*out_last_key);
			*out_last_key = xstrdup(sql_col_text(stmt, key_col));
		}
		n++;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		enum store_rc rc = SQLERR(st);
		sql_done(st, stmt);
		cJSON_Delete(items);
		return rc;
	}
	sql_done(st, stmt);
	*out = items;
	return STORE_OK;
}

