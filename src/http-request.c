/* http-request.c: request parameters and page dispatch. */
#include "http-request.h"
#include "http-response.h"
#include "arena.h"

#include <string.h>

const char *req_param(const struct request *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return r->params[i].value;
	return NULL;
}

size_t req_read(struct request *r, char *data, size_t len)
{
	int n = FCGX_GetStr(data, (int)len, r->fcgi->in);
	return n > 0 ? (size_t)n : 0;
}

/* Match path against pattern; on a match with '*', the segment goes to *arg. */
static int match(const char *pattern, const char *path, struct arena *a, const char **arg)
{
	*arg = NULL;
	while (*pattern) {
		if (*pattern == '*') {
			const char *end = path;
			while (*end && *end != '/')
				end++;
			if (end == path)
				return 0;
			*arg = arena_strndup(a, path, (size_t)(end - path));
			path = end;
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *path == '\0';
}

static int declared(const struct page *p, const char *name)
{
	for (const char *const *d = p->params; d && *d; d++)
		if (strcmp(*d, name) == 0)
			return 1;
	return 0;
}

void portal_dispatch(struct request *r, const struct page *pages, size_t npages)
{
	int path_matched = 0;
	for (size_t i = 0; i < npages; i++) {
		const char *arg;
		if (!match(pages[i].pattern, r->path, r->arena, &arg))
			continue;
		path_matched = 1;
		if (strcmp(pages[i].method, r->method) != 0 &&
		    !(strcmp(pages[i].method, "GET") == 0 && strcmp(r->method, "HEAD") == 0))
			continue;
		for (int k = 0; k < r->nparams; k++) {
			if (!declared(&pages[i], r->params[k].name)) {
				portal_error(r, 400, "unknown_parameter",
					     arena_printf(r->arena, "This address does not take a parameter named '%s'.",
							  r->params[k].name));
				return;
			}
		}
		r->arg = arg;
		pages[i].fn(r);
		return;
	}
	if (path_matched)
		portal_error(r, 405, "method_not_allowed",
			     arena_printf(r->arena, "This address does not accept %s requests.", r->method));
	else
		portal_error(r, 404, "not_found", "There is no page at this address.");
}
