/* records-http.c: request glue for the record engine (records-http.h). */
#include "records-http.h"
#include "records.h"
#include "arena.h"
#include "http-request.h"
#include "http-response.h"
#include "ui-shared.h"

#include <stdlib.h>
#include <string.h>

const char *rh_seg(struct request *r, int i)
{
	const char *p = r->path;
	for (; i > 0 && p; i--)
		p = strchr(p + 1, '/');
	if (!p || !*p)
		return "";
	p++;
	const char *e = strchr(p, '/');
	return e ? arena_strndup(r->arena, p, (size_t)(e - p)) : p;
}

void rh_ctx(struct request *r, struct rctx *c, const struct rtype *t)
{
	memset(c, 0, sizeof *c);
	c->db = r->db;
	c->a = r->arena;
	c->u = &r->user;
	c->t = t;
}

void rh_fail(struct request *r, struct rctx *c)
{
	portal_error(r, c->status ? c->status : 500, c->code ? c->code : "error",
		     c->msg ? c->msg : "出错了。 Something went wrong.");
}

const struct rtype *rh_type(struct request *r, int i)
{
	const struct rtype *t = rtype_find(rh_seg(r, i));
	if (!t)
		portal_error(r, 404, "not_found", "There is no page at this address.");
	return t;
}

long rh_num(struct request *r, const char *name, long def, long lo, long hi)
{
	const char *s = req_param(r, name);
	if (!s || (!*s && !r->is_api))
		return def;
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		portal_error(r, 400, "bad_parameter", arena_printf(r->arena,
			"参数 %s 应为 %ld 到 %ld 之间的整数。 %s must be a whole number from %ld to %ld.",
			name, lo, hi, name, lo, hi));
		return -1;
	}
	return v;
}

int rh_list_query(struct request *r, struct rquery *q)
{
	memset(q, 0, sizeof *q);
	if ((q->page = rh_num(r, "page", 1, 1, 100000)) < 0 ||
	    (q->per_page = rh_num(r, "per_page", 20, 1, 100)) < 0)
		return -1;
	q->q = req_param(r, "q");
	const char **names = arena_alloc(r->arena, sizeof *names * (size_t)(r->nparams + 1));
	const char **values = arena_alloc(r->arena, sizeof *values * (size_t)(r->nparams + 1));
	size_t n = 0;
	for (int i = 0; i < r->nparams; i++) {
		const char *k = r->params[i].name;
		/* Empty filters come from HTML forms left blank. */
		if (strcmp(k, "page") && strcmp(k, "per_page") && strcmp(k, "q") && *r->params[i].value) {
			names[n] = k;
			values[n++] = r->params[i].value;
		}
	}
	q->names = names;
	q->values = values;
	q->nfilters = n;
	return 0;
}

const char *rh_zh(struct request *r, const char *msg)
{
	if (!msg)
		return NULL;
	for (const char *p = msg; (p = strstr(p, "。 ")); p += strlen("。 "))
		if ((p[4] >= 'A' && p[4] <= 'Z') || (p[4] >= 'a' && p[4] <= 'z') || p[4] == '\'')
			return arena_strndup(r->arena, msg, (size_t)(p - msg) + strlen("。"));
	return msg;
}
