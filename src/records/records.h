/* records.h: programme records (enterprises, agencies, experts, audits,
 * projects, trainings) as data: one field table per record type, one
 * generic engine for list, get, create, update and transition.
 *
 * A record type (struct rtype) names its table, its fields and their types,
 * who may see which rows (a SQL condition per role), its workflow (see
 * workflow.h) and the document roles its checklist asks for. The engine
 * validates every value against its field before touching the database,
 * writes every change to the audit trail with the fields that changed, and
 * reports failures as (HTTP status, code, sentence) on struct rctx, so the
 * JSON API and the HTML forms share one validation path. Messages are one
 * sentence in Chinese followed by the same in English.
 *
 * Ownership: everything the engine returns is in the context's arena,
 * except json_t values, which the caller owns. */
#ifndef PORTAL_RECORDS_H
#define PORTAL_RECORDS_H

#include <jansson.h>
#include <sqlite3.h>
#include <stddef.h>

struct arena;
struct portal_user;
struct workflow;

enum ftype {
	FT_TEXT,	/* one line, at most 200 characters */
	FT_LONG,	/* at most 4000 characters */
	FT_INT,		/* integer in [min, max] */
	FT_YEAR,	/* 2000..2100 */
	FT_MONEY,	/* integer fen >= 0 (a form's string is yuan, 2 decimals) */
	FT_REAL,	/* number >= 0 */
	FT_DATE,	/* YYYY-MM-DD, a real calendar day */
	FT_ENUM,	/* one of choices */
	FT_REF,		/* the id of a row in table ref */
	FT_REFS,	/* comma-separated ids of rows in table ref */
	FT_CREDIT,	/* unified social credit code (GB 32100-2015) */
};

#define F_REQ	 1u	/* required when creating */
#define F_LIST	 2u	/* a column of list pages */
#define F_FILTER 4u	/* usable as a list filter (?name=value) */
#define F_FLOW	 8u	/* set only by a transition, never by create/update */
#define F_STATE	 16u	/* the workflow's state column (read-only) */

struct rfield {
	const char *name;	/* column and JSON key */
	enum ftype type;
	unsigned flags;
	const char *label;	/* Chinese, for pages and messages */
	const char *const *choices;	/* FT_ENUM, NULL-terminated */
	const char *ref;	/* FT_REF/FT_REFS: the table */
	/* The label_of() kind (labels.h) naming its codes: an FT_ENUM's
	 * choices, or the codes among an FT_TEXT's comma-separated items
	 * (an expert's specialties). NULL: shown as stored. */
	const char *codes;
	long long min, max;	/* FT_INT */
};

/* Who sees which rows: a SQL condition over the row alias t, which may use
 * the parameters :ent (the caller's enterprise id), :ag (agency id),
 * :uname (user name), :dist (a district user's district) and :sec (an
 * authority's sector). Roles without an entry see nothing; staff and admin
 * see everything. */
struct rscope {
	const char *role;
	const char *sql;
};

struct rctx;

struct rtype {
	const char *name;	/* collection: "audits" */
	const char *kind;	/* object and case prefix: "audit" */
	const char *label;	/* 审核 */
	const char *id_prefix;	/* first letter of new ids */
	const struct rfield *fields;	/* terminated by a NULL name */
	const char *title_sql;	/* SQL expression over t naming a row for people */
	const struct rscope *scope;	/* terminated by a NULL role */
	const struct workflow *flow;	/* NULL: no states */
	/* The type's invariants (doc/records.md "Invariants"), checked on
	 * the record as it would be after every create, update and move: row
	 * holds every field (old values merged with new, the state included),
	 * old the record before the write (NULL when creating). The one
	 * validator per type; the engine and the tests call it. 0, or a
	 * status with the message set on c (rctx_fail). May be NULL. */
	int (*check)(struct rctx *c, json_t *row, json_t *old);
	/* Adds related things to a record's JSON (GET one). May be NULL. */
	void (*extra)(struct rctx *c, const char *id, json_t *o);
	int is_case;	/* documents link to it as "<kind>:<id>" */
};

