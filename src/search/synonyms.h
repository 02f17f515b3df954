/* synonyms.h: the domain synonym list, applied to queries.
 *
 * The list is the project's (doc/synonyms.tsv, grown from the corpus: see
 * bench/synonyms-mine) plus the instance's (index/synonyms.tsv, extended by
 * the admin with portalctl synonym add): one group per line, tab-separated,
 * '#' comments; lines sharing a term are one group. Both are read on first
 * use and again whenever either file changes. */
#ifndef PORTAL_SYNONYMS_H
#define PORTAL_SYNONYMS_H

#include <stddef.h>

struct arena;

/* The path of the instance's list. */
const char *synonyms_path(void);

/* Rewrite a user query so each word of it that is a synonym (outside
 * quotes; a whole word between spaces, never part of a longer Chinese run)
 * becomes "syn:N", N its group's place in *groups (each group its terms
 * joined by tabs): "北京 节能" -> "北京 syn:0", groups {"节能\t节约能源"}.
 * The search gives the groups to Xapian (pxap_query.synonyms), which
 * matches each as one term (OP_SYNONYM). Returns q itself, and no groups,
 * when nothing applies. The result and the groups live in the arena. q is
 * folded already (fold.h), as the list's terms are. */
const char *synonyms_expand(struct arena *a, const char *q, const char *const **groups, size_t *ngroups);

/* Append a group to the list. 0, or -1 with err. */
int synonyms_add(int nterms, char **terms, char *err, unsigned long errlen);

#endif
