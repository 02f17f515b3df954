/* test-classify.c: unit tests for normalize.c, meta.c and classify.c.
 *
 * Everything here runs on texts written in this file, except the last
 * case: the model that `make` trains from the corpus (at PORTAL_MODEL_PATH)
 * must classify a few documents written here, in the style of real ones by
 * other authors, correctly. That case fails, saying so, when the model is
 * missing: it is built by a plain `make` from the corpus beside the
 * repository (or $PORTAL_CORPUS). */
#include "classify.h"
#include "meta.h"
#include "normalize.h"
#include "train.h"

#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PORTAL_MODEL_PATH
#define PORTAL_MODEL_PATH "model/doc-type.model"
#endif

/* ---- normalize: standard numbers ----------------------------------------- */

static void std_is(const char *in, const char *want)
{
	char out[PORTAL_IDENT_MAX], err[256] = "";
	int rc = portal_norm_standard(in, strlen(in), out, sizeof out, err, sizeof err);
	ck_assert_msg(rc == 0, "\"%s\" was refused: %s", in, err);
	ck_assert_msg(strcmp(out, want) == 0, "\"%s\" became \"%s\", not \"%s\"", in, out, want);
}

static void std_refused(const char *in)
{
	char out[PORTAL_IDENT_MAX], err[256] = "";
	ck_assert_msg(portal_norm_standard(in, strlen(in), out, sizeof out, err, sizeof err) == -1,
		      "\"%s\" was taken as %s", in, out);
	ck_assert(err[0] != '\0');
}

START_TEST(standard_numbers_have_one_spelling)
{
	std_is("GB18466", "GB 18466");
	std_is("GB 18466", "GB 18466");
	std_is("GB 18466-2005", "GB 18466-2005");
	std_is("GB 18466—2005", "GB 18466-2005");	/* em dash */
	std_is("GB 18466–2005", "GB 18466-2005");	/* en dash */
	std_is("GB18466-2005", "GB 18466-2005");
	std_is("  gb 18466 - 2005 ", "GB 18466-2005");
	std_is("ＧＢ／Ｔ　２４００１－２０１６", "GB/T 24001-2016");	/* all full-width */
	std_is("GB／T 24001－2016", "GB/T 24001-2016");
	std_is("gb/t 24001", "GB/T 24001");
	std_is("GB/T24001-2016", "GB/T 24001-2016");
	std_is("GBT 24001", "GB/T 24001");
	std_is("GB / T 24001", "GB/T 24001");
	std_is("HJ/T 186", "HJ/T 186");
	std_is("HJ/T186", "HJ/T 186");
	std_is("hj/t186-2006", "HJ/T 186-2006");
	std_is("HJ 469一2009", "HJ 469-2009");	/* 一 typed for a dash */
	std_is("DB11/T 1234-2015", "DB11/T 1234-2015");
	std_is("db11/t1234—2015", "DB11/T 1234-2015");
	std_is("DB 11/T 1234-2015", "DB11/T 1234-2015");
	std_is("DB44/ 1597—2015", "DB44/1597-2015");
	std_is("DB11/307-2013", "DB11/307-2013");
	std_is("GB/T 1.1-2009", "GB/T 1.1-2009");
	std_is("GB 5085.7—2019", "GB 5085.7-2019");
	std_is("GB 3838-88", "GB 3838-1988");
	std_is("GBZ 2.1-2019", "GBZ 2.1-2019");
	std_is("JB/T 10000", "JB/T 10000");
	std_is("T/CECS 123-2020", "T/CECS 123-2020");
	std_refused("");
	std_refused("GB");
	std_refused("GB/T");
	std_refused("ABC 123");
	std_refused("GB 18466a");
	std_refused("GB 18466 2005 extra");
	std_refused("国标18466");
}
END_TEST

