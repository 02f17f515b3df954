/* industry.h: one vocabulary of industries for the whole portal.
 *
 * The programme's records name an enterprise's industry by an id of the
 * `industries` table (医疗机构, 化工, 宾馆饭店, ...: src/core/db.c), while
 * documents name theirs in many ways: a 所属行业 field as written
 * (医疗卫生, 化学原料和化学制品制造, 住宿（宾馆饭店）), the national
 * classification's names (…制造业), or a trade word (医院, 酒店). Search
 * facets and filters need one name per industry, so every industry name
 * passes through portal_industry_fold() where it enters the index
 * (meta.c, index.c) and where a filter value arrives (search.c): the
 * canonical names are the records' ids, and each has its aliases.
 *
 * Tables are constant; nothing here allocates or keeps state. */
#ifndef PORTAL_INDUSTRY_H
#define PORTAL_INDUSTRY_H

/* The canonical name of the industry name is one of (exactly, or after
 * dropping a trailing 行业 or 业: 电镀行业, 餐饮业); name itself when it
 * is none of them (an industry the table does not know stays as written).
 * NULL gives NULL. The result is name or a static string. */
const char *portal_industry_fold(const char *name);

/* "industry", "services" or "agriculture" for a canonical name (or any
 * alias); NULL for a name the table does not know. */
const char *portal_industry_sector(const char *name);

/* The canonical names in the table's order, NULL-terminated. */
extern const char *const portal_industries[];

#endif
