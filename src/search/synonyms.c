/* synonyms.c: the domain synonym list and query expansion.
 *
 * Two files make the list: the project's (doc/synonyms.tsv, read where the
 * build put it: PORTAL_SYNONYMS_PATH, or the file PORTAL_SYNONYMS names,
 * none when it is empty), so a grown list reaches every
 * instance with the next build, and the instance's own (index/synonyms.tsv,
 * the admin's additions; older instances hold a copy of the project's list
 * there, which the merge below makes harmless). Lines that share a term
 * are one group: 节水 in both files joins their alternatives. Terms are
 * folded as the query is (fold.h) and compared without regard to the case
 * of Latin letters (VOCs, vocs). */
#include "synonyms.h"
#include "arena.h"
#include "buf.h"
#include "fold.h"
#include "log.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PORTAL_PKGDATADIR
#define PORTAL_PKGDATADIR "/usr/share/qingjie-portal"
#endif
#ifndef PORTAL_SYNONYMS_PATH
#define PORTAL_SYNONYMS_PATH ""
#endif

#define MAX_TERMS 4096

/* The loaded list (process lifetime): terms[i] belongs to group[i]
 * (groups numbered from 0, every term of a group once); order[] holds the
 * terms' indexes longest first, so 清洁生产审核 wins over a shorter term
 * inside it. */
static struct {
	char *terms[MAX_TERMS];
	int group[MAX_TERMS];
	int order[MAX_TERMS];
	int n, ngroups;
	struct timespec mtime[2];
	int loaded;
} list;

const char *synonyms_path(void)
{
	static char *path;
	if (!path) {
		const char *dir = portal_settings()->index_dir;
		size_t n = strlen(dir) + sizeof "/synonyms.tsv";
		path = xmalloc(n);
		snprintf(path, n, "%s/synonyms.tsv", dir);
	}
	return path;
}

static void clear(void)
{
	for (int i = 0; i < list.n; i++)
		free(list.terms[i]);
	list.n = list.ngroups = 0;
}

static int by_length(const void *a, const void *b)
{
	size_t la = strlen(list.terms[*(const int *)a]), lb = strlen(list.terms[*(const int *)b]);
	return la < lb ? 1 : la > lb ? -1 : *(const int *)a - *(const int *)b;
}

static int by_term(const void *a, const void *b)
{
	int c = strcasecmp(list.terms[*(const int *)a], list.terms[*(const int *)b]);
	return c ? c : *(const int *)a - *(const int *)b;
}

/* Union-find over line numbers. */
static int root(int *up, int x)
{
	while (up[x] != x)
		x = up[x] = up[up[x]];
	return x;
}

/* The lines of one file, each a group numbered from *line on. */
static void read_file(const char *path, int *line)
{
	FILE *f = *path ? fopen(path, "r") : NULL;
	if (!f)
		return;
	char buf[4096];
	while (fgets(buf, sizeof buf, f)) {
		if (buf[0] == '#')
			continue;
		buf[strcspn(buf, "\r\n")] = '\0';
		int added = 0;
		for (char *save, *t = strtok_r(buf, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
			if (!*t || list.n == MAX_TERMS || strpbrk(t, "\"():"))
				continue;
			struct buf folded = BUF_INIT;
			portal_fold_text(&folded, t, strlen(t));
			list.terms[list.n] = buf_detach(&folded);
			list.group[list.n++] = *line;
			added++;
		}
		if (added)
			(*line)++;
	}
	fclose(f);
}

static int changed(const char *path, struct timespec *seen)
{
	struct stat st;
	struct timespec now = { 0, 0 };
	if (*path && stat(path, &st) == 0)
		now = st.st_mtim;
	int diff = now.tv_sec != seen->tv_sec || now.tv_nsec != seen->tv_nsec;
	*seen = now;
	return diff;
}

static void load(void)
{
	/* PORTAL_SYNONYMS names the project's list elsewhere ("" for none) */
	const char *project = getenv("PORTAL_SYNONYMS");
	if (!project)	/* the source tree's when built there, else as installed */
		project = access(PORTAL_SYNONYMS_PATH, R_OK) == 0 ? PORTAL_SYNONYMS_PATH
								 : PORTAL_PKGDATADIR "/synonyms.tsv";
	const char *paths[2] = { project, synonyms_path() };
	int diff = 0;
	for (int k = 0; k < 2; k++)
		diff |= changed(paths[k], &list.mtime[k]);
	if (list.loaded && !diff)
		return;
	clear();
	int lines = 0;
	for (int k = 0; k < 2; k++)
		read_file(paths[k], &lines);
	/* lines sharing a term are one group */
	int *up = xmalloc((size_t)(lines + 1) * sizeof *up), *num = xmalloc((size_t)(lines + 1) * sizeof *num);
	for (int i = 0; i < lines; i++)
		up[i] = i, num[i] = -1;
	for (int i = 0; i < list.n; i++)
		list.order[i] = i;
	qsort(list.order, (size_t)list.n, sizeof list.order[0], by_term);
	int kept = 0;
	for (int k = 0, first = -1; k < list.n; k++) {
		int t = list.order[k];	/* first: the earliest of the terms equal to t */
		if (first >= 0 && strcasecmp(list.terms[t], list.terms[first]) == 0) {
			up[root(up, list.group[t])] = root(up, list.group[first]);
			free(list.terms[t]);
			list.terms[t] = NULL;	/* the same term once */
		} else {
			first = t;
		}
	}
	for (int i = 0; i < list.n; i++) {
		if (!list.terms[i])
			continue;
		int r = root(up, list.group[i]);
		if (num[r] < 0)
			num[r] = list.ngroups++;
		list.terms[kept] = list.terms[i];
		list.group[kept++] = num[r];
	}
	list.n = kept;
	free(up);
	free(num);
	for (int i = 0; i < list.n; i++)
		list.order[i] = i;
	qsort(list.order, (size_t)list.n, sizeof list.order[0], by_length);
	list.loaded = 1;
}

/* The group's terms joined by tabs, in the arena. */
static const char *group_text(struct arena *a, int group)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < list.n; i++)
		if (list.group[i] == group) {
			if (b.len)
				buf_putc(&b, '\t');
			buf_puts(&b, list.terms[i]);
		}
	const char *s = arena_strdup(a, buf_str(&b));
	buf_free(&b);
	return s;
}

