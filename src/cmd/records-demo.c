/* records-demo.c: the demo year (records-cmd.h): invented enterprises,
 * agencies and experts, audits and projects at every stage, trainings,
 * and short sample documents written here at demo time and stored through
 * the upload path (store.h, docs_create with a case link), so the indexer
 * indexes them. Every record goes through the engine, so the demo obeys
 * the same rules as people do. All names and codes are invented. */
#include "records-cmd.h"
#include "records.h"
#include "records-link.h"
#include "arena.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "docs.h"
#include "report.h"
#include "selection.h"
#include "store.h"
#include "records-move.h"
#include "workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct portal_user demo_user = { 0, "demo", "admin", NULL, NULL, NULL, NULL };

struct demo_ent {
	const char *name, *code17, *sector, *industry, *district;
	int agency;		/* index into agencies, -1: none yet */
	const char *stage;	/* audit: listed, filed, submitted, evaluated */
	const char *grade;
	int score;
};

static const struct demo_ent ents[] = {
	{ "北京康宁医院", "12110105400010011", "services", "医疗机构", "朝阳区", 0, "evaluated", "优秀", 95 },
	{ "北京海淀味和餐饮有限公司", "91110108MA00A1B2C", "services", "餐饮", "海淀区", 1, "evaluated", "良好", 86 },
	{ "北京顺通公交客运有限公司", "91110113MA00B2C3D", "services", "交通运输", "顺义区", 0, "submitted", NULL, 0 },
	{ "北京东城育才实验学校", "12110101400020022", "services", "教育", "东城区", 2, "filed", NULL, 0 },
	{ "北京京南热电有限公司", "91110115MA00C3D4E", "industry", "电力", "大兴区", 1, "evaluated", "优秀", 91 },
	{ "北京燕化精细化工有限公司", "91110111MA00D4E5F", "industry", "化工", "房山区", 0, "evaluated", "合格", 72 },
	{ "北京华彩印务有限公司", "91110112MA00E5F6G", "industry", "印刷", "通州区", -1, "listed", NULL, 0 },
	{ "北京绿野奶牛养殖专业合作社", "93110119MA00F6G7H", "agriculture", "奶牛养殖", "延庆区", 2, "evaluated", "良好", 82 },
	{ "北京金穗生猪养殖有限公司", "91110117MA00G7H8J", "agriculture", "生猪养殖", "平谷区", 1, "filed", NULL, 0 },
};
#define NENTS (sizeof ents / sizeof ents[0])

static const char *const agencies[][2] = {
	{ "北京绿源清洁生产咨询有限公司", "active" }, { "京华节能环保咨询中心", "active" },
	{ "北方环科技术服务有限公司", "active" }, { "北京恒信环境咨询有限公司", "suspended" },
};

struct demo_project {
	int ent;
	const char *name, *round, *stage;
	long long subsidy_yuan, investment_yuan;
};
static const struct demo_project projects[] = {
	{ 4, "锅炉烟气余热深度回收改造", "spring", "completed", 1200000, 4800000 },
	{ 5, "工艺废水分质回用改造", "spring", "first_paid", 800000, 3100000 },
	{ 0, "中央空调系统节能改造", "spring", "implementing", 450000, 1600000 },
	{ 7, "牛粪固液分离与沼气利用", "autumn", "applied", 0, 900000 },
	{ 1, "厨房油烟净化与余热回收", "spring", "rejected", 0, 350000 },
	{ 2, "公交场站光伏及节水改造", "autumn", "recommended", 0, 2600000 },
};

/* ---- helpers ------------------------------------------------------------- */

static int failed(struct rctx *c, const char *what)
{
	fprintf(stderr, "demo: %s: %s\n", what, c->msg ? c->msg : "refused");
	return -1;
}

static const char *create(struct rctx *c, const struct rtype *t, json_t *in)
{
	const char *id = NULL;
	c->t = t;
	int rc = rec_create(c, in, &id);
	json_decref(in);
	if (rc) {
		failed(c, t->name);
		return NULL;
	}
	return id;
}

