/* corpus.h: finding files of the shared test corpus, for unit tests.
 * ($PORTAL_CORPUS, else ../shared/corpus beside the source tree; a missing
 * corpus fails the test loudly.) */
#ifndef PORTAL_TEST_CORPUS_H
#define PORTAL_TEST_CORPUS_H
#include <stddef.h>

/* The corpus's docs/ folder, written to dir. */
const char *corpus_docs(char *dir, size_t n);
/* The corpus file whose name starts with prefix (e.g. "d0006_"). */
void corpus_file(const char *prefix, char *path, size_t n);
#endif
