/* utf8.h: UTF-8 bytes: decode, encode, validate, count, fold.
 *
 * Two decoders, for two jobs. portal_utf8_seq_len() is strict (RFC 3629:
 * no overlongs, no surrogates, nothing above U+10FFFF) and says how many
 * bytes are bad; validation and cleaning use it. portal_utf8_next() is the
 * reader for text already cleaned: it takes any well-shaped sequence and
 * never stops on a bad byte. Charset conversion (iconv, uchardet) is
 * text/encoding.h. */
#ifndef PORTAL_UTF8_H
#define PORTAL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define UTF8_REPLACEMENT 0xFFFDu	/* U+FFFD, what a bad byte reads as */
#define UTF8_MAX 4			/* bytes of one encoded code point */

/* 1 when byte c continues a multibyte sequence (10xxxxxx). */
static inline int portal_utf8_is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Length of the valid UTF-8 sequence at s (n > 0 bytes available), or 0
 * with *bad set to the length of the maximal invalid subpart (Unicode's
 * "U+FFFD substitution of maximal subparts": one replacement per *bad). */
size_t portal_utf8_seq_len(const char *s, size_t n, size_t *bad);

/* 1 when s (len bytes) is valid UTF-8 (no overlongs, no surrogates). */
int portal_utf8_valid(const char *s, size_t len);

/* The code point at str[*i] (n bytes in all, *i < n), advancing *i past
 * it. Lenient: a lead byte C2..F4 with enough continuation bytes decodes
 * as shaped, so some overlongs, surrogates and values up to 0x13FFFF pass;
 * any other byte is skipped alone and reads as U+FFFD. */
uint32_t portal_utf8_next(const char *str, size_t n, size_t *i);

/* Encode cp (below 0x200000, unchecked: a surrogate is encoded as it is)
 * into out; returns the byte count, 1 to UTF8_MAX. */
size_t portal_utf8_encode(char out[UTF8_MAX], uint32_t cp);

/* Append cp, encoded as by portal_utf8_encode(), to b. */
void portal_utf8_put(struct buf *b, uint32_t cp);

/* cp, or U+FFFD when cp may not stand in text: NUL, a surrogate, or
 * beyond U+10FFFF. */
uint32_t portal_utf8_text_cp(uint32_t cp);

/* Characters (bytes that start one) in s, n bytes; the second form up to
 * the NUL. */
size_t portal_utf8_count(const char *s, size_t n);
size_t portal_utf8_count_str(const char *s);

/* What portal_utf8_fold() folds; combine with |. */
enum {
	UTF8_FOLD_WIDTH = 1,	/* full-width ASCII U+FF01..FF5E to ASCII */
	UTF8_FOLD_SPACE = 2,	/* no-break and ideographic space to ' ' */
	UTF8_FOLD_DASH = 4,	/* U+2010..2015 and minus U+2212 to '-' */
	UTF8_FOLD_CASE = 8,	/* A..Z (after the folds above) to a..z */
};

/* cp folded as what asks, or cp unchanged. */
uint32_t portal_utf8_fold(uint32_t cp, unsigned what);

/* s (n bytes) appended to out with full-width digits and Latin letters
 * (U+FF10..FF19, FF21..FF3A, FF41..FF5A) as their ASCII forms (their NFKC),
 * everything else as it is: what the index holds and the query looks for,
 * so "１８４６６" and "18466" are one word. Full-width punctuation stays
 * (a "，" is Chinese text's comma, not ASCII's). */
void portal_utf8_fold_alnum(struct buf *out, const char *s, size_t n);

/* Append s (len bytes) to out as valid UTF-8 without NUL: each maximal
 * invalid subpart becomes U+FFFD and NUL bytes are dropped; with crlf,
 * CR LF and a lone CR become LF. */
void portal_utf8_append_clean(struct buf *out, const char *s, size_t len, int crlf);

/* Rewrite b in place so it is valid UTF-8 without NULs (bad bytes become
 * U+FFFD, NUL is dropped). */
void portal_utf8_sanitize(struct buf *b);

#endif
