/* test-meta.c: unit tests for meta.c: the metadata read from texts written
 * here (title, document and standard numbers, dates, year, enterprise and
 * credit code, sector and industry), and nothing from nothing; and for
 * industry.c: every spelling of an industry folds into its one canonical
 * name, which is the records' id for it. */
#include "meta.h"
#include "db.h"
#include "industry.h"
#include "results.h"

#include "check-run.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- meta ------------------------------------------------------------------ */

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *jat(json_t *o, const char *key, size_t i)
{
	return json_string_value(json_array_get(json_object_get(o, key), i));
}

static const char notice[] =
	"京发改〔2015〕1234号\n\n"
	"关于开展2015年清洁生产审核工作的\n通知\n\n"
	"各区县发展改革委，北京经济技术开发区经济发展局：\n"
	"为贯彻《中华人民共和国清洁生产促进法》，现将有关事项通知如下：\n"
	"一、北京宏远印刷有限公司（统一社会信用代码91110115857720795X）等单位列入名单。\n"
	"二、请于2015年5月19日前报送材料，逾期不候。\n"
	"特此通知。\n\n"
	"北京市发展和改革委员会\n"
	"二〇一五年四月十五日\n";

START_TEST(meta_of_a_notice)
{
	json_t *m = portal_meta_extract(NULL, notice, strlen(notice));

	ck_assert_str_eq(jstr(m, "title"), "关于开展2015年清洁生产审核工作的通知");
	ck_assert_str_eq(jat(m, "doc_no", 0), "京发改〔2015〕1234号");
	ck_assert_str_eq(jstr(m, "year"), "2015");
	ck_assert_str_eq(jat(m, "dates", 0), "2015-05-19");
	ck_assert_str_eq(jat(m, "dates", 1), "2015-04-15");
	ck_assert_uint_eq(json_array_size(json_object_get(m, "dates")), 2);
	ck_assert_str_eq(jat(m, "credit_code", 0), "91110115857720795X");
	ck_assert_str_eq(jat(m, "enterprise", 0), "北京宏远印刷有限公司");
	ck_assert_ptr_null(json_object_get(m, "standard_no"));
	ck_assert_ptr_null(json_object_get(m, "sector"));	/* a notice for everyone */
	json_decref(m);
}
END_TEST

static const char audit[] =
	"北京宏远印刷有限公司清洁生产审核报告（终稿）\n\n"
	"审核单位：北京宏远印刷有限公司\n"
	"统一社会信用代码：91110115857720795X\n"
	"咨询服务机构：北京中环清源节能环保咨询有限公司\n"
	"编制日期：2013年12月\n\n"
	"一、企业基本情况\n"
	"单位名称\t北京宏远印刷有限公司\n"
	"所属行业\t印刷\n"
	"企业于2008年3月1日成立，按照 HJ 469—2009 和 GB 18466 以及 GB 18466-2005 开展审核，"
	"审核期间（2013年4月—11月）委托北京中环清源节能环保咨询有限公司提供服务，"
	"统一社会信用代码 911101174993792664 填写有误。\n";

