/* quantity.c: figures with units in one form (quantity.h). */
#include "quantity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DIGITS 24	/* a value longer than this is not a figure anyone quotes */

/* A unit as written: its canonical name and the power of ten that takes a
 * figure in it to the canonical unit. Longest spellings first where one
 * begins another (吨标准煤 before 吨, kWh before kW, kgce before kg). Latin
 * spellings match in any case. need_mult: only after 万/亿 (万度, 万方:
 * 度 and 方 alone are too many other things). */
struct unit {
	const char *text, *name;
	int exp, need_mult;
};

static const struct unit units[] = {
	{ "吨标准煤", "tce", 0, 0 }, { "吨标煤", "tce", 0, 0 }, { "t标准煤", "tce", 0, 0 },
	{ "t标煤", "tce", 0, 0 }, { "tce", "tce", 0, 0 },
	{ "千克标准煤", "tce", -3, 0 }, { "kg标准煤", "tce", -3, 0 }, { "kgce", "tce", -3, 0 },
	{ "吨二氧化碳", "tco2", 0, 0 }, { "吨CO2", "tco2", 0, 0 }, { "tCO2e", "tco2", 0, 0 },
	{ "tCO2", "tco2", 0, 0 },
	{ "千瓦时", "kwh", 0, 0 }, { "千瓦·时", "kwh", 0, 0 }, { "kW·h", "kwh", 0, 0 },
	{ "kW.h", "kwh", 0, 0 }, { "kWh", "kwh", 0, 0 }, { "度电", "kwh", 0, 0 },
	{ "度", "kwh", 0, 1 }, { "兆瓦时", "kwh", 3, 0 }, { "MWh", "kwh", 3, 0 },
	{ "GWh", "kwh", 6, 0 },
	{ "标立方米", "nm3", 0, 0 }, { "Nm³", "nm3", 0, 0 }, { "Nm3", "nm3", 0, 0 },
	{ "立方厘米", "cm3", 0, 0 }, { "立方米", "m3", 0, 0 }, { "立方", "m3", 0, 0 },
	{ "m³", "m3", 0, 0 }, { "m3", "m3", 0, 0 }, { "方", "m3", 0, 1 },
	{ "mg/Nm³", "mg/m3", 0, 0 }, { "mg/Nm3", "mg/m3", 0, 0 }, { "mg/m³", "mg/m3", 0, 0 },
	{ "mg/m3", "mg/m3", 0, 0 }, { "毫克/立方米", "mg/m3", 0, 0 },
	{ "mg/L", "mg/l", 0, 0 }, { "毫克/升", "mg/l", 0, 0 },
	{ "千克", "t", -3, 0 }, { "公斤", "t", -3, 0 }, { "kg", "t", -3, 0 },
	{ "吨", "t", 0, 0 }, { "t", "t", 0, 0 },
	{ "千瓦", "kw", 0, 0 }, { "kW", "kw", 0, 0 }, { "兆瓦", "kw", 3, 0 }, { "MW", "kw", 3, 0 },
	{ "元", "yuan", 0, 0 },
	{ "%", "pct", 0, 0 }, { "％", "pct", 0, 0 },
};

/* Multipliers between a number and its unit. */
static const struct { const char *text; int exp; } mults[] = {
	{ "百万", 6 }, { "万", 4 }, { "亿", 8 }, { "千", 3 },
};

/* Rates after a unit. */
static const struct { const char *text, *rate; } rates[] = {
	{ "/a", "/a" }, { "/年", "/a" }, { "/y", "/a" }, { "/d", "/d" }, { "/日", "/d" },
	{ "/天", "/d" }, { "/h", "/h" }, { "/小时", "/h" },
	{ "／a", "/a" }, { "／年", "/a" }, { "／d", "/d" }, { "／日", "/d" }, { "／天", "/d" },
};