/* One call's context and its outcome. */
struct rctx {
	sqlite3 *db;
	struct arena *a;
	const struct portal_user *u;
	const struct rtype *t;
	/* failure */
	int status;
	const char *code;
	const char *msg;
	const char *field;	/* the field at fault, or NULL */
	/* A staff correction's reason (the "reason" of a PATCH), which lets
	 * fields fixed once a case has started change; logged. NULL: none. */
	const char *reason;
};

extern const struct rtype rt_enterprises, rt_agencies, rt_experts, rt_audits, rt_projects,
	rt_trainings;
/* All record types, NULL-terminated. */
extern const struct rtype *const record_types[];
const struct rtype *rtype_find(const char *name);
const struct rtype *rtype_by_kind(const char *kind);
/* The type of a record id (its prefix letter and 10 hex digits), or NULL. */
const struct rtype *rtype_by_id(const char *id);

/* Queue the documents of record id (of type c->t) for reindexing, after a
 * change that their index entries reflect (parties, facets). */
void rec_reindex_documents(struct rctx *c, const char *id);
const struct rfield *rtype_field(const struct rtype *t, const char *name);

/* Record a failure on c and return status. zh and en are one sentence each. */
int rctx_fail(struct rctx *c, int status, const char *code, const char *field, const char *msg);

/* 1 when the caller may change records (staff, admin). */
int records_may_write(const struct portal_user *u);

/* The visibility condition for c->t and c->u ("1", "0" or SQL over t);
 * bind its parameters with records_bind_scope. */
const char *records_scope_sql(const struct rctx *c);
void records_bind_scope(const struct rctx *c, sqlite3_stmt *st);

/* A list query: filters are (field, value) pairs, all declared F_FILTER. */
struct rquery {
	const char *const *names;
	const char *const *values;
	size_t nfilters;
	const char *q;		/* substring of the title, may be NULL */
	long page, per_page;
};

/* {"total","page","per_page","results"} into *out, or a status. */
int rec_list(struct rctx *c, const struct rquery *q, json_t **out);
/* The bare row (fields only) when visible, NULL otherwise (no failure set). */
json_t *rec_row(struct rctx *c, const char *id);
/* Create from a JSON object; the new id into *id. 0 or a status. */
int rec_create(struct rctx *c, json_t *in, const char **id);
/* Update the given fields. 0 or a status (404 when not visible). */
int rec_patch(struct rctx *c, const char *id, json_t *in);
/* Write diff ({"field": {"from", "to"}}) to record id of type c->t, with
 * updated_at now: every field gets its "to". 0, 409 duplicate when a
 * unique constraint refuses the values, or 500. */
int rec_update_row(struct rctx *c, const char *id, json_t *diff);
/* Validate one value for a field; *out is the value to store (a new
 * reference; json null clears). 0 or 422. */
int rec_value(struct rctx *c, const struct rfield *f, json_t *v, json_t **out);
/* Bind a stored JSON value (string, integer, real, null). */
void rec_bind(sqlite3_stmt *st, int idx, json_t *v);
/* A column as JSON. */
json_t *rec_column(sqlite3_stmt *st, int i);
/* The rows of sql (with arg, when not NULL, bound to its one parameter) as
 * an array of objects keyed by the column names (a new reference). */
json_t *rec_rows(sqlite3 *db, const char *sql, const char *arg);
/* The case's enterprise id and agency id (NULL when none), for conflict
 * checks; -1 when the case does not exist. */
int rec_case_parties(sqlite3 *db, struct arena *a, const char *case_id, const char **ent,
		     const char **agency);

/* Record "no such record, or you may not see it" (404) on c; returns 404. */
int rec_not_found(struct rctx *c);

/* New opaque id: prefix letter + 10 hex digits, into the arena. */
const char *rec_new_id(struct arena *a, const char *prefix);