START_TEST(meta_of_an_audit_report)
{
	json_t *m = portal_meta_extract(NULL, audit, strlen(audit));

	ck_assert_str_eq(jstr(m, "title"), "北京宏远印刷有限公司清洁生产审核报告（终稿）");
	ck_assert_str_eq(jstr(m, "year"), "2013");	/* 编制日期, not 2008 */
	ck_assert_str_eq(jat(m, "enterprise", 0), "北京宏远印刷有限公司");
	ck_assert_str_eq(jat(m, "enterprise", 1), "北京中环清源节能环保咨询有限公司");
	ck_assert_uint_eq(json_array_size(json_object_get(m, "enterprise")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(m, "credit_code")), 1);	/* the bad one is dropped */
	ck_assert_str_eq(jat(m, "credit_code", 0), "91110115857720795X");
	/* "GB 18466" is dropped, as "GB 18466-2005" is there */
	ck_assert_uint_eq(json_array_size(json_object_get(m, "standard_no")), 2);
	ck_assert_str_eq(jat(m, "standard_no", 0), "HJ 469-2009");
	ck_assert_str_eq(jat(m, "standard_no", 1), "GB 18466-2005");
	ck_assert_str_eq(jstr(m, "industry"), "印刷");
	ck_assert_str_eq(jstr(m, "sector"), "industry");
	ck_assert_str_eq(jat(m, "dates", 0), "2008-03-01");
	ck_assert_ptr_null(json_object_get(m, "doc_no"));
	json_decref(m);

	/* a given title is used as it is, and searched for identifiers too */
	m = portal_meta_extract(" GB 18466—2005 医疗机构水污染物排放标准\n", "", 0);
	ck_assert_str_eq(jstr(m, "title"), "GB 18466—2005 医疗机构水污染物排放标准");
	ck_assert_str_eq(jat(m, "standard_no", 0), "GB 18466-2005");
	ck_assert_str_eq(jstr(m, "industry"), "医疗机构");
	ck_assert_str_eq(jstr(m, "sector"), "services");
	json_decref(m);
}
END_TEST

static const char standard[] =
	"ICS 13.020\nZ 04\n备案号：40001-2014\n\nDB11\n北京市地方标准\n\n"
	"DB11/T 1111—2014\n\n"
	"奶牛养殖场清洁生产评价\n指标体系\n"
	"Cleaner production evaluation indicator system for dairy farms\n\n"
	"2014 - 03 - 20 发布          2014 - 07 - 01 实施\n"
	"北京市质量技术监督局  发布\n\n"
	"前  言\n本标准按照GB/T 1.1—2009给出的规则起草。\n";

START_TEST(meta_of_a_standard)
{
	json_t *m = portal_meta_extract(NULL, standard, strlen(standard));

	ck_assert_str_eq(jstr(m, "title"), "奶牛养殖场清洁生产评价指标体系");
	ck_assert_str_eq(jat(m, "standard_no", 0), "DB11/T 1111-2014");
	ck_assert_str_eq(jat(m, "standard_no", 1), "GB/T 1.1-2009");
	ck_assert_str_eq(jstr(m, "year"), "2014");
	ck_assert_str_eq(jat(m, "dates", 0), "2014-03-20");
	ck_assert_str_eq(jat(m, "dates", 1), "2014-07-01");
	ck_assert_str_eq(jstr(m, "industry"), "奶牛养殖");
	ck_assert_str_eq(jstr(m, "sector"), "agriculture");
	json_decref(m);

	/* the title alone */
	char t[64];
	ck_assert_uint_gt(portal_meta_title(standard, strlen(standard), t, sizeof t), 0);
	ck_assert_str_eq(t, "奶牛养殖场清洁生产评价指标体系");
	ck_assert_uint_eq(portal_meta_title("", 0, t, sizeof t), 0);
	ck_assert_str_eq(t, "");
	/* truncated at a character boundary */
	ck_assert_uint_eq(portal_meta_title(standard, strlen(standard), t, 8), 6);
	ck_assert_str_eq(t, "奶牛");
}
END_TEST

START_TEST(meta_finds_nothing_in_nothing)
{
	json_t *m = portal_meta_extract(NULL, NULL, 0);
	ck_assert_uint_eq(json_object_size(m), 0);
	json_decref(m);
	const char *s = "今天天气很好，我们去公园散步。2099年13月45日不是日期，2014-02-30也不是。";
	m = portal_meta_extract(NULL, s, strlen(s));
	ck_assert_ptr_null(json_object_get(m, "dates"));
	ck_assert_ptr_null(json_object_get(m, "year"));
	ck_assert_ptr_null(json_object_get(m, "enterprise"));
	ck_assert_ptr_null(json_object_get(m, "standard_no"));
	json_decref(m);
}
END_TEST

/* ---- editions -------------------------------------------------------------- */