/* Move t:id with a JSON text built from fmt. */
static int move(struct rctx *c, const struct rtype *t, const char *id, const char *json)
{
	json_t *in = json_loads(json, 0, NULL);
	c->t = t;
	int rc = workflow_move(c, id, in);
	if (rc == 409 && c->code && strcmp(c->code, "missing_documents") == 0) {
		/* the demo writes some of a case's documents, not all */
		json_object_set_new(in, "reason", json_string("示例数据：部分文件未随示例提供"));
		rc = workflow_move(c, id, in);
	}
	json_decref(in);
	return rc ? failed(c, json) : 0;
}

/* The credit code with its check character (the one portal_credit_code_valid accepts). */
static const char *credit(struct arena *a, const char *code17)
{
	static const char chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	for (const char *ch = chars; *ch; ch++) {
		char *code = arena_printf(a, "%s%c", code17, *ch);
		json_t *v = json_string(code), *out;
		struct rfield f = { .name = "credit_code", .type = FT_CREDIT, .label = "统一社会信用代码" };
		struct rctx c = { .a = a };
		int rc = rec_value(&c, &f, v, &out);
		json_decref(v);
		if (!rc) {
			json_decref(out);
			return code;
		}
	}
	return code17;
}

/* Store text as a public document linked to case_id with role. */
static int document(sqlite3 *db, const char *filename, const char *title, const char *doc_type,
		    const char *case_id, const char *role, const char *text)
{
	struct store_writer w;
	char err[256], id[DOC_ID_LEN];
	int existed, dup;
	if (store_begin(&w, err, sizeof err) < 0 || store_write(&w, text, strlen(text), err, sizeof err) < 0 ||
	    store_commit(&w, &existed, err, sizeof err) < 0) {
		store_abort(&w);
		fprintf(stderr, "demo: %s: %s\n", filename, err);
		return -1;
	}
	struct doc_new d = { .sha256 = w.sha256, .filename = filename, .size = w.size,
			     .mime = "text/plain", .title = title, .doc_type = doc_type,
			     .visibility = "public", .case_id = case_id };
	store_abort(&w);
	if (docs_create(db, &d, id, &dup, err, sizeof err) < 0) {
		fprintf(stderr, "demo: %s: %s\n", filename, err);
		return -1;
	}
	sqlite3_stmt *st = portal_db_prepare(db, "UPDATE document_cases SET role = ? WHERE doc_id = ? AND case_id = ?");
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, case_id, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return 0;
}

/* ---- sample texts ---------------------------------------------------------- */

static const char *audit_report(struct arena *a, const struct demo_ent *e, const char *code, int year,
				const char *agency)
{
	return arena_printf(a,
		"%s清洁生产审核报告\n\n"
		"单位名称：%s\n统一社会信用代码：%s\n所属行业：%s\n所在区：%s\n"
		"咨询机构：%s\n审核年度：%d年\n\n"
		"一、企业概况\n%s位于北京市%s，属于%s行业。本轮清洁生产审核于%d年1月启动，"
		"成立了由主要负责人任组长的审核小组，开展了宣传培训。\n\n"
		"二、预审核与审核\n审核小组对能源、水资源消耗和污染物排放进行了现状调查，"
		"确定以能耗和水耗最大的环节为审核重点，设置了清洁生产目标：单位产品（服务量）综合能耗下降5%%，"
		"新鲜水用量下降8%%。\n\n"
		"三、方案的产生与实施\n共提出清洁生产方案18项，其中无低费方案15项、中高费方案3项。"
		"无低费方案已全部实施，年节约标准煤约86吨，节水约4200吨。\n\n"
		"四、持续清洁生产\n建立了清洁生产管理制度，将清洁生产纳入日常管理和绩效考核。\n",
		e->name, e->name, code, e->industry, e->district, agency, year, e->name, e->district,
		e->industry, year);
}

