/* synonyms.c: the domain synonym list and query expansion. */
#include "synonyms.h"
#include "arena.h"
#include "buf.h"
#include "log.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_TERMS 512

/* The loaded list (process lifetime): terms[i] belongs to group[i]. */
static struct {
	char *terms[MAX_TERMS];
	int group[MAX_TERMS];
	int n;
	struct timespec mtime;
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
	list.n = 0;
}

/* Longest terms first, so 清洁生产审核 wins over a shorter term inside it. */
static int by_length(const void *a, const void *b)
{
	size_t la = strlen(list.terms[*(const int *)a]), lb = strlen(list.terms[*(const int *)b]);
	return la < lb ? 1 : la > lb ? -1 : 0;
}

static void load(void)
{
	struct stat st;
	if (stat(synonyms_path(), &st) < 0) {
		clear();
		list.loaded = 1;
		return;
	}
	if (list.loaded && st.st_mtim.tv_sec == list.mtime.tv_sec && st.st_mtim.tv_nsec == list.mtime.tv_nsec)
		return;
	clear();
	FILE *f = fopen(synonyms_path(), "r");
	if (!f)
		return;
	char line[4096];
	int group = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		int added = 0;
		for (char *save, *t = strtok_r(line, "\t", &save); t; t = strtok_r(NULL, "\t", &save)) {
			if (!*t || list.n == MAX_TERMS || strpbrk(t, "\"():"))
				continue;
			list.terms[list.n] = xstrdup(t);
			list.group[list.n++] = group;
			added++;
		}
		if (added)
			group++;
	}
	fclose(f);
	list.mtime = st.st_mtim;
	list.loaded = 1;
}

static void emit_group(struct buf *b, int group)
{
	const char *sep = " (";
	for (int i = 0; i < list.n; i++) {
		if (list.group[i] != group)
			continue;
		buf_puts(b, sep);
		buf_puts(b, list.terms[i]);
		sep = " OR ";
	}
	buf_puts(b, ") ");
}

const char *synonyms_expand(struct arena *a, const char *q)
{
	load();
	if (!list.n || !q || !*q)
		return q;
	int order[MAX_TERMS];
	for (int i = 0; i < list.n; i++)
		order[i] = i;
	qsort(order, (size_t)list.n, sizeof order[0], by_length);

	struct buf b = BUF_INIT;
	int quoted = 0, changed = 0;
	for (const char *p = q; *p;) {
		if (*p == '"')
			quoted = !quoted;
		/* Only a whole word is expanded: Chinese has no spaces, so a
		 * synonym inside a longer run (节能 in 民用建筑节能) is part of
		 * another word, and cutting it out would lose that word's
		 * bigrams. */
		int at_start = p == q || p[-1] == ' ' || p[-1] == '(';
		int hit = -1;
		if (!quoted && at_start)
			for (int k = 0; k < list.n && hit < 0; k++) {
				size_t tl = strlen(list.terms[order[k]]);
				char after = p[tl];
				if (strncmp(p, list.terms[order[k]], tl) == 0 &&
				    (after == '\0' || after == ' ' || after == ')'))
					hit = order[k];
			}
		if (hit >= 0) {
			emit_group(&b, list.group[hit]);
			p += strlen(list.terms[hit]);
			changed = 1;
			continue;
		}
		/* copy one whole UTF-8 character */
		size_t len = 1;
		while (p[len] && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		buf_append(&b, p, len);
		p += len;
	}
	const char *out = changed ? arena_strdup(a, buf_str(&b)) : q;
	buf_free(&b);
	return out;
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
