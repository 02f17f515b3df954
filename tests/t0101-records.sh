#!/usr/bin/env bash
# t0101-records.sh: programme records through real nginx and cases.fcgi:
# create/list/get/update for enterprises, agencies, experts, audits and
# projects; validation (credit codes, dates, amounts, sector/industry);
# who sees what (enterprise users their own records, anonymous 401,
# writes staff only); every allowed and every refused workflow transition
# of audits, projects and agencies, with the rule in the message; expert
# conflicts of interest; change requests; the audit trail. Covers
# records*.c, workflow.c, cgi-bin/cases.c.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

# api METHOD PATH [JSON] [TOKEN]: sets CODE and BODY.
api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
# refused STATUS WORDS DESCRIPTION: the last answer was STATUS with WORDS in its message.
refused() { check "$3" bash -c '[ "$1" = "$2" ] && jq -r .error.message <<<"$4" | grep -qF -- "$3"' _ "$CODE" "$1" "$2" "$BODY"; }
id() { jq -r .id <<<"$BODY"; }

# ---- enterprises and validation --------------------------------------------
api POST enterprises '{"name":"北京朝阳某医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区","contact":"王敏"}'
check "enterprise created (201)" [ "$CODE" = 201 ]
E1=$(id)
api POST enterprises '{"name":"某化工厂","credit_code":"91110108ma01b00028","sector":"industry","industry":"化工","district":"海淀区"}'
check "lower-case credit code accepted and stored in capitals" [ "$CODE $(jq -r .credit_code <<<"$BODY")" = "201 91110108MA01B00028" ]
E2=$(id)
api POST enterprises '{"name":"坏代码","credit_code":"91110105MA01A00013","sector":"services","industry":"餐饮","district":"朝阳区"}'
refused 422 "credit_code" "wrong check character refused (422)"
check "the message says which check character is right" bash -c "jq -r .error.message <<<\"\$1\" | grep -qF '\"2\"'" _ "$BODY"
api POST enterprises '{"name":"短代码","credit_code":"9111010","sector":"services","industry":"餐饮","district":"朝阳区"}'
refused 422 "统一社会信用代码" "short credit code refused"
api POST enterprises '{"name":"重复","credit_code":"91110105MA01A00012","sector":"services","industry":"餐饮","district":"朝阳区"}'
refused 409 "已有相同" "duplicate credit code refused (409)"
api POST enterprises '{"name":"错行业","credit_code":"91110114MA01D0004K","sector":"industry","industry":"餐饮","district":"昌平区"}'
refused 422 "不属于所选行业大类" "industry outside its sector refused"
api POST enterprises '{"name":"错区","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"火星区"}'
refused 422 "district" "unknown district refused"
api POST enterprises '{"name":"","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"昌平区"}'
refused 422 "必须填写" "empty name refused"
api POST enterprises '{"name":"多字段","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"昌平区","colour":"red"}'
refused 422 "colour" "unknown field refused"
api POST enterprises '{"name":"北京昌平某餐饮公司","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"昌平区"}'
E3=$(id)

api GET "enterprises?sector=services"
check "list filtered by sector" [ "$(jq -c '[.total, ([.results[].sector]|unique)]' <<<"$BODY")" = '[2,["services"]]' ]
api GET "enterprises?per_page=1&page=2"
check "paging: total 3, page 2 holds one" [ "$(jq -c '[.total,.page,.per_page,(.results|length)]' <<<"$BODY")" = '[3,2,1,1]' ]
api GET "enterprises?q=化工"
check "q finds by name" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$E2" ]
api GET "enterprises?colour=red"
check "undeclared parameter answers 400" [ "$CODE" = 400 ]
api GET "enterprises?grade=优秀"
check "a filter the type lacks answers 400" [ "$CODE" = 400 ]
api GET "enterprises?per_page=1000"
check "per_page above 100 answers 400" [ "$CODE" = 400 ]

api PATCH "enterprises/$E1" '{"phone":"010-12345678","contact":"李娜"}'
check "update answers 200 with new values" [ "$CODE $(jq -r .contact <<<"$BODY")" = "200 李娜" ]
check "audit trail records who and what changed" \
	[ "$(jq -c '.history[-1] | [.user, .action, .changes.contact.from, .changes.contact.to]' <<<"$BODY")" = '["admin","update","王敏","李娜"]' ]
