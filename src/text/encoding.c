/* encoding.c: any text in, valid UTF-8 out.
 *
 * Choosing the source charset, in order: the caller's name (from an HTML
 * meta tag, say), a byte order mark, "is it (almost all) valid UTF-8?",
 * then uchardet over the first DETECT_SAMPLE bytes. The portal serves
 * Chinese documents, so when uchardet has no answer, answers "ASCII" for
 * bytes that are not ASCII, or names a Western single-byte charset for
 * bytes that read cleanly as GB18030, GB18030 wins. GB2312 and GBK are
 * always read as GB18030, their superset.
 *
 * Conversion goes through iconv into a scratch buffer; the result is then
 * appended through portal_utf8_append_clean(), which is the single place that
 * guarantees the output promise: valid UTF-8, no NUL, LF line ends.
 * Undecodable input becomes U+FFFD (one per maximal bad subsequence for
 * UTF-8, one per undecodable unit for other charsets) and conversion goes
 * on. */
#include "encoding.h"
#include "log.h"
#include "utf8.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <uchardet/uchardet.h>

#define DETECT_SAMPLE (256 * 1024)
#define REPLACEMENT "\xEF\xBF\xBD"	/* U+FFFD */

/* ---- choosing the charset -------------------------------------------- */

/* Copy name to dst (size n) in upper case with blanks and quotes trimmed,
 * then map aliases: the GB family to GB18030, ASCII to UTF-8 (its
 * superset, read with replacement), Latin-1 to windows-1252 as browsers
 * do. */
static void canon_charset(const char *name, char *dst, size_t n)
{
	static const char *const gb[] = {
		"GB2312", "GBK", "GB18030", "GB-18030", "GB_2312-80", "CP936", "MS936",
		"WINDOWS-936", "X-GBK", "EUC-CN", "X-EUC-CN", "CSGB2312", "CSGBK", NULL
	};
	size_t j = 0;

	while (*name == ' ' || *name == '"' || *name == '\'')
		name++;
	for (; *name && j + 1 < n; name++) {
		char c = *name;
		if (c == '"' || c == '\'' || c == ' ' || c == ';')
			break;
		dst[j++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	dst[j] = '\0';
	for (size_t i = 0; gb[i]; i++)
		if (strcmp(dst, gb[i]) == 0)
			snprintf(dst, n, "GB18030");
	if (strcmp(dst, "UTF8") == 0 || strcmp(dst, "ASCII") == 0 ||
	    strcmp(dst, "US-ASCII") == 0)
		snprintf(dst, n, "UTF-8");
	if (strcmp(dst, "ISO-8859-1") == 0 || strcmp(dst, "LATIN1") == 0 ||
	    strcmp(dst, "ISO8859-1") == 0)
		snprintf(dst, n, "WINDOWS-1252");
}

/* Byte order mark: its length, with the charset it names in cs. */
static size_t bom(const unsigned char *p, size_t len, const char **cs)
{
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*cs = "UTF-8";
		return 3;
	}
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*cs = "UTF-16LE";
		return 2;
	}
	if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*cs = "UTF-16BE";
		return 2;
	}
	return 0;
}

/* Valid UTF-8, or so nearly (at most one bad byte run per five multibyte
 * characters, e.g. a file cut short or a few damaged bytes) that it is
 * surely meant as UTF-8. Text in GB18030 fails this quickly: its byte pairs
 * form a valid UTF-8 sequence only by rare chance (about 1 in 70). */
static int mostly_utf8(const char *s, size_t len)
{
	size_t i = 0, multi = 0, errors = 0, bad;

	while (i < len) {
		size_t k = portal_utf8_seq_len(s + i, len - i, &bad);
		if (k) {
			multi += k > 1;
			i += k;
		} else {
			errors++;
			i += bad;
		}
	}
	return errors == 0 || (multi >= 16 && errors * 5 <= multi);
}

/* Every byte above 0x80 starts a well-formed GB18030 two- or four-byte
 * sequence, and there is at least one. */
static int gb18030_plausible(const unsigned char *p, size_t len)
{
	size_t i = 0, seqs = 0;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;		/* the sample may end mid-character */
		if (p[i] == 0x80 || p[i] == 0xFF)
			return 0;
		unsigned t = p[i + 1];
		if ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFE))
			i += 2;
		else if (t >= 0x30 && t <= 0x39 && i + 3 < len &&
			 p[i + 2] >= 0x81 && p[i + 2] <= 0xFE &&
			 p[i + 3] >= 0x30 && p[i + 3] <= 0x39)
			i += 4;
		else
			return 0;
		seqs++;
	}
	return seqs > 0;
}

/* Charsets uchardet may name that we take at its word. */
static int trusted_guess(const char *cs)
{
	static const char *const ok[] = {
		"UTF-", "GB18030", "BIG5", "EUC-", "SHIFT_JIS", "ISO-2022-", "HZ", NULL
	};
	for (size_t i = 0; ok[i]; i++)
		if (strncmp(cs, ok[i], strlen(ok[i])) == 0)
			return 1;
	return 0;
}

static void guess_charset(const char *in, size_t len, char *cs, size_t cslen)
{
	size_t n = len < DETECT_SAMPLE ? len : DETECT_SAMPLE;
	uchardet_t ud = uchardet_new();
	const char *r = "";

	if (ud && uchardet_handle_data(ud, in, n) == 0) {
		uchardet_data_end(ud);
		r = uchardet_get_charset(ud);
	}
	canon_charset(r ? r : "", cs, cslen);
	if (ud)
		uchardet_delete(ud);
	if (cs[0] && strcmp(cs, "UTF-8") != 0 && trusted_guess(cs))
		return;
	/* No answer, "ASCII" or a Western guess for non-UTF-8 bytes. */
	if (!cs[0] || strcmp(cs, "UTF-8") == 0 ||
	    gb18030_plausible((const unsigned char *)in, n))
		snprintf(cs, cslen, "GB18030");
}

