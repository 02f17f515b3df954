/* test-intent.c: unit tests for intent.c (question words, intent, business
 * names in a query). */
#include "intent.h"
#include "arena.h"
#include "industry.h"

#include "check-run.h"
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
	tcase_add_test(tc, how_others_did_it_wants_cases);
	tcase_add_test(tc, business_names_map_to_industries);
	tcase_add_test(tc, queries_for_the_engine_are_left_alone);
	tcase_add_test(tc, intents_favour_types);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
