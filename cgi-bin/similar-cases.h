/* similar-cases.h: "similar cases" of an audit or a project, as JSON
 * (GET /api/audits/ID/similar, /api/projects/ID/similar) and as a section
 * of the case page. */
#ifndef PORTAL_SIMILAR_CASES_H
#define PORTAL_SIMILAR_CASES_H

struct request;

/* GET /api/KIND/ID/similar: 404 unless the caller may open that case. */
void api_similar_cases(struct request *r);

/* The 相似案例 section of the page of case_id ("audit:12"), which the
 * caller may open. */
void similar_cases_section(struct request *r, const char *case_id);

#endif
