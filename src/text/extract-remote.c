/* extract-remote.c: an extraction job sent to an extraction host
 * (extract-remote.h). */
#include "extract-remote.h"
#include "log.h"
#include "sandbox-io.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLY_MAX (80UL * 1024 * 1024)	/* the sandbox's 64 MB of output, and the head */

int portal_remote_wanted(int is_long)
{
	const char *url = getenv("PORTAL_EXTRACT_URL");
	const char *which = getenv("PORTAL_EXTRACT_REMOTE");
	if (!url || !*url)
		return 0;
	return is_long || (which && strcmp(which, "all") == 0);
}

int portal_remote_fallback(void)
{
	const char *v = getenv("PORTAL_EXTRACT_FALLBACK");
	return !v || strcmp(v, "fail") != 0;
}

static int tries(void)
{
	const char *v = getenv("PORTAL_EXTRACT_TRIES");
	int n = v && *v ? atoi(v) : PORTAL_REMOTE_TRIES;
	return n >= 1 && n <= 20 ? n : PORTAL_REMOTE_TRIES;
}

struct url {
	char host[256], port[16], path[1024];
};

/* "http://host[:port]/path": 0, or -1. */
static int parse_url(const char *s, struct url *u)
{
	if (strncmp(s, "http://", 7) != 0)
		return -1;
	s += 7;
	size_t h = strcspn(s, ":/");
	if (!h || h >= sizeof u->host)
		return -1;
	memcpy(u->host, s, h);
	u->host[h] = '\0';
	s += h;
	snprintf(u->port, sizeof u->port, "80");
	if (*s == ':') {
		size_t p = strspn(s + 1, "0123456789");
		if (!p || p >= sizeof u->port)
			return -1;
		memcpy(u->port, s + 1, p);
		u->port[p] = '\0';
		s += 1 + p;
	}
	snprintf(u->path, sizeof u->path, "%s", *s ? s : "/");
	return *s && *s != '/' ? -1 : 0;
}

/* Wait for fd to be ready for events until deadline (ms): 1, or 0 on
 * timeout, -1 on error. */
static int wait_fd(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - portal_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { fd, events, 0 };
		int r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r != 0)
			return r > 0 ? 1 : -1;
	}
}

static int connect_to(const struct url *u, long long deadline, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *a;
	int rc = getaddrinfo(u->host, u->port, &hints, &res);
	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", u->host, u->port, gai_strerror(rc));
		return -1;
	}
	int fd = -1;
	snprintf(err, errlen, "%s:%s: no address", u->host, u->port);
	for (a = res; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			long long d = portal_now_ms() + 10000;
			int soerr = 0;
			socklen_t sl = sizeof soerr;
			int w = wait_fd(fd, POLLOUT, d < deadline ? d : deadline);
			if (w > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && !soerr)
				break;
			errno = w == 0 ? ETIMEDOUT : soerr ? soerr : errno;
		}
		snprintf(err, errlen, "connecting to %s:%s: %s", u->host, u->port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int send_all(int fd, const char *p, size_t n, long long deadline)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, deadline) <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The request: head, then the file. 0, or -1 with err (the host may have
 * answered early all the same: the caller reads on). */
static int send_request(int fd, const struct url *u, int file, off_t size, const char *mime,
			const char *want, int is_long, const char *name, long long deadline,
			char *err, size_t errlen)
{
	const char *key = getenv("PORTAL_EXTRACT_KEY");
	struct buf head = BUF_INIT;
	buf_printf(&head, "POST %s HTTP/1.0\r\nHost: %s:%s\r\n"
		   "Content-Type: application/octet-stream\r\nContent-Length: %lld\r\n"
		   "X-Portal-Extract-Key: %s\r\nX-Portal-Mime: %s\r\nX-Portal-Want: %s\r\n"
		   "X-Portal-Lane: %s\r\nX-Portal-Name: %s\r\n\r\n",
		   u->path, u->host, u->port, (long long)size, key ? key : "", mime,
		   *want ? want : "text", is_long ? "long" : "quick", name);
	int rc = send_all(fd, head.data, head.len, deadline);
	buf_free(&head);
	char chunk[65536];
	while (rc == 0) {
		ssize_t r = read(file, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -1 : 0;
			break;
		}
		rc = send_all(fd, chunk, (size_t)r, deadline);
	}
	if (rc < 0)
		snprintf(err, errlen, "sending the file: %s", strerror(errno));
	/* No shutdown(SHUT_WR): nginx takes a half-closed connection for a
	 * client gone and drops the request. */
	return rc;
}

