/* labels.c: the table of Chinese labels (labels.h). One row per code; the
 * order of a kind's rows is the order menus show them in. */
#include "labels.h"

#include <string.h>

static const struct label {
	const char *kind, *code, *label;
} labels[] = {
	{ L_SECTOR, "industry", "工业" },
	{ L_SECTOR, "services", "服务业" },
	{ L_SECTOR, "agriculture", "农业" },

	{ L_ROUND, "spring", "春季" },
	{ L_ROUND, "autumn", "秋季" },

	{ L_AUDIT_STATE, "listed", "已列入名单" },
	{ L_AUDIT_STATE, "filed", "已备案" },
	{ L_AUDIT_STATE, "submitted", "报告已提交" },
	{ L_AUDIT_STATE, "evaluated", "已评估" },

	{ L_PROJECT_STATE, "recommended", "已列入推荐名单" },
	{ L_PROJECT_STATE, "applied", "已申报" },
	{ L_PROJECT_STATE, "district_approved", "区级已审核" },
	{ L_PROJECT_STATE, "reviewed", "专家已评审" },
	{ L_PROJECT_STATE, "approved", "已批准" },
	{ L_PROJECT_STATE, "implementing", "实施中" },
	{ L_PROJECT_STATE, "first_paid", "首笔资金已拨付" },
	{ L_PROJECT_STATE, "evaluated", "第三方评估完成" },
	{ L_PROJECT_STATE, "accepted", "验收通过" },
	{ L_PROJECT_STATE, "completed", "尾款已拨付（完成）" },
	{ L_PROJECT_STATE, "acceptance_failed", "验收未通过" },
	{ L_PROJECT_STATE, "rejected", "未获批准" },

	{ L_AGENCY_STATUS, "active", "在册" },
	{ L_AGENCY_STATUS, "suspended", "暂停" },
	{ L_AGENCY_STATUS, "removed", "已取消资格" },

	{ L_CHANGE_STATE, "pending", "待审批" },
	{ L_CHANGE_STATE, "approved", "已批准" },
	{ L_CHANGE_STATE, "rejected", "未批准" },

	{ L_FILING_STATE, "pending", "待确认" },
	{ L_FILING_STATE, "confirmed", "已确认" },
	{ L_FILING_STATE, "returned", "已退回" },

	{ L_EXPERT_ROLE, "reviewer", "评审专家" },
	{ L_EXPERT_ROLE, "evaluator", "评估专家" },
	{ L_EXPERT_ROLE, "acceptance", "验收专家" },

	{ L_DOC_ROLE, "contract", "咨询合同" },
	{ L_DOC_ROLE, "registration_form", "备案登记表" },
	{ L_DOC_ROLE, "audit_report", "清洁生产审核报告" },
	{ L_DOC_ROLE, "application_report", "项目申请报告" },
	{ L_DOC_ROLE, "feasibility_study", "可行性研究报告" },
	{ L_DOC_ROLE, "equipment_approval", "设备采购审批" },
	{ L_DOC_ROLE, "progress_report", "进度报告" },
	{ L_DOC_ROLE, "acceptance_report", "绩效验收报告" },
	{ L_DOC_ROLE, "evaluation", "评估意见" },

	{ L_ACTION, "create", "创建" },
	{ L_ACTION, "update", "修改" },
	{ L_ACTION, "correct", "更正" },
	{ L_ACTION, "transition", "状态变更" },
	{ L_ACTION, "assign", "指派专家" },
	{ L_ACTION, "link", "关联文档" },
	{ L_ACTION, "unlink", "取消关联" },
	{ L_ACTION, "change_request", "提出变更申请" },
	{ L_ACTION, "change_decision", "审批变更申请" },
	{ L_ACTION, "filing", "企业填报" },
	{ L_ACTION, "filing_confirm", "确认企业填报" },
	{ L_ACTION, "filing_return", "退回企业填报" },
	{ L_ACTION, "review", "填写评审意见" },
	{ L_ACTION, "review_return", "退回评审意见" },
	{ L_ACTION, "grade_confirm", "确认评估等级" },
	{ L_ACTION, "restore", "恢复版本" },
	{ L_ACTION, "retry", "重新索引" },
	{ L_ACTION, "results", "确认项目成效" },
	{ L_ACTION, "view", "查看" },
	{ L_ACTION, "download", "下载" },
	{ L_ACTION, "edition_set", "设置标准版本状态" },
	{ L_ACTION, "read_text", "读取全文" },
	{ L_ACTION, "login", "登录" },
	{ L_ACTION, "logout", "退出登录" },
	{ L_ACTION, "password_change", "修改密码" },
	{ L_ACTION, "password_set", "设置初始密码" },
	{ L_ACTION, "password_reset", "重置密码" },
	{ L_ACTION, "sessions_end", "结束会话" },
	{ L_ACTION, "token_revoke", "撤销令牌" },
	{ L_ACTION, "user_create", "创建用户" },
	{ L_ACTION, "user_disable", "停用用户" },
	{ L_ACTION, "user_enable", "启用用户" },
	{ L_ACTION, "saved_search_create", "保存搜索" },
	{ L_ACTION, "saved_search_delete", "删除保存的搜索" },
	{ L_ACTION, "feed_token", "生成订阅地址" },
	{ L_ACTION, "agency_apply", "申请年度入选" },
	{ L_ACTION, "agency_year", "年度遴选与考评" },
	{ L_ACTION, "typical_unit", "评选典型单位" },
	{ L_ACTION, "typical_unit_withdrawn", "撤销典型单位" },

	{ L_USER_ROLE, "anonymous", "访客" },
	{ L_USER_ROLE, "enterprise", "企业" },
	{ L_USER_ROLE, "agency", "咨询机构" },
	{ L_USER_ROLE, "expert", "专家" },
	{ L_USER_ROLE, "staff", "工作人员" },
	{ L_USER_ROLE, "admin", "管理员" },
	{ L_USER_ROLE, "district", "区发改委" },
	{ L_USER_ROLE, "authority", "行业主管部门" },

	{ L_DEADLINE, "audit_filing", "咨询合同和备案登记表" },
	{ L_DEADLINE, "audit_report", "审核报告提交" },
	{ L_DEADLINE, "audit_evaluation", "审核评估完成" },
	{ L_DEADLINE, "application_spring", "项目申请（春季批次）" },
	{ L_DEADLINE, "application_autumn", "项目申请（秋季批次）" },
	{ L_DEADLINE, "implementation_end", "项目按期完工验收" },

	{ L_MEASURE, "total", "合计" },
	{ L_MEASURE, "audits", "审核" },
	{ L_MEASURE, "listed", "列入名单" },
	{ L_MEASURE, "started", "已启动" },
	{ L_MEASURE, "submitted", "已提交报告" },
	{ L_MEASURE, "evaluated", "已评估" },
	{ L_MEASURE, "audit_grade", "评估等级" },
	{ L_MEASURE, "projects", "项目" },
	{ L_MEASURE, "project_stage", "项目阶段" },
	{ L_MEASURE, "funds", "资金" },
	{ L_MEASURE, "approved_fen", "批准补助（元）" },
	{ L_MEASURE, "paid_fen", "已拨付（元）" },

	{ L_CASE_KIND, "audit", "审核" },
	{ L_CASE_KIND, "project", "项目" },
};

#define NLABELS (sizeof labels / sizeof labels[0])

const char *label_of(const char *kind, const char *code)
{
	if (!code)
		return "";
	for (size_t i = 0; kind && i < NLABELS; i++)
		if (strcmp(labels[i].kind, kind) == 0 && strcmp(labels[i].code, code) == 0)
			return labels[i].label;
	return code;
}

const char *label_code(const char *kind, const char *label)
{
	for (size_t i = 0; kind && label && i < NLABELS; i++)
		if (strcmp(labels[i].kind, kind) == 0 && strcmp(labels[i].label, label) == 0)
			return labels[i].code;
	return NULL;
}

int label_each(const char *kind, int *i, const char **code, const char **label)
{
	for (; kind && *i >= 0 && (size_t)*i < NLABELS; ++*i)
		if (strcmp(labels[*i].kind, kind) == 0) {
			*code = labels[*i].code;
			*label = labels[*i].label;
			++*i;
			return 1;
		}
	return 0;
}
