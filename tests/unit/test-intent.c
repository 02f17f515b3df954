/* test-intent.c: unit tests for intent.c (question words, intent, business
 * names in a query). */
#include "intent.h"
#include "query-words.h"
#include "arena.h"
#include "industry.h"

#include "check-run.h"
#include <stdio.h>
#include <string.h>

static void reads(const char *q, const char *text, enum query_want want, const char *industry)
{
	struct arena *a = arena_new();
	struct query_intent in;
	intent_read(a, q, &in);
	ck_assert_msg(strcmp(in.text, text) == 0, "%s: text '%s', not '%s'", q, in.text, text);
	ck_assert_msg(in.want == want, "%s: want %d, not %d", q, in.want, want);
	if (industry)
		ck_assert_msg(in.industry && strcmp(in.industry, industry) == 0, "%s: industry %s, not %s",
			      q, in.industry ? in.industry : "(none)", industry);
	else
		ck_assert_msg(!in.industry, "%s: industry %s, not none", q, in.industry);
	arena_destroy(a);
}

static void splits(const char *q, const char *want)
{
	struct arena *a = arena_new();
	const char **joins;
	size_t nj;
	const char *got = query_words_split(a, q, &joins, &nj);
	ck_assert_msg(strcmp(got, want) == 0, "%s: '%s', not '%s'", q, got, want);
	arena_destroy(a);
}