/* Dates: 1 when s is YYYY-MM-DD and a real day. */
int rec_date_valid(const char *s);
/* Add months to an ISO date (day clamped to the month's end) into out[11]. */
void rec_date_add_months(const char *date, int months, char *out);
/* Today (local time) as YYYY-MM-DD into out[11]. */
void rec_today(char *out);
/* Days from date a to date b (valid YYYY-MM-DD dates; 0 otherwise): b - a. */
long rec_days_between(const char *a, const char *b);

/* Rules several record types share (records-rules.c). Each answers 0 or
 * the status it set on c. */
/* Date field later (in row) must not be before date field earlier. */
int rule_not_before(struct rctx *c, json_t *row, const char *later, const char *earlier);
/* The case ("audit:ID") has at least one assigned expert. */
int rule_has_expert(struct rctx *c, const char *case_id);
/* Once a case has left its initial state (old is the row before the
 * write), the fields named (NULL-terminated) change only with a staff
 * correction's reason (c->reason); 409 fixed_field otherwise. */
int rule_fixed_once_started(struct rctx *c, json_t *row, json_t *old, const char *const *fields);
/* Date field of row is not after today (payments, acceptance). */
int rule_not_future(struct rctx *c, json_t *row, const char *field);
/* No expert assigned to case_id is linked to its enterprise ent or its
 * agency (either may be NULL): 409 conflict_of_interest. */
int rule_no_conflict(struct rctx *c, const char *case_id, const char *ent, const char *agency);
/* The agency exists and is active (409 agency_inactive otherwise) and,
 * once it has any yearly record, is 入选 for year (409
 * agency_not_selected otherwise; selection.h). */
int rule_agency_active(struct rctx *c, const char *agency, int year);
/* 1 when field differs between row and old (always 1 when old is NULL). */
int rule_changed(json_t *row, json_t *old, const char *field);

/* Operations beyond create/update/transition. Each answers 0 or a status
 * on c, runs in one transaction and writes the audit trail. */
/* Assign an expert to a case, refusing conflicts of interest (409). */
int expert_assign(struct rctx *c, const char *expert_id, json_t *in);
/* A change request on a project: {"description", "new_end_date"?,
 * "reason"} (the reason required when an enterprise files it). */
int project_change_request(struct rctx *c, const char *project_id, json_t *in, long long *change_id);
/* Decide a pending change request: {"decision": "approved"|"rejected"}. */
int project_change_decide(struct rctx *c, const char *project_id, long long change_id, json_t *in);

/* A project's results (records-results.c): adds "results" (confirmed:
 * {MEASURE: {"value", "unit", "label", "source"}}) and "proposed_results"
 * (read from the text of its acceptance, evaluation and progress reports
 * that c->u may read: [{"measure", "value", "unit", "label", "text",
 * "document", "title"}]) to o. */
void project_results_view(struct rctx *c, const char *project_id, json_t *o);
/* Staff confirm results: {"MEASURE": value >= 0 | null, ..., "source":
 * DOC-ID?}; null removes one. Logged. 0 or a status on c. */
int project_results_confirm(struct rctx *c, const char *project_id, json_t *in);

/* The grades of an evaluated audit, best first, NULL-terminated. */
extern const char *const audit_grades[];
/* The grade a score earns: 优秀 90-100, 良好 80-89, 合格 60-79, 不合格. */
const char *audit_grade_of(long long score);

/* Self-service (records-selfserve.c): what enterprises and experts file
 * themselves and staff confirm. Who may take each action is one rule,
 * checked by selfserve_may(); each action runs in one transaction and
 * writes the audit log on its case. */
enum selfserve_action {
	SS_FILE,		/* an enterprise files its audit's dates */
	SS_FILING_DECIDE,	/* staff confirm or return a filing */
	SS_CHANGE_REQUEST,	/* the project's enterprise or staff */
	SS_CHANGE_DECIDE,	/* staff approve or reject a change request */
	SS_REVIEW,		/* an expert assigned to the audit */
	SS_REVIEW_DECIDE,	/* staff confirm the grade or return a review */
};
/* 0 when c->u may take action a on record id of type c->t; else 404 (not
 * visible) or 403 with the rule's sentence on c. */