/* Separators allowed between 标准煤/标煤 and a figure in 吨 or t. */
static const char *const between[] = { " ", "\xe3\x80\x80", "约", "为", "达", "计", "了", ":", "：" };

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* The length of word w at text[i] (ASCII letters in any case), or 0. */
static size_t match(const char *text, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	if (i + n > len)
		return 0;
	for (size_t k = 0; k < n; k++) {
		char a = text[i + k], b = w[k];
		if (a != b && !(is_alpha(a) && is_alpha(b) && (a | 0x20) == (b | 0x20)))
			return 0;
	}
	return n;
}

static size_t skip_space(const char *text, size_t len, size_t i, int most)
{
	for (int k = 0; k < most && i < len; k++) {
		if (text[i] == ' ' || text[i] == '\t')
			i++;
		else if (match(text, len, i, "\xe3\x80\x80"))	/* ideographic space */
			i += 3;
		else if (match(text, len, i, "\xc2\xa0"))	/* no-break space */
			i += 2;
		else
			break;
	}
	return i;
}

/* The unit at text[i]: its entry and length, or NULL. */
static const struct unit *unit_at(const char *text, size_t len, size_t i, int mult, size_t *n)
{
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		size_t k = match(text, len, i, units[u].text);
		if (!k || (units[u].need_mult && !mult))
			continue;
		/* one letter alone is read only as written: t, not T (a symbol in formulas) */
		if (k == 1 && is_alpha(units[u].text[0]) && text[i] != units[u].text[0])
			continue;
		/* a Latin unit ends where the letters do: 5 tons is not 5 t */
		if (is_alpha(units[u].text[strlen(units[u].text) - 1]) && i + k < len &&
		    (is_alpha(text[i + k]) || is_digit(text[i + k])))
			continue;
		*n = k;
		return &units[u];
	}
	return NULL;
}

/* 1 when text just before `at` says 标准煤 or 标煤 (a few separators apart). */
static int coal_before(const char *text, size_t at)
{
	for (int step = 0; step < 4; step++) {
		if ((at >= 9 && memcmp(text + at - 9, "标准煤", 9) == 0) ||
		    (at >= 6 && memcmp(text + at - 6, "标煤", 6) == 0))
			return 1;
		int moved = 0;
		for (size_t s = 0; s < sizeof between / sizeof between[0] && !moved; s++) {
			size_t n = strlen(between[s]);
			if (at >= n && memcmp(text + at - n, between[s], n) == 0) {
				at -= n;
				moved = 1;
			}
		}
		if (!moved)
			return 0;
	}
	return 0;
}

/* digits (no point) times 10^exp, canonical, into out; 0, or -1 when too
 * long. */
static int write_value(const char *digits, size_t nd, int exp, char *out, size_t outlen)
{
	while (nd > 1 && digits[0] == '0')
		digits++, nd--;
	if (nd == 1 && digits[0] == '0')
		exp = 0;
	char v[2 * MAX_DIGITS + 4];
	size_t n = 0;
	if (exp >= 0) {
		if (nd + (size_t)exp > MAX_DIGITS)
			return -1;
		memcpy(v, digits, nd);
		n = nd;
		for (int k = 0; k < exp; k++)
			v[n++] = '0';
	} else {
		long point = (long)nd + exp;	/* digits before the point */
		if (point < -MAX_DIGITS)
			return -1;
		if (point <= 0) {
			v[n++] = '0';
			v[n++] = '.';
			for (long k = point; k < 0; k++)
				v[n++] = '0';
			memcpy(v + n, digits, nd);
			n += nd;
		} else {
			memcpy(v, digits, (size_t)point);
			n = (size_t)point;
			v[n++] = '.';
			memcpy(v + n, digits + point, nd - (size_t)point);
			n += nd - (size_t)point;
		}
		while (v[n - 1] == '0')
			n--;
		if (v[n - 1] == '.')
			n--;
	}
	v[n] = '\0';
	return (size_t)snprintf(out, outlen, "%s", v) < outlen ? 0 : -1;
}