/* ---- conversion ------------------------------------------------------- */

/* Bytes to skip past one undecodable unit of charset cs. */
static size_t unit_size(const char *cs)
{
	if (strncmp(cs, "UTF-16", 6) == 0 || strncmp(cs, "UCS-2", 5) == 0)
		return 2;
	if (strncmp(cs, "UTF-32", 6) == 0 || strncmp(cs, "UCS-4", 5) == 0)
		return 4;
	return 1;
}

/* iconv from cs into tmp (raw UTF-8, cleaned later); each undecodable
 * unit becomes U+FFFD. */
static void convert(iconv_t cd, const char *cs, const char *in, size_t len, struct buf *tmp)
{
	char chunk[16384];
	char *ip = (char *)in;	/* iconv does not write through it */
	size_t left = len, unit = unit_size(cs);

	while (left > 0) {
		char *op = chunk;
		size_t room = sizeof chunk;
		size_t r = iconv(cd, &ip, &left, &op, &room);
		buf_append(tmp, chunk, (size_t)(op - chunk));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		buf_puts(tmp, REPLACEMENT);
		if (errno == EILSEQ && left > unit) {
			ip += unit;
			left -= unit;
		} else {
			left = 0;	/* EINVAL: incomplete sequence at the end */
		}
	}
	char *op = chunk;
	size_t room = sizeof chunk;
	iconv(cd, NULL, NULL, &op, &room);
	buf_append(tmp, chunk, (size_t)(op - chunk));
}

static void set_used(char *used, size_t usedlen, const char *cs)
{
	if (used && usedlen)
		snprintf(used, usedlen, "%s", cs);
}

int portal_to_utf8(const char *in, size_t len, const char *charset, struct buf *out,
		   char *used, size_t usedlen, char *err, size_t errlen)
{
	char cs[64];
	const char *bomcs = NULL;
	size_t skip = 0;

	if (charset && *charset) {
		canon_charset(charset, cs, sizeof cs);
	} else if ((skip = bom((const unsigned char *)in, len, &bomcs)) > 0) {
		snprintf(cs, sizeof cs, "%s", bomcs);
	} else if (mostly_utf8(in, len)) {
		snprintf(cs, sizeof cs, "UTF-8");
	} else {
		guess_charset(in, len, cs, sizeof cs);
	}
	/* A BOM that agrees with a named charset is not text either. */
	if (!skip && (skip = bom((const unsigned char *)in, len, &bomcs)) > 0 &&
	    strcmp(bomcs, cs) != 0)
		skip = 0;
	if (strcmp(cs, "UTF-8") == 0) {
		set_used(used, usedlen, cs);
		portal_utf8_append_clean(out, in + skip, len - skip, 1);
		return 0;
	}

	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1 && !(charset && *charset)) {
		snprintf(cs, sizeof cs, "GB18030");	/* uchardet named a stranger */
		cd = iconv_open("UTF-8", cs);
	}
	if (cd == (iconv_t)-1) {
		snprintf(err, errlen, "The text is in a character set (%s) the portal cannot read.", cs);
		return -1;
	}
	struct buf tmp = BUF_INIT;
	convert(cd, cs, in + skip, len - skip, &tmp);
	iconv_close(cd);
	portal_utf8_append_clean(out, tmp.data ? tmp.data : "", tmp.len, 1);
	buf_free(&tmp);
	set_used(used, usedlen, cs);
	return 0;
}

/* ---- is it plain text? ---------------------------------------------- */

/* Control characters that plain text holds: tab, line breaks, form feed,
 * backspace (nroff's overstrikes) and escape (colour sequences). Every
 * other C0 or C1 control, DEL and NUL are signs of binary data. */
static int ordinary_char(uint32_t c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\b' || c == 0x1B;
	return c != 0x7F && !(c >= 0x80 && c < 0xA0);
}

/* 1 when in (len bytes of charset cs) decodes without error (an incomplete
 * character at the very end excepted) into ordinary characters only. */
static int decodes_as_plain(const char *cs, const char *in, size_t len)
{
	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return 0;
	char chunk[16384];
	char *ip = (char *)in;	/* iconv does not write through it */
	size_t left = len;
	int plain = 1;

	while (plain && left > 0) {
		char *op = chunk;
		size_t room = sizeof chunk;
		size_t r = iconv(cd, &ip, &left, &op, &room);
		size_t n = (size_t)(op - chunk), i = 0;
		while (plain && i < n)
			plain = ordinary_char(portal_utf8_next(chunk, n, &i));
		if (r == (size_t)-1 && errno == EINVAL)
			break;		/* the sample ends inside a character */
		if (r == (size_t)-1 && errno != E2BIG)
			plain = 0;	/* EILSEQ: not this charset */
	}
	iconv_close(cd);
	return plain;
}

int portal_text_is_plain(const char *in, size_t len)
{
	const char *cs;
	size_t skip = bom((const unsigned char *)in, len, &cs);

	if (len == 0)
		return 0;
	if (skip)
		return len > skip && decodes_as_plain(cs, in + skip, len - skip);
	return decodes_as_plain("UTF-8", in, len) || decodes_as_plain("GB18030", in, len);
}