/* The pairs across the breaks, space-separated. */
static void joins(const char *q, const char *want)
{
	struct arena *a = arena_new();
	const char **j;
	size_t nj;
	query_words_split(a, q, &j, &nj);
	char got[256] = "";
	for (size_t i = 0; i < nj; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", j[i]);
	ck_assert_msg(strcmp(got, want) == 0, "%s: joins '%s', not '%s'", q, got, want);
	arena_destroy(a);
}

START_TEST(run_together_chinese_becomes_words)
{
	splits("环保部门核定", "环保 部门 核定");
	splits("医院节水措施", "医院 节水 措施");
	splits("核定过程", "核定 过程");
	/* left alone: short runs, quotes, fields, Latin, digits */
	splits("节水", "节水");
	splits("\"环保部门核定\"", "\"环保部门核定\"");
	splits("title:环保部门核定", "title:环保部门核定");
	splits("GB 18597 危险废物", "GB 18597 危险 废物");
	splits("COD排放", "COD排放");
	/* the run as typed still ranks first: the pairs across the breaks */
	joins("环保部门核定", "保部 门核");
	joins("GB 18597 危险废物", "险废");
	joins("节水", "");
}
END_TEST

/* A made-up index: 医疗废物 written as one in many documents; 部门 and
 * 核定 common, never adjacent. */
static unsigned long fake_freq(void *ctx, const char *t)
{
	(void)ctx;
	static const struct { const char *t; unsigned long n; } tf[] = {
		{ "医疗", 100 }, { "废物", 80 }, { "疗废", 60 },
		{ "部门", 300 }, { "核定", 50 }, { "门核", 1 }, { "环保", 200 }, { "保部", 40 },
	};
	for (size_t i = 0; i < sizeof tf / sizeof tf[0]; i++)
		if (strcmp(tf[i].t, t) == 0)
			return tf[i].n;
	return 0;
}

START_TEST(compounds_the_documents_write_stay_whole)
{
	query_words_set_freq(fake_freq, NULL);
	splits("医疗废物", "医疗废物");		/* 疗废 60 >= 0.3 * min(100, 80) */
	splits("环保部门核定", "环保 部门 核定");	/* 门核 1 < 0.3 * 50; 保部 40 < 0.3 * 200 */
	joins("环保部门核定", "保部 门核");
	query_words_set_freq(NULL, NULL);
	splits("医疗废物", "医疗 废物");
}
END_TEST

START_TEST(question_words_leave_the_text)
{
	reads("洗车店 用水 有什么要求", "洗车 汽车维修 用水 要求", WANT_RULES, NULL);
	reads("印染厂 废水 排放 标准是多少", "印染 纺织染整 废水 排放 标准", WANT_RULES, NULL);
	reads("危废 存放 需要什么条件", "危废 存放 条件", WANT_RULES, NULL);
	reads("新建项目 需要做环评吗", "新建项目 环评", WANT_RULES, NULL);
	reads("没验收 就投产 怎么处罚", "没验收 投产 处罚", WANT_RULES, NULL);
	reads("数据中心 清洁生产 指标 有哪些", "数据中心 清洁生产 指标", WANT_RULES, NULL);
}
END_TEST

START_TEST(how_others_did_it_wants_cases)
{
	reads("其他医院 怎么 节水", "医院 医疗机构 节水", WANT_CASES, "医疗机构");
	reads("酒店 节能 改造 案例", "酒店 宾馆 节能 改造", WANT_CASES, "宾馆饭店");
	reads("印刷企业 废气 怎么治理", "印刷 废气 治理", WANT_CASES, "印刷");
	reads("洗衣房 中水回用 效果", "洗衣 洗涤 中水回用 效果", WANT_CASES, "洗染");
	/* an explicit case word decides over a rule word */
	reads("其他医院 排放 标准", "医院 医疗机构 排放 标准", WANT_CASES, "医疗机构");
}
END_TEST

START_TEST(business_names_map_to_industries)
{
	reads("奶牛场 粪污", "奶牛场 奶牛养殖 粪污", WANT_ANY, "奶牛养殖");
	reads("学校 锅炉", "学校 锅炉", WANT_ANY, "教育");
	reads("饭店 油烟", "餐饮 饮食业 油烟", WANT_ANY, "餐饮");
	reads("电镀厂 清洁生产", "电镀 清洁生产", WANT_ANY, "电镀");
	reads("水泥厂 污泥", "水泥 污泥", WANT_ANY, "建材");
	reads("汽车配件厂 喷涂", "汽车配件 汽车零部件 喷涂", WANT_ANY, "汽车制造");
	reads("线路板厂 蚀刻液", "线路板 电路板 蚀刻液", WANT_ANY, "电子元器件制造");
	/* every industry the table names is canonical */
	const char *w, *ind;
	ck_assert(intent_business("养鱼", &w, &ind) && strcmp(ind, "水产养殖") == 0);
	static const char *const names[] = { "洗车店", "奶牛场", "学校", "医院", "宾馆", "饭店",
		"商场", "洗衣房", "线路板", "汽配", "制药", "大棚", "公交", "机房", "电厂", NULL };
	for (const char *const *n = names; *n; n++) {
		ck_assert_msg(intent_business(*n, &w, &ind), "%s unknown", *n);
		if (ind)
			ck_assert_msg(strcmp(portal_industry_fold(ind), ind) == 0 && portal_industry_sector(ind),
				      "%s: %s is not a canonical industry", *n, ind);
	}
}
END_TEST

START_TEST(queries_for_the_engine_are_left_alone)
{
	reads("节约标准煤 355.5 吨", "节约标准煤 355.5 吨", WANT_ANY, NULL);
	reads("京发改〔2014〕412号", "京发改〔2014〕412号", WANT_ANY, NULL);
	reads("医院 OR 学校", "医院 OR 学校", WANT_ANY, NULL);
	reads("title:医院", "title:医院", WANT_ANY, NULL);
	reads("", "", WANT_ANY, NULL);
	/* a query of question words only keeps its text */
	reads("怎么", "怎么", WANT_ANY, NULL);
	/* plain content: unchanged, no intent */
	reads("危险废物 贮存", "危险废物 贮存", WANT_ANY, NULL);
}
END_TEST

/* The held-out set's ways of asking (bench/relevance/heldout): colloquial
 * question words end a word, so a query typed without spaces still falls
 * into the words documents use. */
START_TEST(question_words_break_run_together_words)
{
	reads("北京那个节水的条例", "北京 节水 条例", WANT_ANY, NULL);
	reads("瓷砖厂 废气 咋规定的", "陶瓷 瓷砖 废气 规定", WANT_RULES, "建材");
	reads("蔬菜合作社 搞清洁生产 都做了啥", "蔬菜 设施蔬菜 清洁生产", WANT_ANY, "设施种植");
	reads("喷漆房 废气 蓄热燃烧 谁家用过", "喷漆房 废气 蓄热燃烧 用过", WANT_CASES, NULL);
	/* particles go only when left alone: 都市, 过滤 stay whole */
	reads("都市农业 使用过滤器", "都市农业 使用过滤器", WANT_ANY, NULL);
	/* a business name at the start of a run-together word is split off */
	reads("皮革厂废水排放限值", "制革 皮革 毛皮 废水排放限值", WANT_RULES, NULL);
	reads("工地晚上施工噪音", "建筑施工 施工 晚上施工噪音", WANT_ANY, NULL);
	/* short compounds stay whole */
	reads("宾馆饭店 清洁生产", "宾馆饭店 清洁生产", WANT_ANY, NULL);
	reads("印刷业 VOCs", "印刷业 VOCs", WANT_ANY, NULL);
}
END_TEST

/* Businesses the corpus' standards name by their industry (发酵酒精和白酒
 * 工业, 火葬场, 建筑施工场界, 社会生活, 储油库), by their everyday names;
 * an unknown X厂 is searched by its stem. */
START_TEST(businesses_grown_from_the_corpus)
{
	reads("白酒厂 污水", "白酒 发酵酒精 污水", WANT_ANY, "食品加工");
	reads("殡仪馆 烟气", "火葬场 殡葬 烟气", WANT_ANY, NULL);
	reads("KTV 噪音", "社会生活 娱乐场所 噪音", WANT_ANY, NULL);
	reads("油库 油气", "储油库 油气", WANT_ANY, NULL);
	reads("村里 生活污水", "农村 生活污水", WANT_ANY, NULL);
	reads("IDC 机房 节能", "数据中心 机房 机房 数据中心 节能", WANT_ANY, "数据中心");
	reads("屠宰厂 废水", "屠宰 废水", WANT_ANY, NULL);
	reads("饮料厂 废水", "饮料 废水", WANT_ANY, NULL);
	/* 店, 馆, 场 and 房 are no suffix for the stem rule: 饭店, 市场, 锅炉房 */
	reads("饭店 废水", "餐饮 饮食业 废水", WANT_ANY, "餐饮");
	reads("锅炉房 改造", "锅炉房 改造", WANT_CASES, NULL);
	const char *w, *ind;
	static const char *const names[] = { "白酒厂", "皮革厂", "瓷砖厂", "砖厂", "殡仪馆", "工地",
		"KTV", "油库", "牧场", "车队", "IDC", NULL };
	for (const char *const *n = names; *n; n++) {
		ck_assert_msg(intent_business(*n, &w, &ind), "%s unknown", *n);
		if (ind)
			ck_assert_msg(strcmp(portal_industry_fold(ind), ind) == 0 && portal_industry_sector(ind),
				      "%s: %s is not a canonical industry", *n, ind);
	}
}
END_TEST

START_TEST(intents_favour_types)
{
	ck_assert_ptr_null(intent_types(WANT_ANY));
	const struct intent_type *t = intent_types(WANT_RULES);
	ck_assert_str_eq(t[0].type, "standard");
	t = intent_types(WANT_CASES);
	int audit = 0;
	for (; t->type; t++)
		audit |= strcmp(t->type, "audit_report") == 0;
	ck_assert(audit);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("intent");
	TCase *tc = tcase_create("intent");
	tcase_add_test(tc, question_words_leave_the_text);
	tcase_add_test(tc, run_together_chinese_becomes_words);
	tcase_add_test(tc, compounds_the_documents_write_stay_whole);
	tcase_add_test(tc, how_others_did_it_wants_cases);
	tcase_add_test(tc, business_names_map_to_industries);
	tcase_add_test(tc, queries_for_the_engine_are_left_alone);
	tcase_add_test(tc, intents_favour_types);
	tcase_add_test(tc, question_words_break_run_together_words);
	tcase_add_test(tc, businesses_grown_from_the_corpus);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
