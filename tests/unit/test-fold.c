/* test-fold.c: unit tests for what documents and queries share before they
 * become terms: traditional characters folded to simplified (fold.c) and
 * figures with units in one form (quantity.c). */
#include "arena.h"
#include "fold.h"
#include "quantity.h"
#include "synonyms.h"

#include "check-run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- traditional and simplified ----------------------------------------- */

static void folds_to(const char *in, const char *want)
{
	struct buf b = BUF_INIT;
	portal_fold_text(&b, in, strlen(in));
	ck_assert_msg(strcmp(buf_str(&b), want) == 0, "\"%s\" folded to \"%s\", not \"%s\"", in,
		      buf_str(&b), want);
	buf_free(&b);
}

START_TEST(traditional_folds_to_simplified)
{
	folds_to("環境保護", "环境保护");
	folds_to("清潔生產審核報告", "清洁生产审核报告");
	folds_to("節約標準煤320噸", "节约标准煤320吨");
	folds_to("臺灣 香港 澳門", "台湾 香港 澳门");
	/* phrases on a line that converts: 乾燥 is 干燥, 乾隆 stays */
	folds_to("乾燥設備", "干燥设备");
	folds_to("乾隆年間", "乾隆年间");
	/* full-width digits and letters as ASCII, in the same pass */
	folds_to("ＧＢ１８４６６節水", "GB18466节水");
	/* only the lines that need it change; the rest stays byte for byte */
	folds_to("环境保护\n環境保護\n第二行\n", "环境保护\n环境保护\n第二行\n");
	folds_to("", "");
}
END_TEST

START_TEST(simplified_text_is_left_as_it_is)
{
	/* the same function folds documents and queries: simplified text,
	 * which most documents are, must come out unchanged */
	const char *same[] = {
		"环境保护", "清洁生产审核报告", "节约标准煤 320 吨", "干燥", "著作权", "后来",
		"中华人民共和国固体废物污染环境防治法", "医疗机构水污染物排放标准 GB 18466-2005",
		"VOCs 挥发性有机物", "COD 50mg/L",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		folds_to(same[i], same[i]);
}
END_TEST

START_TEST(snippets_fold_character_by_character)
{
	ck_assert_uint_eq(portal_fold_char(0x74B0 /* 環 */), 0x73AF /* 环 */);
	ck_assert_uint_eq(portal_fold_char(0x73AF), 0x73AF);
	ck_assert_uint_eq(portal_fold_char('a'), 'a');
	struct buf b = BUF_INIT;
	const char *s = "abc 環境保護，清潔生產";
	ck_assert_int_eq(portal_fold_same_length(&b, s, strlen(s)), 1);
	ck_assert_uint_eq(b.len, strlen(s));
	ck_assert_str_eq(buf_str(&b), "abc 环境保护，清洁生产");
	buf_reset(&b);
	ck_assert_int_eq(portal_fold_same_length(&b, "环境", 6), 0);
	buf_free(&b);
}
END_TEST

/* ---- figures with units -------------------------------------------------- */

/* The terms of every figure in text, space-separated ("also" terms in
 * brackets). */
static const char *terms_of(const char *text)
{
	static char out[1024];
	struct portal_qty q[16];
	size_t n = portal_qty_find(text, strlen(text), q, 16);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, sizeof out - used, "%s%s", used ? " " : "", q[i].term);
		if (q[i].also[0]) {
			used = strlen(out);
			snprintf(out + used, sizeof out - used, "[%s]", q[i].also);
		}
	}
	return out;
}

static void figures(const char *text, const char *want)
{
	/* the way both sides read text: folded first */
	struct buf b = BUF_INIT;
	portal_fold_text(&b, text, strlen(text));
	const char *got = terms_of(buf_str(&b));
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\" gave \"%s\", not \"%s\"", text, got, want);
	buf_free(&b);
}

START_TEST(a_quoted_figure_finds_the_report)
{
	/* the example: the query and the report's own spelling */
	figures("节约标准煤 320 吨", "tce:320[t:320]");
	figures("年节约标煤320t", "tce:320[t:320]");
	figures("年节约标准煤约320吨", "tce:320[t:320]");
	figures("节能量 320 吨标准煤", "tce:320[t:320]");
	figures("节能量320tce", "tce:320[t:320]");
	figures("320吨标煤/年", "tce/a:320[t/a:320]");
	figures("折合标准煤1.2万吨", "tce:12000[t:12000]");
	figures("4500千克标准煤", "tce:4.5[t:4.5]");
}
END_TEST

