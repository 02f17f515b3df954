/* doc-id.h: the size of a document id ("d" and 22 hex digits, with its
 * NUL), which the document rows (docs.h) and the job queue (jobs.h) both
 * hold. */
#ifndef PORTAL_DOC_ID_H
#define PORTAL_DOC_ID_H

#define DOC_ID_LEN 24

#endif