START_TEST(meta_of_editions)
{
	/* GB 18466-2005's cover, as pdftotext gives it (full-width digits) */
	const char *cover = "中华人民共和国国家标准\nＧＢ１８４６６\n\n２００５\n\n代替 ＧＢ１８４６６—２００１\n"
		"部分代替 ＧＢ８９７８—１９９６\n医疗机构水污染物排放标准\n";
	json_t *m = portal_meta_extract(NULL, cover, strlen(cover));
	ck_assert_str_eq(jat(m, "standard_no", 0), "GB 18466-2005");
	ck_assert_str_eq(jat(m, "replaces", 0), "GB 18466-2001");
	ck_assert_uint_eq(json_array_size(json_object_get(m, "replaces")), 1);	/* not 部分代替 */
	ck_assert_ptr_null(json_object_get(m, "withdrawn"));
	json_decref(m);

	/* two replaced in a row, and "…之日起，… 废止" in the foreword */
	const char *noise = "ＧＢ １２３４８—２００８\n代替 ＧＢ １２３４８—９０，ＧＢ １２３４９—９０\n"
		"前言\n自本标准实施之日起，GB 12523-90 废止。可以代替敞开型。\n";
	m = portal_meta_extract(NULL, noise, strlen(noise));
	ck_assert_str_eq(jat(m, "replaces", 0), "GB 12348-1990");
	ck_assert_str_eq(jat(m, "replaces", 1), "GB 12349-1990");
	ck_assert_str_eq(jat(m, "replaces", 2), "GB 12523-1990");
	ck_assert_uint_eq(json_array_size(json_object_get(m, "replaces")), 3);
	json_decref(m);

	/* replaced, and the announcement printed with it says 废止 too:
	 * replaced, not withdrawn (GB 13271-2014's text) */
	const char *boiler = "GB 13271—2014\n代替 GB 13271-2001\n"
		"《锅炉大气污染物排放标准》\n（GB13271-2001）自 2016 年 7 月 1 日废止。\n";
	m = portal_meta_extract(NULL, boiler, strlen(boiler));
	ck_assert_str_eq(jat(m, "replaces", 0), "GB 13271-2001");
	ck_assert_ptr_null(json_object_get(m, "withdraws"));
	json_decref(m);

	/* a notice withdrawing a standard, and a text saying it is withdrawn */
	const char *withdrawal = "关于废止部分标准的公告\n经研究，决定 HJ/T 9—1995 自即日起废止。\n";
	m = portal_meta_extract(NULL, withdrawal, strlen(withdrawal));
	ck_assert_str_eq(jat(m, "withdraws", 0), "HJ/T 9-1995");
	ck_assert_ptr_null(json_object_get(m, "replaces"));
	json_decref(m);
	const char *gone = "DB11/T 1234—2015\n（已废止）\n某某技术规范\n";
	m = portal_meta_extract(NULL, gone, strlen(gone));
	ck_assert(json_is_true(json_object_get(m, "withdrawn")));
	json_decref(m);
}
END_TEST

/* ---- industry -------------------------------------------------------------- */

