#!/usr/bin/env bash
# t0123-agency-selection.sh: consulting agencies selected per year, through
# real nginx (records-selection.c, selection-ui.c, rule_agency_active()).
#
# An agency applies for a year (its own user; staff for another), staff
# select it or not; a selection dated after Jan 31 is kept with the late
# mark (逾期 N 天完成), one by then is on time; only an agency 入选 for a
# year takes that year's audits (not another year's, not after 暂停); an
# agency with no yearly record keeps the old rule; suspension needs a
# reason and a selected agency; the evaluation history carries the score,
# grade and the scoreboard's late filings; the agency page shows the
# history, the staff page the year, the agency home its status.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

ctl() { "$TOP/portal" ctl "$@"; }
declare -A TOK=([admin]=$ADMIN)
as() { # ROLE METHOD PATH [JSON]
	local role=$1 m=$2 p=$3 auth=()
	[ "$role" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$role]}")
	if [ $# -ge 4 ]; then
		call "${auth[@]}" -X "$m" -H 'Content-Type: application/json' --data-binary "$4" "$BASE/api/$p"
	else
		call "${auth[@]}" -X "$m" "$BASE/api/$p"
	fi
}
page() { # ROLE PATH
	local auth=()
	[ "$1" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$1]}")
	call "${auth[@]}" "$BASE$2"
}
id() { jq -r .id <<<"$BODY"; }

as admin POST agencies '{"name":"绿源咨询","year":2024}'; G1=$(id)
as admin POST agencies '{"name":"清源咨询","year":2024}'; G2=$(id)
as admin POST agencies '{"name":"蓝天咨询","year":2024}'; G3=$(id)
as admin POST enterprises '{"name":"北京朝阳仁和医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'; E1=$(id)
as admin POST enterprises '{"name":"北京海淀化工有限公司","credit_code":"91110108MA01B00028","sector":"industry","industry":"化工","district":"海淀区"}'; E2=$(id)
as admin POST enterprises '{"name":"通州绿牧奶牛养殖合作社","credit_code":"93110112MA01C0003M","sector":"agriculture","industry":"奶牛养殖","district":"通州区"}'; E3=$(id)
as admin POST enterprises '{"name":"昌平美味餐饮有限公司","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"昌平区"}'; E4=$(id)
ctl user add ag1 --role agency --agency "$G1" >/dev/null
ctl user add ent1 --role enterprise --enterprise "$E1" >/dev/null
ctl user add staff --role staff >/dev/null
for u in ag1 ent1 staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done

# ---- applications ---------------------------------------------------------------
as ag1 POST "agencies/$G1/years" '{"year":2025,"applied_at":"2025-01-05"}'
check "the agency applies for 2025 itself (201, 申请)" [ "$CODE $(jq -r '.years[0] | "\(.year) \(.status)"' <<<"$BODY")" = "201 2025 申请" ]
as ag1 POST "agencies/$G1/years" '{"year":2025}'
check "a second application for the same year is refused (409)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 already_applied" ]
as ag1 POST "agencies/$G2/years" '{"year":2025}'
check "an agency may not apply for another agency (403)" [ "$CODE" = 403 ]
as ent1 POST "agencies/$G1/years" '{"year":2026}'
check "an enterprise may not apply for an agency (403)" [ "$CODE" = 403 ]
as anon POST "agencies/$G1/years" '{"year":2026}'
check "anonymous may not apply (401)" [ "$CODE" = 401 ]
as staff POST "agencies/$G2/years" '{"year":2025,"applied_at":"2025-01-06"}'
check "staff apply for an agency (201)" [ "$CODE" = 201 ]
as staff PATCH "agencies/$G3/years/2025" '{"status":"入选"}'
check "no selection without an application (409 not_applied)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 not_applied" ]

# ---- selection: on time and late ---------------------------------------------------
as ag1 PATCH "agencies/$G1/years/2025" '{"status":"入选","selected_at":"2025-01-20"}'
check "an agency may not select itself (403)" [ "$CODE" = 403 ]
as staff PATCH "agencies/$G1/years/2025" '{"status":"入选","selected_at":"2025-01-20"}'
check "staff select by Jan 31: 入选, on time" \
	[ "$CODE $(jq -r '.years[0] | "\(.status) \(.selection.status) \(.selection.due)"' <<<"$BODY")" = "200 入选 on_time 2025-01-31" ]
as staff PATCH "agencies/$G2/years/2025" '{"status":"未入选","selected_at":"2025-03-01"}'
check "a selection dated after Jan 31 is kept with the late mark (29 days)" \
	[ "$CODE $(jq -r '.years[0] | "\(.status) \(.selection.status) \(.selection.days) \(.selection.status_label)"' <<<"$BODY")" = "200 未入选 late 29 逾期 29 天完成" ]
as staff PATCH "agencies/$G1/years/2025" '{"status":"在册"}'
check "an unknown status is refused (422)" [ "$CODE" = 422 ]
as staff PATCH "agencies/$G1/years/2025" '{"selected_at":"2024-12-31"}'
check "a selection before the application is refused (422 date_order)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "422 date_order" ]

