/* fcgi-master.c: listen, pre-fork workers, replace the dead, serve requests. */
#include "fcgi-master.h"
#include "arena.h"
#include "db.h"
#include "http-request.h"
#include "http-response.h"
#include "log.h"
#include "session.h"
#include "settings.h"
#include "ui-shared.h"

#include <errno.h>
#include <fcgiapp.h>
#include <grp.h>
#include <poll.h>
#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 64

static volatile sig_atomic_t stopping;	/* master: SIGTERM/SIGINT */
static volatile sig_atomic_t reloading;	/* master: SIGHUP */
static volatile sig_atomic_t overdue;	/* master: SIGALRM, retiring workers took too long */
static volatile sig_atomic_t retiring;	/* worker: SIGUSR1, finish the request and go */

#define RETIRE_GRACE 30	/* seconds a retiring worker has to finish its request */

/* The program file the master was started from. Workers are started from
 * it afresh (fork, then exec), so after a rebuild `./portal reload` brings
 * in the new code without closing the listening socket. Empty: fork only. */
static char program_path[PATH_MAX];

static void on_stop(int sig) { stopping = sig; }
static void on_reload(int sig) { reloading = sig; }
static void on_alarm(int sig) { overdue = sig; }

static volatile sig_atomic_t idle;	/* worker: waiting in poll(), no connection taken */
static int listen_fd = -1;		/* worker: the socket it polls and accepts on */

/* SIGUSR1 (retire) and SIGTERM (stop) in a worker. The handler closes the
 * listening socket, and the worker leaves through the end of its loop with
 * exit(), so atexit handlers run (LeakSanitizer's check under
 * --enable-asan). One that is idle leaves at once: the signal interrupts
 * poll() (never restarted), and a poll() that the signal came just before
 * returns at once (POLLNVAL). One that lost the race for a connection and
 * waits in accept leaves too: the restarted accept fails (EBADF). One that
 * has taken a connection serves it first on SIGUSR1 (FCGX_Accept_r accepts
 * *and* reads the request's parameters, so leaving during it would drop a
 * request: nginx 502; that is why workers wait for connections in their
 * own poll(), where leaving is safe, and call FCGX_Accept_r only once the
 * socket is readable); on SIGTERM (the master's "now": it stops, or a
 * retiree overstayed its grace) it dies at once. */
static void on_leave(int sig)
{
	if (!idle && sig == SIGTERM) {
		signal(SIGTERM, SIG_DFL);
		raise(SIGTERM);
		return;
	}
	retiring = sig;
	if (listen_fd >= 0) {
		int saved = errno;
		close(listen_fd);
		listen_fd = -1;
		errno = saved;
	}
}

/* ---- one request ---------------------------------------------------- */

static const char *env_copy(struct request *r, const char *name)
{
	const char *v = FCGX_GetParam(name, r->fcgi->envp);
	return v ? arena_strdup(r->arena, v) : NULL;
}

static void serve_one(const struct fcgi_program *prog, FCGX_Request *fr, sqlite3 *db)
{
	struct request r = { 0 };
	r.fcgi = fr;
	r.arena = arena_new();
	r.db = db;
	r.method = env_copy(&r, "REQUEST_METHOD");
	r.path = env_copy(&r, "DOCUMENT_URI");
	r.query = env_copy(&r, "QUERY_STRING");
	r.content_type = env_copy(&r, "CONTENT_TYPE");
	r.authorization = env_copy(&r, "HTTP_AUTHORIZATION");
	r.cookie = env_copy(&r, "HTTP_COOKIE");
	r.remote_addr = env_copy(&r, "REMOTE_ADDR");
	const char *https = env_copy(&r, "HTTPS");
	r.https = https && *https && strcmp(https, "off") != 0;
	const char *cl = env_copy(&r, "CONTENT_LENGTH");
	r.content_length = cl && *cl ? strtoll(cl, NULL, 10) : -1;
	if (!r.method)
		r.method = "GET";
	if (!r.path)
		r.path = "/";
	if (!r.query)
		r.query = "";
	if (r.content_type && !*r.content_type)
		r.content_type = NULL;
	r.is_api = strncmp(r.path, "/api/", 5) == 0;
	r.user = portal_anonymous;

	r.nparams = url_parse_query(r.arena, r.query, &r.params);
	if (r.nparams < 0) {
		r.nparams = 0;
		portal_error(&r, 400, "bad_query", "The address has a malformed query string (a broken %-escape).");
	} else if (!db && r.authorization) {
		portal_error(&r, 421, "misdirected", "这台主机只回答匿名请求，带令牌的请求请发往主服务器。"
			     "This host answers anonymous requests only; send requests with a token to the primary.");
	} else if (!db) {
		portal_dispatch(&r, prog->pages, prog->npages);
	} else if (portal_auth_bearer(db, r.arena, r.authorization, &r.user) < 0) {
		portal_error(&r, 401, "bad_token", "令牌无效：未知、已撤销、已过期，或其用户已停用。"
			     "The bearer token is not valid: it is unknown, revoked or expired, or its user is disabled.");
		resp_header(&r, "WWW-Authenticate", "Bearer");	/* after: the error page starts its headers anew */
	} else {
		if (r.authorization)
			r.via_bearer = 1;
		else
			session_resolve(&r);
		portal_dispatch(&r, prog->pages, prog->npages);
	}
	resp_send(&r);
	buf_free(&r.headers);
	buf_free(&r.out);
	arena_destroy(r.arena);
}

