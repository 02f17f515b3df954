/* test-classify.c: unit tests for classify.c (normalize.c and meta.c have
 * test-normalize.c and test-meta.c).
 *
 * Everything here runs on texts written in this file, except the last
 * case: the model that `make` trains from the corpus (at PORTAL_MODEL_PATH)
 * must classify a few documents written here, in the style of real ones by
 * other authors, correctly. That case fails, saying so, when the model is
 * missing: it is built by a plain `make` from the corpus beside the
 * repository (or $PORTAL_CORPUS). */
#include "classify.h"
#include "train.h"

#include "check-run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PORTAL_MODEL_PATH
#define PORTAL_MODEL_PATH "model/doc-type.model"
#endif

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
	TCase *tc = tcase_create("classify");

	tcase_add_test(tc, a_title_joined_from_two_long_lines_is_cut_to_fit);
	tcase_add_test(tc, cues_alone_name_the_common_genres);
	tcase_add_test(tc, no_text_is_other_at_no_confidence);
	tcase_add_test(tc, a_model_learns_and_survives_a_round_trip);
	tcase_add_test(tc, the_corpus_model_classifies_new_documents);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
