#!/usr/bin/env bash
# t0121-typical-units.sh: typical units (典型单位) chosen by staff among
# accepted projects and published with their third-party figures, through
# real nginx (records-selection.c, selection-ui.c).
#
# Only an accepted project can be marked, only with a reason, only by
# staff; an audit graded 优秀 no longer makes a unit typical by itself; the
# public API, the public page (/typical and /typical-units) and the
# anonymous home show the unit with its confirmed results and investment;
# the staff's part of the page lists the year's accepted projects with
# their figures, marks and unmarks them by form; every mark is logged.
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
form() { # ROLE PATH NAME=VALUE...
	local auth=(-H "Authorization: Bearer ${TOK[$1]}") p=$2 d=() kv
	shift 2
	for kv in "$@"; do d+=(--data-urlencode "$kv"); done
	call "${auth[@]}" "${d[@]}" "$BASE$p"
}
id() { jq -r .id <<<"$BODY"; }
move() { as admin POST "$1/transitions" "$2"; [ "$CODE" = 200 ] || bail "move $1 $2: $CODE $BODY"; }

as admin POST agencies '{"name":"绿源咨询","year":2024}'; G=$(id)
as admin POST experts '{"name":"张工"}'; X=$(id)
as admin POST enterprises '{"name":"北京海淀化工有限公司","credit_code":"91110108MA01B00028","sector":"industry","industry":"化工","district":"海淀区"}'; E1=$(id)
as admin POST enterprises '{"name":"北京朝阳仁和医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'; E2=$(id)
ctl user add ent1 --role enterprise --enterprise "$E1" >/dev/null
ctl user add staff --role staff >/dev/null
for u in ent1 staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done

# An audit graded 优秀 (the old source of typical units).
as admin POST audits "{\"enterprise_id\":\"$E2\",\"year\":2024,\"agency_id\":\"$G\"}"; A=$(id)
move "audits/$A" '{"to":"filed","contract_date":"2024-01-20","registration_date":"2024-02-10"}'
move "audits/$A" '{"to":"submitted","report_date":"2024-05-10"}'
as admin POST "experts/$X/assignments" "{\"case\":\"audit:$A\"}"
move "audits/$A" '{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":93}'

# P1 accepted, with confirmed results; P2 still being carried out.
project() { # NAME
	as admin POST projects "{\"enterprise_id\":\"$E1\",\"year\":2024,\"name\":\"$1\",\"round\":\"spring\",\"investment_fen\":300000000,\"reason\":\"测试\"}"
	local p; p=$(id)
	move "projects/$p" '{"to":"applied","application_date":"2024-02-20"}'
	move "projects/$p" '{"to":"district_approved","district_approved_date":"2024-03-01"}'
	as admin POST "experts/$X/assignments" "{\"case\":\"project:$p\"}"
	move "projects/$p" '{"to":"reviewed","review_date":"2024-03-10"}'
	move "projects/$p" '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}'
	move "projects/$p" '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-03-31"}'
	move "projects/$p" '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-07-15"}'
	echo "$p"
}
P1=$(project 余热回收改造)
P2=$(project 废水回用)
move "projects/$P1" '{"to":"evaluated","evaluation_date":"2024-11-01","energy_saved":120.5,"energy_saved_unit":"吨标准煤/年","consumption_cut":3000,"consumption_cut_unit":"吨水/年","pollution_cut":1.2,"pollution_cut_unit":"吨COD/年","efficiency_gain":8,"efficiency_gain_unit":"%"}'
move "projects/$P1" '{"to":"accepted","accepted_date":"2024-11-20"}'
as admin POST "projects/$P1/results" '{"energy_tce":120.5,"water_m3":3000,"cod_t":1.2}'
[ "$CODE" = 200 ] || bail "results: $CODE $BODY"

call "$BASE/api/typical-units?year=2024"
check "an audit graded 优秀 no longer makes a typical unit" [ "$CODE $(jq .total <<<"$BODY")" = "200 0" ]

