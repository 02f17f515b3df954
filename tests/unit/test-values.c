/* test-values.c: figures and years as values (issue #18): a figure's value
 * buckets, ranges and bounds read from a query and the buckets that cover
 * them (quantity.c), years read from a query (years.c). */
#include "quantity.h"
#include "years.h"
#include "fold.h"
#include "buf.h"

#include "check-run.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- buckets ------------------------------------------------------------- */

static const char *buckets_of(const char *term)
{
	static char out[256];
	char b[PORTAL_QTY_BUCKETS][PORTAL_QTY_MAX];
	size_t n = portal_qty_buckets(term, b);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", b[i]);
	return out;
}

START_TEST(a_figure_has_buckets_of_its_value)
{
	ck_assert_str_eq(buckets_of("t:320"), "t:2 t:2:3 t:2:32 t:2:320 t:2:3200");
	ck_assert_str_eq(buckets_of("kwh:56000"), "kwh:4 kwh:4:5 kwh:4:56 kwh:4:560 kwh:4:5600");
	ck_assert_str_eq(buckets_of("t/a:5000"), "t/a:3 t/a:3:5 t/a:3:50 t/a:3:500 t/a:3:5000");
	ck_assert_str_eq(buckets_of("t:0.0125"), "t:-2 t:-2:1 t:-2:12 t:-2:125 t:-2:1250");
	/* four significant digits, rounded */
	ck_assert_str_eq(buckets_of("tce:2543.14"), "tce:3 tce:3:2 tce:3:25 tce:3:254 tce:3:2543");
	ck_assert_str_eq(buckets_of("t:0"), "");
	ck_assert_str_eq(buckets_of("yuan:1" "0000000000000"), "");	/* beyond 10^12 */
}
END_TEST

/* ---- ranges and bounds in a query ---------------------------------------- */

/* The ranges of a query, as "unit lo..hi bound" lines (hi "inf" when open),
 * with the text each spans. */
static const char *ranges_of(const char *query)
{
	static char out[512];
	struct buf b = BUF_INIT;
	portal_fold_text(&b, query, strlen(query));
	const char *t = buf_str(&b);
	struct portal_qty_range r[8];
	size_t n = portal_qty_ranges(t, strlen(t), r, 8);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char hi[32];
		if (isfinite(r[i].hi))
			snprintf(hi, sizeof hi, "%g", r[i].hi);
		else
			snprintf(hi, sizeof hi, "inf");
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s %g..%s %d [%.*s]", i ? "; " : "",
			 r[i].unit, r[i].lo, hi, (int)r[i].bound, (int)(r[i].end - r[i].start), t + r[i].start);
	}
	buf_free(&b);
	return out;
}

static void ranges(const char *query, const char *want)
{
	const char *got = ranges_of(query);
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\" gave \"%s\", not \"%s\"", query, got, want);
}

START_TEST(ranges_in_a_query)
{
	ranges("节约标准煤 300-500吨", "t 300..500 0 [300-500吨]");
	ranges("300～500 t", "t 300..500 0 [300～500 t]");
	ranges("300到500吨标准煤", "tce 300..500 0 [300到500吨标准煤]");
	ranges("300吨-500吨", "t 300..500 0 [300吨-500吨]");
	ranges("投资 5-10万元", "yuan 50000..100000 0 [5-10万元]");
	ranges("投资 5万-10万元", "yuan 50000..100000 0 [5万-10万元]");
	ranges("年节电 5.6万-8万千瓦时", "kwh 56000..80000 0 [5.6万-8万千瓦时]");
	ranges("３００－５００吨", "t 300..500 0 [300－500吨]");	/* full-width digits */
	ranges("500-300 m³", "m3 300..500 0 [500-300 m³]");
}
END_TEST

START_TEST(bounds_in_a_query)
{
	ranges("超过 100万元", "yuan 1e+06..inf 1 [超过 100万元]");
	ranges("大于100万元", "yuan 1e+06..inf 1 [大于100万元]");
	ranges("不低于 100万元", "yuan 1e+06..inf 2 [不低于 100万元]");
	ranges("100万元以上", "yuan 1e+06..inf 2 [100万元以上]");
	ranges("不超过 50 m³", "m3 0..50 4 [不超过 50 m³]");
	ranges("低于50m³", "m3 0..50 3 [低于50m³]");
	ranges("50 m³以下", "m3 0..50 4 [50 m³以下]");
	ranges("约 320 吨", "t 288..352 5 [约 320 吨]");
	ranges("320吨左右", "t 288..352 5 [320吨左右]");
	ranges("年节电 5.6万千瓦时以上", "kwh 56000..inf 2 [5.6万千瓦时以上]");
	ranges("不足 50 m³", "m3 0..50 3 [不足 50 m³]");
	ranges("未超过 50 m³", "m3 0..50 4 [未超过 50 m³]");
	ranges("320吨上下", "t 288..352 5 [320吨上下]");
	ranges("不到500吨", "t 0..500 3 [不到500吨]");	/* 到 here is no range */
	ranges("≥ 100万元", "yuan 1e+06..inf 2 [≥ 100万元]");
	/* 节约 is not 约; a plain figure has no bound */
	ranges("节约320吨", "");
	ranges("节约标准煤 320 吨", "");
	ranges("GB 18466-2005", "");
	ranges("2013-2015年", "");
}
END_TEST