int selfserve_may(struct rctx *c, enum selfserve_action a, const char *id);
/* The same as a yes/no for pages (c is left as it was). */
int selfserve_allowed(struct rctx *c, enum selfserve_action a, const char *id);
/* {"contract_date", "registration_date"}: a pending filing (c->t audits). */
int audit_filing_submit(struct rctx *c, const char *audit_id, json_t *in, long long *filing_id);
/* {"decision": "confirmed"|"returned", "reason"}: confirming moves the
 * audit to filed with the filing's dates (its rules, its late mark); a
 * return needs the reason. */
int audit_filing_decide(struct rctx *c, const char *audit_id, long long filing_id, json_t *in);
/* {"opinion", "grade", "score"}: the caller's review (an assigned expert),
 * created or replaced until staff confirm the grade. */
int review_save(struct rctx *c, const char *audit_id, json_t *in);
/* {"reason"}: staff send expert_id's pending review back. */
int review_return(struct rctx *c, const char *audit_id, const char *expert_id, json_t *in);
/* {"evaluated_date", "grade", "score", "reason"?}: staff confirm the grade
 * (the audit's move to evaluated) with pending reviews; they are locked. */
int review_confirm(struct rctx *c, const char *audit_id, json_t *in);
/* Adds "filings" and (staff: all, an expert: its own) "reviews" to o. */
void selfserve_audit_view(struct rctx *c, const char *audit_id, json_t *o);
/* A case's history as c->u may read it: the experts' opinions and their
 * returns (actions review, review_return) are staff's only, so neither
 * the parties nor another expert read them there. */
void selfserve_history_scope(struct rctx *c, json_t *history);
/* Staff: {"filings", "changes", "reviews"} waiting for them; NULL otherwise. */
json_t *selfserve_pending(struct rctx *c);
/* Adds "experts" (assigned to the case c->t:id) to o. */
void records_case_experts(struct rctx *c, const char *id, json_t *o);

/* Yuan as people write it: fen 1234567 -> "12345.67". Arena string. */
const char *rec_yuan(struct arena *a, long long fen);
/* Yuan as pages show it, with thousands separators and the unit:
 * fen 140000000 -> "1,400,000.00 元". Arena string. */
const char *rec_yuan_text(struct arena *a, long long fen);

/* Records by name (records-names.c), under c->t and c->u's visibility. */
/* The records of c->t the caller may see whose name contains q (NULL or
 * "": all), by name, at most limit: [{"id", "name"}]. */
json_t *rec_names(struct rctx *c, const char *q, int limit);
/* What a person typed for a record of c->t (its id, its exact name, or its
 * credit code) as the id of a record the caller may see, into *id. 0 (also
 * for "" with *id NULL); 422 unknown_name or ambiguous_name with a Chinese
 * sentence naming what was typed. */
int rec_resolve(struct rctx *c, const char *text, const char **id);
/* The name of record id of type t, whoever may see it, or NULL: how a
 * reference in a visible record reads. Arena string. */
const char *rec_title(sqlite3 *db, struct arena *a, const struct rtype *t, const char *id);
/* A case ("audit:ID") as people read it, in a: its title when u may see
 * it, else only its kind (审核案卷), never its id. */
const char *rec_case_title(sqlite3 *db, struct arena *a, const struct portal_user *u, const char *case_id);
/* A stored value of field f (NULL: a plain value) as people read it, in
 * a: money in 元 with separators, codes in Chinese (labels.h), references
 * by their record's name; "" for null. */
const char *rec_value_text(sqlite3 *db, struct arena *a, const struct rfield *f, json_t *v);
/* The length of the item at p of a list separated by ",", "，" or "、",
 * and in *sep the length of the separator after it (0 at the end). */
size_t rec_list_item(const char *p, size_t *sep);
/* A list with codes among its items ("services,医疗机构") as people read
 * it, items joined by sep ("服务业、医疗机构"), in a. */
const char *rec_coded_list(struct arena *a, const char *kind, const char *s, const char *sep);

#endif