# ---- who may mark what -----------------------------------------------------------
as staff POST "projects/$P2/typical" '{"reason":"节能效果显著"}'
check "a project not accepted cannot be a typical unit (409 not_accepted)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 not_accepted" ]
as staff POST "projects/$P1/typical" '{}'
check "a typical unit needs a reason (422)" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "422 reason_required" ]
as ent1 POST "projects/$P1/typical" '{"reason":"我们很好"}'
check "an enterprise may not mark its own project (403)" [ "$CODE" = 403 ]
as anon POST "projects/$P1/typical" '{"reason":"x"}'
check "anonymous may not mark (401)" [ "$CODE" = 401 ]
as staff POST "projects/$P1/typical" '{"reason":"余热回收节能效果显著，可供化工行业参考"}'
check "staff mark an accepted project (200)" [ "$CODE $(jq -r .typical <<<"$BODY")" = "200 true" ]

# ---- published -------------------------------------------------------------------
call "$BASE/api/typical-units?year=2024"
check "the public list holds the unit with its figures and investment" \
	[ "$CODE $(jq -c '[.total, .results[0].enterprise, .results[0].project, .results[0].results.energy_tce.value, .results[0].results.water_m3.unit, .results[0].investment_fen]' <<<"$BODY")" = '200 [1,"北京海淀化工有限公司","余热回收改造",120.5,"m³",300000000]' ]
check "the public list gives the reason" [ "$(jq -r '.results[0].reason' <<<"$BODY")" = "余热回收节能效果显著，可供化工行业参考" ]
for p in "/typical?year=2024" "/typical-units?year=2024"; do
	page anon "$p"
	check "anonymous: $p shows the unit and its figures" \
		bash -c '[ "$1" = 200 ] && grep -qF "北京海淀化工有限公司" <<<"$2" && grep -qF "节能量 120.5 tce" <<<"$2" && grep -qF "300.00 万元" <<<"$2"' _ "$CODE" "$BODY"
	check "anonymous: $p has no staff form" bash -c '! grep -qF "评为典型单位" <<<"$1"' _ "$BODY"
done
page anon /
check "the anonymous home shows the year's typical unit with its figures" \
	bash -c 'grep -qF "北京海淀化工有限公司" <<<"$1" && grep -qF "节能量 120.5 tce" <<<"$1"' _ "$BODY"

# ---- the staff's part of the page ----------------------------------------------------
page staff "/typical?year=2024"
check "staff see the accepted projects to choose from, the marked one marked" \
	bash -c 'grep -qF "评选典型单位（工作人员）" <<<"$1" && grep -qF "已评为典型单位" <<<"$1"' _ "$BODY"
check "a project not accepted is not offered" bash -c '! grep -qF "废水回用" <<<"$1"' _ "$BODY"
form staff "/typical?year=2024" "project_id=$P1" action=withdraw
call "$BASE/api/typical-units?year=2024"
check "the form takes the mark back" [ "$(jq .total <<<"$BODY")" = 0 ]
form staff "/typical?year=2024" "project_id=$P1" action=choose "reason=节能示范"
check "the form marks it again (303)" [ "$CODE" = 303 ]
form staff "/typical?year=2024" "project_id=$P2" action=choose "reason=节能示范"
check "the form refuses a project not accepted, saying why (409)" bash -c '[ "$1" = 409 ] && grep -qF "已验收" <<<"$2"' _ "$CODE" "$BODY"
form ent1 "/typical?year=2024" "project_id=$P1" action=withdraw
check "an enterprise's form post is refused (403)" [ "$CODE" = 403 ]
call "$BASE/api/typical-units?year=2024"
check "the unit stays published with the new reason" [ "$(jq -r '.results[0].reason' <<<"$BODY")" = 节能示范 ]
as admin GET "audit-log?object=project:$P1"
check "marks and withdrawals are in the audit log" \
	[ "$(jq -c '[.entries[].action | select(startswith("typical"))] | sort' <<<"$BODY")" = '["typical_unit","typical_unit","typical_unit_withdrawn"]' ]
