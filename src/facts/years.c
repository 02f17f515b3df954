/* years.c: years in a query as values (years.h). */
#include "years.h"

#include <string.h>

#define YEAR_MIN 1949
#define YEAR_MAX 2100

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

static size_t at_word(const char *q, size_t len, size_t i, const char *w)
{
	size_t n = strlen(w);
	return i + n <= len && memcmp(q + i, w, n) == 0 ? n : 0;
}

static size_t skip_space(const char *q, size_t len, size_t i)
{
	for (;;) {
		if (i < len && (q[i] == ' ' || q[i] == '\t'))
			i++;
		else if (at_word(q, len, i, "\xe3\x80\x80"))
			i += 3;
		else
			return i;
	}
}

/* A four-digit year at q[i] on its own (no digit, letter or bracket
 * around it), or 0. */
static int year_at(const char *q, size_t len, size_t i)
{
	if (i + 4 > len || (i > 0 && (is_digit(q[i - 1]) || is_alpha(q[i - 1]) || q[i - 1] == '.' ||
				      q[i - 1] == '/' || q[i - 1] == '[')))
		return 0;
	int y = 0;
	for (size_t k = 0; k < 4; k++) {
		if (!is_digit(q[i + k]))
			return 0;
		y = y * 10 + (q[i + k] - '0');
	}
	if ((i + 4 < len && is_digit(q[i + 4])) || y < YEAR_MIN || y > YEAR_MAX)
		return 0;
	return y;
}

static const char *const seps[] = {
	"-", "~", "\xef\xbd\x9e" /* ～ */, "\xe2\x80\x94" /* — */, "\xe2\x80\x93" /* – */,
	"\xef\xbc\x8d" /* － */, "至", "到",
};

/* What may follow a year's 年 and belongs to it. */
static const char *const after_year[] = { "度", "上半年", "下半年", "全年", "底", "初" };

static size_t sep_at(const char *q, size_t len, size_t i)
{
	for (size_t s = 0; s < sizeof seps / sizeof seps[0]; s++) {
		size_t n = at_word(q, len, i, seps[s]);
		if (n)
			return n;
	}
	return 0;
}

/* 2014年, 2013-2015年, 2013年至2015年 at q[i], into y; its end, or 0. */
static size_t years_at(const char *q, size_t len, size_t i, struct portal_years *y)
{
	int a = year_at(q, len, i), b = 0;
	if (!a)
		return 0;
	size_t at = i + 4, nian = at_word(q, len, at, "年");
	size_t s = skip_space(q, len, at + nian), n = sep_at(q, len, s);
	if (n) {
		size_t t = skip_space(q, len, s + n);
		if (t + 4 <= len && (b = year_at(q, len, t)) && b >= a && b - a < PORTAL_YEARS_SPAN) {
			at = t + 4;
			nian = at_word(q, len, at, "年");
		} else {
			b = 0;
		}
	}
	if (!nian)
		return 0;	/* 2014 alone: maybe a number */
	at += nian;
	for (size_t k = 0; k < sizeof after_year / sizeof after_year[0]; k++) {
		size_t m = at_word(q, len, at, after_year[k]);
		if (m) {
			at += m;
			break;
		}
	}
	y->start = i;
	y->end = at;
	y->from = a;
	y->to = b ? b : a;
	y->keep_text = 0;
	return at;
}

/* 一 .. 二十 or 1 .. 20 at q[i] into *n; its length, or 0. */
static size_t count_at(const char *q, size_t len, size_t i, int *n)
{
	static const char *const digits[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九" };
	if (i < len && is_digit(q[i])) {
		size_t k = i;
		int v = 0;
		while (k < len && is_digit(q[k]) && k - i < 2)
			v = v * 10 + (q[k++] - '0');
		if (v < 1 || v > 20 || (k < len && is_digit(q[k])))
			return 0;
		*n = v;
		return k - i;
	}
	if (at_word(q, len, i, "两")) {
		*n = 2;
		return 3;
	}
	size_t k = i;
	int v = 0;
	if (at_word(q, len, k, "十")) {
		v = 10;
		k += 3;
	}
	for (int d = 0; d < 9; d++)
		if (at_word(q, len, k, digits[d])) {
			v += d + 1;
			k += 3;
			break;
		}
	if (!v)
		return 0;
	*n = v;
	return k - i;
}

/* 近三年, 最近 5 年, 过去两年 at q[i]; its end, or 0. */
static size_t recent_at(const char *q, size_t len, size_t i, int this_year, struct portal_years *y)
{
	static const char *const lead[] = { "最近", "近", "过去" };
	for (size_t l = 0; l < sizeof lead / sizeof lead[0]; l++) {
		size_t k = at_word(q, len, i, lead[l]);
		if (!k)
			continue;
		int n;
		size_t c = skip_space(q, len, i + k), m = count_at(q, len, c, &n);
		if (!m)
			continue;
		size_t e = skip_space(q, len, c + m), nian = at_word(q, len, e, "年");
		if (!nian)
			continue;
		y->start = i;
		y->end = e + nian;
		y->from = this_year - n;
		y->to = this_year;
		y->keep_text = 0;
		return y->end;
	}
	static const struct { const char *w; int back; } rel[] = {
		{ "今年", 0 }, { "去年", 1 }, { "前年", 2 },
	};
	for (size_t r = 0; r < sizeof rel / sizeof rel[0]; r++) {
		size_t k = at_word(q, len, i, rel[r].w);
		if (!k)
			continue;
		size_t at = i + k;
		for (size_t a = 0; a < sizeof after_year / sizeof after_year[0]; a++) {
			size_t m = at_word(q, len, at, after_year[a]);
			if (m) {
				at += m;
				break;
			}
		}
		y->start = i;
		y->end = at;
		y->from = y->to = this_year - rel[r].back;
		y->keep_text = 0;
		return at;
	}
	return 0;
}

/* 十一五 .. 十五五: the five-year plans; their end, or 0. */
static size_t plan_at(const char *q, size_t len, size_t i, struct portal_years *y)
{
	static const struct { const char *w; int from; } plans[] = {
		{ "十一五", 2006 }, { "十二五", 2011 }, { "十三五", 2016 }, { "十四五", 2021 },
		{ "十五五", 2026 },
	};
	for (size_t p = 0; p < sizeof plans / sizeof plans[0]; p++) {
		size_t k = at_word(q, len, i, plans[p].w);
		if (!k)
			continue;
		y->start = i;
		y->end = i + k;
		y->from = plans[p].from;
		y->to = plans[p].from + 4;
		y->keep_text = 1;
		return i + k;
	}
	return 0;
}

size_t portal_years_find(const char *q, size_t len, int this_year, struct portal_years *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len && n < max;) {
		size_t end = years_at(q, len, i, &out[n]);
		if (!end)
			end = recent_at(q, len, i, this_year, &out[n]);
		if (!end)
			end = plan_at(q, len, i, &out[n]);
		if (end) {
			n++;
			i = end;
		} else {
			i++;
		}
	}
	return n;
}