START_TEST(industry_aliases_fold)
{
	static const char *const pairs[][2] = {
		{ "医疗卫生", "医疗机构" }, { "医疗机构", "医疗机构" }, { "医院", "医疗机构" },
		{ "化学原料和化学制品制造", "化工" }, { "化学原料和化学制品制造业", "化工" },
		{ "化工", "化工" }, { "化工行业", "化工" },
		{ "住宿（宾馆饭店）", "宾馆饭店" }, { "住宿(宾馆饭店)", "宾馆饭店" },
		{ "商业零售（商场）", "商场超市" }, { "洗染服务（洗衣）", "洗染" },
		{ "道路运输", "交通运输" }, { "汽车零部件制造", "汽车制造" }, { "水泥制造", "建材" },
		{ "设施蔬菜种植", "设施种植" }, { "餐饮业", "餐饮" }, { "电镀行业", "电镀" },
		{ "医药制造业", "医药制造" }, { "电子元器件制造", "电子元器件制造" },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
		ck_assert_msg(strcmp(portal_industry_fold(pairs[i][0]), pairs[i][1]) == 0,
			      "%s folds into %s, not %s", pairs[i][0], portal_industry_fold(pairs[i][0]),
			      pairs[i][1]);
	/* unknown names stay as written; nothing from nothing */
	ck_assert_str_eq(portal_industry_fold("纺织"), "纺织");
	ck_assert_str_eq(portal_industry_fold("业"), "业");
	ck_assert_str_eq(portal_industry_fold(""), "");
	ck_assert_ptr_null(portal_industry_fold(NULL));
	ck_assert_str_eq(portal_industry_sector("医疗卫生"), "services");
	ck_assert_str_eq(portal_industry_sector("化学原料和化学制品制造"), "industry");
	ck_assert_str_eq(portal_industry_sector("设施蔬菜种植"), "agriculture");
	ck_assert_ptr_null(portal_industry_sector("纺织"));
	/* canonical names are their own fold, and have a sector */
	for (size_t i = 0; portal_industries[i]; i++) {
		ck_assert_str_eq(portal_industry_fold(portal_industries[i]), portal_industries[i]);
		ck_assert_ptr_nonnull(portal_industry_sector(portal_industries[i]));
	}
}
END_TEST

/* The text's industry comes out canonical, whatever the 所属行业 field or
 * the trade word said. */
START_TEST(industry_of_texts_is_canonical)
{
	static const char *const texts[][2] = {
		{ "某医院清洁生产审核报告\n所属行业：医疗卫生\n", "医疗机构" },
		{ "某公司清洁生产审核报告\n所属行业：化学原料和化学制品制造\n", "化工" },
		{ "北京某化工有限公司清洁生产审核报告\n", "化工" },
		{ "某酒店清洁生产审核报告\n行业类别：住宿（宾馆饭店）\n", "宾馆饭店" },
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		json_t *m = portal_meta_extract(NULL, texts[i][0], strlen(texts[i][0]));
		const char *got = jstr(m, "industry");
		ck_assert_msg(got && strcmp(got, texts[i][1]) == 0, "text %zu: industry %s, not %s", i,
			      got ? got : "(none)", texts[i][1]);
		json_decref(m);
	}
}
END_TEST

/* Every industry of the records (the industries table) is a canonical
 * name, with the sector the records give it. */
START_TEST(industry_table_matches_records)
{
	char path[] = "/tmp/test-meta-XXXXXX", err[256], db_path[64];
	ck_assert_ptr_nonnull(mkdtemp(path));
	snprintf(db_path, sizeof db_path, "%s/portal.db", path);
	sqlite3 *db = portal_db_open(db_path, err, sizeof err);
	ck_assert_msg(db != NULL, "portal_db_open: %s", err);
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT id, sector FROM industries");
	int n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		const char *sector = (const char *)sqlite3_column_text(st, 1);
		ck_assert_msg(strcmp(portal_industry_fold(id), id) == 0, "records industry %s is not canonical", id);
		const char *ours = portal_industry_sector(id);
		ck_assert_msg(ours && strcmp(ours, sector) == 0, "%s: sector %s, records say %s", id,
			      ours ? ours : "(none)", sector);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	ck_assert_int_gt(n, 10);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The value of measure m in results a, or -1. */
static double result_of(json_t *a, const char *m)
{
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o)
		if (strcmp(json_string_value(json_object_get(o, "measure")), m) == 0)
			return json_real_value(json_object_get(o, "value"));
	return -1;
}

static json_t *results_of(const char *text) { return portal_results_extract(text, strlen(text)); }

START_TEST(results_come_from_the_concluding_sentence)
{
	/* option lines first, then the conclusion broken over two lines */
	json_t *a = results_of("方案F1：投资1.2万元，年节能约8.7tce，年节水约500m³。\n"
			       "经核算，项目实现年节能量 145.3tce，年节水量 28,057m³，COD 削减 6.37t/a、NOx\n"
			       "削减 0.261t/a、SO2削减0.106t/a，年经济效益约40.72万元，基本达到预期目标。\n"
			       "方案F2：年节能约16.1tce。");
	ck_assert_double_eq_tol(result_of(a, "energy_tce"), 145.3, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "water_m3"), 28057, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "cod_t"), 6.37, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "nox_t"), 0.261, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "so2_t"), 0.106, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "benefit_wan"), 40.72, 1e-9);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "text")), "节能量145.3tce");
	json_decref(a);
}
END_TEST