static const char *application(struct arena *a, const struct demo_ent *e, const char *code,
			       const struct demo_project *p, int year)
{
	return arena_printf(a,
		"%s%s项目资金申请报告\n\n"
		"申请单位：%s\n统一社会信用代码：%s\n项目名称：%s\n申报年度：%d年\n"
		"项目总投资：%lld元\n\n"
		"一、项目背景\n本项目来源于本单位清洁生产审核提出的中高费方案，已列入%d年清洁生产项目推荐名单。\n\n"
		"二、建设内容\n对现有高耗能设备和工艺进行改造，新增节能节水设施，项目实施期不超过12个月。\n\n"
		"三、预期效果\n项目建成后预计年节约标准煤约320吨，减少化学需氧量排放约2.1吨，"
		"节水约1.5万吨。\n",
		e->name, p->name, e->name, code, p->name, year, p->investment_yuan, year);
}

static const char *acceptance(struct arena *a, const struct demo_ent *e, const struct demo_project *p, int year)
{
	return arena_printf(a,
		"%s%s绩效验收报告\n\n"
		"验收时间：%d年11月\n验收结论：通过\n\n"
		"经第三方机构评估，项目实际年节约标准煤326.5吨，减少化学需氧量排放2.3吨，"
		"节水1.6万吨，综合能源利用效率提高6.2个百分点，达到申报时的预期目标。"
		"验收组同意通过绩效验收，建议拨付剩余30%%补助资金。\n",
		e->name, p->name, year);
}

/* ---- the year ------------------------------------------------------------------ */

/* The year being built: the engine's context and the ids made so far. */
struct demo {
	struct rctx c;
	sqlite3 *db;
	struct arena *a;
	int y;
	const char *ag[4], *ex[3], *ent[NENTS], *code[NENTS], *audit[NENTS];
};

/* The agencies, one of them suspended. */
static int add_agencies(struct demo *d)
{
	struct rctx *c = &d->c;
	for (int i = 0; i < 4; i++) {
		if (!(d->ag[i] = create(c, &rt_agencies, json_pack("{s:s,s:i,s:i}", "name", agencies[i][0],
				"year", d->y - 1, "score", 92 - 6 * i))))
			return -1;
		if (strcmp(agencies[i][1], "suspended") == 0 &&
		    move(c, &rt_agencies, d->ag[i], "{\"to\":\"suspended\",\"evaluation\":\"年度考评不合格，暂停承接审核\"}"))
			return -1;
		/* each applied for the year and was selected by Jan 31; the
		 * suspended one suspended for it too (selection.h) */
		int susp = strcmp(agencies[i][1], "suspended") == 0;
		json_t *ap = json_pack("{s:i,s:s}", "year", d->y, "applied_at", arena_printf(d->a, "%d-01-0%d", d->y, 5 + i));
		json_t *sel = json_pack("{s:s,s:s}", "status", "入选", "selected_at", arena_printf(d->a, "%d-01-20", d->y));
		json_t *sus = json_pack("{s:s,s:s,s:i,s:s}", "status", "暂停", "reason", "年度考评不合格，暂停承接审核",
					"score", 55, "grade", "不合格");
		int rc = agency_year_apply(c, d->ag[i], ap) || agency_year_decide(c, d->ag[i], d->y, sel) ||
			 (susp && agency_year_decide(c, d->ag[i], d->y, sus));
		json_decref(ap);
		json_decref(sel);
		json_decref(sus);
		if (rc)
			return failed(c, "agency year");
	}
	return 0;
}

static int add_enterprises(struct demo *d)
{
	for (size_t i = 0; i < NENTS; i++) {
		d->code[i] = credit(d->a, ents[i].code17);
		if (!(d->ent[i] = create(&d->c, &rt_enterprises, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", ents[i].name,
				"credit_code", d->code[i], "sector", ents[i].sector, "industry", ents[i].industry,
				"district", ents[i].district, "contact", "张主任"))))
			return -1;
	}
	return 0;
}

