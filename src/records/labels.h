/* labels.h: the one table of Chinese labels for every code the programme
 * records store (sectors, rounds, states, roles, audit-trail actions,
 * document roles, deadline items, report measures). Pages, the CSV of the
 * quarterly report and the reports all name a code through label_of(), so
 * a code reads the same everywhere. doc/records.md "Labels" lists them. */
#ifndef PORTAL_LABELS_H
#define PORTAL_LABELS_H

/* Kinds of code (the first argument of label_of). */
#define L_SECTOR	"sector"	/* industry, services, agriculture */
#define L_ROUND		"round"		/* spring, autumn */
#define L_AUDIT_STATE	"audit_state"	/* listed ... evaluated */
#define L_PROJECT_STATE	"project_state"	/* recommended ... rejected */
#define L_AGENCY_STATUS	"agency_status"	/* active, suspended, removed */
#define L_CHANGE_STATE	"change_state"	/* pending, approved, rejected */
#define L_FILING_STATE	"filing_state"	/* pending, confirmed, returned: filings, reviews */
#define L_EXPERT_ROLE	"expert_role"	/* reviewer, evaluator, acceptance */
#define L_DOC_ROLE	"doc_role"	/* a document's role in a case */
#define L_ACTION	"action"	/* audit-trail actions */
#define L_USER_ROLE	"user_role"	/* anonymous ... admin */
#define L_DEADLINE	"deadline"	/* deadline items of a year */
#define L_MEASURE	"measure"	/* quarterly report measures and keys */
#define L_CASE_KIND	"case_kind"	/* audit, project */

/* The Chinese label of code among kind's codes; code itself when the table
 * has none ("" for NULL). Static strings. */
const char *label_of(const char *kind, const char *code);

/* The code of kind whose label is label, or NULL: a form may send either. */
const char *label_code(const char *kind, const char *label);

/* Walk kind's codes in their table order: start with *i = 0; each call
 * sets *code and *label and answers 1, then 0 at the end. */
int label_each(const char *kind, int *i, const char **code, const char **label);

#endif