api PATCH "enterprises/$E1" '{"credit_code":"91110105MA01A0001X"}'
refused 422 "credit_code" "update validates the credit code too"
api PATCH "enterprises/nosuch" '{"phone":"1"}'
check "update of a missing record answers 404" [ "$CODE" = 404 ]

# ---- access ----------------------------------------------------------------
"$TOP/portal" ctl user add hosp --role enterprise --enterprise "$E1" >/dev/null
HOSP=$("$TOP/portal" ctl token create hosp)
"$TOP/portal" ctl user add chem --role enterprise --enterprise 91110108MA01B00028 >/dev/null
CHEM=$("$TOP/portal" ctl token create chem)
api GET enterprises "" "$HOSP"
check "an enterprise user lists only its own enterprise" [ "$(jq -c '[.results[].id]' <<<"$BODY")" = "[\"$E1\"]" ]
api GET "enterprises/$E2" "" "$HOSP"
check "another enterprise's record answers 404 (not 403)" [ "$CODE" = 404 ]
api GET "enterprises/$E2" "" "$CHEM"
check "an enterprise user named by credit code sees its record" [ "$CODE" = 200 ]
api POST enterprises '{"name":"x","credit_code":"91110106MA01E0005U","sector":"services","industry":"餐饮","district":"丰台区"}' "$HOSP"
check "an enterprise user may not create records (403)" [ "$CODE" = 403 ]
call "$BASE/api/enterprises"
check "anonymous callers get 401" [ "$CODE" = 401 ]

# ---- agencies --------------------------------------------------------------
api POST agencies '{"name":"北京绿源咨询有限公司","year":2024,"credit_code":"91110106MA01E0005U"}'
G1=$(id)
api POST agencies '{"name":"北京清源咨询中心","year":2024}'
G2=$(id)
api POST "agencies/$G2/transitions" '{"to":"active"}'
refused 409 "只有暂停的咨询机构可以恢复" "agency: active -> active refused"
api POST "agencies/$G2/transitions" '{"to":"suspended","evaluation":"报告质量不合格"}'
check "agency: active -> suspended" [ "$CODE $(jq -r .status <<<"$BODY")" = "200 suspended" ]
api POST "agencies/$G2/transitions" '{"to":"flying"}'
refused 422 "flying" "unknown state refused (422)"

# ---- experts and conflicts ---------------------------------------------------
api POST experts "{\"name\":\"张工\",\"user_name\":\"zhang\",\"specialties\":\"services,医疗机构\",\"conflict_enterprises\":\"$E2\"}"
X1=$(id)
api POST experts '{"name":"李工","conflict_agencies":"nosuch"}'
refused 422 "nosuch" "conflict with an unknown agency id refused"
api POST experts "{\"name\":\"赵工\",\"conflict_agencies\":\"$G1\"}"
X2=$(id)
api GET "experts?specialties=医疗机构"
check "experts filtered by specialty" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$X1" ]

# ---- audits: every transition ----------------------------------------------
api POST audits "{\"enterprise_id\":\"$E1\",\"year\":2024}"
A1=$(id)
check "audit starts listed" [ "$(jq -r .state <<<"$BODY")" = listed ]
api POST audits "{\"enterprise_id\":\"$E1\",\"year\":2024}"
refused 409 "已有相同" "one audit per enterprise and year"
api POST audits "{\"enterprise_id\":\"$E1\",\"year\":1999}"
refused 422 "year" "year out of range refused"
api POST audits "{\"enterprise_id\":\"$E1\",\"year\":2025,\"state\":\"evaluated\"}"
refused 422 "transition" "state cannot be set by create"
api PATCH "audits/$A1" '{"grade":"优秀"}'
refused 422 "transition" "workflow fields cannot be patched"