static int add_experts(struct demo *d)
{
	static const char *const experts[][3] = {
		{ "王建国", "services,医疗机构,教育", "北京市节能环保中心" },
		{ "陈秀兰", "industry,化工,电力", "北京工业大学" },
		{ "刘志强", "agriculture,奶牛养殖,生猪养殖", "北京市农林科学院" },
	};
	for (int i = 0; i < 3; i++)
		if (!(d->ex[i] = create(&d->c, &rt_experts, json_pack("{s:s,s:s,s:s,s:s?}", "name", experts[i][0],
				"specialties", experts[i][1], "organisation", experts[i][2],
				"conflict_agencies", i == 2 ? d->ag[2] : NULL))))
			return -1;
	return 0;
}

/* Enterprise i's audit, moved to its stage: filed, submitted with its
 * report, evaluated by an expert of its sector. */
static int add_audit(struct demo *d, size_t i)
{
	struct rctx *c = &d->c;
	struct arena *a = d->a;
	int y = d->y;
	const struct demo_ent *e = &ents[i];
	char buf[512];

	if (!(d->audit[i] = create(c, &rt_audits, json_pack("{s:s,s:i,s:s?}", "enterprise_id", d->ent[i],
			"year", y, "agency_id", e->agency >= 0 ? d->ag[e->agency] : NULL))))
		return -1;
	int stage = workflow_index(rt_audits.flow, e->stage);
	if (stage >= 1) {
		snprintf(buf, sizeof buf, "{\"to\":\"filed\",\"contract_date\":\"%d-01-%02zu\",\"registration_date\":\"%d-02-%02zu\"}",
			 y, 8 + i, y, 10 + i);
		if (move(c, &rt_audits, d->audit[i], buf))
			return -1;
	}
	if (stage >= 2) {
		snprintf(buf, sizeof buf, "{\"to\":\"submitted\",\"report_date\":\"%d-05-%02zu\"}", y, 10 + i);
		if (move(c, &rt_audits, d->audit[i], buf))
			return -1;
		const char *case_id = arena_printf(a, "audit:%s", d->audit[i]);
		if (document(d->db, arena_printf(a, "%s清洁生产审核报告.txt", e->name),
			     arena_printf(a, "%s清洁生产审核报告", e->name), "audit_report", case_id, "audit_report",
			     audit_report(a, e, d->code[i], y, agencies[e->agency][0])))
			return -1;
	}
	if (stage >= 3) {
		int x = strcmp(e->sector, "services") == 0 ? 0 : strcmp(e->sector, "industry") == 0 ? 1 : 2;
		if (x == 2 && e->agency == 2)
			x = 0;	/* 刘志强 is linked to that agency */
		c->t = &rt_experts;
		json_t *in = json_pack("{s:s,s:s}", "case", arena_printf(a, "audit:%s", d->audit[i]), "role", "reviewer");
		int rc = expert_assign(c, d->ex[x], in);
		json_decref(in);
		if (rc)
			return failed(c, "assign");
		snprintf(buf, sizeof buf, "{\"to\":\"evaluated\",\"evaluated_date\":\"%d-06-%02zu\",\"grade\":\"%s\",\"score\":%d}",
			 y, 12 + i, e->grade, e->score);
		if (move(c, &rt_audits, d->audit[i], buf))
			return -1;
	}
	return 0;
}

/* A project past review, moved from district approval up to its target
 * stage (at most completed). */
