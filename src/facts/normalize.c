/* normalize.c: canonical forms for standard numbers, document numbers and
 * credit codes.
 *
 * Every entry point first folds its input into a plain form (fold()):
 * full-width ASCII becomes ASCII, the ideographic and no-break spaces and
 * tabs become spaces, the dashes become '-', and the brackets 〔〕【】﹝﹞﹙﹚
 * become '[' and ']'. Folding only ever shortens the text, and a map from
 * each folded byte back to its original offset gives the spans. The
 * parsers below then work on bytes: ASCII for codes and numbers, the UTF-8
 * of a few Chinese characters (一 as a year dash, 第, 号) compared
 * literally. */
#include "normalize.h"
#include "log.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define U_YI	"\xe4\xb8\x80"	/* 一, read as a dash before a year (OCR, typing) */
#define U_DI	"\xe7\xac\xac"	/* 第 */
#define U_HAO	"\xe5\x8f\xb7"	/* 号 */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- folding ---------------------------------------------------------- */

/* The ASCII byte cp folds to, or 0 when it stays as it is; -1 to drop it.
 * Beyond portal_utf8_fold(): tab and the typographic spaces, small dashes,
 * zero-width characters, and CJK brackets. */
static int fold_ascii(uint32_t cp)
{
	uint32_t f = portal_utf8_fold(cp, UTF8_FOLD_WIDTH | UTF8_FOLD_SPACE | UTF8_FOLD_DASH);
	if (f != cp)
		return (int)f;
	switch (cp) {
	case '\t': case 0x2002: case 0x2003: case 0x2009:
		return ' ';
	case 0x200B: case 0xFEFF:
		return -1;
	case 0xFE58: case 0xFE63:
		return '-';
	case 0x3014: case 0x3010: case 0xFE5D: case 0xFE59: case 0x3016:
		return '[';
	case 0x3015: case 0x3011: case 0xFE5E: case 0xFE5A: case 0x3017:
		return ']';
	}
	return 0;
}

/* A folded copy of a text with a map back to the original offsets:
 * map[i] is where folded byte i came from; map[len] is the original end. */
struct folded {
	char *s;
	size_t *map;
	size_t len;
};

static void fold(const char *text, size_t len, struct folded *f)
{
	const unsigned char *in = (const unsigned char *)text;

	f->s = xmalloc(len + 1);
	f->map = xmalloc((len + 1) * sizeof *f->map);
	f->len = 0;
	for (size_t i = 0, next = 0; i < len; i = next) {
		int a = fold_ascii(portal_utf8_next(text, len, &next));
		if (a > 0) {
			f->map[f->len] = i;
			f->s[f->len++] = (char)a;
		} else if (a == 0) {
			for (size_t k = i; k < next; k++) {
				f->map[f->len] = k;
				f->s[f->len++] = (char)in[k];
			}
		}
	}
	f->map[f->len] = len;
	f->s[f->len] = '\0';
}

static void folded_free(struct folded *f)
{
	free(f->s);
	free(f->map);
}

/* ---- small byte tests ------------------------------------------------- */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_alnum(int c) { return is_digit(c) || is_alpha(c); }
static int upper(int c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

static int at(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);
	return i + k <= n && memcmp(s + i, lit, k) == 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i, size_t max)
{
	for (size_t k = 0; k < max && i < n && s[i] == ' '; k++)
		i++;
	return i;
}

/* ---- standard numbers ------------------------------------------------- */

/* Codes of national, sector and local standards that may stand before a
 * number. "DB" (local, with a two-digit province) and "T/" (group) are
 * handled apart. */
static const char *const codes[] = {
	"GB", "GBZ", "GBJ", "HJ", "AQ", "BB", "CB", "CH", "CJ", "CJJ", "DL", "DZ", "EJ",
	"FZ", "GA", "GY", "HG", "HY", "JB", "JC", "JG", "JGJ", "JJF", "JJG", "JR", "JT",
	"JY", "LB", "LD", "LY", "MH", "MT", "MZ", "NB", "NY", "QB", "QC", "QX", "SB",
	"SC", "SH", "SJ", "SL", "SN", "SY", "TB", "WB", "WH", "WJ", "WM", "WS", "XB",
	"XF", "YB", "YC", "YD", "YS", "YY", "YZ",
};

