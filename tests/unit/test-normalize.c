/* test-normalize.c: unit tests for normalize.c: standard numbers, document
 * numbers and credit codes in one spelling, and identifiers found in a query
 * or a text. */
#include "normalize.h"

#include "check-run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* every spelling people type (issue #18) */
	std_is("db11t1234", "DB11/T 1234");			/* run together */
	std_is("db11t1234—2026", "DB11/T 1234-2026");
	std_is("DB11T 1234-2015", "DB11/T 1234-2015");
	std_is("gb18466", "GB 18466");
	std_is("GB 18466‐2005", "GB 18466-2005");		/* U+2010 hyphen */
	std_is("GB 18466－2005", "GB 18466-2005");		/* full-width hyphen-minus */
	std_is("GB 18466―2005", "GB 18466-2005");		/* horizontal bar */
	std_is("GB １８４６６", "GB 18466");			/* full-width digits */
	std_is("ｇｂ１８４６６", "GB 18466");			/* full-width letters */
	std_is("GBT24001-2016", "GB/T 24001-2016");
	std_is("GB／T 24001-2016", "GB/T 24001-2016");
	std_is("GB/T 24001—2016", "GB/T 24001-2016");
	std_refused("DB11 1234");
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
	/* the number alone, for a query that leaves the code out */
	ck_assert_uint_eq(portal_norm_standard_bare("GB 18466-2005", t), 2);
	ck_assert_str_eq(t[0], "18466");
	ck_assert_str_eq(t[1], "18466-2005");
	ck_assert_uint_eq(portal_norm_standard_bare("DB11/T 1234", t), 1);
	ck_assert_str_eq(t[0], "1234");
	ck_assert_uint_eq(portal_norm_standard_bare("DB44/1597-2015", t), 2);
	ck_assert_str_eq(t[1], "1597-2015");
	ck_assert_uint_eq(portal_norm_standard_bare("GB 5085.7-2019", t), 2);
	ck_assert_str_eq(t[0], "5085.7");
	ck_assert_uint_eq(portal_norm_standard_bare("nonsense", t), 0);
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

static void numbers_are(const char *q, const char *want)
{
	struct portal_ident ids[8];
	char got[256] = "";
	size_t n = portal_norm_find_numbers(q, strlen(q), ids, 8);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(ids[i].kind, PORTAL_IDENT_NUMBER);
		size_t l = strlen(got);
		snprintf(got + l, sizeof got - l, "%s%s", i ? "|" : "", ids[i].canon);
	}
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\" gave \"%s\", not \"%s\"", q, got, want);
}

START_TEST(bare_numbers_are_found_in_queries)
{
	numbers_are("18466", "18466");
	numbers_are("１８４６６", "18466");			/* full-width digits */
	numbers_are(" 18466—2005 排放", "18466-2005");
	numbers_are("18466－2005", "18466-2005");
	numbers_are("5085.7", "5085.7");
	numbers_are("医疗 18466 水", "18466");
	/* not a standard's number: years, counts, dates, codes, phones */
	numbers_are("2014", "");
	numbers_are("2014年 清洁生产", "");
	numbers_are("320吨 5000万元", "");
	numbers_are("12", "");
	numbers_are("010-68523197", "");
	numbers_are("GB18466 DB11/T1234 abc123", "");
	numbers_are("911101174993792663", "");
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

int main(void)
{
	Suite *s = suite_create("normalize");
	TCase *tc = tcase_create("normalize");

	tcase_add_test(tc, standard_numbers_have_one_spelling);
	tcase_add_test(tc, bare_numbers_are_found_in_queries);
	tcase_add_test(tc, standard_terms_find_every_edition);
	tcase_add_test(tc, document_numbers_have_one_spelling);
	tcase_add_test(tc, credit_codes_are_checked);
	tcase_add_test(tc, identifiers_are_found_with_their_spans);
	tcase_add_test(tc, a_text_is_scanned_in_order);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