START_TEST(standard_terms_find_every_edition)
{
	char t[2][PORTAL_IDENT_MAX];

	ck_assert_uint_eq(portal_norm_standard_terms("GB 18466-2005", t), 2);
	ck_assert_str_eq(t[0], "gb18466");
	ck_assert_str_eq(t[1], "gb18466-2005");
	ck_assert_uint_eq(portal_norm_standard_terms("HJ/T 186", t), 1);
	ck_assert_str_eq(t[0], "hj/t186");
	ck_assert_uint_eq(portal_norm_standard_terms("DB11/T 1234-2015", t), 2);
	ck_assert_str_eq(t[0], "db11/t1234");
	ck_assert_str_eq(t[1], "db11/t1234-2015");
	ck_assert_uint_eq(portal_norm_standard_terms("GB 5085.7-2019", t), 2);
	ck_assert_str_eq(t[0], "gb5085.7");
	/* the term without a year of any spelling is the same */
	const char *spellings[] = { "GB18466", "gb 18466—2005", "ＧＢ１８４６６－２００５" };
	for (size_t i = 0; i < 3; i++) {
		char canon[PORTAL_IDENT_MAX], u[2][PORTAL_IDENT_MAX];
		ck_assert_int_eq(portal_norm_standard(spellings[i], strlen(spellings[i]), canon,
						      sizeof canon, NULL, 0), 0);
		ck_assert_uint_ge(portal_norm_standard_terms(canon, u), 1);
		ck_assert_str_eq(u[0], "gb18466");
	}
	ck_assert_uint_eq(portal_norm_standard_terms("gb 18466", t), 0);	/* not canonical */
	ck_assert_uint_eq(portal_norm_standard_terms("nonsense", t), 0);
}
END_TEST

/* ---- normalize: document numbers ----------------------------------------- */

static void docno_is(const char *in, const char *want)
{
	char out[PORTAL_IDENT_MAX], err[256] = "";
	int rc = portal_norm_docno(in, strlen(in), out, sizeof out, err, sizeof err);
	ck_assert_msg(rc == 0, "\"%s\" was refused: %s", in, err);
	ck_assert_msg(strcmp(out, want) == 0, "\"%s\" became \"%s\", not \"%s\"", in, out, want);
}