/* The figure whose number starts at text[i], if any, into *q; the byte
 * after what was read goes to *next either way. */
static int figure_at(const char *text, size_t len, size_t i, struct portal_qty *q, size_t *next)
{
	char digits[MAX_DIGITS + 1];
	size_t nd = 0, at = i;
	int frac = 0, too_long = 0;
	while (at < len) {
		if (is_digit(text[at])) {
			if (nd < MAX_DIGITS)
				digits[nd++] = text[at];
			else
				too_long = 1;
			at++;
		} else if (text[at] == ',' && at + 3 < len && is_digit(text[at + 1]) &&
			   is_digit(text[at + 2]) && is_digit(text[at + 3]) &&
			   (at + 4 >= len || !is_digit(text[at + 4]))) {
			at++;	/* 1,200: a thousands separator */
		} else {
			break;
		}
	}
	/* a fraction: "." or the full-width "．", then digits */
	size_t dot = match(text, len, at, ".") ? 1 : match(text, len, at, "\xef\xbc\x8e") ? 3 : 0;
	if (dot && at + dot < len && is_digit(text[at + dot])) {
		at += dot;
		while (at < len && is_digit(text[at])) {
			if (nd < MAX_DIGITS) {
				digits[nd++] = text[at];
				frac++;
			} else {
				too_long = 1;
			}
			at++;
		}
	}
	*next = at;
	if (too_long)
		return 0;
	size_t num_end = at;
	size_t u = skip_space(text, len, at, 2);
	int exp = -frac;
	size_t n = 0;
	const struct unit *unit = unit_at(text, len, u, 0, &n);
	if (!unit) {
		for (size_t m = 0; m < sizeof mults / sizeof mults[0] && !unit; m++) {
			size_t k = match(text, len, u, mults[m].text);
			if (!k)
				continue;
			size_t v = skip_space(text, len, u + k, 1);
			unit = unit_at(text, len, v, 1, &n);
			/* 千 only before a mass or money: 千瓦 is a unit of its own */
			if (unit && mults[m].exp == 3 && strcmp(unit->name, "t") && strcmp(unit->name, "yuan"))
				unit = NULL;
			if (unit) {
				exp += mults[m].exp;
				u = v;
			}
		}
	}
	if (!unit)
		return 0;
	size_t end = u + n;
	const char *name = unit->name;
	exp += unit->exp;
	int coal = strcmp(name, "t") == 0 && unit->exp == 0 && coal_before(text, i);
	if (coal)
		name = "tce";
	const char *rate = "";
	for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
		size_t k = match(text, len, end, rates[r].text);
		if (k && !(is_alpha(rates[r].text[strlen(rates[r].text) - 1]) && end + k < len &&
			   is_alpha(text[end + k]))) {
			rate = rates[r].rate;
			end += k;
			break;
		}
	}
	char value[2 * MAX_DIGITS + 4];
	if (write_value(digits, nd, exp, value, sizeof value) < 0)
		return 0;
	memset(q, 0, sizeof *q);
	q->start = i;
	q->end = end;
	q->num_end = num_end;
	if ((size_t)snprintf(q->term, sizeof q->term, "%s%s:%s", name, rate, value) >= sizeof q->term ||
	    (strcmp(name, "tce") == 0 &&
	     (size_t)snprintf(q->also, sizeof q->also, "t%s:%s", rate, value) >= sizeof q->also))
		return 0;
	*next = end;
	return 1;
}

