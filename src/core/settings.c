/* settings.c: the instance's data layout and limits, from the environment. */
#include "config.h"
#include "settings.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_UPLOAD (100ULL * 1024 * 1024)
/* Results of this many searches kept per search worker: a few KB each. */
#define DEFAULT_SEARCH_CACHE 256

static struct portal_settings settings;
static int loaded;

static const char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

const struct portal_settings *portal_settings(void)
{
	if (loaded)
		return &settings;
	const char *data = getenv("PORTAL_DATA");
	settings.data_dir = xstrdup(data && *data ? data : PORTAL_DEFAULT_DATA);
	settings.index_dir = join(settings.data_dir, "index");
	settings.db_path = join(settings.index_dir, "portal.db");
	settings.xapian_path = join(settings.index_dir, "xapian");
	settings.run_dir = join(settings.index_dir, "run");
	settings.uploads_dir = join(settings.data_dir, "uploads");
	settings.upload_tmp = join(settings.uploads_dir, "tmp");
	settings.max_upload = DEFAULT_MAX_UPLOAD;
	const char *max = getenv("PORTAL_MAX_UPLOAD");
	if (max && *max) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(max, &end, 10);
		if (errno || *end || v == 0)
			portal_fatal("PORTAL_MAX_UPLOAD must be a positive number of bytes, not '%s'", max);
		settings.max_upload = v;
	}
	settings.search_cache = DEFAULT_SEARCH_CACHE;
	const char *cache = getenv("PORTAL_SEARCH_CACHE");
	if (cache && *cache) {
		char *end;
		errno = 0;
		unsigned long v = strtoul(cache, &end, 10);
		if (errno || *end || *cache == '-' || v > 100000)
			portal_fatal("PORTAL_SEARCH_CACHE must be a number of searches from 0 to 100000, not '%s'", cache);
		settings.search_cache = v;
	}
	const char *role = getenv("PORTAL_ROLE");
	if (role && *role && strcmp(role, "primary") != 0) {
		if (strcmp(role, "search-host") != 0)
			portal_fatal("PORTAL_ROLE must be primary or search-host, not '%s'", role);
		settings.search_host = 1;
	}
	loaded = 1;
	return &settings;
}

void portal_object_path(const char *hex, char *out, unsigned long outlen)
{
	snprintf(out, outlen, "%s/%.2s/%s", portal_settings()->uploads_dir, hex, hex + 2);
}