/* Read the whole response (the host closes after it). 0, or -1 with err. */
static int read_response(int fd, long long deadline, struct buf *resp, char *err, size_t errlen)
{
	char chunk[65536];
	for (;;) {
		int w = wait_fd(fd, POLLIN, deadline);
		if (w <= 0) {
			snprintf(err, errlen, w == 0 ? "no answer in time" : "waiting for the answer: %s",
				 strerror(errno));
			return -1;
		}
		ssize_t r = recv(fd, chunk, sizeof chunk, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			snprintf(err, errlen, "reading the answer: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			return 0;
		if (resp->len + (size_t)r > REPLY_MAX) {
			snprintf(err, errlen, "the answer is over %lu MB", REPLY_MAX >> 20);
			return -1;
		}
		buf_append(resp, chunk, (size_t)r);
	}
}

/* One request. The HTTP status (the body in *body, *blen), or 0 with err
 * when there was no complete answer. */
static int one_request(const struct url *u, const char *path, const char *mime, const char *want,
		       int is_long, const char *name, long long deadline, struct buf *resp,
		       const char **body, size_t *blen, char *err, size_t errlen)
{
	int file = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (file < 0 || fstat(file, &st) < 0) {
		snprintf(err, errlen, "the stored file: %s", strerror(errno));
		if (file >= 0)
			close(file);
		return 0;
	}
	int fd = connect_to(u, deadline, err, errlen);
	if (fd < 0) {
		close(file);
		return 0;
	}
	char serr[256] = "";
	int sent = send_request(fd, u, file, st.st_size, mime, want, is_long, name, deadline,
				serr, sizeof serr);
	close(file);
	buf_reset(resp);
	int rc = read_response(fd, deadline, resp, err, errlen);
	close(fd);
	if (rc < 0 || !resp->len) {
		if (sent < 0)
			snprintf(err, errlen, "%s", serr);
		else if (rc == 0)
			snprintf(err, errlen, "the connection closed without an answer");
		return 0;
	}
	const char *s = buf_str(resp);
	int status = 0;
	if (sscanf(s, "HTTP/1.%*d %d", &status) != 1 || status < 100) {
		snprintf(err, errlen, "the answer is no HTTP");
		return 0;
	}
	const char *end = strstr(s, "\r\n\r\n");
	if (!end) {
		snprintf(err, errlen, "the answer was cut off in its head");
		return 0;
	}
	*body = end + 4;
	*blen = resp->len - (size_t)(end + 4 - s);
	/* A declared length that did not all come: the host died sending. */
	for (const char *h = strstr(s, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n")) {
		if (strncasecmp(h + 2, "Content-Length:", 15) != 0)
			continue;
		unsigned long long declared = strtoull(h + 17, NULL, 10);
		if (declared != *blen) {
			snprintf(err, errlen, "the answer was cut off (%zu bytes of %llu)", *blen, declared);
			return 0;
		}
	}
	return status;
}

/* The sentence of an error answer ({"error": {"code", "message"}}): 1,
 * or 0 (err left as it is) when the body is none (nginx's own pages). */
static int body_sentence(const char *body, size_t n, char *err, size_t errlen)
{
	json_t *j = body ? json_loadb(body, n, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	if (m)
		portal_sandbox_copy_error(m, strlen(m), err, errlen);
	json_decref(j);
	return m != NULL;
}

int portal_remote_extract(const char *path, const char *mime, const char *want, int is_long,
			  const char *name, unsigned seconds, struct buf *out,
			  char *err, size_t errlen)
{
	struct url u;
	const char *url = getenv("PORTAL_EXTRACT_URL");
	if (strpbrk(mime, "\r\n") || strpbrk(name, "\r\n") || strpbrk(want, "\r\n")) {
		snprintf(err, errlen, "a header value holds a line break");
		return PORTAL_REMOTE_HOST_FAILED;
	}
	if (!url || parse_url(url, &u) < 0) {
		snprintf(err, errlen, "PORTAL_EXTRACT_URL is no http://host:port/path address");
		return PORTAL_REMOTE_HOST_FAILED;
	}
	long long deadline = portal_now_ms() + (long long)seconds * 1000;
	struct buf resp = BUF_INIT;
	char why[512] = "";
	int n = tries(), rc = PORTAL_REMOTE_HOST_FAILED;
	for (int i = 1; i <= n && portal_now_ms() < deadline; i++) {
		const char *body = NULL;
		size_t blen = 0;
		int status = one_request(&u, path, mime, want, is_long, name, deadline, &resp,
					 &body, &blen, why, sizeof why);
		if (status == 200 && blen && (body[0] == 'T' || body[0] == 'L')) {
			buf_append(out, body, blen);
			portal_log("%s: read by an extraction host (%s, try %d)", name, url, i);
			rc = 0;
			break;
		}
		if (status == 422) {
			if (!body_sentence(body, blen, err, errlen))
				snprintf(err, errlen, "The file could not be read on the extraction host.");
			portal_log("%s: the extraction host could not read it: %s", name, err);
			rc = -1;
			break;
		}
		if (status == 200)
			snprintf(why, sizeof why, "the answer is no extraction reply");
		else if (status) {
			char m[256] = "";
			body_sentence(body, blen, m, sizeof m);
			snprintf(why, sizeof why, "HTTP %d%s%s", status, *m ? ": " : "", m);
		}
		portal_log("%s: extraction host failed (try %d of %d): %s", name, i, n, why);
		if (status >= 400 && status < 500)
			break;	/* a wrong key, too large: the same at every host */
		if (i < n) {
			long long pause = 1000LL << (i - 1);
			if (portal_now_ms() + pause < deadline)
				usleep((useconds_t)pause * 1000);
		}
	}
	if (rc == PORTAL_REMOTE_HOST_FAILED)
		snprintf(err, errlen, "%s", why[0] ? why : "no time left");
	buf_free(&resp);
	return rc;
}