START_TEST(document_numbers_have_one_spelling)
{
	docno_is("京发改〔2014〕123号", "京发改〔2014〕123号");
	docno_is("京发改[2014]123号", "京发改〔2014〕123号");
	docno_is("京发改［2014］123号", "京发改〔2014〕123号");
	docno_is("京发改（2014）123号", "京发改〔2014〕123号");
	docno_is("京发改(2014)123号", "京发改〔2014〕123号");
	docno_is("京发改【2014】123号", "京发改〔2014〕123号");
	docno_is("京发改〔2014〕第0123号", "京发改〔2014〕123号");
	docno_is("京发改 〔2014〕 123 号", "京发改〔2014〕123号");
	docno_is("京发改〔２０１４〕１２３号", "京发改〔2014〕123号");
	docno_is("京发改[2014]123", "京发改〔2014〕123号");	/* typed without 号 */
	docno_is("国办发〔2013〕37号", "国办发〔2013〕37号");
	docno_is("京发改规〔2015〕3号", "京发改规〔2015〕3号");

	char out[PORTAL_IDENT_MAX], err[256];
	const char *bad[] = { "", "〔2014〕123号", "发〔2014〕1号", "京发改〔14〕123号",
			      "京发改〔2014〕号", "京发改〔2014〕0号", "京发改2014 123号" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(portal_norm_docno(bad[i], strlen(bad[i]), out, sizeof out, err, sizeof err) == -1,
			      "\"%s\" was taken as %s", bad[i], out);
}
END_TEST

/* ---- normalize: credit codes -------------------------------------------- */

/* Codes from programme/labels.tsv (invented, with right check characters). */
static const char *const good_codes[] = {
	"931101120755036224", "911101174993792663", "91110101M964186382",
	"12110102301539560M", "91110115857720795X", "91110117951476469K",
	"93110109M106006165", "911101125801358836", "91110108119272222R",
	"91110112240214198G", "911102285589357298", "12110105U5546349X5",
};

START_TEST(credit_codes_are_checked)
{
	char out[32], err[256];
	const char *alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

	for (size_t i = 0; i < sizeof good_codes / sizeof *good_codes; i++) {
		const char *c = good_codes[i];
		ck_assert_msg(portal_credit_code_valid(c), "%s should be valid", c);
		ck_assert_int_eq(portal_norm_credit_code(c, 18, out, sizeof out, err, sizeof err), 0);
		ck_assert_str_eq(out, c);
		/* any one character changed is caught (31 is prime, no weight is 0 mod 31) */
		for (int pos = 0; pos < 18; pos++) {
			char bad[19];
			memcpy(bad, c, 19);
			const char *p = strchr(alphabet, bad[pos]);
			bad[pos] = alphabet[(p - alphabet + 7) % 31];
			ck_assert_msg(!portal_credit_code_valid(bad), "%s (changed at %d) passed", bad, pos);
		}
		/* two neighbours swapped too, when they differ */
		for (int pos = 0; pos < 17; pos++) {
			char bad[19];
			memcpy(bad, c, 19);
			if (bad[pos] == bad[pos + 1])
				continue;
			bad[pos] = c[pos + 1];
			bad[pos + 1] = c[pos];
			ck_assert_msg(!portal_credit_code_valid(bad), "%s (swapped at %d) passed", bad, pos);
		}
	}
	/* spellings: lower case, full width, blank space around */
	ck_assert_int_eq(portal_norm_credit_code(" 91110101m964186382\n", 20, out, sizeof out, err, sizeof err), 0);
	ck_assert_str_eq(out, "91110101M964186382");
	const char *fw = "９１１１０１０１Ｍ９６４１８６３８２";
	ck_assert_int_eq(portal_norm_credit_code(fw, strlen(fw), out, sizeof out, err, sizeof err), 0);
	ck_assert_str_eq(out, "91110101M964186382");
	/* refusals say why */
	ck_assert_int_eq(portal_norm_credit_code("911101174993792664", 18, out, sizeof out, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "\"3\""));
	ck_assert_int_eq(portal_norm_credit_code("91110117499379266", 17, out, sizeof out, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "18"));
	ck_assert_int_eq(portal_norm_credit_code("9111011749937926I3", 18, out, sizeof out, err, sizeof err), -1);
	ck_assert_int_eq(portal_norm_credit_code("91AB0117499379266X", 18, out, sizeof out, err, sizeof err), -1);
	ck_assert(!portal_credit_code_valid("9111011749937926O3"));
}
END_TEST

/* ---- normalize: finding identifiers in a query or a text ----------------- */

START_TEST(identifiers_are_found_with_their_spans)
{
	const char *q = "医院 gb18466—2005 京发改[2014]123 HJ/T186 931101120755036224 排放";
	struct portal_ident ids[8];
	size_t n = portal_norm_find(q, strlen(q), ids, 8);

	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(ids[0].kind, PORTAL_IDENT_STANDARD);
	ck_assert_str_eq(ids[0].canon, "GB 18466-2005");
	ck_assert(strncmp(q + ids[0].start, "gb18466—2005", ids[0].end - ids[0].start) == 0);
	ck_assert_uint_eq(ids[0].end - ids[0].start, strlen("gb18466—2005"));
	ck_assert_int_eq(ids[1].kind, PORTAL_IDENT_DOCNO);
	ck_assert_str_eq(ids[1].canon, "京发改〔2014〕123号");
	ck_assert_uint_eq(ids[1].end - ids[1].start, strlen("京发改[2014]123"));
	ck_assert(strncmp(q + ids[1].start, "京发改", strlen("京发改")) == 0);
	ck_assert_int_eq(ids[2].kind, PORTAL_IDENT_STANDARD);
	ck_assert_str_eq(ids[2].canon, "HJ/T 186");
	ck_assert_int_eq(ids[3].kind, PORTAL_IDENT_CREDIT);
	ck_assert_str_eq(ids[3].canon, "931101120755036224");
	ck_assert_uint_eq(ids[3].start, (size_t)(strstr(q, "9311") - q));
	ck_assert_uint_eq(ids[3].end, ids[3].start + 18);

	/* max is respected */
	ck_assert_uint_eq(portal_norm_find(q, strlen(q), ids, 2), 2);
	/* nothing in plain words, years, phone numbers or a wrong code */
	const char *plain = "2014年清洁生产审核 GB 标准 电话010-68523197 911101174993792664 ABC-123 京发改";
	ck_assert_uint_eq(portal_norm_find(plain, strlen(plain), ids, 8), 0);
}
END_TEST

static int collect(const struct portal_ident *id, void *arg)
{
	struct acc { char s[1024]; } *b = arg;
	size_t n = strlen(b->s);
	snprintf(b->s + n, sizeof b->s - n, "%d:%s|", id->kind, id->canon);
	return 0;
}

START_TEST(a_text_is_scanned_in_order)
{
	const char *text =
		"京发改〔2014〕412号\n关于开展2014年清洁生产审核工作的通知\n"
		"审核单位应按照《清洁生产审核指南 制订技术导则》（HJ 469-2009）和GB/T 24001，"
		"根据京发改[2013]1187号文件，执行ＤＢ１１／Ｔ　１２５９—２０１５。"
		"代码931101120755036224。（2014）京民初字第12号不是文号。";
	struct { char s[1024]; } b = { "" };

	portal_norm_scan(text, strlen(text), PORTAL_IDENT_ALL, collect, &b);
	ck_assert_str_eq(b.s, "2:京发改〔2014〕412号|1:HJ 469-2009|1:GB/T 24001|2:京发改〔2013〕1187号|"
			      "1:DB11/T 1259-2015|4:931101120755036224|");
	b.s[0] = '\0';
	portal_norm_scan(text, strlen(text), PORTAL_IDENT_CREDIT, collect, &b);
	ck_assert_str_eq(b.s, "4:931101120755036224|");
	/* a PDF cover that set the year on its own line, and one digit per line */
	const char *cover = "ＧＢ１８４６６\n\n２００５\n\n代替 GB 18466—2001\nＧＢ １\n８\n４\n";
	b.s[0] = '\0';
	portal_norm_scan(cover, strlen(cover), PORTAL_IDENT_STANDARD, collect, &b);
	ck_assert_str_eq(b.s, "1:GB 18466-2005|1:GB 18466-2001|");
	/* a credit code a table cell broke over two lines */
	const char *cell = "统一社会信用代码 91110117951\n476469K\n注册地址 91110117951\n476469J";
	b.s[0] = '\0';
	portal_norm_scan(cell, strlen(cell), PORTAL_IDENT_ALL, collect, &b);
	ck_assert_str_eq(b.s, "4:91110117951476469K|");
}
END_TEST

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
	ck_assert_str_eq(jstr(m, "industry"), "医疗卫生");
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

/* ---- classify: cues ------------------------------------------------------ */

static void cue_is(const char *title, const char *text, const char *want)
{
	struct portal_classification r;
	ck_assert_int_eq(portal_classify(NULL, title, text, strlen(text), &r), 0);
	ck_assert_msg(strcmp(r.doc_type, want) == 0, "%s: got %s (%.2f, %s), not %s",
		      title ? title : text, r.doc_type, r.confidence, r.cue ? r.cue : "no cue", want);
	ck_assert(r.confidence > 0.5 && r.confidence <= 1.0);
	double sum = 0;
	for (int i = 0; i < PORTAL_DOC_TYPES; i++)
		sum += r.prob[i];
	ck_assert(sum > 0.999 && sum < 1.001);
}

START_TEST(cues_alone_name_the_common_genres)
{
	cue_is(NULL, "天津滨海钢铁有限公司清洁生产审核报告\n编制单位：某咨询公司\n", "audit_report");
	cue_is(NULL, "某某污水处理厂提标改造工程\n可行性研究报告\n", "feasibility_study");
	cue_is(NULL, "燃煤锅炉低氮改造项目可研报告（报批稿）\n", "feasibility_study");
	cue_is(NULL, "余热回收项目清洁生产绩效验收报\n告\n项目单位：某公司\n", "acceptance_report");
	cue_is(NULL, "2015年清洁生产中/高费项目申请报告——污泥干化设备\n", "project_application");
	cue_is(NULL, "关于申请屋顶光伏项目补助资金的报告\n", "project_application");
	cue_is(NULL, "京环发〔2016〕3号\n关于加强重点排污单位监管的\n通知\n各区环保局：\n特此通知。\n",
	       "policy_notice");
	cue_is(NULL, "关于某某问题的复函\n", "policy_notice");
	cue_is(NULL, "纺织行业清洁生产审核指南（试行）\n", "guideline");
	cue_is(NULL, "ICS 13.040\n中华人民共和国国家标准\nGB 9999—2012\n某某工业水污染物排放标准\n"
		     "2012-06-01发布  2012-10-01实施\n", "standard");
	cue_is(NULL, "某市大气污染防治条例\n第一条 为了防治大气污染，制定本条例。\n", "other");
	cue_is(NULL, "某省节约能源办法\n", "other");
	/* a given title counts, in any spelling */
	cue_is("某宾馆清洁生产审核报告", "第一章 概述\n本轮审核……", "audit_report");
	cue_is("关于印发《某某管理办法》的通知", "各有关单位：", "policy_notice");
}
END_TEST

START_TEST(no_text_is_other_at_no_confidence)
{
	struct portal_classification r;

	ck_assert_int_eq(portal_classify(NULL, NULL, NULL, 0, &r), -1);
	ck_assert_str_eq(r.doc_type, "other");
	ck_assert(r.confidence == 0);
	ck_assert_int_eq(portal_classify(NULL, "", "", 0, &r), -1);
	/* text with no cue: other, but not confidently */
	const char *t = "今天的天气很好。";
	ck_assert_int_eq(portal_classify(NULL, NULL, t, strlen(t), &r), 0);
	ck_assert_str_eq(r.doc_type, "other");
	ck_assert(r.confidence < 0.5);
	ck_assert_ptr_null(r.cue);
	ck_assert_int_eq(portal_classify_type_index("guideline"), 3);
	ck_assert_int_eq(portal_classify_type_index("nonsense"), -1);
	ck_assert_str_eq(portal_classify_types[7], "other");
}
END_TEST

/* ---- classify: a model trained here --------------------------------------- */

/* Short examples with distinct vocabulary and no title cues, so only the
 * model can tell them apart. */
static const char *const tiny_std[] = {
	"本标准规定了排放限值、监测要求和实施与监督。本标准适用于现有企业的排放管理。",
	"本标准规定了术语和定义、排放限值和监测方法。本标准自发布之日起实施。",
	"本标准规定了控制要求、监测要求和达标判定。排放限值见表1和表2。",
	"本标准规定了污染物排放限值和监测要求。监测方法按表3执行。",
	"排放限值和监测要求见本标准表1，本标准由生态环境部批准。",
	"本标准规定了污染控制要求和监测要求，适用于排放管理。",
};
static const char *const tiny_other[] = {
	"记者从市场了解到，今年以来价格持续上涨，业内人士表示需求旺盛。",
	"据记者了解，该企业销量同比增长，市场人士认为前景向好。",
	"业内人士透露，价格或将继续上涨，记者采访了多家经销商。",
	"市场需求放缓，记者获悉部分企业开工不足，价格小幅下跌。",
	"该公司负责人对记者表示，今年销量有望增长，市场前景乐观。",
	"记者调查发现，经销商库存较高，价格承压，业内人士表示担忧。",
};

static struct portal_model *tiny_model(void)
{
	struct portal_train_doc d[12];
	char err[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < 6; i++) {
		d[n++] = (struct portal_train_doc){ NULL, tiny_std[i], strlen(tiny_std[i]), 2 };
		d[n++] = (struct portal_train_doc){ NULL, tiny_other[i], strlen(tiny_other[i]), 7 };
	}
	struct portal_model *m = portal_model_train(d, n, err, sizeof err);
	ck_assert_msg(m != NULL, "training failed: %s", err);
	return m;
}

START_TEST(a_model_learns_and_survives_a_round_trip)
{
	struct portal_model *m = tiny_model(), *back;
	struct portal_classification a, b;
	const char *s = "本标准规定了排放限值与监测要求。";
	const char *o = "记者了解到市场价格上涨，业内人士表示乐观。";
	char path[256], err[256] = "", desc[512];

	ck_assert_int_eq(portal_classify_with(m, PORTAL_CLASSIFY_MODEL, NULL, s, strlen(s), &a), 0);
	ck_assert_str_eq(a.doc_type, "standard");
	ck_assert_int_eq(portal_classify_with(m, PORTAL_CLASSIFY_MODEL, NULL, o, strlen(o), &a), 0);
	ck_assert_str_eq(a.doc_type, "other");
	portal_model_describe(m, desc, sizeof desc);
	ck_assert_ptr_nonnull(strstr(desc, "standard 6"));

	snprintf(path, sizeof path, "%s/test-classify-%ld.model",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
	ck_assert_msg(portal_model_save(m, path, err, sizeof err) == 0, "%s", err);
	back = portal_model_load(path, err, sizeof err);
	ck_assert_msg(back != NULL, "%s", err);
	const char *texts[] = { s, o, "与训练无关的文字", "本标准 记者" };
	for (size_t i = 0; i < 4; i++) {
		portal_classify(m, NULL, texts[i], strlen(texts[i]), &a);
		portal_classify(back, NULL, texts[i], strlen(texts[i]), &b);
		ck_assert_str_eq(a.doc_type, b.doc_type);
		for (int k = 0; k < PORTAL_DOC_TYPES; k++)
			ck_assert_msg(a.prob[k] - b.prob[k] < 1e-6 && b.prob[k] - a.prob[k] < 1e-6,
				      "probabilities differ after loading");
	}
	unlink(path);
	portal_model_free(back);
	portal_model_free(m);

	/* a damaged or missing file is refused with a sentence */
	FILE *fp = fopen(path, "w");
	fputs("portal-doc-type-model 1\ntypes a b\n", fp);
	fclose(fp);
	ck_assert_ptr_null(portal_model_load(path, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "not a document-type model"));
	unlink(path);
	ck_assert_ptr_null(portal_model_load(path, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, "could not be opened"));
	ck_assert_ptr_null(portal_model_train(NULL, 0, err, sizeof err));
}
END_TEST

/* ---- the model built from the corpus ------------------------------------ */

struct sample {
	const char *type, *text;
};

/* Written for this test in the manner of real documents by other authors:
 * other places, other layouts, no programme template. */
static const struct sample samples[] = {
	{ "audit_report",
	  "天津滨海精细化工股份有限公司\n清洁生产审核报告\n\n天津市环境保护科学研究院\n二〇一七年九月\n\n"
	  "第一章 审核准备\n1.1 成立审核小组\n公司成立了以总经理为组长的清洁生产审核领导小组，"
	  "聘请咨询单位开展培训。\n第二章 预审核\n2.1 企业概况\n公司主要产品为医药中间体，"
	  "年产能3000吨。现场考察发现反应釜冷却水未循环利用。\n第三章 审核\n3.1 物料平衡\n"
	  "通过实测建立了审核重点的物料平衡和水平衡，确定了废物产生原因。\n第四章 方案的产生和筛选\n"
	  "共产生清洁生产方案21项，其中无/低费方案15项，中/高费方案6项。\n第五章 可行性分析\n"
	  "对中/高费方案进行了技术、环境和经济可行性分析。\n第六章 方案实施\n第七章 持续清洁生产\n" },
	{ "feasibility_study",
	  "浙江某纸业有限公司\n碱回收炉节能技术改造项目\n可行性研究报告\n\n浙江省工程咨询院\n2019年3月\n\n"
	  "第一章 总论\n1.1 项目名称及承办单位\n1.2 编制依据\n第二章 项目建设的必要性\n"
	  "第三章 建设规模与技术方案\n第四章 投资估算与资金筹措\n项目总投资4860万元，其中建设投资4500万元。\n"
	  "第五章 财务评价\n财务内部收益率14.2%，投资回收期5.6年。\n第六章 节能分析\n第七章 结论与建议\n" },
	{ "acceptance_report",
	  "江苏某印染有限公司中水回用项目\n竣工验收报告\n\n一、项目概况\n项目于2018年5月开工，"
	  "2019年1月建成并投入试运行。\n二、建设内容完成情况\n三、运行效果\n经监测，回用水量达到每日2000吨，"
	  "年节约新鲜水60万吨，化学需氧量削减120吨。\n四、资金使用情况\n五、验收结论\n验收组同意项目通过验收。\n" },
	{ "project_application",
	  "2018年度省级节能减排专项资金\n项目申请报告\n\n申报单位：山东某化肥有限公司\n主管部门：某市发展改革委\n\n"
	  "一、申报单位基本情况\n二、项目基本情况\n三、项目建设内容及投资\n项目总投资1200万元，申请补助资金300万元。\n"
	  "四、预期节能效果\n五、附件\n" },
	{ "guideline",
	  "重点行业挥发性有机物综合治理技术指南\n\n1 适用范围\n本指南适用于石化、化工、工业涂装、包装印刷等行业"
	  "挥发性有机物的综合治理。\n2 源头削减\n鼓励使用低挥发性原辅材料。\n3 过程控制\n4 末端治理\n"
	  "5 监测与管理\n企业应建立台账，记录治理设施运行情况。\n" },
	{ "policy_notice",
	  "粤环函〔2020〕88号\n\n关于做好2020年重点排污单位名录管理工作的通知\n\n各地级以上市生态环境局：\n"
	  "为规范重点排污单位名录管理，现将有关事项通知如下：\n一、确定名录\n二、信息公开\n三、工作要求\n"
	  "请各地于2020年3月31日前报送名录。\n特此通知。\n\n广东省生态环境厅\n2020年2月10日\n" },
	{ "standard",
	  "ICS 13.040.40\nZ 60\n\n中华人民共和国国家标准\nGB 12345—2020\n\n钢铁工业烧结烟气污染物排放标准\n"
	  "Emission standard of pollutants for sintering flue gas of iron and steel industry\n\n"
	  "2020-05-01发布    2020-07-01实施\n\n生 态 环 境 部\n国家市场监督管理总局    发 布\n\n前言\n"
	  "为贯彻《中华人民共和国环境保护法》，制定本标准。本标准规定了烧结烟气污染物排放限值、监测和监督管理要求。\n"
	  "1 适用范围\n本标准适用于现有企业的排放管理。\n2 规范性引用文件\n" },
	{ "other",
	  "某某市城市绿化条例\n\n第一章 总则\n第一条 为了促进城市绿化事业的发展，改善生态环境，根据有关法律、法规，"
	  "结合本市实际，制定本条例。\n第二条 本条例适用于本市行政区域内城市绿化的规划、建设、保护和管理。\n"
	  "第三条 市人民政府城市绿化行政主管部门负责本条例的实施。\n第二章 规划和建设\n第四条 城市绿化规划应当纳入城市总体规划。\n" },
	{ "other",
	  "钢材价格连续三周上涨 下游需求回暖\n发布时间：2012-03-15\n来源：经济日报\n\n"
	  "记者从多家钢铁贸易商处了解到，近期螺纹钢价格连续三周上涨，每吨累计上涨200元。"
	  "业内人士表示，随着天气转暖，工地陆续开工，下游需求明显回暖，但库存仍处高位，后市涨幅有限。\n" },
};

START_TEST(the_corpus_model_classifies_new_documents)
{
	char err[512] = "";
	struct portal_model *m = portal_model_load(PORTAL_MODEL_PATH, err, sizeof err);

	ck_assert_msg(m != NULL, "the document-type model is missing: %s It is built by make from the "
		      "corpus at ../shared/corpus (or $PORTAL_CORPUS).", err);
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		struct portal_classification r;
		portal_classify(m, NULL, samples[i].text, strlen(samples[i].text), &r);
		ck_assert_msg(strcmp(r.doc_type, samples[i].type) == 0 && r.confidence >= 0.5,
			      "sample %zu (%s) came out as %s at %.2f (%s)", i, samples[i].type, r.doc_type,
			      r.confidence, r.cue ? r.cue : "no cue");
	}
	/* the model by itself tells a law and a standard apart */
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		struct portal_classification r;
		if (i != 6 && i != 7)
			continue;
		portal_classify_with(m, PORTAL_CLASSIFY_MODEL, NULL, samples[i].text, strlen(samples[i].text), &r);
		ck_assert_msg(strcmp(r.doc_type, samples[i].type) == 0, "model alone: sample %zu came out as %s",
			      i, r.doc_type);
	}
	portal_model_free(m);
}
END_TEST

