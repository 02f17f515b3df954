/* records-http.h: the glue between a request and the record engine that
 * the JSON API (cgi-bin/cases.c) and the HTML pages (records-ui.c) share:
 * path segments, the engine context, answering an engine failure, the
 * sign-in rule and list parameters. */
#ifndef PORTAL_RECORDS_HTTP_H
#define PORTAL_RECORDS_HTTP_H

struct request;
struct rctx;
struct rtype;
struct rquery;

/* Path segment i ("/api/audits/a1": 0 "api", 1 "audits", 2 "a1"), or "". */
const char *rh_seg(struct request *r, int i);
/* A context for r's caller over record type t (may be NULL). */
void rh_ctx(struct request *r, struct rctx *c, const struct rtype *t);
/* Answer c's failure through portal_error(). */
void rh_fail(struct request *r, struct rctx *c);
/* The record type named by path segment i, or answers 404 and NULL. */
const struct rtype *rh_type(struct request *r, int i);
/* Query parameter name as a number in [lo, hi], def when absent; -1 after
 * answering 400. */
long rh_num(struct request *r, const char *name, long def, long lo, long hi);
/* page, per_page, q and filters from the query. -1 after answering 400. */
int rh_list_query(struct request *r, struct rquery *q);
/* The Chinese sentence of an engine message ("中文。 English."), for a
 * page: the message up to the English that follows it, in r's arena. */
const char *rh_zh(struct request *r, const char *msg);

#endif