# ---- only a selected agency takes the year's audits ----------------------------------
as staff POST audits "{\"enterprise_id\":\"$E1\",\"year\":2025,\"agency_id\":\"$G1\"}"
check "an agency 入选 for 2025 takes a 2025 audit (201)" [ "$CODE" = 201 ]
A1=$(id)
as staff POST audits "{\"enterprise_id\":\"$E2\",\"year\":2025,\"agency_id\":\"$G2\"}"
check "an agency 未入选 for 2025 is refused for a 2025 audit (409 agency_not_selected)" \
	[ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 agency_not_selected" ]
check "the refusal says which year in Chinese" grep -qF "未入选 2025 年度" <<<"$(jq -r .error.message <<<"$BODY")"
as staff POST audits "{\"enterprise_id\":\"$E2\",\"year\":2026,\"agency_id\":\"$G1\"}"
check "selected for 2025 does not take a 2026 audit (409)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 agency_not_selected" ]
as staff POST audits "{\"enterprise_id\":\"$E2\",\"year\":2025}"
A2=$(id)
as staff PATCH "audits/$A2" "{\"agency_id\":\"$G2\"}"
check "assigning an unselected agency to an existing audit is refused too (409)" [ "$CODE" = 409 ]
as staff POST audits "{\"enterprise_id\":\"$E3\",\"year\":2025,\"agency_id\":\"$G3\"}"
check "an agency with no yearly record keeps the old rule (201)" [ "$CODE" = 201 ]

# A late filing of its audit counts in its history (the scoreboard's count).
as staff POST "audits/$A1/transitions" '{"to":"filed","contract_date":"2025-03-05","registration_date":"2025-03-10"}'
check "the selected agency's audit is filed (late)" [ "$CODE" = 200 ]

# ---- suspension and evaluation -----------------------------------------------------
as staff PATCH "agencies/$G1/years/2025" '{"status":"暂停"}'
check "suspension without a reason is refused (422 reason_required)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "422 reason_required" ]
as staff PATCH "agencies/$G2/years/2025" '{"status":"暂停","reason":"x"}'
check "only a selected agency can be suspended (409)" [ "$CODE" = 409 ]
as staff PATCH "agencies/$G1/years/2025" '{"status":"暂停","reason":"报告质量不合格，暂停承接","score":58,"grade":"不合格"}'
check "staff suspend with a reason and record the evaluation" \
	[ "$CODE $(jq -c '.years[0] | [.status, .reason, .score, .grade, .late_filings]' <<<"$BODY")" = '200 ["暂停","报告质量不合格，暂停承接",58,"不合格",1]' ]
as staff POST audits "{\"enterprise_id\":\"$E4\",\"year\":2025,\"agency_id\":\"$G1\"}"
check "a suspended agency takes no more audits of the year (409)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 agency_not_selected" ]
as staff PATCH "agencies/$G1/years/2025" '{"score":101}'
check "a score above 100 is refused (422)" [ "$CODE" = 422 ]

as ag1 GET "agencies/$G1/years"
check "the agency reads its own history" [ "$CODE $(jq -r '.years | length' <<<"$BODY")" = "200 1" ]
as ent1 GET "agencies/$G2/years"
check "an enterprise that is not its client does not see an agency's years (404)" [ "$CODE" = 404 ]
as staff GET "agencies/selection?year=2025"
check "the staff list of 2025 holds every agency, unapplied ones with null status" \
	[ "$CODE $(jq -c '[.agencies[] | [.name, .status]] | sort' <<<"$BODY")" = '200 [["清源咨询","未入选"],["绿源咨询","暂停"],["蓝天咨询",null]]' ]
as ag1 GET "agencies/selection?year=2025"
check "the selection list is for staff (403)" [ "$CODE" = 403 ]

# ---- pages -----------------------------------------------------------------------
page ag1 "/agencies/$G1"
check "the agency page shows its yearly history" bash -c 'grep -qF "年度入选与考评" <<<"$1" && grep -qF "报告质量不合格" <<<"$1"' _ "$BODY"
page staff "/agencies/$G2"
check "the agency page shows the late mark of a late selection" grep -qF "逾期 29 天完成" <<<"$BODY"
page staff "/agencies/selection?year=2025"
check "the staff selection page lists the year" bash -c '[ "$1" = 200 ] && grep -qF "咨询机构年度遴选" <<<"$2" && grep -qF "代为申请" <<<"$2"' _ "$CODE" "$BODY"
page ag1 "/agencies/selection?year=2025"
check "the selection page is staff-only (403)" [ "$CODE" = 403 ]
call -H "Authorization: Bearer ${TOK[staff]}" --data-urlencode "agency_id=$G3" --data-urlencode action=apply \
	--data-urlencode applied_at=2025-01-10 "$BASE/agencies/selection?year=2025"
check "staff apply for an agency from the page (303)" [ "$CODE" = 303 ]
call -H "Authorization: Bearer ${TOK[staff]}" --data-urlencode "agency_id=$G3" --data-urlencode action=decide \
	--data-urlencode status=入选 --data-urlencode selected_at=2025-02-10 "$BASE/agencies/selection?year=2025"
as staff GET "agencies/$G3/years"
check "the page's form selects, late by 10 days" [ "$(jq -r '.years[0] | "\(.status) \(.selection.status_label)"' <<<"$BODY")" = "入选 逾期 10 天完成" ]
call -H "Authorization: Bearer ${TOK[staff]}" --data-urlencode "agency_id=$G3" --data-urlencode action=decide \
	--data-urlencode status=暂停 "$BASE/agencies/selection?year=2025"
check "the page shows a refused suspension's reason (422)" bash -c '[ "$1" = 422 ] && grep -qF "暂停须写明原因" <<<"$2"' _ "$CODE" "$BODY"
call -H "Authorization: Bearer ${TOK[ag1]}" --data-urlencode year=2027 "$BASE/agencies/$G1/years"
check "the agency applies from its page (303)" [ "$CODE" = 303 ]
page ag1 /
Y=$(date +%Y)
check "the agency home shows its status this year" grep -qF "本机构 $Y 年度入选状态" <<<"$BODY"