static int known_code(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++)
		if (strlen(codes[i]) == n && memcmp(codes[i], s, n) == 0)
			return 1;
	return 0;
}

struct stdno {
	char code[24];		/* "GB/T", "DB11/T", "DB44/", "T/CECS" */
	char number[24];	/* "18466", "5085.7" */
	int year;		/* 0 when none */
};

/* "DB11/T", "DB44/": a local standard's code, whose letters "DB" end at
 * f[j]. The end, or 0 when it is not one. */
static size_t parse_local_code(const char *f, size_t n, size_t j, struct stdno *sn)
{
	j = skip_spaces(f, n, j, 1);
	if (j + 2 > n || !is_digit((unsigned char)f[j]) || !is_digit((unsigned char)f[j + 1]) ||
	    (j + 2 < n && is_digit((unsigned char)f[j + 2])))
		return 0;
	snprintf(sn->code, sizeof sn->code, "DB%c%c", f[j], f[j + 1]);
	j = skip_spaces(f, n, j + 2, 1);
	/* "DB11T1234", "db11t 1234": typed without the slash */
	if (j < n && (upper((unsigned char)f[j]) == 'T' || upper((unsigned char)f[j]) == 'Z') &&
	    j + 1 < n && (is_digit((unsigned char)f[j + 1]) || f[j + 1] == ' ')) {
		size_t c = strlen(sn->code);
		snprintf(sn->code + c, sizeof sn->code - c, "/%c", upper((unsigned char)f[j]));
		return j + 1;
	}
	if (j >= n || f[j] != '/')
		return 0;
	j = skip_spaces(f, n, j + 1, 1);
	if (j < n && (upper((unsigned char)f[j]) == 'T' || upper((unsigned char)f[j]) == 'Z') &&
	    (j + 1 >= n || !is_alpha((unsigned char)f[j + 1]))) {
		size_t c = strlen(sn->code);
		snprintf(sn->code + c, sizeof sn->code - c, "/%c", upper((unsigned char)f[j]));
		j++;
	} else {
		strcat(sn->code, "/");
	}
	return j;
}

/* "T/CECS": a group standard's code; f[j] is the slash after the T. The
 * end, or 0 when it is not one. */
static size_t parse_group_code(const char *f, size_t n, size_t j, struct stdno *sn)
{
	size_t k = j + 1, m = 0;
	while (k < n && is_alpha((unsigned char)f[k]) && m < 10) {
		k++;
		m++;
	}
	if (m < 2 || (k < n && is_alpha((unsigned char)f[k])))
		return 0;
	sn->code[0] = 'T';
	sn->code[1] = '/';
	for (size_t q = 0; q < m; q++)
		sn->code[2 + q] = (char)upper((unsigned char)f[j + 1 + q]);
	return k;
}

/* "GB/T", "HJ", "GBT" (typed without the slash): a national or sector
 * code, whose letters (nl of them, upper case) end at f[j]. The end, or 0
 * when the letters are no known code. */
static size_t parse_sector_code(const char *f, size_t n, size_t j, char *letters, size_t nl,
				struct stdno *sn)
{
	char suffix = 0;
	if (known_code(letters, nl)) {
		size_t k = skip_spaces(f, n, j, 1);
		if (k < n && f[k] == '/') {
			k = skip_spaces(f, n, k + 1, 1);
			int c = k < n ? upper((unsigned char)f[k]) : 0;
			if ((c == 'T' || c == 'Z') && (k + 1 >= n || !is_alpha((unsigned char)f[k + 1]))) {
				suffix = (char)c;
				j = k + 1;
			}
		}
	} else if (nl > 2 && (letters[nl - 1] == 'T' || letters[nl - 1] == 'Z') &&
		   known_code(letters, nl - 1)) {
		suffix = letters[nl - 1];	/* "GBT 24001" typed without the slash */
		letters[--nl] = '\0';
	} else {
		return 0;
	}
	if (suffix)
		snprintf(sn->code, sizeof sn->code, "%s/%c", letters, suffix);
	else
		snprintf(sn->code, sizeof sn->code, "%s", letters);
	return j;
}

