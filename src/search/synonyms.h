/* synonyms.h: the domain synonym list, applied to queries.
 *
 * The list lives in the data directory (index/synonyms.tsv: one group per
 * line, tab-separated, '#' comments), seeded from doc/synonyms.tsv by
 * portalctl init and extended by the admin (portalctl synonym add). It is
 * read on first use and again whenever the file changes. */
#ifndef PORTAL_SYNONYMS_H
#define PORTAL_SYNONYMS_H

struct arena;

/* The path of the instance's list. */
const char *synonyms_path(void);

/* Rewrite a user query so each synonym it contains (outside quotes and
 * field prefixes) becomes a bracketed OR of its group, e.g.
 * "医院 节能" -> "医院 (节能 OR 节约能源) ". Only whole words (between
 * spaces) are expanded, never part of a longer Chinese run. Returns q
 * itself when nothing applies. The result lives in the arena. */
const char *synonyms_expand(struct arena *a, const char *q);

/* Append a group to the list. 0, or -1 with err. */
int synonyms_add(int nterms, char **terms, char *err, unsigned long errlen);

#endif
