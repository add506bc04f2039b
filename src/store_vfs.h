/* store_vfs.h: the SQLite VFS the store opens its database with (part of
 * the store: only store.c uses it). It is the "unix" VFS, but gives what
 * SQLite writes to a WAL file to the kernel in one write per commit
 * instead of two per page. */
#ifndef CFMOCK_STORE_VFS_H
#define CFMOCK_STORE_VFS_H

#define STORE_VFS "cfmock-unix"

/* Registers the VFS (once; safe to call again). 0, or -1 if the unix VFS
 * is not there to wrap (then open with the default VFS). */
int store_vfs_register(void);

#endif