/* The number after the code (which ends at f[j]): digits, perhaps dotted
 * parts ("1.1", "5085.7"), into sn->number. Its end, or 0. */
static size_t parse_number(const char *f, size_t n, size_t j, struct stdno *sn)
{
	j = skip_spaces(f, n, j, 3);
	size_t start = j, nd = 0;
	while (j < n && is_digit((unsigned char)f[j])) {
		j++;
		nd++;
	}
	if (nd == 0 || nd > 6)
		return 0;
	for (int parts = 0; parts < 3 && j + 1 < n && f[j] == '.' && is_digit((unsigned char)f[j + 1]); parts++) {
		j++;
		while (j < n && is_digit((unsigned char)f[j]))
			j++;
	}
	if (j - start >= sizeof sn->number)
		return 0;
	if (j < n && is_alpha((unsigned char)f[j]))
		return 0;
	memcpy(sn->number, f + start, j - start);
	sn->number[j - start] = '\0';
	return j;
}

/* The year after a dash ("-2015", "—15") following the number, which ends
 * at f[j], into sn->year. Its end, or 0 when there is none; *dashed says
 * whether a dash followed the number at all. */
static size_t parse_dashed_year(const char *f, size_t n, size_t j, struct stdno *sn, int *dashed)
{
	size_t k = skip_spaces(f, n, j, 1);
	size_t dash = 0;
	if (k < n && f[k] == '-')
		dash = 1;
	else if (at(f, n, k, U_YI))
		dash = 3;
	*dashed = dash != 0;
	if (dash) {
		size_t y = skip_spaces(f, n, k + dash, 1), yd = 0;
		while (y + yd < n && is_digit((unsigned char)f[y + yd]))
			yd++;
		if (yd == 4 || yd == 2) {
			int v = atoi(f + y);
			if (yd == 2)
				v += v >= 50 ? 1900 : 2000;
			if (v >= 1949 && v <= 2099) {
				sn->year = v;
				return y + yd;
			}
		}
	}
	return 0;
}

/* A cover broken by a PDF: the number (ending at f[j]), then the year
 * alone on a line, into sn->year. Its end, or 0. */
static size_t parse_year_on_own_line(const char *f, size_t n, size_t j, struct stdno *sn)
{
	size_t y = j, breaks = 0;
	while (y < n && y < j + 6 && (f[y] == ' ' || f[y] == '\n' || f[y] == '\r'))
		breaks += f[y++] == '\n';
	size_t yd = 0;
	while (y + yd < n && is_digit((unsigned char)f[y + yd]))
		yd++;
	size_t after = y + yd;
	while (after < n && (f[after] == ' ' || f[after] == '\r'))
		after++;
	if (breaks && yd == 4 && (after >= n || f[after] == '\n')) {
		int v = atoi(f + y);
		if (v >= 1949 && v <= 2099) {
			sn->year = v;
			return y + yd;
		}
	}
	return 0;
}

/* 1 when digits go on, one per line, after f[j] ("GB 1\n8\n4\n6\n6"). */
static int digits_one_per_line(const char *f, size_t n, size_t j)
{
	size_t q = j;
	while (q < n && (f[q] == ' ' || f[q] == '\r'))
		q++;
	if (q < n && f[q] == '\n') {
		while (q < n && (f[q] == ' ' || f[q] == '\r' || f[q] == '\n'))
			q++;
		if (q < n && is_digit((unsigned char)f[q]))
			return 1;
	}
	return 0;
}

/* Parse a standard number starting at f[i] (an ASCII letter at a word
 * boundary): the code, the number, perhaps a year. The end offset, or 0
 * when there is none. */
static size_t parse_standard(const char *f, size_t n, size_t i, struct stdno *sn)
{
	char letters[8];
	size_t nl = 0, j = i, end;
	int dashed;

	while (j < n && is_alpha((unsigned char)f[j])) {
		if (nl == sizeof letters - 1)
			return 0;
		letters[nl++] = (char)upper((unsigned char)f[j++]);
	}
	letters[nl] = '\0';
	memset(sn, 0, sizeof *sn);

	if (nl == 2 && memcmp(letters, "DB", 2) == 0)
		j = parse_local_code(f, n, j, sn);
	else if (nl == 1 && letters[0] == 'T' && j < n && f[j] == '/')
		j = parse_group_code(f, n, j, sn);
	else
		j = parse_sector_code(f, n, j, letters, nl, sn);
	if (!j || !(j = parse_number(f, n, j, sn)))
		return 0;
	if ((end = parse_dashed_year(f, n, j, sn, &dashed)))
		return end;
	if (!dashed && (end = parse_year_on_own_line(f, n, j, sn)))
		return end;
	if (j < n && is_digit((unsigned char)f[j]))
		return 0;
	/* digits a PDF set one per line: not a number */
	if (digits_one_per_line(f, n, j))
		return 0;
	return j;
}

