/* sandbox-zygote.c: a small process forked at start that runs sandboxed
 * children on request (sandbox.h, "the zygote").
 *
 * Why a zygote rather than fork() from the caller or posix_spawn() of a
 * separate extractor program: the indexer's heap (Xapian's pending batch,
 * the model) made each fork() copy its page tables and then fault on every
 * page the indexer wrote afterwards; a separate program would need the
 * extractors linked twice and an argument protocol of its own. The zygote
 * is the same code, forked while the process is still small, and reuses
 * portal_sandbox_run() as it is, so limits, reaping and every sentence stay
 * in one place.
 *
 * Requests and replies travel over two pipes:
 *
 *	request:  length (uint64_t)  limits (struct sandbox_limits)  message
 *	reply:    status ('0' text, '1' sentence)  length (uint64_t)  payload
 *
 * Both ends are the same binary, so native order and layout are fine. The
 * zygote serves its requests one at a time, in order, and leaves on end of
 * file. The caller may have up to SANDBOX_ZYGOTE_QUEUE requests in flight
 * and collects the replies in the order it sent the requests, so the
 * zygote can run ahead of it: the reply pipe is made large
 * (ZYGOTE_REPLY_PIPE) to hold the texts it has extracted and the caller
 * not yet collected. A request is written only when it surely fits in the
 * request pipe with every request sent and not collected (the zygote may
 * not have read them), so neither side ever blocks writing while the other
 * blocks writing too. */
#include "sandbox.h"
#include "sandbox-io.h"
#include "buf.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define ZYGOTE_MSG_MAX (1024 * 1024)	/* a request: a path and a type */
#define ZYGOTE_GRACE_MS 30000		/* beyond the request's own wall clock */
#define ZYGOTE_REPLY_PIPE (1024 * 1024)	/* texts extracted ahead, waiting */
#define REQUEST_HEAD (sizeof(uint64_t) + sizeof(struct sandbox_limits))

struct zygote_request {
	struct buf msg;
	struct sandbox_limits lim;
};

struct sandbox_zygote {
	sandbox_msg_fn fn;
	pid_t pid;
	int req;	/* we write requests here */
	int rep;	/* and read replies here */
	size_t req_room;	/* the request pipe's capacity */
	/* Requests in flight, oldest first (a ring of q[head], ...): kept
	 * until collected, to send again to a new zygote. The current zygote
	 * has the first `sent` of them. */
	struct zygote_request q[SANDBOX_ZYGOTE_QUEUE];
	size_t head, n, sent;
	long long deadline;	/* for the oldest one's reply; -1: none */
	int tries;		/* zygotes lost on the oldest one */
};

struct zygote_call {
	sandbox_msg_fn fn;
	const struct buf *msg;
};