START_TEST(a_title_joined_from_two_long_lines_is_cut_to_fit)
{
	/* Line 1 is no title alone; joined with line 2 up to its dash it is
	 * one (…审核报告—…), and the joined line is longer than a line may be.
	 * It overflowed the head's title buffer into the rule pointer that
	 * follows it: the indexer died on a recombined document in the
	 * 100,000-document benchmark. */
	char text[4096] = "北京某电镀企业清洁生产审核\n报告—";
	for (int i = 0; i < 165; i++)
		strcat(text, "长");
	strcat(text, "\n正文开始。这里是正文，有句号。\n");
	struct portal_classification c;
	ck_assert_int_eq(portal_classify(NULL, NULL, text, strlen(text), &c), 0);
	ck_assert_ptr_nonnull(c.doc_type);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("classify");
	TCase *tn = tcase_create("normalize"), *tm = tcase_create("meta"), *tc = tcase_create("classify");

	tcase_add_test(tc, a_title_joined_from_two_long_lines_is_cut_to_fit);
	tcase_add_test(tn, standard_numbers_have_one_spelling);
	tcase_add_test(tn, standard_terms_find_every_edition);
	tcase_add_test(tn, document_numbers_have_one_spelling);
	tcase_add_test(tn, credit_codes_are_checked);
	tcase_add_test(tn, identifiers_are_found_with_their_spans);
	tcase_add_test(tn, a_text_is_scanned_in_order);
	tcase_add_test(tm, meta_of_a_notice);
	tcase_add_test(tm, meta_of_an_audit_report);
	tcase_add_test(tm, meta_of_a_standard);
	tcase_add_test(tm, meta_finds_nothing_in_nothing);
	tcase_add_test(tc, cues_alone_name_the_common_genres);
	tcase_add_test(tc, no_text_is_other_at_no_confidence);
	tcase_add_test(tc, a_model_learns_and_survives_a_round_trip);
	tcase_add_test(tc, the_corpus_model_classifies_new_documents);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tn);
	suite_add_tcase(s, tm);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