START_TEST(units_have_one_form)
{
	figures("年节电 5.6 万千瓦时", "kwh:56000");
	figures("年节电5.6万kWh", "kwh:56000");
	figures("节电56000 kW·h", "kwh:56000");
	figures("节约用电5.6万度", "kwh:56000");
	figures("节电 1000度电", "kwh:1000");
	figures("年发电量 2.5 MWh", "kwh:2500");
	figures("节水 1200 立方米", "m3:1200");
	figures("节水1200m3", "m3:1200");
	figures("节水1,200 m³", "m3:1200");
	figures("节水 0.12 万方", "m3:1200");
	figures("节水38153立方", "m3:38153");	/* 立方 alone, as people say it */
	figures("容积 500 立方厘米", "cm3:500");	/* not 500 m³ */
	figures("处理能力 500 t/a", "t/a:500");
	figures("处理能力500吨/年", "t/a:500");
	figures("处理规模 30 t/d", "t/d:30");
	figures("减少 COD 排放 12.5 kg", "t:0.0125");
	figures("投资 150 万元", "yuan:1500000");
	figures("总投资1.5亿元", "yuan:150000000");
	figures("光伏装机 200 kW", "kw:200");
	figures("装机 1.5 兆瓦", "kw:1500");
	figures("COD 限值 50 mg/L", "mg/l:50");
	figures("颗粒物 10mg/m³", "mg/m3:10");
	figures("节能率 15%", "pct:15");
	figures("节能率１５．５％", "pct:15.5");	/* full-width digits, point and sign */
	figures("减排二氧化碳 300 吨二氧化碳", "tco2:300");
	figures("节水 1.20 万m3/a", "m3/a:12000");
	figures("0.50吨", "t:0.5");
}
END_TEST

START_TEST(numbers_that_are_not_figures)
{
	figures("GB 3838-2002", "");		/* a standard number */
	figures("2014年", "");			/* a year */
	figures("第3章 5条", "");
	figures("CO2排放", "");			/* a digit inside a word */
	figures("5 tons", "");			/* a Latin unit ends where the letters do */
	figures("30度的水温", "");		/* 度 alone is no unit */
	figures("3方面", "");			/* nor 方 */
	figures("1千瓦", "kw:1");		/* 千 before 瓦 is part of the unit */
	figures("v1.5t", "");
	figures("⎛1 T", "");			/* T is no tonne */
	figures("投资3. 6万元", "");		/* a figure broken after its point */
	figures("5.6.7吨", "");			/* a section number, not a figure */
}
END_TEST

/* ---- synonyms ------------------------------------------------------------ */

/* The project's list (doc/synonyms.tsv, read where the build put it) and
 * an instance's additions, in a data directory of the test's own. */
START_TEST(synonym_words_become_groups)
{
	char data[] = "/tmp/test-fold.XXXXXX", path[300];
	ck_assert_ptr_nonnull(mkdtemp(data));
	setenv("PORTAL_DATA", data, 1);
	snprintf(path, sizeof path, "%s/index", data);
	mkdir(path, 0700);
	struct arena *a = arena_new();
	const char *const *groups;
	size_t n;
	const char *q = synonyms_expand(a, "北京 节能", &groups, &n);
	ck_assert_str_eq(q, "北京 syn:0");
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(strstr(groups[0], "节约能源") && strstr(groups[0], "节能"), "group: %s", groups[0]);
	/* Latin letters in any case; a group named twice is given once */
	q = synonyms_expand(a, "vocs 危废 VOCs", &groups, &n);
	ck_assert_str_eq(q, "syn:0 syn:1 syn:0");
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(groups[0], "挥发性有机物"));
	ck_assert_ptr_nonnull(strstr(groups[1], "危险废物"));
	/* only whole words; nothing in quotes */
	q = synonyms_expand(a, "民用建筑节能 \"节能\"", &groups, &n);
	ck_assert_str_eq(q, "民用建筑节能 \"节能\"");
	ck_assert_uint_eq(n, 0);
	/* the instance's line sharing a term joins the project's group; its
	 * traditional spelling is folded like a query */
	snprintf(path, sizeof path, "%s/index/synonyms.tsv", data);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* the same term three times over (once more than the project's) */
	fputs("# the admin's\n節能\t节电\n节能\t节约能源\t节能\n", f);
	fclose(f);
	q = synonyms_expand(a, "节能", &groups, &n);
	ck_assert_str_eq(q, "syn:0");
	ck_assert_msg(strstr(groups[0], "节约能源") && strstr(groups[0], "节电"), "group: %s", groups[0]);
	/* PORTAL_SYNONYMS="" leaves the project's list out (the admin's stays) */
	setenv("PORTAL_SYNONYMS", "", 1);
	q = synonyms_expand(a, "COD", &groups, &n);
	ck_assert_str_eq(q, "COD");
	q = synonyms_expand(a, "节能", &groups, &n);
	ck_assert_msg(n == 1 && strstr(groups[0], "节电"), "group: %s", n ? groups[0] : "");
	unsetenv("PORTAL_SYNONYMS");
	unlink(path);
	snprintf(path, sizeof path, "%s/index", data);
	rmdir(path);
	rmdir(data);
	arena_destroy(a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("fold");
	TCase *tc = tcase_create("fold");
	tcase_add_test(tc, traditional_folds_to_simplified);
	tcase_add_test(tc, simplified_text_is_left_as_it_is);
	tcase_add_test(tc, snippets_fold_character_by_character);
	tcase_add_test(tc, a_quoted_figure_finds_the_report);
	tcase_add_test(tc, units_have_one_form);
	tcase_add_test(tc, numbers_that_are_not_figures);
	tcase_add_test(tc, synonym_words_become_groups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