const char *synonyms_expand(struct arena *a, const char *q, const char *const **groups, size_t *ngroups)
{
	*groups = NULL;
	*ngroups = 0;
	load();
	if (!list.n || !q || !*q)
		return q;
	struct buf b = BUF_INIT;
	const char **out = NULL;
	int used[64];
	size_t nused = 0;
	int quoted = 0, expanded = 0;
	for (const char *p = q; *p;) {
		if (*p == '"')
			quoted = !quoted;
		/* Only a whole word is expanded: Chinese has no spaces, so a
		 * synonym inside a longer run (节能 in 民用建筑节能) is part of
		 * another word, and cutting it out would lose that word's
		 * bigrams. */
		int at_start = p == q || p[-1] == ' ' || p[-1] == '(';
		int hit = -1;
		if (!quoted && at_start && nused < sizeof used / sizeof used[0])
			for (int k = 0; k < list.n && hit < 0; k++) {
				const char *t = list.terms[list.order[k]];
				size_t tl = strlen(t);
				char after = p[tl];
				if (strncasecmp(p, t, tl) == 0 && (after == '\0' || after == ' ' || after == ')'))
					hit = list.order[k];
			}
		if (hit >= 0) {
			size_t g = 0;
			while (g < nused && used[g] != list.group[hit])
				g++;
			if (g == nused) {
				if (!out)
					out = arena_alloc(a, (sizeof used / sizeof used[0]) * sizeof *out);
				used[nused] = list.group[hit];
				out[nused++] = group_text(a, list.group[hit]);
			}
			buf_printf(&b, "syn:%zu", g);
			p += strlen(list.terms[hit]);
			expanded = 1;
			continue;
		}
		/* copy one whole UTF-8 character */
		size_t len = 1;
		while (p[len] && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		buf_append(&b, p, len);
		p += len;
	}
	const char *text = expanded ? arena_strdup(a, buf_str(&b)) : q;
	buf_free(&b);
	*groups = out;
	*ngroups = nused;
	return text;
}

int synonyms_add(int nterms, char **terms, char *err, unsigned long errlen)
{
	if (nterms < 2) {
		snprintf(err, errlen, "a synonym group needs at least two terms");
		return -1;
	}
	for (int i = 0; i < nterms; i++)
		if (!*terms[i] || strpbrk(terms[i], "\t\r\n\"():")) {
			snprintf(err, errlen, "'%s' cannot be a synonym (empty, or has a tab, quote, bracket or colon)", terms[i]);
			return -1;
		}
	FILE *f = fopen(synonyms_path(), "a");
	if (!f) {
		snprintf(err, errlen, "cannot open %s", synonyms_path());
		return -1;
	}
	for (int i = 0; i < nterms; i++)
		fprintf(f, "%s%s", i ? "\t" : "", terms[i]);
	fputc('\n', f);
	return fclose(f) == 0 ? 0 : -1;
}