api POST "audits/$A1/transitions" '{"to":"submitted","report_date":"2024-05-01"}'
refused 409 "审核报告须在合同和备案登记表提交之后提交" "listed -> submitted refused with the rule"
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-01","grade":"优秀","score":95}'
refused 409 "评估须在审核报告提交之后进行" "listed -> evaluated refused with the rule"
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
refused 409 "须确定咨询机构" "filing without an agency refused"
api PATCH "audits/$A1" "{\"agency_id\":\"$G2\"}"
refused 409 "暂停" "choosing a suspended agency for an audit refused"
api POST agencies '{"name":"北京后停咨询中心","year":2024}'
G3=$(id)
api PATCH "audits/$A1" "{\"agency_id\":\"$G3\"}"
api POST "agencies/$G3/transitions" '{"to":"suspended"}'
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
refused 409 "暂停" "filing with an agency suspended after it was chosen refused"
api PATCH "audits/$A1" "{\"agency_id\":\"$G1\"}"
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-30","registration_date":"2024-02-10"}'
refused 422 "YYYY-MM-DD" "impossible date (Feb 30) refused"
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-01"}'
refused 422 "registration_date" "a move without its required date refused"
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-11","registration_date":"2024-02-10"}'
refused 422 "不能早于" "registration before contract refused"
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
check "listed -> filed" [ "$CODE $(jq -r .state <<<"$BODY")" = "200 filed" ]
api POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
refused 409 "只有列入名单" "filed -> filed refused"
api POST "audits/$A1/transitions" '{"to":"submitted","report_date":"2024-05-20"}'
check "filed -> submitted" [ "$CODE $(jq -r .state <<<"$BODY")" = "200 submitted" ]
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":95}'
refused 409 "专家" "evaluation without an assigned expert refused"
api POST "experts/$X2/assignments" "{\"case\":\"audit:$A1\"}"
refused 409 "咨询机构" "an expert linked to the audit's agency cannot be assigned"
api POST "experts/$X1/assignments" "{\"case\":\"audit:$A1\",\"role\":\"reviewer\"}"
check "expert assigned" [ "$CODE $(jq -c '.assignments' <<<"$BODY")" = "200 [{\"case\":\"audit:$A1\",\"role\":\"reviewer\"}]" ]
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":85}'
refused 422 "良好" "grade that does not match the score refused"
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"极好","score":95}'
refused 422 "grade" "unknown grade refused"
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":101}'
refused 422 "score" "score above 100 refused"
api POST "audits/$A1/transitions" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":95}'
check "submitted -> evaluated" [ "$CODE $(jq -r '.state + " " + .grade' <<<"$BODY")" = "200 evaluated 优秀" ]
check "the audit shows its reviewer" [ "$(jq -r '.experts[0].name' <<<"$BODY")" = 张工 ]
check "the trail records the move with from/to" \
	[ "$(jq -c '.history[-1].changes.state' <<<"$BODY")" = '{"from":"submitted","to":"evaluated"}' ]
api POST "audits/$A1/transitions" '{"to":"submitted","report_date":"2024-05-20"}'
refused 409 "审核报告须在合同和备案登记表提交之后提交" "evaluated -> submitted (backwards) refused"

# expert linked to E2 cannot be assigned to E2's audit, nor get a link to an assigned case's enterprise
api POST audits "{\"enterprise_id\":\"$E2\",\"year\":2024,\"agency_id\":\"$G1\"}"
A2=$(id)
api POST "experts/$X1/assignments" "{\"case\":\"audit:$A2\"}"
refused 409 "利害关系" "an expert linked to the enterprise cannot be assigned"
api PATCH "experts/$X1" "{\"conflict_enterprises\":\"$E2,$E1\"}"
refused 409 "已被指派" "a conflict with an enterprise the expert reviews is refused"

# access to audits: the enterprise sees its own, the agency its clients'
"$TOP/portal" ctl user add lvyuan --role agency --agency "$G1" >/dev/null
AG=$("$TOP/portal" ctl token create lvyuan)
api GET audits "" "$AG"
check "an agency user sees its clients' audits" [ "$(jq .total <<<"$BODY")" = 2 ]
api GET audits "" "$HOSP"
check "an enterprise user sees only its own audit" [ "$(jq -c '[.results[].id]' <<<"$BODY")" = "[\"$A1\"]" ]
"$TOP/portal" ctl user add zhang --role expert >/dev/null
ZH=$("$TOP/portal" ctl token create zhang)
api GET audits "" "$ZH"
check "an expert sees the audits assigned to them" [ "$(jq -c '[.results[].id]' <<<"$BODY")" = "[\"$A1\"]" ]
api POST "audits/$A2/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}' "$AG"
check "an agency user may not move audits (403)" [ "$CODE" = 403 ]

