/* floor.c: the benchmark's floor. The same libmicrohttpd set-up as
 * cfmock's server.c (one internal polling thread, epoll, suspend/resume
 * allowed, the same connection limits) answering every request with a
 * constant JSON body of an account's size. cfmock's numbers are read as a
 * ratio to this one, which holds on any machine.
 *
 *   cc -O2 floor.c $(pkg-config --cflags --libs libmicrohttpd) -o floor
 *   ./floor PORT */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char body[] =
	"{\"success\":true,\"errors\":[],\"messages\":[],\"result\":{\"id\":"
	"\"a53c36d76cec99e0758527120fbbe785\",\"name\":\"Acct One\",\"type\":\"standard\","
	"\"created_on\":\"2026-11-22T05:48:15.321Z\",\"settings\":{\"enforce_twofactor\":false},"
	"\"managed_by\":{\"parent_org_id\":\"5e5532fbeea293f80bc942ee9086c171\","
	"\"parent_org_name\":\"Root\"}}}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **req_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	if (!*req_cls) {
		*req_cls = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	resp = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
					       MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(c, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	sigset_t sigs;
	int sig;

	if (argc != 2)
		return 2;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
				     MHD_ALLOW_SUSPEND_RESUME,
			     (unsigned short)strtol(argv[1], NULL, 10), NULL, NULL, answer, NULL,
			     MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 512u,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024), MHD_OPTION_END);
	if (!d)
		return 1;
	printf("floor listening on %s\n", argv[1]);
	fflush(stdout);
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	return 0;
}
