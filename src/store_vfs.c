/* store_vfs.c: the store's SQLite VFS (store_vfs.h). It is the system's
 * "unix" VFS in every way but one: what SQLite writes to a WAL file is
 * gathered and given to the kernel in one write per commit.
 *
 * Why: SQLite writes each WAL frame with two pwrite() calls (its 24-byte
 * header, then the page), so a group commit of 30 pages made 60 system
 * calls; perf put a fifth of a POST there. Gathered, it is one.
 *
 * What is gathered: only appends, writes past everything already in
 * this generation of the WAL (a write at offset 0, the WAL header, starts
 * a generation). A write below that (SQLite rewrites frame headers after
 * the commit frame when a transaction spilled pages, and overwrites a
 * spilled page in place) sends the gathered bytes out and is written
 * through, so its failure is SQLite's to see.
 *
 * When the gathered bytes go out (the rules that keep this safe):
 * - at once after the page of a commit frame (a frame header whose
 *   "database size after commit" field is not 0: the WAL file format,
 *   sqlite.org/fileformat2.html#walformat), inside SQLite's write call.
 *   SQLite publishes a commit in the shared WAL index only after its
 *   frames are written, so every frame a reader or the checkpointer can
 *   see is in the file, and an answered write is in the kernel as before
 *   (it survives a crash of the process). A failed write fails the
 *   commit, which SQLite rolls back;
 * - before anything else is done with the file (a read, a write that does
 *   not follow the gathered bytes, sync, truncate, size, close, file
 *   control), so that the file always reads as SQLite wrote it;
 * - before the connection touches the shared WAL index (xShmBarrier,
 *   xShmLock, xShmUnmap on its database file): a second guard for the
 *   publish rule, in case a commit frame is ever written some other way.
 * A failure to send them out sticks: every later write, read, sync and
 * lock of that WAL fails with it, so that no commit can be made on top of
 * frames that are not in the file, until the transaction is over (the
 * write lock is let go).
 *
 * Each connection's WAL file is found from its database file through the
 * name SQLite opened them with (sqlite3_filename_database()); a connection
 * is used by one thread, so a file and its WAL need no lock, and only the
 * list of open database files has one. */
#include "store_vfs.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define GATHER_MAX (1024 * 1024) /* bytes gathered at most before they go out */
#define FRAME_HDR 24             /* a WAL frame header */
/* The most the unix VFS writes in one call: it masks a write's size with
 * 0x1ffff (os_unix.c, seekAndWriteFd()), as SQLite's own are a page. */
#define WRITE_MAX 0x1f000

struct vfile {
	sqlite3_file base;    /* must be first: SQLite sees this */
	sqlite3_file *real;   /* the unix VFS's file, right after this struct */
	int is_wal;
	const char *name;     /* the name SQLite opened the file with */
	struct vfile *wal;    /* a database: its WAL, while open */
	struct vfile *db;     /* a WAL: its database, while open */
	struct vfile *next;   /* the list of open database files */

	/* a WAL: bytes for [at, at + len), not yet written */
	unsigned char *buf;
	sqlite3_int64 at;
	int len, cap;
	sqlite3_int64 end;    /* past every byte written or gathered in this generation */
	int commit_next;      /* the next write is a commit frame's page */
	int err;              /* a write failed: see above */
};

static sqlite3_vfs vfs;
static sqlite3_vfs *unix_vfs;
static const sqlite3_io_methods methods;
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vfile *open_dbs;

static int flush(struct vfile *f)
{
	int rc = SQLITE_OK, done;

	if (!f)
		return SQLITE_OK;
	for (done = 0; rc == SQLITE_OK && done < f->len; done += WRITE_MAX) {
		int n = f->len - done < WRITE_MAX ? f->len - done : WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, n, f->at + done);
	}
	f->len = 0;
	if (rc != SQLITE_OK && !f->err)
		f->err = rc;
	return f->err;
}

static int v_close(sqlite3_file *file)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f), rc2;

	pthread_mutex_lock(&list_lock);
	if (f->is_wal) {
		if (f->db)
			f->db->wal = NULL;
	} else {
		struct vfile **p;
		for (p = &open_dbs; *p; p = &(*p)->next)
			if (*p == f) {
				*p = f->next;
				break;
			}
		if (f->wal)
			f->wal->db = NULL;
	}
	pthread_mutex_unlock(&list_lock);
	free(f->buf);
	rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

static int v_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xRead(f->real, out, amt, off);
}