size_t portal_qty_scan(const char *text, size_t len, portal_qty_fn fn, void *arg)
{
	size_t calls = 0;
	for (size_t i = 0; i < len;) {
		if (!is_digit(text[i]) ||
		    (i > 0 && (is_digit(text[i - 1]) || is_alpha(text[i - 1]) || text[i - 1] == '.' ||
			       text[i - 1] == '/' || text[i - 1] == '_'))) {
			i++;
			continue;
		}
		/* "3. 6万元": a PDF's line broke a figure after its point */
		if (i >= 3 && text[i - 1] == ' ' && text[i - 2] == '.' && is_digit(text[i - 3])) {
			i++;
			continue;
		}
		struct portal_qty q;
		size_t next;
		if (figure_at(text, len, i, &q, &next)) {
			calls++;
			if (fn(&q, arg))
				break;
		}
		i = next > i ? next : i + 1;
	}
	return calls;
}

struct found {
	struct portal_qty *out;
	size_t n, max;
};

static int keep(const struct portal_qty *q, void *arg)
{
	struct found *f = arg;
	f->out[f->n++] = *q;
	return f->n == f->max;
}

size_t portal_qty_find(const char *q, size_t len, struct portal_qty *out, size_t max)
{
	struct found f = { out, 0, max };
	if (max)
		portal_qty_scan(q, len, keep, &f);
	return f.n;
}

/* ---- figures as values: buckets, ranges and bounds -------------------- */

/* A value at four significant digits: m * 10^(e - 3), m from 1000 to 9999. */
struct key {
	int e, m;
};

static int key_of(double v, struct key *k)
{
	if (!(v > 0) || !isfinite(v))
		return -1;
	char s[48];
	snprintf(s, sizeof s, "%.3e", v);	/* "3.200e+02" */
	const char *x = strchr(s, 'e');
	if (!x || x - s != 5 || !is_digit(s[0]))
		return -1;
	k->m = (s[0] - '0') * 1000 + (s[2] - '0') * 100 + (s[3] - '0') * 10 + (s[4] - '0');
	k->e = atoi(x + 1);
	return 0;
}

static int key_cmp(struct key a, struct key b)
{
	return a.e != b.e ? (a.e < b.e ? -1 : 1) : a.m != b.m ? (a.m < b.m ? -1 : 1) : 0;
}

static const int pow10i[] = { 1, 10, 100, 1000, 10000 };

/* "t:2:32": the bucket of unit (ul bytes) at order e with the first len
 * digits of m (len 0: the order alone). 0, or -1 when it does not fit. */
static int bucket(char *out, const char *unit, int ul, int e, int len, int m)
{
	int n = len ? snprintf(out, PORTAL_QTY_MAX, "%.*s:%d:%d", ul, unit, e, m / pow10i[4 - len])
		    : snprintf(out, PORTAL_QTY_MAX, "%.*s:%d", ul, unit, e);
	return n > 0 && n < PORTAL_QTY_MAX ? 0 : -1;
}

size_t portal_qty_buckets(const char *term, char out[][PORTAL_QTY_MAX])
{
	const char *colon = strrchr(term, ':');
	struct key k;
	if (!colon || key_of(strtod(colon + 1, NULL), &k) < 0 || k.e < PORTAL_QTY_EXP_MIN ||
	    k.e > PORTAL_QTY_EXP_MAX)
		return 0;
	int ul = (int)(colon - term);
	for (int len = 0; len < PORTAL_QTY_BUCKETS; len++)
		if (bucket(out[len], term, ul, k.e, len, k.m) < 0)
			return 0;
	return PORTAL_QTY_BUCKETS;
}

struct cover {
	const char *unit;
	char (*out)[PORTAL_QTY_MAX];
	size_t n, max;
};

/* The buckets under the one of order e, first len digits prefix, that
 * together hold the four-digit values from..to. */
static void cover_digits(struct cover *c, int e, int len, int prefix, int from, int to)
{
	int lo = len ? prefix * pow10i[4 - len] : 1000;
	int hi = len ? lo + pow10i[4 - len] - 1 : 9999;
	if (hi < from || lo > to || c->n >= c->max)
		return;
	if (from <= lo && hi <= to) {
		if (bucket(c->out[c->n], c->unit, (int)strlen(c->unit), e, len, lo) == 0)
			c->n++;
		return;
	}
	for (int d = len ? 0 : 1; d <= 9; d++)
		cover_digits(c, e, len + 1, prefix * 10 + d, from, to);
}

