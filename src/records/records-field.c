/* records-field.c: checking one value against its field (records.h), and
 * the small date and money helpers every record type uses.
 *
 * Values arrive as JSON from the API or as strings from HTML forms; both go
 * through rec_value(), which answers the value to store or a 422 sentence
 * naming the field in Chinese and in English. */
#include "records.h"
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "normalize.h"
#include "utf8.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int rctx_fail(struct rctx *c, int status, const char *code, const char *field, const char *msg)
{
	c->status = status;
	c->code = code;
	/* copied: a field may be a key of the request's body, which the
	 * caller frees before it answers the failure */
	c->field = field && c->a ? arena_strdup(c->a, field) : field;
	c->msg = msg;
	return status;
}

static int bad(struct rctx *c, const struct rfield *f, const char *zh, const char *en)
{
	return rctx_fail(c, 422, "invalid", f->name,
			 arena_printf(c->a, "%s：%s。 %s: %s.", f->label, zh, f->name, en));
}

/* ---- dates ------------------------------------------------------------ */

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int rec_date_valid(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	return y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= days_in(y, m);
}

void rec_date_add_months(const char *date, int months, char *out)
{
	int y = atoi(date), m = atoi(date + 5) - 1 + months, d = atoi(date + 8);
	y += m / 12;
	m = m % 12 + 1;
	if (d > days_in(y, m))
		d = days_in(y, m);
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 10);
	out[10] = '\0';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (the civil-days
 * formula of Howard Hinnant's date algorithms). */
static long civil_days(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long rec_days_between(const char *a, const char *b)
{
	if (!rec_date_valid(a) || !rec_date_valid(b))
		return 0;
	return civil_days(atoi(b), atoi(b + 5), atoi(b + 8)) - civil_days(atoi(a), atoi(a + 5), atoi(a + 8));
}

void rec_today(char *out)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

const char *rec_yuan(struct arena *a, long long fen)
{
	return arena_printf(a, "%s%lld.%02lld", fen < 0 ? "-" : "", llabs(fen) / 100, llabs(fen) % 100);
}

const char *rec_yuan_text(struct arena *a, long long fen)
{
	char digits[32], out[48];
	snprintf(digits, sizeof digits, "%lld", llabs(fen) / 100);
	size_t n = strlen(digits), o = 0;
	if (fen < 0)
		out[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	return arena_printf(a, "%s.%02lld 元", out, llabs(fen) % 100);
}

/* ---- one value ---------------------------------------------------------- */

static int parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

/* "1234", "1234.5", "1234.56" yuan -> fen. */
static int parse_yuan(const char *s, long long *fen)
{
	long long whole = 0, frac = 0;
	int digits = 0, fd = 0;
	const char *p = s;
	for (; isdigit((unsigned char)*p); p++, digits++) {
		if (whole > 100000000000LL)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, fd++)
			if (fd < 2)
				frac = frac * 10 + (*p - '0');
			else
				return -1;
		if (fd == 1)
			frac *= 10;
	}
	if (*p || !digits)
		return -1;
	*fen = whole * 100 + frac;
	return 0;
}

static int ref_exists(struct rctx *c, const char *table, const char *id)
{
	sqlite3_stmt *st = portal_db_prepare(c->db, arena_printf(c->a, "SELECT 1 FROM %s WHERE id = ?", table));
	sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int integer_of(json_t *v, long long *out)
{
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	return json_is_string(v) ? parse_ll(json_string_value(v), out) : -1;
}

/* One function per field type: v (a string s, or NULL when v is not a
 * string) checked, the value to store in *out; or a 422 sentence. */

static int text_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	size_t max = f->type == FT_TEXT ? 200 : 4000;
	if (!s)
		return bad(c, f, "应为文本", "must be a string");
	if (portal_utf8_count_str(s) > max)
		return bad(c, f, arena_printf(c->a, "不能超过 %zu 个字", max),
			   arena_printf(c->a, "must be at most %zu characters", max));
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && !(f->type == FT_LONG && (*p == '\n' || *p == '\t' || *p == '\r')))
			return bad(c, f, "含有控制字符", "must not contain control characters");
	*out = json_string(s);
	return 0;
}

static int int_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	long long n;
	long long lo = f->type == FT_YEAR ? 2000 : f->min, hi = f->type == FT_YEAR ? 2100 : f->max;
	if (integer_of(v, &n) < 0)
		return bad(c, f, "应为整数", "must be a whole number");
	if (n < lo || n > hi)
		return bad(c, f, arena_printf(c->a, "应在 %lld 到 %lld 之间", lo, hi),
			   arena_printf(c->a, "must be between %lld and %lld", lo, hi));
	*out = json_integer(n);
	return 0;
}

static int money_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	long long n;
	if (json_is_integer(v))
		n = json_integer_value(v);
	else if (!s || parse_yuan(s, &n) < 0)
		return bad(c, f, "金额应为元（最多两位小数）", "must be an amount: integer fen in JSON, yuan with at most 2 decimals in forms");
	if (n < 0 || n > 10000000000000LL)
		return bad(c, f, "金额不能为负数或过大", "must not be negative or absurdly large");
	*out = json_integer(n);
	return 0;
}

