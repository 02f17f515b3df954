/* fold.h: text as the index's terms read it: one form for characters
 * written several ways.
 *
 * Documents and queries from Hong Kong, Macao and Taiwan (and older
 * mainland texts) write traditional characters: 環境保護 for 环境保护. The
 * index holds the simplified form of every term, and a query is folded the
 * same way before it is parsed, by this one function on both sides: so
 * either spelling finds either. Only terms are folded: the stored text,
 * titles and snippets keep the document's own characters.
 *
 * The conversion is OpenCC's t2s.json (Debian's libopencc: phrases first,
 * then characters, so 乾燥 becomes 干燥 and 乾隆 stays). It is slow (about
 * 2 MB/s), and most documents are simplified already, so it is applied a
 * line at a time and only to lines holding at least one character that
 * converts on its own (a table of those, made from the same converter on
 * first use). A line whose only traditional forms convert as phrases
 * (乾燥 alone) is left as it is, in a document and in a query alike.
 *
 * The converter and the table are process-lifetime objects, made on first
 * use (after fork(), in the process that uses them) under a pthread_once;
 * OpenCC's conversion is safe to call from several threads at once (its
 * header says only opencc_error() is not), and the table is read-only once
 * made. Without t2s.json (libopencc-data) the fold logs that once and does
 * the width fold alone. */
#ifndef PORTAL_FOLD_H
#define PORTAL_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* s (n bytes, UTF-8) appended to out as the index's terms are made from
 * it: full-width digits and Latin letters as ASCII (portal_utf8_fold_alnum)
 * and traditional characters as simplified (above). The index (index.c)
 * folds a document's title, text and enterprise names with it, the search
 * (search.c) the query, the synonym list its terms. */
void portal_fold_text(struct buf *out, const char *s, size_t n);

/* The simplified form of one character when it converts on its own to one
 * character of the same UTF-8 length (for snippets, which search the
 * stored text for folded terms and must keep its byte offsets); else cp. */
uint32_t portal_fold_char(uint32_t cp);

/* The characters that fold to cp on their own (its traditional forms:
 * 環 for 环; 後 for 后), up to max of them into out; returns how many
 * (0 for most characters). Snippets look for these too. */
size_t portal_fold_variants(uint32_t cp, uint32_t *out, size_t max);

/* s (n bytes) appended to out character by character through
 * portal_fold_char(): out has exactly n bytes, each character at the same
 * offset as in s. Returns 1 when any character changed (0: out is a copy). */
int portal_fold_same_length(struct buf *out, const char *s, size_t n);

#endif