size_t portal_qty_range_terms(const struct portal_qty_range *r, char out[][PORTAL_QTY_MAX], size_t max)
{
	struct key lo = { PORTAL_QTY_EXP_MIN, 1000 }, hi = { PORTAL_QTY_EXP_MAX, 9999 };
	if (r->lo > 0 && key_of(r->lo, &lo) < 0)
		return 0;
	if (isfinite(r->hi) && key_of(r->hi, &hi) < 0)
		return 0;
	/* strict bounds: the next bucket up or down */
	if (r->bound == PORTAL_QTY_MORE && ++lo.m > 9999)
		lo.e++, lo.m = 1000;
	if (r->bound == PORTAL_QTY_LESS && --hi.m < 1000)
		hi.e--, hi.m = 9999;
	if (lo.e < PORTAL_QTY_EXP_MIN)
		lo = (struct key){ PORTAL_QTY_EXP_MIN, 1000 };
	if (hi.e > PORTAL_QTY_EXP_MAX)
		hi = (struct key){ PORTAL_QTY_EXP_MAX, 9999 };
	struct cover c = { r->unit, out, 0, max };
	for (int e = lo.e; key_cmp(lo, hi) <= 0 && e <= hi.e; e++)
		cover_digits(&c, e, 0, 0, e == lo.e ? lo.m : 1000, e == hi.e ? hi.m : 9999);
	return c.n;
}

/* Words that bound a figure, before it and after it. Longest first where
 * one ends another (不低于 before 低于, >= before >). */
static const struct { const char *text; enum portal_qty_bound bound; } bound_before[] = {
	{ "不低于", PORTAL_QTY_AT_LEAST }, { "不少于", PORTAL_QTY_AT_LEAST },
	{ "不小于", PORTAL_QTY_AT_LEAST }, { "至少", PORTAL_QTY_AT_LEAST },
	{ ">=", PORTAL_QTY_AT_LEAST }, { "\xe2\x89\xa5", PORTAL_QTY_AT_LEAST },	/* ≥ */
	{ "不超过", PORTAL_QTY_AT_MOST }, { "不高于", PORTAL_QTY_AT_MOST },
	{ "不大于", PORTAL_QTY_AT_MOST }, { "不多于", PORTAL_QTY_AT_MOST },
	{ "至多", PORTAL_QTY_AT_MOST }, { "最多", PORTAL_QTY_AT_MOST },
	{ "未超过", PORTAL_QTY_AT_MOST },
	{ "<=", PORTAL_QTY_AT_MOST }, { "\xe2\x89\xa4", PORTAL_QTY_AT_MOST },	/* ≤ */
	{ "超过", PORTAL_QTY_MORE }, { "大于", PORTAL_QTY_MORE }, { "高于", PORTAL_QTY_MORE },
	{ "多于", PORTAL_QTY_MORE }, { ">", PORTAL_QTY_MORE },
	{ "低于", PORTAL_QTY_LESS }, { "小于", PORTAL_QTY_LESS }, { "少于", PORTAL_QTY_LESS },
	{ "不足", PORTAL_QTY_LESS }, { "不到", PORTAL_QTY_LESS },
	{ "<", PORTAL_QTY_LESS },
	{ "大约", PORTAL_QTY_ABOUT }, { "约", PORTAL_QTY_ABOUT },
}, bound_after[] = {
	{ "及以上", PORTAL_QTY_AT_LEAST }, { "以上", PORTAL_QTY_AT_LEAST },
	{ "及以下", PORTAL_QTY_AT_MOST }, { "以下", PORTAL_QTY_AT_MOST }, { "以内", PORTAL_QTY_AT_MOST },
	{ "左右", PORTAL_QTY_ABOUT }, { "上下", PORTAL_QTY_ABOUT },
};