# ---- projects: every transition and the money rules -------------------------
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"余热回收改造\",\"round\":\"spring\",\"investment_fen\":500000000}"
refused 409 "合格及以上" "a project without an audit graded 合格 or better is refused"
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"余热回收改造\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"\"}"
refused 422 "reason" "an empty override reason is refused"
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"余热回收改造\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"市重点节能项目\"}"
P1=$(id)
check "project starts recommended" [ "$(jq -r .state <<<"$BODY")" = recommended ]
check "staff's override reason is kept in the record's history" \
	[ "$(jq -r '.history[0].changes.reason' <<<"$BODY")" = 市重点节能项目 ]
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"x\",\"round\":\"winter\"}"
refused 422 "round" "unknown round refused"
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"x\",\"round\":\"spring\",\"investment_fen\":-5}"
refused 422 "负数" "negative amount refused"
mv() { api POST "projects/$P1/transitions" "$1"; }
mv '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}'
refused 409 "专家评审后才能批准" "recommended -> approved refused"
mv '{"to":"applied","application_date":"2023-12-01"}'
refused 422 "项目年度" "application outside the project's year refused"
mv '{"to":"applied","application_date":"2024-02-20"}'
check "recommended -> applied" [ "$(jq -r .state <<<"$BODY")" = applied ]
mv '{"to":"district_approved","district_approved_date":"2024-03-01"}'
check "applied -> district_approved" [ "$(jq -r .state <<<"$BODY")" = district_approved ]
mv '{"to":"reviewed","review_date":"2024-03-10"}'
refused 409 "专家" "review without an assigned expert refused"
api POST "experts/$X2/assignments" "{\"case\":\"project:$P1\"}"
mv '{"to":"reviewed","review_date":"2024-03-10"}'
check "district_approved -> reviewed" [ "$(jq -r .state <<<"$BODY")" = reviewed ]
mv '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":600000000}'
refused 422 "总投资" "subsidy above the investment refused"
mv '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":"12.345"}'
refused 422 "subsidy_fen" "amount with three decimals refused"
mv '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}'
check "reviewed -> approved with the subsidy" [ "$(jq -r '.state + " " + (.subsidy_fen|tostring)' <<<"$BODY")" = "approved 100000000" ]
mv '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-05-01"}'
refused 409 "开工后" "disbursement before implementation refused"
mv '{"to":"implementing","start_date":"2025-01-10","planned_end_date":"2025-06-01"}'
refused 422 "当年内开工" "start outside the project's year refused"
mv '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-06-01"}'
refused 422 "12 个月" "implementation longer than 12 months refused"
mv '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-03-31"}'
check "approved -> implementing" [ "$(jq -r .state <<<"$BODY")" = implementing ]
mv '{"to":"completed","final_paid_fen":30000000,"final_paid_date":"2024-12-01"}'
refused 409 "尾款（30%）只能在绩效验收通过之后拨付" "final payment before acceptance refused"
mv '{"to":"first_paid","first_paid_fen":70000001,"first_paid_date":"2024-06-01"}'
refused 409 "70%" "first disbursement above 70% refused"
mv '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-06-01"}'
check "implementing -> first_paid (70%)" [ "$(jq -r .state <<<"$BODY")" = first_paid ]
api POST "projects/$P1/changes" '{"description":"设备供货延迟，申请延期","new_end_date":"2025-06-30"}'
refused 422 "12 个月" "a change request beyond 12 months refused"
api POST "projects/$P1/changes" '{"description":"设备供货延迟，申请延期","new_end_date":"2025-04-30"}'
check "change request recorded as pending" [ "$CODE $(jq -r '.changes[0].state' <<<"$BODY")" = "201 pending" ]
CH=$(jq -r '.changes[0].id' <<<"$BODY")
mv '{"to":"evaluated","evaluation_date":"2024-11-01","energy_saved":120.5,"energy_saved_unit":"吨标准煤/年","consumption_cut":3000,"consumption_cut_unit":"吨水/年","pollution_cut":1.2,"pollution_cut_unit":"吨COD/年","efficiency_gain":8,"efficiency_gain_unit":"%"}'
check "first_paid -> evaluated with units" [ "$(jq -r '.state + " " + .energy_saved_unit' <<<"$BODY")" = "evaluated 吨标准煤/年" ]
mv '{"to":"accepted","accepted_date":"2024-11-20"}'
refused 409 "变更申请" "acceptance with a pending change request refused"
api POST "projects/$P1/changes/$CH" '{"decision":"approved"}'
check "change approved moves the planned end" [ "$(jq -r .planned_end_date <<<"$BODY")" = 2025-04-30 ]
api POST "projects/$P1/changes/$CH" '{"decision":"rejected"}'
refused 409 "已经审批过" "a decided change request cannot be decided again"
mv '{"to":"acceptance_failed","accepted_date":"2024-11-20","acceptance_note":"节能量未达标"}'
check "evaluated -> acceptance_failed" [ "$(jq -r .state <<<"$BODY")" = acceptance_failed ]
mv '{"to":"completed","final_paid_fen":30000000,"final_paid_date":"2024-12-01"}'
refused 409 "绩效验收通过之后" "final payment after a failed acceptance refused"
mv '{"to":"accepted","accepted_date":"2024-12-05"}'
check "acceptance_failed -> accepted (re-inspection)" [ "$(jq -r .state <<<"$BODY")" = accepted ]
mv '{"to":"completed","final_paid_fen":30000001,"final_paid_date":"2024-12-10"}'
refused 409 "不得超过批准补助" "disbursements above the subsidy refused"
mv '{"to":"completed","final_paid_fen":30000000,"final_paid_date":"2024-12-10"}'
check "accepted -> completed (30%)" [ "$(jq -r .state <<<"$BODY")" = completed ]