static int advance_project(struct demo *d, const struct demo_project *p, const char *id, int target)
{
	struct arena *a = d->a;
	int y = d->y;
	const char *steps[] = {
		arena_printf(a, "{\"to\":\"district_approved\",\"district_approved_date\":\"%d-03-05\"}", y),
		arena_printf(a, "{\"to\":\"reviewed\",\"review_date\":\"%d-03-20\"}", y),
		arena_printf(a, "{\"to\":\"approved\",\"approved_date\":\"%d-04-10\",\"subsidy_fen\":%lld}", y, p->subsidy_yuan * 100),
		arena_printf(a, "{\"to\":\"implementing\",\"start_date\":\"%d-05-01\",\"planned_end_date\":\"%d-02-28\"}", y, y + 1),
		arena_printf(a, "{\"to\":\"first_paid\",\"first_paid_fen\":%lld,\"first_paid_date\":\"%d-06-15\"}", p->subsidy_yuan * 70, y),
		arena_printf(a, "{\"to\":\"evaluated\",\"evaluation_date\":\"%d-10-20\",\"energy_saved\":326.5,"
			     "\"energy_saved_unit\":\"吨标准煤/年\",\"consumption_cut\":16000,\"consumption_cut_unit\":\"吨水/年\","
			     "\"pollution_cut\":2.3,\"pollution_cut_unit\":\"吨COD/年\",\"efficiency_gain\":6.2,"
			     "\"efficiency_gain_unit\":\"百分点\"}", y),
		arena_printf(a, "{\"to\":\"accepted\",\"accepted_date\":\"%d-11-18\",\"acceptance_note\":\"达到预期目标，同意通过\"}", y),
		arena_printf(a, "{\"to\":\"completed\",\"final_paid_fen\":%lld,\"final_paid_date\":\"%d-12-10\"}", p->subsidy_yuan * 30, y),
	};
	for (int s = 0; s < 8 && s + 2 <= target; s++)
		if (move(&d->c, &rt_projects, id, steps[s]))
			return -1;
	return 0;
}

/* Project k, moved to its stage: applied with its application, rejected,
 * or reviewed and on, with an acceptance report once accepted. */
static int add_project(struct demo *d, size_t k)
{
	struct rctx *c = &d->c;
	struct arena *a = d->a;
	int y = d->y;
	const struct demo_project *p = &projects[k];
	char buf[512];

	/* A project whose enterprise has no evaluated audit yet is listed by
	 * staff with a reason, as the commission would. */
	const char *reason = strcmp(ents[p->ent].stage, "evaluated") == 0 ? NULL
		: "区发改委推荐：审核报告已提交，评估前先列入推荐名单（示例）";
	const char *id = create(c, &rt_projects, json_pack("{s:s,s:i,s:s,s:s,s:I,s:s*}", "enterprise_id", d->ent[p->ent],
		"year", y, "name", p->name, "round", p->round, "investment_fen", (json_int_t)p->investment_yuan * 100,
		"reason", reason));
	if (!id)
		return -1;
	const char *case_id = arena_printf(a, "project:%s", id);
	int target = workflow_index(rt_projects.flow, p->stage);
	int autumn = strcmp(p->round, "autumn") == 0;
	if (strcmp(p->stage, "recommended") == 0)
		return 0;
	snprintf(buf, sizeof buf, "{\"to\":\"applied\",\"application_date\":\"%d-%s\"}", y, autumn ? "08-20" : "02-20");
	if (move(c, &rt_projects, id, buf) ||
	    document(d->db, arena_printf(a, "%s项目申请报告.txt", p->name), arena_printf(a, "%s%s项目资金申请报告",
		     ents[p->ent].name, p->name), "project_application", case_id, "application_report",
		     application(a, &ents[p->ent], d->code[p->ent], p, y)))
		return -1;
	if (strcmp(p->stage, "rejected") == 0) {
		snprintf(buf, sizeof buf, "{\"to\":\"rejected\",\"rejected_date\":\"%d-03-15\",\"note\":\"节能效果测算依据不足\"}", y);
		if (move(c, &rt_projects, id, buf))
			return -1;
		return 0;
	}
	if (target <= 1)
		return 0;
	c->t = &rt_experts;
	json_t *in = json_pack("{s:s,s:s}", "case", case_id, "role", "reviewer");
	int rc = expert_assign(c, d->ex[1], in);
	json_decref(in);
	if (rc)
		return failed(c, "assign");
	if (advance_project(d, p, id, target))
		return -1;
	if (target >= workflow_index(rt_projects.flow, "accepted") &&
	    document(d->db, arena_printf(a, "%s绩效验收报告.txt", p->name), arena_printf(a, "%s%s绩效验收报告",
		     ents[p->ent].name, p->name), "acceptance_report", case_id, "acceptance_report",
		     acceptance(a, &ents[p->ent], p, y)))
		return -1;
	/* an accepted project: its third-party figures confirmed, and chosen
	 * a typical unit of the year with them */
	if (target >= workflow_index(rt_projects.flow, "accepted")) {
		json_t *res = json_pack("{s:f,s:f,s:f}", "energy_tce", 326.5, "water_m3", 16000.0, "cod_t", 2.3);
		json_t *why = json_pack("{s:s}", "reason", "余热深度回收节能效果显著，第三方评估确认，可供电力行业参考（示例）");
		int bad = project_results_confirm(c, id, res) || typical_choose(c, id, why);
		json_decref(res);
		json_decref(why);
		if (bad)
			return failed(c, "typical unit");
	}
	return 0;
}