static void worker(const struct fcgi_program *prog, int sock, int has_master)
{
	/* A worker must not outlive its master: a new master would not know
	 * it, and it would hold on to a socket nobody can reach. */
	if (has_master && (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() == 1))
		_exit(0);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	listen_fd = sock;
	struct sigaction sa = { 0 };
	sa.sa_handler = on_leave;
	sa.sa_flags = SA_RESTART;	/* reads of a request in flight go on */
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* Keep freed memory for the next request: by default malloc gave
	 * the top of the heap back after nearly every search and took it
	 * again on the next one (brk, page faults and TLB flushes: 4% of a
	 * search's CPU), and served each large block (a hit's text) with its
	 * own mmap. Bounded: at most a few megabytes stay mapped. */
	mallopt(M_TRIM_THRESHOLD, 8 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	char err[512];
	sqlite3 *db = prog->no_db ? NULL : portal_db_open(portal_settings()->db_path, err, sizeof err);
	if (!db && !prog->no_db)
		portal_fatal("%s", err);
	if (prog->worker_init)
		prog->worker_init();
	FCGX_Request fr;
	FCGX_InitRequest(&fr, sock, 0);
	struct sockaddr_storage addr;
	socklen_t addrlen = sizeof addr;
	int tcp = getsockname(sock, (struct sockaddr *)&addr, &addrlen) == 0 &&
		  (addr.ss_family == AF_INET || addr.ss_family == AF_INET6);
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	while (!retiring) {
		idle = 1;
		int ready = retiring ? 0 : poll(&pfd, 1, -1);
		idle = 0;
		if (ready < 0 && errno != EINTR) {
			portal_log("poll: %s, worker exits", strerror(errno));
			break;
		}
		if (ready <= 0 || retiring)
			continue;
		/* Another worker may take the connection first: then this
		 * one waits in accept for the next, unless told to leave
		 * meanwhile (on_leave: accept fails on the closed socket). */
		if (FCGX_Accept_r(&fr) < 0) {
			if (!retiring)
				portal_log("accept failed, worker exits");
			break;
		}
		if (tcp) {	/* TCP_NODELAY: see open_socket() */
			int one = 1;
			setsockopt(fr.ipcFd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		}
		serve_one(prog, &fr, db);
		FCGX_Finish_r(&fr);
	}
	exit(0);	/* not _exit: atexit handlers (LeakSanitizer) run */
}

/* ---- the master ----------------------------------------------------- */

/* path: a unix socket's path, or ADDRESS:PORT for TCP (a search host,
 * which the front nginx reaches over the network; FCGI_WEB_SERVER_ADDRS
 * then limits who may connect, as libfcgi reads it). */
static int open_socket(const char *path)
{
	int tcp = path[0] != '/' && strchr(path, ':');
	if (!tcp)
		unlink(path);
	int sock = FCGX_OpenSocket(path, 128);
	if (sock < 0) {
		portal_log("cannot listen on %s", path);
		return -1;
	}
	if (tcp) {
		/* Without it a response written in several FastCGI records
		 * can wait for the front's delayed ACK (Nagle); each accepted
		 * connection gets it too (worker()). */
		int one = 1;
		if (setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
			portal_log("TCP_NODELAY on %s: %s", path, strerror(errno));
		return sock;
	}
	const char *group = getenv("PORTAL_SOCKET_GROUP");
	if (group && *group) {
		struct group *g = getgrnam(group);
		if (!g || chown(path, (uid_t)-1, g->gr_gid) < 0)
			portal_log("cannot give %s to group %s: %s", path, group, strerror(errno));
	}
	chmod(path, 0660);
	return sock;
}

static pid_t spawn(const struct fcgi_program *prog, int sock)
{
	fflush(NULL);	/* a worker leaves with exit(): nothing buffered twice */
	pid_t pid = fork();
	if (pid < 0) {
		portal_log("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (*program_path) {
			char fd[16];
			snprintf(fd, sizeof fd, "%d", sock);
			char *argv[] = { (char *)prog->name, NULL };
			if (setenv("PORTAL_WORKER_FD", fd, 1) == 0)
				execv(program_path, argv);
			portal_log("cannot run %s (%s): this worker runs the master's code",
				   program_path, strerror(errno));
			unsetenv("PORTAL_WORKER_FD");
		}
		worker(prog, sock, 1);
	}
	return pid;
}

/* The master's workers: the current ones and, after a reload, the
 * retirees finishing their last request. */
struct workers {
	const struct fcgi_program *prog;
	int sock, n;
	pid_t pids[MAX_WORKERS], old[MAX_WORKERS];
	time_t born[MAX_WORKERS];
};

static void catch_master_signals(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_reload;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
}

/* Graceful reload: new workers first, then the old ones finish the
 * request they are serving and leave. */
static void reload_workers(struct workers *w)
{
	for (int i = 0; i < w->n; i++) {
		if (w->old[i] > 0)
			kill(w->old[i], SIGTERM);	/* a retiree from the last reload */
		w->old[i] = w->pids[i];
		w->pids[i] = spawn(w->prog, w->sock);
		w->born[i] = time(NULL);
		if (w->old[i] > 0)
			kill(w->old[i], SIGUSR1);
	}
	alarm(RETIRE_GRACE);
	portal_log("reloaded: %d new workers, the old ones finish their requests", w->n);
}

/* The retirees' grace is over. */
static void stop_retirees(struct workers *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->old[i] > 0)
			kill(w->old[i], SIGTERM);
}

/* dead has ended: a retiree is not replaced; a current worker is, unless
 * the master is stopping. */
static void replace_dead(struct workers *w, pid_t dead, int status)
{
	for (int i = 0; i < w->n; i++)
		if (w->old[i] == dead)
			w->old[i] = 0;	/* a retiree is done: not replaced */
	for (int i = 0; i < w->n; i++) {
		if (w->pids[i] != dead)
			continue;
		portal_log("worker %ld ended (%s %d), replacing it", (long)dead,
			   WIFSIGNALED(status) ? "signal" : "exit",
			   WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		if (time(NULL) - w->born[i] < 1)
			sleep(1);	/* a worker that dies at once must not spin */
		if (stopping)
			return;
		w->pids[i] = spawn(w->prog, w->sock);
		w->born[i] = time(NULL);
	}
}

/* Until told to stop: reload on SIGHUP, end the retirees when their grace
 * is over, replace workers that end. */
static void supervise_workers(struct workers *w)
{
	while (!stopping) {
		if (reloading) {
			reloading = 0;
			reload_workers(w);
		}
		if (overdue) {
			overdue = 0;
			stop_retirees(w);
		}
		int status;
		pid_t dead = waitpid(-1, &status, 0);
		if (dead < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		replace_dead(w, dead, status);
	}
}

/* Every worker told to leave, and waited for. */
static void stop_workers(struct workers *w)
{
	for (int i = 0; i < w->n; i++) {
		if (w->pids[i] > 0)
			kill(w->pids[i], SIGTERM);
		if (w->old[i] > 0)
			kill(w->old[i], SIGTERM);
	}
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

int portal_fcgi_main(const struct fcgi_program *prog)
{
	portal_log_init(prog->name);
	if (FCGX_Init() != 0) {
		portal_log("FCGX_Init failed");
		return 1;
	}
	const char *wfd = getenv("PORTAL_WORKER_FD");
	if (wfd && *wfd) {
		/* A worker started by its master (spawn): the listening socket
		 * is inherited. */
		int fd = atoi(wfd);
		unsetenv("PORTAL_WORKER_FD");
		worker(prog, fd, 1);
		return 0;
	}
	const char *path = getenv("PORTAL_SOCKET");
	if (!path || !*path) {
		/* Started by a web server with the listening socket on fd 0. */
		worker(prog, 0, 0);
		return 0;
	}
	const char *nw = getenv("PORTAL_WORKERS");
	int nworkers = nw ? atoi(nw) : 2;
	if (nworkers < 1 || nworkers > MAX_WORKERS)
		nworkers = 2;
	int sock = open_socket(path);
	if (sock < 0)
		return 1;
	ssize_t n = readlink("/proc/self/exe", program_path, sizeof program_path - 1);
	program_path[n > 0 ? n : 0] = '\0';
	catch_master_signals();

	struct workers w = { .prog = prog, .sock = sock, .n = nworkers };
	for (int i = 0; i < nworkers; i++) {
		w.pids[i] = spawn(prog, sock);
		w.born[i] = time(NULL);
	}
	portal_log("listening on %s with %d workers", path, nworkers);
	supervise_workers(&w);
	stop_workers(&w);
	unlink(path);
	portal_log("stopped");
	return 0;
}