api POST projects "{\"enterprise_id\":\"$E3\",\"year\":2024,\"name\":\"油烟净化\",\"round\":\"autumn\",\"reason\":\"区发改委推荐\"}"
P2=$(id)
api POST "projects/$P2/transitions" '{"to":"rejected","rejected_date":"2024-09-01"}'
refused 409 "批准前" "a recommended project cannot be rejected"
api POST "projects/$P2/transitions" '{"to":"applied","application_date":"2024-08-20"}'
api POST "projects/$P2/transitions" '{"to":"rejected","rejected_date":"2024-09-01","note":"材料不全"}'
check "applied -> rejected" [ "$(jq -r .state <<<"$BODY")" = rejected ]

# ---- trainings, deadlines, overdue ------------------------------------------
api POST trainings '{"title":"清洁生产审核培训","audience":"医疗机构","sector":"services","date":"2024-03-15","attendees":86}'
check "training created" [ "$CODE" = 201 ]
api POST trainings '{"title":"x","audience":"y","date":"2024-13-01","attendees":1}'
refused 422 "YYYY-MM-DD" "training with month 13 refused"
api GET "deadlines?year=2024"
check "default deadlines: Feb 29 in a leap year, May 31, end of June" \
	[ "$(jq -c '[.deadlines[] | .date][0:3]' <<<"$BODY")" = '["2024-02-29","2024-05-31","2024-06-30"]' ]
api PATCH deadlines/2024 '{"audit_report":"2024-06-15"}'
check "a deadline is configurable per year" [ "$(jq -r '.deadlines[1].date' <<<"$BODY")" = 2024-06-15 ]
api PATCH deadlines/2024 '{"audit_report":"2024-06-31"}'
refused 422 "YYYY-MM-DD" "an impossible deadline refused"
api GET "overdue?year=2024&as_of=2024-07-01"
check "overdue: A2 has not filed (by sector, agency, district)" \
	[ "$(jq -c '[.total, .items[0].case, .items[0].item, .by.sector.industry, .by.district["海淀区"]]' <<<"$BODY")" = "[1,\"audit:$A2\",\"audit_filing\",1,1]" ]
api GET "overdue?year=2024&as_of=2024-13-01"
check "overdue with a bad date answers 400" [ "$CODE" = 400 ]