/* 约 is a bound only on its own: 节约 320 吨 is not 约 320 吨. */
static const char *const not_about[] = { "节", "预", "制", "合", "签", "契", "公", "条", "违", "履", "特" };

/* Separators of a range's two numbers. */
static const char *const range_seps[] = {
	"-", "~", "\xef\xbd\x9e" /* ～ */, "\xe2\x80\x94" /* — */, "\xe2\x80\x93" /* – */,
	"\xef\xbc\x8d" /* － */, "\xe3\x80\x9c" /* 〜 */, "到", "至",
};

static int ends_at(const char *text, size_t at, const char *w)
{
	size_t n = strlen(w);
	return at >= n && memcmp(text + at - n, w, n) == 0;
}

static size_t skip_space_back(const char *text, size_t at)
{
	for (;;) {
		if (at > 0 && (text[at - 1] == ' ' || text[at - 1] == '\t'))
			at--;
		else if (ends_at(text, at, "\xe3\x80\x80"))
			at -= 3;
		else
			return at;
	}
}

/* The number text[from, to) (digits, one point, thousands commas). */
static double number_of(const char *text, size_t from, size_t to)
{
	char s[2 * MAX_DIGITS + 4];
	size_t n = 0;
	for (size_t i = from; i < to && n + 1 < sizeof s; i++) {
		if (is_digit(text[i]) || text[i] == '.')
			s[n++] = text[i];
		else if (match(text, to, i, "\xef\xbc\x8e"))	/* ． */
			s[n++] = '.', i += 2;
	}
	s[n] = '\0';
	return n ? strtod(s, NULL) : 0;
}

/* The power of ten of a multiplier (万) ending at text[at] (into *start),
 * or 0 when there is none. */
static int mult_before(const char *text, size_t at, size_t *start)
{
	for (size_t m = 0; m < sizeof mults / sizeof mults[0]; m++)
		if (ends_at(text, at, mults[m].text)) {
			*start = at - strlen(mults[m].text);
			return mults[m].exp;
		}
	*start = at;
	return 0;
}

static int mult_after(const char *text, size_t len, size_t at)
{
	at = skip_space(text, len, at, 2);
	for (size_t m = 0; m < sizeof mults / sizeof mults[0]; m++)
		if (match(text, len, at, mults[m].text))
			return mults[m].exp;
	return 0;
}

static double term_value(const char *term)
{
	const char *colon = strrchr(term, ':');
	return colon ? strtod(colon + 1, NULL) : 0;
}

/* The first number of a range whose second figure is f: "300" of
 * 300-500吨, into r. 1 when f is the end of a range. prev: the figure
 * before f, or NULL (300吨-500吨). */
static int range_before(const char *text, size_t len, const struct portal_qty *f,
			const struct portal_qty *prev, struct portal_qty_range *r)
{
	size_t at = skip_space_back(text, f->start), sep = 0;
	for (size_t s = 0; s < sizeof range_seps / sizeof range_seps[0] && !sep; s++)
		if (ends_at(text, at, range_seps[s]))
			sep = strlen(range_seps[s]);
	if (!sep)
		return 0;
	at = skip_space_back(text, at - sep);
	double v2 = term_value(f->term), v1;
	size_t start;
	if (prev && prev->end == at) {
		size_t ul = (size_t)(strrchr(f->term, ':') - f->term);
		if (strncmp(prev->term, f->term, ul + 1) != 0 && strncmp(prev->also, f->term, ul + 1) != 0)
			return 0;
		v1 = term_value(prev->term);
		start = prev->start;
	} else {
		size_t num_end;
		int m1 = mult_before(text, at, &num_end);
		size_t s = num_end;
		while (s > 0 && (is_digit(text[s - 1]) || text[s - 1] == '.' || text[s - 1] == ','))
			s--;
		while (s < num_end && !is_digit(text[s]))
			s++;
		if (s == num_end || (s > 0 && (is_alpha(text[s - 1]) || text[s - 1] == '/' || text[s - 1] == '_')))
			return 0;
		double n2 = number_of(text, f->start, f->num_end), n1 = number_of(text, s, num_end);
		if (!(n2 > 0))
			return 0;
		double factor = v2 / n2;
		if (num_end != at)	/* 5万-10万元: each number its own multiplier */
			factor *= pow(10, m1 - mult_after(text, len, f->num_end));
		v1 = n1 * factor;
		start = s;
	}
	r->lo = v1 < v2 ? v1 : v2;
	r->hi = v1 < v2 ? v2 : v1;
	r->bound = PORTAL_QTY_RANGE;
	r->start = start;
	return 1;
}