/* 1: n bytes read; 0: end of file before any; -1: error or short. */
static int read_full(int fd, void *p, size_t n)
{
	char *s = p;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, s + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 && got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

/* Runs in the per-request child. */
static int zygote_trampoline(void *argp, struct buf *out, char *err, size_t errlen)
{
	struct zygote_call *c = argp;
	return c->fn(buf_str(c->msg), c->msg->len, out, err, errlen);
}

static _Noreturn void zygote_main(sandbox_msg_fn fn, int rfd, int wfd)
{
	signal(SIGINT, SIG_IGN);	/* we leave when the parent does */
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	for (;;) {
		uint64_t len;
		struct sandbox_limits lim;
		struct buf msg = BUF_INIT, out = BUF_INIT;
		char err[1024] = "";

		if (read_full(rfd, &len, sizeof len) != 1 || len > ZYGOTE_MSG_MAX ||
		    read_full(rfd, &lim, sizeof lim) != 1)
			_exit(0);
		buf_grow(&msg, (size_t)len + 1);
		if (len && read_full(rfd, msg.data, (size_t)len) != 1)
			_exit(0);
		msg.len = (size_t)len;
		msg.data[len] = '\0';

		struct zygote_call c = { fn, &msg };
		int rc = portal_sandbox_run(zygote_trampoline, &c, &lim, &out, err, sizeof err);
		const char *payload = rc == 0 ? out.data : err;
		uint64_t n = rc == 0 ? out.len : strlen(err);
		char status = rc == 0 ? '0' : '1';
		if (portal_sandbox_write_all(wfd, &status, 1) != 0 || portal_sandbox_write_all(wfd, &n, sizeof n) != 0 ||
		    (n && portal_sandbox_write_all(wfd, payload, (size_t)n) != 0))
			_exit(0);
		int large = out.cap > 1024 * 1024;
		buf_free(&out);
		buf_free(&msg);
#ifdef __GLIBC__
		if (large)	/* keep the zygote small, so its forks stay cheap */
			malloc_trim(0);
#else
		(void)large;
#endif
	}
}

static int zygote_fork(struct sandbox_zygote *z, char *err, size_t errlen)
{
	int req[2], rep[2];

	if (pipe2(req, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The file could not be read: no pipe (%s).", strerror(errno));
		return -1;
	}
	if (pipe2(rep, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "The file could not be read: no pipe (%s).", strerror(errno));
		close(req[0]);
		close(req[1]);
		return -1;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "The file could not be read: no process could be "
			 "started (%s).", strerror(errno));
		close(req[0]);
		close(req[1]);
		close(rep[0]);
		close(rep[1]);
		return -1;
	}
	if (pid == 0) {
		close(req[1]);
		close(rep[0]);
		if (portal_die_with_parent(parent) < 0)
			_exit(0);
		zygote_main(z->fn, req[0], rep[1]);
	}
	close(req[0]);
	close(rep[1]);
#ifdef F_SETPIPE_SZ
	/* Best effort: without it the zygote runs ahead by 64 KiB of text. */
	fcntl(rep[0], F_SETPIPE_SZ, ZYGOTE_REPLY_PIPE);
#endif
	int room = -1;
#ifdef F_GETPIPE_SZ
	room = fcntl(req[1], F_GETPIPE_SZ);
#endif
	z->req_room = room > 0 ? (size_t)room : 4096;	/* PIPE_BUF at least */
	z->pid = pid;
	z->req = req[1];
	z->rep = rep[0];
	z->sent = 0;
	return 0;
}

static void zygote_stop(struct sandbox_zygote *z)
{
	if (z->pid <= 0)
		return;
	close(z->req);
	close(z->rep);
	kill(z->pid, SIGKILL);
	while (waitpid(z->pid, NULL, 0) < 0 && errno == EINTR)
		;
	z->pid = -1;
	z->req = z->rep = -1;
}

struct sandbox_zygote *portal_sandbox_zygote_start(sandbox_msg_fn fn, char *err, size_t errlen)
{
	struct sandbox_zygote *z = xmalloc(sizeof *z);

	memset(z, 0, sizeof *z);
	z->fn = fn;
	z->pid = -1;
	z->req = z->rep = -1;
	if (zygote_fork(z, err, errlen) < 0) {
		free(z);
		return NULL;
	}
	return z;
}

void portal_sandbox_zygote_close(struct sandbox_zygote *z)
{
	if (!z)
		return;
	zygote_stop(z);
	for (size_t i = 0; i < SANDBOX_ZYGOTE_QUEUE; i++)
		buf_free(&z->q[i].msg);
	free(z);
}

size_t portal_sandbox_zygote_pending(const struct sandbox_zygote *z)
{
	return z->n;
}

int portal_sandbox_zygote_fd(const struct sandbox_zygote *z)
{
	return z->pid > 0 ? z->rep : -1;
}

int portal_sandbox_zygote_overdue(const struct sandbox_zygote *z)
{
	return z->n && z->deadline >= 0 && portal_now_ms() >= z->deadline;
}

/* Read exactly n bytes of the reply before the deadline (-1: none).
 * 0 when they came, -1 when the zygote is gone, silent or too slow. */
static int read_reply(int fd, void *p, size_t n, long long deadline)
{
	char *s = p;

	while (n > 0) {
		int wait = -1;
		if (deadline >= 0) {
			long long left = deadline - portal_now_ms();
			if (left <= 0)
				return -1;
			wait = left > 60000 ? 60000 : (int)left;
		}
		struct pollfd pf = { fd, POLLIN, 0 };
		int rc = poll(&pf, 1, wait);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		ssize_t r = read(fd, s, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

static struct zygote_request *request_at(struct sandbox_zygote *z, size_t i)
{
	return &z->q[(z->head + i) % SANDBOX_ZYGOTE_QUEUE];
}

/* The oldest request's reply is due this long after it became the oldest
 * (the zygote ends each extraction by its own wall clock). */
static void start_clock(struct sandbox_zygote *z)
{
	const struct sandbox_limits *lim = &request_at(z, 0)->lim;

	z->deadline = z->n && lim->wall_seconds ?
		portal_now_ms() + (long long)lim->wall_seconds * 1000 + ZYGOTE_GRACE_MS : -1;
}

/* Send the requests not sent yet, in order, while they surely fit in the
 * request pipe beside those sent and not collected. 0, or -1 when the
 * zygote is gone (it is then stopped; nothing counts as sent). */
static int send_requests(struct sandbox_zygote *z)
{
	size_t queued = 0;

	for (size_t i = 0; i < z->sent; i++)
		queued += REQUEST_HEAD + request_at(z, i)->msg.len;
	while (z->sent < z->n) {
		struct zygote_request *r = request_at(z, z->sent);
		uint64_t n = r->msg.len;
		if (z->sent > 0 && queued + REQUEST_HEAD + n > z->req_room)
			break;	/* later, when the zygote has taken some */
		if (portal_sandbox_write_all(z->req, &n, sizeof n) != 0 ||
		    portal_sandbox_write_all(z->req, &r->lim, sizeof r->lim) != 0 ||
		    (n && portal_sandbox_write_all(z->req, r->msg.data, r->msg.len) != 0)) {
			zygote_stop(z);
			z->sent = 0;
			return -1;
		}
		queued += REQUEST_HEAD + n;
		z->sent++;
	}
	return 0;
}

/* The reply to the oldest request. 0 or -1 as portal_sandbox_run(); -2
 * when the zygote was lost on the way. */
static int read_answer(struct sandbox_zygote *z, struct buf *out, char *err, size_t errlen)
{
	const struct sandbox_limits *lim = &request_at(z, 0)->lim;
	uint64_t n;
	uint64_t cap = lim->max_output ? lim->max_output : (uint64_t)-1;
	char status;

	if (read_reply(z->rep, &status, 1, z->deadline) < 0 ||
	    read_reply(z->rep, &n, sizeof n, z->deadline) < 0 ||
	    (status != '0' && status != '1') || n > cap || (status == '1' && n > 4096))
		return -2;
	if (status == '0') {
		size_t before = out->len;
		buf_grow(out, (size_t)n + 1);
		if (n && read_reply(z->rep, out->data + before, (size_t)n, z->deadline) < 0) {
			out->data[before] = '\0';
			return -2;
		}
		out->len = before + (size_t)n;
		out->data[out->len] = '\0';
		return 0;
	}
	char sentence[4097];
	if (n && read_reply(z->rep, sentence, (size_t)n, z->deadline) < 0)
		return -2;
	portal_sandbox_copy_error(sentence, (size_t)n, err, errlen);
	return -1;
}

int portal_sandbox_zygote_submit(struct sandbox_zygote *z, const void *msg, size_t len,
				 const struct sandbox_limits *lim, char *err, size_t errlen)
{
	if (z->n == SANDBOX_ZYGOTE_QUEUE)
		portal_fatal("sandbox: more than %d requests in flight", SANDBOX_ZYGOTE_QUEUE);
	if (len > ZYGOTE_MSG_MAX) {
		snprintf(err, errlen, "The file could not be read: its name is too long.");
		return -1;
	}
	if (z->pid <= 0 && zygote_fork(z, err, errlen) < 0)
		return -1;
	struct zygote_request *r = request_at(z, z->n);
	buf_reset(&r->msg);
	buf_append(&r->msg, msg, len);
	r->lim = *lim;
	if (z->n++ == 0) {
		z->tries = 0;
		start_clock(z);
	}
	/* A zygote found gone here is replaced, and every request sent
	 * again, by portal_sandbox_zygote_collect(). */
	send_requests(z);
	return 0;
}

/* Forget the oldest request: its reply has been read, or given up. */
static void pop_request(struct sandbox_zygote *z)
{
	struct zygote_request *r = request_at(z, 0);

	if (r->msg.cap > 64 * 1024)
		buf_free(&r->msg);
	z->head = (z->head + 1) % SANDBOX_ZYGOTE_QUEUE;
	z->n--;
	if (z->sent)
		z->sent--;
	z->tries = 0;
	start_clock(z);
}

int portal_sandbox_zygote_collect(struct sandbox_zygote *z, struct buf *out, char *err, size_t errlen)
{
	if (!z->n)
		portal_fatal("sandbox: nothing to collect");
	for (;;) {
		int rc = -2;
		if (z->pid > 0 || zygote_fork(z, err, errlen) == 0) {
			if (send_requests(z) == 0)
				rc = read_answer(z, out, err, errlen);
		} else {
			pop_request(z);	/* no zygote: err says why */
			return -1;
		}
		if (rc != -2) {
			pop_request(z);
			send_requests(z);	/* room for those waiting */
			return rc;
		}
		/* Lost (killed from outside, or silent past the deadline):
		 * a new zygote gets every request in flight again. */
		zygote_stop(z);
		z->sent = 0;
		if (z->tries++ >= 1) {
			pop_request(z);
			snprintf(err, errlen, "The file could not be read: the text extractor "
				 "stopped unexpectedly.");
			return -1;
		}
		start_clock(z);
		portal_log("sandbox: the extraction process was lost; starting another");
	}
}

int portal_sandbox_zygote_run(struct sandbox_zygote *z, const void *msg, size_t len,
			      const struct sandbox_limits *lim, struct buf *out,
			      char *err, size_t errlen)
{
	if (z->n)
		portal_fatal("sandbox: a request run while others are in flight");
	if (portal_sandbox_zygote_submit(z, msg, len, lim, err, errlen) < 0)
		return -1;
	return portal_sandbox_zygote_collect(z, out, err, errlen);
}
