/* normalize.h: one spelling for identifiers people type in many ways.
 *
 * Three kinds of identifier get a canonical form, used both when a
 * document is indexed and when a query is parsed, so that any spelling
 * finds any other:
 *
 *   standard numbers  GB18466, gb 18466, GB 18466—2005, ＧＢ／Ｔ 24001－2016,
 *                     HJ/T186, DB11/T 1234-2015, DB44/ 1597—2015
 *                     -> "GB 18466-2005", "GB/T 24001-2016", "HJ/T 186",
 *                        "DB11/T 1234-2015", "DB44/1597-2015"
 *                     (code in capitals, one space before the number unless
 *                     the code ends in "/", ASCII hyphen before a four-digit
 *                     year; a two-digit year "88" becomes "1988")
 *   document numbers  京发改[2014]123号, 京发改（2014）123号, 京发改〔2014〕第0123号
 *                     -> "京发改〔2014〕123号" (tortoise-shell brackets, no
 *                        leading zeros, no 第)
 *   credit codes      unified social credit codes (GB 32100-2015), 18
 *                     characters, capitals; only codes whose check
 *                     character is right are accepted.
 *
 * Full-width letters, digits and punctuation, the ideographic space and the
 * dashes — – ― ‐ − － count as their ASCII equivalents everywhere.
 *
 * Nothing here allocates except where it says so; all functions are safe
 * in any process and keep no state. */
#ifndef PORTAL_NORMALIZE_H
#define PORTAL_NORMALIZE_H

#include <stddef.h>

#define PORTAL_IDENT_MAX 96	/* bytes for any canonical form, NUL included */

enum portal_ident_kind {
	PORTAL_IDENT_STANDARD = 1,	/* a standard number */
	PORTAL_IDENT_DOCNO = 2,		/* an official document number */
	PORTAL_IDENT_CREDIT = 4,	/* a unified social credit code */
	PORTAL_IDENT_NUMBER = 8,	/* a standard's number typed alone (queries only) */
};
#define PORTAL_IDENT_ALL (PORTAL_IDENT_STANDARD | PORTAL_IDENT_DOCNO | PORTAL_IDENT_CREDIT)

/* One identifier found in a text: its kind, the byte span [start, end) it
 * occupies in the scanned text, and its canonical form. */
struct portal_ident {
	enum portal_ident_kind kind;
	size_t start, end;
	char canon[PORTAL_IDENT_MAX];
};

/* The whole of s (len bytes; blank space around it is allowed) as one
 * standard number, in canonical form in out. 0, or -1 with a sentence in err
 * (err may be NULL) when s is not a standard number or out is too small. */
int portal_norm_standard(const char *s, size_t len, char *out, size_t outlen,
			 char *err, size_t errlen);

/* The index terms for a canonical standard number (as returned above):
 * the code and number without the year, and, when the number has a year,
 * the full number too; lower case without spaces, so they can follow an
 * upper-case Xapian prefix directly: "GB 18466-2005" -> "gb18466" and
 * "gb18466-2005"; "HJ/T 186" -> "hj/t186". A query for "GB 18466" should
 * use the first term (finds every edition), a query with a year the
 * second. Writes up to 2 terms of PORTAL_IDENT_MAX bytes; returns how
 * many (0 when canon is not canonical). */
size_t portal_norm_standard_terms(const char *canon, char terms[2][PORTAL_IDENT_MAX]);

/* The whole of s as one document number, canonical in out. Accepts the
 * brackets 〔〕 [] ［］ () （） 【】 ﹝﹞, blank space inside, an optional
 * 第 and, only when brackets are present, an optional closing 号.
 * 0, or -1 with err (may be NULL). */
int portal_norm_docno(const char *s, size_t len, char *out, size_t outlen,
		      char *err, size_t errlen);

/* 1 when code (exactly 18 bytes read; capitals) has the characters a
 * unified social credit code may have (digits and capitals without I, O,
 * S, V, Z), a six-digit division code and a right check character (the
 * GB 32100-2015 weighted sum modulo 31); else 0. */
int portal_credit_code_valid(const char *code);

/* The whole of s as one credit code: blank space around it is dropped,
 * lower case (and full-width) letters are accepted and written as
 * capitals to out (at least 19 bytes). 0, or -1 with err (may be NULL)
 * saying what is wrong, e.g. that the check character should be "3". */
int portal_norm_credit_code(const char *s, size_t len, char *out, size_t outlen,
			    char *err, size_t errlen);

/* Call fn for every identifier of the kinds in the bitmask kinds found in
 * text (len bytes, UTF-8), in order of position; spans never overlap. fn
 * returns 0 to go on, anything else to stop. Returns the number of calls
 * made. A standard number needs a known code (GB, GB/T, HJ, DBnn, JB/T, ...)
 * at a word boundary; a document number needs an issuer of Chinese
 * characters before its bracketed year and 号 after its number (a query
 * may leave 号 out); a credit code is 18 letters and digits standing alone
 * with a right check character. Two layouts PDFs produce are read: a
 * standard number whose year stands alone on the next line ("GB18466\n\n2005"
 * on a cover), and a credit code cut in two by a line break in a table
 * cell; digits set one per line ("GB 1\n8\n4...") are not a number. */
typedef int (*portal_ident_fn)(const struct portal_ident *id, void *arg);
size_t portal_norm_scan(const char *text, size_t len, unsigned kinds,
			portal_ident_fn fn, void *arg);

/* For a search query: the identifiers in q (all kinds; document numbers
 * may omit 号) into ids, at most max of them. Returns how many were
 * stored. The spans let the caller cut them out of the query and add
 * exact term queries in their place. */
size_t portal_norm_find(const char *q, size_t len, struct portal_ident *ids, size_t max);

/* The number of a canonical standard number without its code, as index
 * terms: "GB 18466-2005" -> "18466" and "18466-2005"; "DB11/T 1234" ->
 * "1234". Returns how many (0 when canon is not canonical). */
size_t portal_norm_standard_bare(const char *canon, char terms[2][PORTAL_IDENT_MAX]);

/* For a search query: numbers typed alone that may be a standard's number
 * without its code ("18466", "１８４６６", "18466—2005", "5085.7"): three to
 * six digits, perhaps dotted parts and a dashed year, standing alone (no
 * letter, '/', '-' or '.' before; no letter or count word such as 年, 号,
 * 万, 元 after; a four-digit year alone is a year). canon is "18466" or
 * "18466-2005" (the terms of portal_norm_standard_bare()), kind
 * PORTAL_IDENT_NUMBER. Spans may fall inside identifiers portal_norm_find()
 * returns: callers skip those. Returns how many were stored. */
size_t portal_norm_find_numbers(const char *q, size_t len, struct portal_ident *ids, size_t max);

#endif