static int standard_canon(const struct stdno *sn, char *out, size_t outlen)
{
	size_t cl = strlen(sn->code);
	const char *sep = cl && sn->code[cl - 1] == '/' ? "" : " ";
	int w = sn->year ? snprintf(out, outlen, "%s%s%s-%d", sn->code, sep, sn->number, sn->year)
			 : snprintf(out, outlen, "%s%s%s", sn->code, sep, sn->number);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* ---- document numbers ------------------------------------------------- */

/* Characters that end an issuer when read backwards from the bracket: they
 * belong to the words around a document number ("根据", "印发的"), not to
 * issuers such as 京发改, 国办发, 环办函. */
static const char *const issuer_stops[] = {
	"的", "和", "及", "与", "据", "照", "见", "按", "依", "了", "在", "为", "是",
	"将", "把", "对", "即", "称", "经", "并", "等", "号", "至", "或", "以", "自",
};

static int issuer_stop(const char *p)
{
	for (size_t i = 0; i < sizeof issuer_stops / sizeof *issuer_stops; i++)
		if (memcmp(p, issuer_stops[i], 3) == 0)
			return 1;
	return 0;
}

/* A CJK unified ideograph (three bytes, U+4E00..U+9FFF) at p? */
static int is_han3(const unsigned char *p)
{
	uint32_t cp = ((uint32_t)(p[0] & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
	return (p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
	       cp >= 0x4E00 && cp <= 0x9FFF;
}

#define ISSUER_MAX 10	/* characters */

struct docno {
	size_t issuer_start;	/* folded offset */
	char issuer[ISSUER_MAX * 3 + 1];
	int year;
	long number;
};

/* Parse a document number whose bracket is f[i] ('[' or '('), looking back
 * no further than floor for the issuer. need_hao: 号 is required. The end
 * offset, or 0. */
static size_t parse_docno(const char *f, size_t n, size_t i, size_t floor, int need_hao,
			  struct docno *d)
{
	size_t j = skip_spaces(f, n, i + 1, 1), yd = 0;

	while (j + yd < n && is_digit((unsigned char)f[j + yd]))
		yd++;
	if (yd != 4)
		return 0;
	d->year = atoi(f + j);
	if (d->year < 1949 || d->year > 2099)
		return 0;
	j = skip_spaces(f, n, j + 4, 1);
	if (j >= n || (f[j] != ']' && f[j] != ')'))
		return 0;
	j = skip_spaces(f, n, j + 1, 2);
	if (at(f, n, j, U_DI))
		j = skip_spaces(f, n, j + 3, 1);
	size_t nd = 0;
	while (j + nd < n && is_digit((unsigned char)f[j + nd]))
		nd++;
	if (nd == 0 || nd > 6)
		return 0;
	d->number = strtol(f + j, NULL, 10);
	if (d->number <= 0)
		return 0;
	j += nd;
	size_t k = skip_spaces(f, n, j, 1);
	if (at(f, n, k, U_HAO))
		j = k + 3;
	else if (need_hao)
		return 0;

	/* the issuer: Chinese characters right before the bracket */
	size_t b = i, chars = 0;
	if (b > floor && f[b - 1] == ' ')
		b--;
	while (chars < ISSUER_MAX && b >= floor + 3 && is_han3((const unsigned char *)f + b - 3) &&
	       !issuer_stop(f + b - 3)) {
		b -= 3;
		chars++;
	}
	if (chars < 2)
		return 0;
	size_t e = i;
	if (f[e - 1] == ' ')
		e--;
	memcpy(d->issuer, f + b, e - b);
	d->issuer[e - b] = '\0';
	d->issuer_start = b;
	return j;
}

static int docno_canon(const struct docno *d, char *out, size_t outlen)
{
	int w = snprintf(out, outlen, "%s\xe3\x80\x94%d\xe3\x80\x95%ld" U_HAO, d->issuer, d->year, d->number);
	return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

/* ---- credit codes ----------------------------------------------------- */

static const char credit_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int credit_value(int c)
{
	const char *p = c ? strchr(credit_chars, c) : NULL;
	return p ? (int)(p - credit_chars) : -1;
}

/* The check character for the first 17 characters of code, or 0 when one
 * of them is not allowed. */
static char credit_check(const char *code)
{
	int sum = 0, w = 1;

	for (int i = 0; i < 17; i++) {
		int v = credit_value((unsigned char)code[i]);
		if (v < 0)
			return 0;
		sum += v * w;
		w = w * 3 % 31;
	}
	return credit_chars[(31 - sum % 31) % 31];
}

int portal_credit_code_valid(const char *code)
{
	for (int i = 2; i < 8; i++)
		if (!is_digit((unsigned char)code[i]))
			return 0;
	char c = credit_check(code);
	return c && code[17] == c;
}

/* ---- the scanner ------------------------------------------------------ */

static void emit_span(const struct folded *f, size_t s, size_t e, struct portal_ident *id)
{
	id->start = f->map[s];
	id->end = e < f->len ? f->map[e] : f->map[f->len];
}

static size_t scan(const char *text, size_t len, unsigned kinds, int query,
		   portal_ident_fn fn, void *arg)
{
	struct folded f;
	size_t calls = 0, last_end = 0;
	int stop = 0;

	fold(text, len, &f);
	for (size_t i = 0; i < f.len && !stop;) {
		unsigned char c = (unsigned char)f.s[i];
		int boundary = i == 0 || !is_alnum((unsigned char)f.s[i - 1]);
		struct portal_ident id;

		if (boundary && is_alpha(c) && (kinds & PORTAL_IDENT_STANDARD)) {
			struct stdno sn;
			size_t e = parse_standard(f.s, f.len, i, &sn);
			if (e && standard_canon(&sn, id.canon, sizeof id.canon) == 0) {
				id.kind = PORTAL_IDENT_STANDARD;
				emit_span(&f, i, e, &id);
				calls++;
				stop = fn(&id, arg) != 0;
				i = last_end = e;
				continue;
			}
		}
		if ((c == '[' || c == '(') && (kinds & PORTAL_IDENT_DOCNO)) {
			struct docno d;
			size_t e = parse_docno(f.s, f.len, i, last_end, !query, &d);
			if (e && docno_canon(&d, id.canon, sizeof id.canon) == 0) {
				id.kind = PORTAL_IDENT_DOCNO;
				emit_span(&f, d.issuer_start, e, &id);
				calls++;
				stop = fn(&id, arg) != 0;
				i = last_end = e;
				continue;
			}
		}
		if (boundary && is_alnum(c)) {
			size_t e = i;
			while (e < f.len && is_alnum((unsigned char)f.s[e]))
				e++;
			/* a code a line break cut in two ("91110117951\n476469K") */
			size_t k2 = e, e2 = e;
			if (e - i < 18 && (kinds & PORTAL_IDENT_CREDIT)) {
				while (k2 < f.len && (f.s[k2] == ' ' || f.s[k2] == '\r'))
					k2++;
				if (k2 < f.len && f.s[k2] == '\n') {
					k2++;
					while (k2 < f.len && f.s[k2] == ' ')
						k2++;
					e2 = k2;
					while (e2 < f.len && is_alnum((unsigned char)f.s[e2]))
						e2++;
				}
			}
			if ((e - i == 18 || (e - i < 18 && e2 > k2 && (e - i) + (e2 - k2) == 18)) &&
			    (kinds & PORTAL_IDENT_CREDIT)) {
				size_t first = e - i;
				for (size_t k = 0; k < 18; k++)
					id.canon[k] = (char)upper((unsigned char)(k < first ? f.s[i + k]
										: f.s[k2 + k - first]));
				id.canon[18] = '\0';
				if (portal_credit_code_valid(id.canon)) {
					if (first < 18)
						e = e2;
					id.kind = PORTAL_IDENT_CREDIT;
					emit_span(&f, i, e, &id);
					calls++;
					stop = fn(&id, arg) != 0;
					last_end = e;
				}
			}
			i = e;
			continue;
		}
		i++;
	}
	folded_free(&f);
	return calls;
}

size_t portal_norm_scan(const char *text, size_t len, unsigned kinds, portal_ident_fn fn, void *arg)
{
	return scan(text, len, kinds, 0, fn, arg);
}

struct find_ctx {
	struct portal_ident *ids;
	size_t n, max;
};

static int find_one(const struct portal_ident *id, void *arg)
{
	struct find_ctx *c = arg;

	c->ids[c->n++] = *id;
	return c->n >= c->max;
}

size_t portal_norm_find(const char *q, size_t len, struct portal_ident *ids, size_t max)
{
	struct find_ctx c = { ids, 0, max };

	if (max == 0)
		return 0;
	scan(q, len, PORTAL_IDENT_ALL, 1, find_one, &c);
	return c.n;
}

/* ---- whole-string forms ----------------------------------------------- */

/* The folded s without blank space at either end, in f; [*b, *e). */
static void fold_trimmed(const char *s, size_t len, struct folded *f, size_t *b, size_t *e)
{
	fold(s, len, f);
	*b = 0;
	*e = f->len;
	while (*b < *e && (f->s[*b] == ' ' || f->s[*b] == '\n' || f->s[*b] == '\r'))
		(*b)++;
	while (*e > *b && (f->s[*e - 1] == ' ' || f->s[*e - 1] == '\n' || f->s[*e - 1] == '\r'))
		(*e)--;
}

int portal_norm_standard(const char *s, size_t len, char *out, size_t outlen, char *err, size_t errlen)
{
	struct folded f;
	struct stdno sn;
	size_t b, e;
	int rc = -1;

	fold_trimmed(s, len, &f, &b, &e);
	if (b < e && is_alpha((unsigned char)f.s[b]) && parse_standard(f.s, e, b, &sn) == e) {
		rc = standard_canon(&sn, out, outlen);
		if (rc < 0)
			seterr(err, errlen, "The standard number is too long.");
	} else {
		seterr(err, errlen, "This is not a standard number (such as GB/T 24001-2016).");
	}
	folded_free(&f);
	return rc;
}

size_t portal_norm_standard_terms(const char *canon, char terms[2][PORTAL_IDENT_MAX])
{
	char full[PORTAL_IDENT_MAX];
	size_t n = 0;

	if (portal_norm_standard(canon, strlen(canon), full, sizeof full, NULL, 0) < 0 ||
	    strcmp(full, canon) != 0)
		return 0;
	for (const char *p = full; *p; p++)
		if (*p != ' ')
			terms[1][n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	terms[1][n] = '\0';
	/* the year is the part after the last '-' (numbers have none) */
	char *dash = strrchr(terms[1], '-');
	memcpy(terms[0], terms[1], n + 1);
	if (!dash)
		return 1;
	terms[0][dash - terms[1]] = '\0';
	return 2;
}

int portal_norm_docno(const char *s, size_t len, char *out, size_t outlen, char *err, size_t errlen)
{
	struct folded f;
	size_t b, e;
	int rc = -1;

	fold_trimmed(s, len, &f, &b, &e);
	for (size_t i = b; i < e; i++) {
		if (f.s[i] != '[' && f.s[i] != '(')
			continue;
		struct docno d;
		if (parse_docno(f.s, e, i, b, 0, &d) == e && d.issuer_start == b) {
			rc = docno_canon(&d, out, outlen);
			if (rc < 0)
				seterr(err, errlen, "The document number is too long.");
			folded_free(&f);
			return rc;
		}
		break;
	}
	seterr(err, errlen, "This is not a document number (such as 京发改〔2014〕123号).");
	folded_free(&f);
	return rc;
}

int portal_norm_credit_code(const char *s, size_t len, char *out, size_t outlen, char *err, size_t errlen)
{
	struct folded f;
	size_t b, e;
	char code[19];
	int rc = -1;

	fold_trimmed(s, len, &f, &b, &e);
	if (e - b != 18) {
		seterr(err, errlen, "A unified social credit code has 18 characters, not %zu.", e - b);
		goto out;
	}
	for (size_t i = 0; i < 18; i++) {
		code[i] = (char)upper((unsigned char)f.s[b + i]);
		if (credit_value((unsigned char)code[i]) < 0) {
			seterr(err, errlen, "Character %zu of the credit code may not be \"%c\".", i + 1,
			       is_alnum((unsigned char)code[i]) ? code[i] : '?');
			goto out;
		}
	}
	code[18] = '\0';
	for (int i = 2; i < 8; i++)
		if (!is_digit((unsigned char)code[i])) {
			seterr(err, errlen, "Characters 3 to 8 of a credit code are a division code of digits.");
			goto out;
		}
	char want = credit_check(code);
	if (code[17] != want) {
		seterr(err, errlen, "The credit code's check character should be \"%c\", not \"%c\".",
		       want, code[17]);
		goto out;
	}
	if (outlen < sizeof code) {
		seterr(err, errlen, "No room for the credit code.");
		goto out;
	}
	memcpy(out, code, sizeof code);
	rc = 0;
out:
	folded_free(&f);
	return rc;
}

/* ---- bare numbers ------------------------------------------------------- */

size_t portal_norm_standard_bare(const char *canon, char terms[2][PORTAL_IDENT_MAX])
{
	char t[2][PORTAL_IDENT_MAX];
	size_t n = portal_norm_standard_terms(canon, t);
	if (!n)
		return 0;
	/* the number starts at the first digit after the code's letters and
	 * slashes ("db11/t1234" has digits in its code: after the '/') */
	const char *p = strrchr(t[0], '/');
	p = p ? p + 1 : t[0];
	while (*p && !is_digit((unsigned char)*p))
		p++;
	size_t off = (size_t)(p - t[0]);
	for (size_t k = 0; k < n; k++)
		memmove(terms[k], t[k] + off, strlen(t[k] + off) + 1);
	return *terms[0] ? n : 0;
}

/* 1 when the UTF-8 at p starts a character that ends a number as a count
 * or a date, not as a standard's number (年 月 日 号 万 元 个 ...). */
static int unit_after(const char *p, size_t left)
{
	static const char *const units[] = { "年", "月", "日", "号", "万", "元", "个", "人", "吨",
		"次", "家", "项", "%" };
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (strlen(units[i]) <= left && memcmp(p, units[i], strlen(units[i])) == 0)
			return 1;
	return 0;
}

size_t portal_norm_find_numbers(const char *q, size_t len, struct portal_ident *ids, size_t max)
{
	struct folded f;
	size_t n = 0;

	fold(q, len, &f);
	for (size_t i = 0; i < f.len && n < max;) {
		if (!is_digit((unsigned char)f.s[i]) ||
		    (i > 0 && (is_alnum((unsigned char)f.s[i - 1]) || strchr("/-.:", f.s[i - 1])))) {
			i++;
			continue;
		}
		struct stdno sn;
		memset(&sn, 0, sizeof sn);
		size_t e = parse_number(f.s, f.len, i, &sn), ye;
		int dashed;
		if (!e) {
			while (i < f.len && is_alnum((unsigned char)f.s[i]))
				i++;
			continue;
		}
		size_t digits = strcspn(sn.number, ".");
		if ((ye = parse_dashed_year(f.s, f.len, e, &sn, &dashed)))
			e = ye;
		int ok = digits >= 3 && (e >= f.len || (!is_alnum((unsigned char)f.s[e]) &&
			 f.s[e] != '-' && !unit_after(f.s + e, f.len - e)));
		/* a year alone (2014) is a year, not a standard's number */
		if (ok && !sn.year && digits == 4 && !strchr(sn.number, '.')) {
			int v = atoi(sn.number);
			ok = v < 1949 || v > 2099;
		}
		if (ok) {
			struct portal_ident *id = &ids[n++];
			id->kind = PORTAL_IDENT_NUMBER;
			emit_span(&f, i, e, id);
			if (sn.year)
				snprintf(id->canon, sizeof id->canon, "%s-%d", sn.number, sn.year);
			else
				snprintf(id->canon, sizeof id->canon, "%s", sn.number);
		}
		i = e;
	}
	folded_free(&f);
	return n;
}