/* Writes through, keeping a failure for the rules above. */
static int write_through(struct vfile *f, const void *data, int amt, sqlite3_int64 off)
{
	int rc = f->real->pMethods->xWrite(f->real, data, amt, off);

	if (rc != SQLITE_OK && f->is_wal && !f->err)
		f->err = rc;
	return rc;
}

/* Big-endian 32 bits at @p. */
static unsigned get32(const unsigned char *p)
{
	return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

static int v_write(sqlite3_file *file, const void *data, int amt, sqlite3_int64 off)
{
	struct vfile *f = (struct vfile *)file;
	int rc, commit = f->commit_next;

	if (!f->is_wal)
		return f->real->pMethods->xWrite(f->real, data, amt, off);
	if (f->err)
		return f->err;
	f->commit_next = 0;
	if (off == 0) /* the WAL header: a new generation */
		f->end = 0;
	if (off < f->end && !(f->len && off == f->at + f->len)) {
		/* a rewrite: after what came before, and seen to fail */
		rc = flush(f);
		if (rc != SQLITE_OK)
			return rc;
		if (off + amt > f->end)
			f->end = off + amt;
		return write_through(f, data, amt, off);
	}
	if (f->len && (off != f->at + f->len || f->len + amt > GATHER_MAX)) {
		rc = flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	f->end = off + amt;
	f->commit_next = amt == FRAME_HDR && get32((const unsigned char *)data + 4) != 0;
	if (amt > WRITE_MAX)
		return write_through(f, data, amt, off);
	if (f->len + amt > f->cap) {
		int cap = f->cap ? f->cap : 64 * 1024;
		unsigned char *buf;

		while (cap < f->len + amt)
			cap *= 2;
		buf = realloc(f->buf, (size_t)cap);
		if (!buf) {
			rc = flush(f);
			return rc != SQLITE_OK ? rc : write_through(f, data, amt, off);
		}
		f->buf = buf;
		f->cap = cap;
	}
	if (!f->len)
		f->at = off;
	memcpy(f->buf + f->len, data, (size_t)amt);
	f->len += amt;
	return commit ? flush(f) : SQLITE_OK;
}

static int v_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	if (rc != SQLITE_OK)
		return rc;
	if (f->end > size)
		f->end = size;
	return f->real->pMethods->xTruncate(f->real, size);
}

static int v_sync(sqlite3_file *file, int flags)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int v_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int v_lock(sqlite3_file *file, int level)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xLock(f->real, level);
}

static int v_unlock(sqlite3_file *file, int level)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xUnlock(f->real, level);
}

static int v_check_reserved(sqlite3_file *file, int *out)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int v_file_control(sqlite3_file *file, int op, void *arg)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int v_sector_size(sqlite3_file *file)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xSectorSize(f->real);
}

static int v_device(sqlite3_file *file)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* The shared-memory calls come on the database file: its connection's
 * WAL goes out first. */
static int v_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **out)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f->wal);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xShmMap(f->real, page, size, extend, out);
}

static int v_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f->wal);

	if (flags & SQLITE_SHM_UNLOCK) {
		/* always let go; the write lock (slot 0) going ends the
		 * transaction a failed write belonged to */
		int rc2 = f->real->pMethods->xShmLock(f->real, offset, n, flags);
		if (offset == 0 && f->wal)
			f->wal->err = SQLITE_OK;
		return rc2;
	}
	return rc != SQLITE_OK ? rc : f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void v_shm_barrier(sqlite3_file *file)
{
	struct vfile *f = (struct vfile *)file;

	/* nothing can be answered from here; the commit-frame rule has
	 * already written what a commit publishes */
	flush(f->wal);
	f->real->pMethods->xShmBarrier(f->real);
}

static int v_shm_unmap(sqlite3_file *file, int delete_flag)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f->wal);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

static int v_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **out)
{
	struct vfile *f = (struct vfile *)file;
	int rc = flush(f);

	return rc != SQLITE_OK ? rc : f->real->pMethods->xFetch(f->real, off, amt, out);
}

static int v_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	struct vfile *f = (struct vfile *)file;
	return f->real->pMethods->xUnfetch(f->real, off, p);
}

static const sqlite3_io_methods methods = {
	3,
	v_close,
	v_read,
	v_write,
	v_truncate,
	v_sync,
	v_file_size,
	v_lock,
	v_unlock,
	v_check_reserved,
	v_file_control,
	v_sector_size,
	v_device,
	v_shm_map,
	v_shm_lock,
	v_shm_barrier,
	v_shm_unmap,
	v_fetch,
	v_unfetch,
};

