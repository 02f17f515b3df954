/* records-link.h: documents and cases: links with a role, the checklist of
 * documents a case's stage requires, and suggested links found from credit
 * codes and enterprise names in a document's text.
 *
 * A case is "audit:ID" or "project:ID"; a link is a row of document_cases
 * (docs.h) with one of the roles below. Linking after upload queues the
 * document for indexing again, so its case terms (search case=) follow. */
#ifndef PORTAL_RECORDS_LINK_H
#define PORTAL_RECORDS_LINK_H

#include <jansson.h>

struct arena;
struct rctx;

/* Document roles in a case, NULL-terminated, and their Chinese labels. */
extern const char *const link_roles[];
const char *link_role_label(const char *role);

/* The documents linked to case_id that c->u may read:
 * [{"id","role","title","filename","doc_type","status"}]. */
json_t *link_documents(struct rctx *c, const char *case_id);

/* The checklist for a case of kind ("audit"/"project") in state, from its
 * linked documents: {"required": [{"role","label","present","documents"}],
 * "missing": [roles]}. */
json_t *link_checklist(struct arena *a, const char *kind, const char *state, json_t *docs);

/* Gates: a move of a case into a state needs the documents the checklist
 * requires from that state on (contract and registration form to file an
 * audit, its report to submit it, ...), unless staff turned that gate off
 * (table move_gates). */
/* Every gate: [{"gate": "kind:state:role", "kind", "state", "state_label",
 * "role", "label", "required"}]. */
json_t *link_gates(struct rctx *c);
/* Turn gates on or off from {"kind:state:role": true|false, ...}; staff
 * only, logged. 0 or a status on c. */
int link_gates_set(struct rctx *c, json_t *in);
/* The roles case kind:id lacks to enter state to, by the gates on:
 * [{"role", "label"}] (empty when nothing is missing). */
json_t *link_gate_missing(struct rctx *c, const char *kind, const char *id, const char *to);

/* The one rule for attaching a document to a case, used by every path
 * that does it (upload with case=, the link API and form, unlink):
 * case_id names an audit or project c->u may see (422 bad_case otherwise,
 * the same answer for a case that does not exist); staff and admin may
 * attach anything; an enterprise user to its enterprise's cases and an
 * agency user to its clients' audits, and then only documents it, its
 * enterprise or its agency uploaded (403). doc_id NULL: a new upload by
 * c->u. 0 or a status on c. doc/api.md "Who may write what". */
int link_may_attach(struct rctx *c, const char *case_id, const char *doc_id);

/* The cases c->u may attach documents to (link_may_attach), newest year
 * first, at most limit: [{"case", "title"}]. */
json_t *link_attachable_cases(struct rctx *c, int limit);

/* Link document doc_id to in->"case" with in->"role" (or change the role
 * of an existing link), under link_may_attach(). 0 or a status on c. */
int link_add(struct rctx *c, const char *doc_id, json_t *in);
/* Remove a link, under link_may_attach(). 0 or a status. */
int link_remove(struct rctx *c, const char *doc_id, const char *case_id);
/* The links of a document: [{"case","role"}], or NULL (404 on c). */
json_t *link_of_document(struct rctx *c, const char *doc_id);

/* Cases the document's text points at (a credit code or an enterprise
 * name of a record), not yet linked, that c->u may see:
 * [{"case","title","role","reason"}], or NULL (404 on c). */
json_t *link_suggest(struct rctx *c, const char *doc_id);
/* The reverse, for a case page: readable documents mentioning the case's
 * enterprise (code or name) but not linked to it: [{"id","title","reason"}]. */
json_t *link_suggest_documents(struct rctx *c, const char *case_id);

#endif