START_TEST(results_normalise_units_and_digits)
{
	json_t *a = results_of("合计年节约标准煤３２０吨标准煤，年节电5.6万千瓦时，节水1.2万立方米，"
			       "VOCs削减850kg/a。");
	ck_assert_double_eq_tol(result_of(a, "energy_tce"), 320, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "electricity_kwh"), 56000, 1e-6);
	ck_assert_double_eq_tol(result_of(a, "water_m3"), 12000, 1e-6);
	ck_assert_double_eq_tol(result_of(a, "vocs_t"), 0.85, 1e-9);
	ck_assert_str_eq(portal_results_unit("energy_tce"), "tce");
	ck_assert_str_eq(portal_results_label("water_m3"), "节水量");
	ck_assert_ptr_null(portal_results_label("nonsense"));
	json_decref(a);
}
END_TEST

START_TEST(results_in_everyday_wording)
{
	json_t *a = results_of("经第三方机构评估，项目实际年节约标准煤 320 吨，减少化学需氧量排放2.3吨，"
			       "节水1.6万吨，达到预期目标。");
	ck_assert_double_eq_tol(result_of(a, "energy_tce"), 320, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "cod_t"), 2.3, 1e-9);
	ck_assert_double_eq_tol(result_of(a, "water_m3"), 16000, 1e-6);
	json_decref(a);
}
END_TEST

START_TEST(results_are_not_any_figure)
{
	/* single options and baselines are not the report's results */
	json_t *a = results_of("该方案投资0.5万元，年节能约2.1tce。COD：2012年排放量约13.19t/a。");
	ck_assert_int_eq(json_array_size(a), 0);
	json_decref(a);
	a = results_of("");
	ck_assert_int_eq(json_array_size(a), 0);
	json_decref(a);
}
END_TEST

START_TEST(results_of_the_programme_acceptance_reports)
{
	/* the programme's own samples, stated as their conclusions state them */
	static const struct { const char *file; const char *m; double v; } want[] = {
		{ "p032_隧道式洗衣龙及中水回用项目清洁生产绩效验收报告.txt", "energy_tce", 145.3 },
		{ "p032_隧道式洗衣龙及中水回用项目清洁生产绩效验收报告.txt", "water_m3", 28057 },
		{ "p032_隧道式洗衣龙及中水回用项目清洁生产绩效验收报告.txt", "cod_t", 6.37 },
	};
	const char *dir = getenv("PORTAL_CORPUS"), *src = getenv("PORTAL_SRCDIR");
	char path[1024];
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (dir)
			snprintf(path, sizeof path, "%s/programme/%s", dir, want[i].file);
		else
			snprintf(path, sizeof path, "%s/../shared/corpus/programme/%s", src ? src : ".", want[i].file);
		FILE *f = fopen(path, "rb");
		ck_assert_msg(f != NULL, "%s: cannot open", path);
		static char text[1 << 20];
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		json_t *a = portal_results_extract(text, n);
		ck_assert_double_eq_tol(result_of(a, want[i].m), want[i].v, 1e-9);
		json_decref(a);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("meta");
	TCase *tc = tcase_create("meta");

	tcase_add_test(tc, meta_of_a_notice);
	tcase_add_test(tc, meta_of_an_audit_report);
	tcase_add_test(tc, meta_of_a_standard);
	tcase_add_test(tc, meta_finds_nothing_in_nothing);
	tcase_add_test(tc, meta_of_editions);
	tcase_add_test(tc, industry_aliases_fold);
	tcase_add_test(tc, industry_of_texts_is_canonical);
	tcase_add_test(tc, industry_table_matches_records);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, results_come_from_the_concluding_sentence);
	tcase_add_test(tc, results_normalise_units_and_digits);
	tcase_add_test(tc, results_in_everyday_wording);
	tcase_add_test(tc, results_are_not_any_figure);
	tcase_add_test(tc, results_of_the_programme_acceptance_reports);
	return run_suite(s);
}