/* A bound word before or after f, into r. 1 when there is one. */
static int bound_of(const char *text, size_t len, const struct portal_qty *f, struct portal_qty_range *r)
{
	double v = term_value(f->term);
	int found = 0;
	size_t at = skip_space_back(text, f->start);
	for (size_t b = 0; b < sizeof bound_before / sizeof bound_before[0] && !found; b++) {
		if (!ends_at(text, at, bound_before[b].text))
			continue;
		size_t w = at - strlen(bound_before[b].text);
		int other = 0;
		for (size_t k = 0; k < sizeof not_about / sizeof not_about[0]; k++)
			other |= bound_before[b].bound == PORTAL_QTY_ABOUT && strcmp(bound_before[b].text, "约") == 0 &&
				 ends_at(text, w, not_about[k]);
		if (other)
			continue;
		r->bound = bound_before[b].bound;
		r->start = w;
		found = 1;
	}
	size_t after = skip_space(text, len, f->end, 2);
	for (size_t b = 0; b < sizeof bound_after / sizeof bound_after[0]; b++) {
		size_t k = match(text, len, after, bound_after[b].text);
		if (!k)
			continue;
		if (!found) {
			r->bound = bound_after[b].bound;
			r->start = f->start;
			found = 1;
		}
		r->end = after + k;
		break;
	}
	if (!found)
		return 0;
	switch (r->bound) {
	case PORTAL_QTY_MORE:
	case PORTAL_QTY_AT_LEAST:
		r->lo = v, r->hi = HUGE_VAL;
		break;
	case PORTAL_QTY_LESS:
	case PORTAL_QTY_AT_MOST:
		r->lo = 0, r->hi = v;
		break;
	default:
		r->bound = PORTAL_QTY_ABOUT;
		r->lo = v * (1 - PORTAL_QTY_ABOUT_SHARE), r->hi = v * (1 + PORTAL_QTY_ABOUT_SHARE);
	}
	return 1;
}

size_t portal_qty_ranges(const char *q, size_t len, struct portal_qty_range *out, size_t max)
{
	struct portal_qty fs[16];
	size_t nf = portal_qty_find(q, len, fs, 16), n = 0;
	for (size_t i = 0; i < nf && n < max; i++) {
		struct portal_qty_range *r = &out[n];
		memset(r, 0, sizeof *r);
		r->q = fs[i];
		r->end = fs[i].end;
		const char *colon = strrchr(fs[i].term, ':');
		snprintf(r->unit, sizeof r->unit, "%.*s", (int)(colon - fs[i].term), fs[i].term);
		if (range_before(q, len, &fs[i], i ? &fs[i - 1] : NULL, r)) {
			/* 300吨-500吨: the first figure was no figure of its own */
			if (n && out[n - 1].q.start == r->start)
				out[n - 1] = *r;
			else
				n++;
		} else if (bound_of(q, len, &fs[i], r)) {
			n++;
		}
	}
	return n;
}