static int real_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	double d;
	char *end = NULL;
	if (json_is_number(v))
		d = json_number_value(v);
	else if (s && (d = strtod(s, &end), end && *s && !*end))
		;
	else
		return bad(c, f, "应为数字", "must be a number");
	if (!isfinite(d) || d < 0 || d > 1e12)
		return bad(c, f, "应为不小于零的数字", "must be a number not below zero");
	*out = json_real(d);
	return 0;
}

static int date_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	if (!s || !rec_date_valid(s))
		return bad(c, f, "日期应为 YYYY-MM-DD 格式的有效日期", "must be a real date written YYYY-MM-DD");
	*out = json_string(s);
	return 0;
}

static int enum_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	for (const char *const *ch = f->choices; s && ch && *ch; ch++)
		if (strcmp(*ch, s) == 0) {
			*out = json_string(s);
			return 0;
		}
	return bad(c, f, "取值不在允许范围内", "is not one of the allowed values");
}

static int ref_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	if (!s || !ref_exists(c, f->ref, s))
		return bad(c, f, arena_printf(c->a, "没有编号为“%s”的记录", s ? s : ""),
			   arena_printf(c->a, "there is no %s with id '%s'", f->ref, s ? s : ""));
	*out = json_string(s);
	return 0;
}

/* Ids separated by commas or spaces, each an existing record, stored
 * joined by commas. */
static int refs_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	if (!s)
		return bad(c, f, "应为以逗号分隔的编号", "must be ids separated by commas");
	char *copy = arena_strdup(c->a, s), *save = NULL;
	struct buf norm = BUF_INIT;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!ref_exists(c, f->ref, tok)) {
			buf_free(&norm);
			return bad(c, f, arena_printf(c->a, "没有编号为“%s”的记录", tok),
				   arena_printf(c->a, "there is no %s with id '%s'", f->ref, tok));
		}
		if (norm.len)
			buf_putc(&norm, ',');
		buf_puts(&norm, tok);
	}
	*out = norm.len ? json_string(buf_str(&norm)) : json_null();
	buf_free(&norm);
	if ((f->flags & F_REQ) && json_is_null(*out)) {
		json_decref(*out);
		*out = NULL;
		return bad(c, f, "必须填写", "is required");
	}
	return 0;
}

static int credit_value(struct rctx *c, const struct rfield *f, json_t *v, const char *s, json_t **out)
{
	char code[32], why[160];
	if (!s)
		return bad(c, f, "应为 18 位统一社会信用代码", "must be an 18-character unified social credit code");
	if (portal_norm_credit_code(s, strlen(s), code, sizeof code, why, sizeof why) < 0)
		return bad(c, f, "不是有效的统一社会信用代码（GB 32100-2015）",
			   arena_printf(c->a, "is not a valid unified social credit code (%s)", why));
	*out = json_string(code);
	return 0;
}

int rec_value(struct rctx *c, const struct rfield *f, json_t *v, json_t **out)
{
	*out = NULL;
	int empty = !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
	if (empty) {
		if (f->flags & F_REQ)
			return bad(c, f, "必须填写", "is required");
		*out = json_null();
		return 0;
	}
	const char *s = json_string_value(v);	/* NULL unless a string */
	switch (f->type) {
	case FT_TEXT:
	case FT_LONG: return text_value(c, f, v, s, out);
	case FT_INT:
	case FT_YEAR: return int_value(c, f, v, s, out);
	case FT_MONEY: return money_value(c, f, v, s, out);
	case FT_REAL: return real_value(c, f, v, s, out);
	case FT_DATE: return date_value(c, f, v, s, out);
	case FT_ENUM: return enum_value(c, f, v, s, out);
	case FT_REF: return ref_value(c, f, v, s, out);
	case FT_REFS: return refs_value(c, f, v, s, out);
	case FT_CREDIT: return credit_value(c, f, v, s, out);
	}
	return bad(c, f, "无法识别", "cannot be read");
}

void rec_bind(sqlite3_stmt *st, int idx, json_t *v)
{
	if (json_is_string(v))
		sqlite3_bind_text(st, idx, json_string_value(v), -1, SQLITE_TRANSIENT);
	else if (json_is_integer(v))
		sqlite3_bind_int64(st, idx, json_integer_value(v));
	else if (json_is_real(v))
		sqlite3_bind_double(st, idx, json_real_value(v));
	else
		sqlite3_bind_null(st, idx);
}

json_t *rec_column(sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(st, i));
	case SQLITE_FLOAT: return json_real(sqlite3_column_double(st, i));
	case SQLITE_TEXT: return json_string((const char *)sqlite3_column_text(st, i));
	default: return json_null();
	}
}

json_t *rec_rows(sqlite3 *db, const char *sql, const char *arg)
{
	sqlite3_stmt *st = portal_db_prepare(db, sql);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
	json_t *a = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < sqlite3_column_count(st); i++)
			json_object_set_new(o, sqlite3_column_name(st, i), rec_column(st, i));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(st);
	return a;
}
