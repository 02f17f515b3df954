/* quantity.c: figures with units in one form (quantity.h). */
#include "quantity.h"

#include <stdio.h>
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
	{ "立方米", "m3", 0, 0 }, { "m³", "m3", 0, 0 }, { "m3", "m3", 0, 0 },
	{ "方", "m3", 0, 1 },
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