static int add_trainings(struct demo *d)
{
	static const char *const trainings[][4] = {
		{ "医疗机构清洁生产审核培训", "医疗机构、学校等服务业单位", "services", "03-18" },
		{ "工业企业清洁生产审核与中高费方案培训", "工业企业及咨询机构", "industry", "04-09" },
	};
	for (int i = 0; i < 2; i++)
		if (!create(&d->c, &rt_trainings, json_pack("{s:s,s:s,s:s,s:s,s:i,s:s}", "title", trainings[i][0],
				"audience", trainings[i][1], "sector", trainings[i][2],
				"date", arena_printf(d->a, "%d-%s", d->y, trainings[i][3]), "attendees", 86 + 40 * i,
				"location", "北京市发展和改革委员会会议室")))
			return -1;
	return 0;
}

static int build(sqlite3 *db, struct arena *a, int y)
{
	struct demo d = { .c = { .db = db, .a = a, .u = &demo_user }, .db = db, .a = a, .y = y };

	if (add_agencies(&d) || add_enterprises(&d) || add_experts(&d))
		return -1;
	for (size_t i = 0; i < NENTS; i++)
		if (add_audit(&d, i))
			return -1;
	for (size_t k = 0; k < sizeof projects / sizeof projects[0]; k++)
		if (add_project(&d, k))
			return -1;
	if (add_trainings(&d))
		return -1;
	/* the year's plan, to compare the records against */
	json_t *plan = json_pack("{s:{s:i,s:i,s:I},s:{s:i,s:i,s:I},s:{s:i,s:i,s:I}}",
		"services", "audits", 5, "projects", 3, "funds_fen", (json_int_t)150000000,
		"industry", "audits", 3, "projects", 2, "funds_fen", (json_int_t)250000000,
		"agriculture", "audits", 2, "projects", 1, "funds_fen", (json_int_t)50000000);
	int rc = report_targets_set(&d.c, y, plan);
	json_decref(plan);
	if (rc)
		return failed(&d.c, "targets");
	/* one district (延庆区, whose dairy project awaits its approval) and
	 * one sector authority (industry), so their home pages have something
	 * to show; they sign in once given a password (portalctl user passwd) */
	static const char *const area_users[][3] = {
		{ "延庆区发改委", "district", "延庆区" },
		{ "市经济和信息化局", "authority", "industry" },
	};
	char err[256];
	for (size_t i = 0; i < sizeof area_users / sizeof area_users[0]; i++)
		if (!portal_user_id(db, area_users[i][0]) &&
		    portal_user_add_area(db, area_users[i][0], area_users[i][1], area_users[i][2], err, sizeof err) < 0) {
			fprintf(stderr, "demo: user %s: %s\n", area_users[i][0], err);
			return -1;
		}
	return 0;
}

int records_demo(sqlite3 *db)
{
	sqlite3_stmt *st = portal_db_prepare(db, "SELECT count(*) FROM enterprises");
	int any = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (any) {
		printf("demo: records exist already; nothing done\n");
		return 0;
	}
	struct arena *a = arena_new();
	int y = report_current_year() - 1;
	int rc = build(db, a, y);
	arena_destroy(a);
	if (rc)
		return 1;
	printf("demo: the %d programme year is loaded\n", y);
	return 0;
}
