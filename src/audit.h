/* audit.h: the recorder of the audit log (README "Audit logs"). Every
 * accepted change made through /client/v4 (a 2xx answer to a POST, PUT,
 * PATCH or DELETE that changed the database) writes one entry, in the
 * same savepoint as the change: an entry that cannot be written undoes the
 * change, and a change rolled back takes its entry with it. The router
 * calls these two around the handler of such a request, after the
 * credential and body checks, with the route's pattern. */
#ifndef CFMOCK_AUDIT_H
#define CFMOCK_AUDIT_H

#include "req.h"

/* Opens the savepoint and reads what the entry needs from before the
 * change (the account's name, a membership's account). 0, or -1 with an
 * answer set. */
int audit_begin_or_reply(struct req *r, const char *pattern);
/* After the handler: writes the entry (if the answer is 2xx and something
 * changed) and ends the savepoint; on a failure to write it, undoes the
 * change and answers 500 in its place. */
void audit_end(struct req *r, const char *pattern);

#endif