static int v_open(sqlite3_vfs *self, sqlite3_filename name, sqlite3_file *file, int flags,
		  int *out_flags)
{
	struct vfile *f = (struct vfile *)file;
	int rc;

	(void)self;
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = unix_vfs->xOpen(unix_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		/* SQLite calls xClose only if pMethods is set */
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		f->base.pMethods = NULL;
		return rc;
	}
	if (!f->real->pMethods) { /* the unix VFS opened nothing to wrap */
		f->base.pMethods = NULL;
		return rc;
	}
	f->base.pMethods = &methods;
	f->name = name;
	pthread_mutex_lock(&list_lock);
	if (flags & SQLITE_OPEN_MAIN_DB) {
		f->next = open_dbs;
		open_dbs = f;
	} else if (flags & SQLITE_OPEN_WAL) {
		const char *db = sqlite3_filename_database(name);
		struct vfile *d;

		f->is_wal = 1;
		for (d = open_dbs; d; d = d->next)
			if (d->name == db) {
				d->wal = f;
				f->db = d;
				break;
			}
	}
	pthread_mutex_unlock(&list_lock);
	return rc;
}

/* The rest is the unix VFS's own. */
static int v_delete(sqlite3_vfs *self, const char *name, int sync_dir)
{
	(void)self;
	return unix_vfs->xDelete(unix_vfs, name, sync_dir);
}

static int v_access(sqlite3_vfs *self, const char *name, int flags, int *out)
{
	(void)self;
	return unix_vfs->xAccess(unix_vfs, name, flags, out);
}

static int v_full_pathname(sqlite3_vfs *self, const char *name, int n, char *out)
{
	(void)self;
	return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

static void *v_dl_open(sqlite3_vfs *self, const char *name)
{
	(void)self;
	return unix_vfs->xDlOpen(unix_vfs, name);
}

static void v_dl_error(sqlite3_vfs *self, int n, char *out)
{
	(void)self;
	unix_vfs->xDlError(unix_vfs, n, out);
}

static void (*v_dl_sym(sqlite3_vfs *self, void *lib, const char *sym))(void)
{
	(void)self;
	return unix_vfs->xDlSym(unix_vfs, lib, sym);
}

static void v_dl_close(sqlite3_vfs *self, void *lib)
{
	(void)self;
	unix_vfs->xDlClose(unix_vfs, lib);
}

static int v_randomness(sqlite3_vfs *self, int n, char *out)
{
	(void)self;
	return unix_vfs->xRandomness(unix_vfs, n, out);
}

static int v_sleep(sqlite3_vfs *self, int us)
{
	(void)self;
	return unix_vfs->xSleep(unix_vfs, us);
}

static int v_current_time(sqlite3_vfs *self, double *out)
{
	(void)self;
	return unix_vfs->xCurrentTime(unix_vfs, out);
}

static int v_last_error(sqlite3_vfs *self, int n, char *out)
{
	(void)self;
	return unix_vfs->xGetLastError(unix_vfs, n, out);
}

static int v_current_time_int64(sqlite3_vfs *self, sqlite3_int64 *out)
{
	(void)self;
	return unix_vfs->xCurrentTimeInt64(unix_vfs, out);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int registered = SQLITE_ERROR;

static void register_once(void)
{
	unix_vfs = sqlite3_vfs_find("unix");
	if (!unix_vfs || unix_vfs->iVersion < 2)
		return;
	vfs.iVersion = 2;
	vfs.szOsFile = (int)sizeof(struct vfile) + unix_vfs->szOsFile;
	vfs.mxPathname = unix_vfs->mxPathname;
	vfs.zName = STORE_VFS;
	vfs.xOpen = v_open;
	vfs.xDelete = v_delete;
	vfs.xAccess = v_access;
	vfs.xFullPathname = v_full_pathname;
	vfs.xDlOpen = v_dl_open;
	vfs.xDlError = v_dl_error;
	vfs.xDlSym = v_dl_sym;
	vfs.xDlClose = v_dl_close;
	vfs.xRandomness = v_randomness;
	vfs.xSleep = v_sleep;
	vfs.xCurrentTime = v_current_time;
	vfs.xGetLastError = v_last_error;
	vfs.xCurrentTimeInt64 = v_current_time_int64;
	registered = sqlite3_vfs_register(&vfs, 0);
}

int store_vfs_register(void)
{
	pthread_once(&once, register_once);
	return registered == SQLITE_OK ? 0 : -1;
}