/* The covering buckets of a range, space-separated. */
static const char *cover_of(const char *unit, double lo, double hi, enum portal_qty_bound bound)
{
	static char out[4096];
	struct portal_qty_range r = { .lo = lo, .hi = hi, .bound = bound };
	snprintf(r.unit, sizeof r.unit, "%s", unit);
	char t[128][PORTAL_QTY_MAX];
	size_t n = portal_qty_range_terms(&r, t, 128);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", i ? " " : "", t[i]);
	return out;
}

/* 1 when one of value's buckets is among the covering ones. */
static int covered(const char *cover, const char *unit, const char *value)
{
	char term[PORTAL_QTY_MAX], b[PORTAL_QTY_BUCKETS][PORTAL_QTY_MAX];
	snprintf(term, sizeof term, "%s:%s", unit, value);
	size_t n = portal_qty_buckets(term, b);
	for (size_t i = 0; i < n; i++) {
		char w[256];
		snprintf(w, sizeof w, " %s ", b[i]);
		char padded[4200];
		snprintf(padded, sizeof padded, " %s ", cover);
		if (strstr(padded, w))
			return 1;
	}
	return 0;
}

START_TEST(ranges_cover_their_values_only)
{
	const char *c = cover_of("t", 300, 500, PORTAL_QTY_RANGE);
	ck_assert_str_eq(c, "t:2:3 t:2:4 t:2:5000");
	ck_assert(covered(c, "t", "300") && covered(c, "t", "500") && covered(c, "t", "420.5"));
	ck_assert(!covered(c, "t", "299.9") && !covered(c, "t", "501") && !covered(c, "t", "3000") &&
		  !covered(c, "t", "30"));
	ck_assert(!covered(c, "tce", "400"));	/* another unit */
	c = cover_of("t", 320.5, 4100, PORTAL_QTY_RANGE);
	ck_assert(covered(c, "t", "320.5") && covered(c, "t", "999") && covered(c, "t", "4100"));
	ck_assert(!covered(c, "t", "320.4") && !covered(c, "t", "4101"));
	/* open and strict bounds */
	c = cover_of("yuan", 1e6, HUGE_VAL, PORTAL_QTY_MORE);
	ck_assert(!covered(c, "yuan", "1000000") && covered(c, "yuan", "1001000") &&
		  covered(c, "yuan", "150000000") && !covered(c, "yuan", "999000"));
	c = cover_of("yuan", 1e6, HUGE_VAL, PORTAL_QTY_AT_LEAST);
	ck_assert(covered(c, "yuan", "1000000") && !covered(c, "yuan", "999900"));
	c = cover_of("m3", 0, 50, PORTAL_QTY_AT_MOST);
	ck_assert(covered(c, "m3", "50") && covered(c, "m3", "0.5") && !covered(c, "m3", "50.1"));
	c = cover_of("m3", 0, 50, PORTAL_QTY_LESS);
	ck_assert(!covered(c, "m3", "50") && covered(c, "m3", "49.99"));
}
END_TEST

/* ---- years in a query ----------------------------------------------------- */

static const char *years_of(const char *query)
{
	static char out[512];
	struct buf b = BUF_INIT;
	portal_fold_text(&b, query, strlen(query));
	const char *t = buf_str(&b);
	struct portal_years y[4];
	size_t n = portal_years_find(t, strlen(t), 2026, y, 4);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%d-%d%s [%.*s]", i ? "; " : "",
			 y[i].from, y[i].to, y[i].keep_text ? " kept" : "", (int)(y[i].end - y[i].start),
			 t + y[i].start);
	buf_free(&b);
	return out;
}

static void years(const char *query, const char *want)
{
	const char *got = years_of(query);
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\" gave \"%s\", not \"%s\"", query, got, want);
}

START_TEST(years_in_a_query)
{
	years("2014年 清洁生产审核", "2014-2014 [2014年]");
	years("２０１４年度 报告", "2014-2014 [2014年度]");
	years("2014年上半年 节能", "2014-2014 [2014年上半年]");
	years("2013-2015年 节能", "2013-2015 [2013-2015年]");
	years("2013年至2015年", "2013-2015 [2013年至2015年]");
	years("2013～2015年", "2013-2015 [2013～2015年]");
	years("近三年 审核报告", "2023-2026 [近三年]");
	years("最近 5 年", "2021-2026 [最近 5 年]");
	years("过去两年", "2024-2026 [过去两年]");
	years("去年 验收", "2025-2025 [去年]");
	years("十二五 节能 目标", "2011-2015 kept [十二五]");
	years("“十三五”规划", "2016-2020 kept [十三五]");
	/* not years */
	years("京发改[2014]123", "");
	years("京发改〔2014〕412号", "");
	years("GB 18466-2005", "");
	years("2014", "");
	years("节水 24514 m³/a", "");
	years("2015-2013年", "2013-2013 [2013年]");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("values");
	TCase *tc = tcase_create("values");
	tcase_add_test(tc, a_figure_has_buckets_of_its_value);
	tcase_add_test(tc, ranges_in_a_query);
	tcase_add_test(tc, bounds_in_a_query);
	tcase_add_test(tc, ranges_cover_their_values_only);
	tcase_add_test(tc, years_in_a_query);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
