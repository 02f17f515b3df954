#!/usr/bin/env bash
# t0107-targets.sh: a year's plan (targets per sector) against the
# records. Targets load from CSV (portalctl load-plan) or the API (staff
# only: every role is tried), refuse what is not a target, and every
# quarterly report (JSON and CSV) carries them beside the actual figures;
# the demo year comes with its plan. Covers report.c (targets),
# records-csv.c (load-plan), cases.c (/api/targets).
. "$(dirname "$0")/lib.sh"
PORTAL_DEMO=1
start_instance

api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}

# The demo year has a plan, and its quarterly report shows it beside the actual.
Y=$(( $(date +%Y) - 1 ))
api GET "reports/quarterly?year=$Y&quarter=4"
check "the demo's quarterly report carries the services target" \
	[ "$(jq -r '.sectors[] | select(.sector == "services") | .target.audits' <<<"$BODY")" = 5 ]
check "beside the actual count of listed audits" \
	[ "$(jq -r '.sectors[] | select(.sector == "services") | .audits.listed' <<<"$BODY")" = 4 ]
check "the total target sums the sectors" [ "$(jq -r .total.target.audits <<<"$BODY")" = 10 ]

# The 2014 plan from CSV.
cat >"$PORTAL_DATA/plan.csv" <<CSV
year,sector,audits,projects,funds_yuan
2014,services,141,40,
2014,industry,79,20,30000000
2014,agriculture,29,,
2014,mining,3,,
2014,services,many,,
CSV
"$TOP/portal" ctl load-plan "$PORTAL_DATA/plan.csv" >"$PORTAL_DATA/out" 2>"$PORTAL_DATA/err"
check "load-plan exits 1 when a row is refused" [ $? = 1 ]
check "an unknown sector is refused by its line" grep -q 'plan.csv:5: .*mining' "$PORTAL_DATA/err"
check "a count that is no number is refused by its line" grep -q 'plan.csv:6: .*整数' "$PORTAL_DATA/err"
api GET "targets?year=2014"
check "the plan is loaded: 249 audits in all" [ "$(jq -r .total.audits <<<"$BODY")" = 249 ]
check "services 141, industry 79, agriculture 29" \
	[ "$(jq -c '[.sectors.services.audits, .sectors.industry.audits, .sectors.agriculture.audits]' <<<"$BODY")" = "[141,79,29]" ]
check "60 projects, the funds in fen" \
	[ "$(jq -c '[.total.projects, .sectors.industry.funds_fen, .sectors.agriculture.projects]' <<<"$BODY")" = "[60,3000000000,null]" ]
api GET "reports/quarterly?year=2014&quarter=1&format=csv"
check "the CSV has the target rows" grep -q '^services,target,audits,141' <<<"$BODY"

# Only staff set targets.
"$TOP/portal" ctl user add 目标企业 --role enterprise --enterprise 91110105MA01A00012 >/dev/null
"$TOP/portal" ctl user add 目标机构 --role agency --agency g0 >/dev/null
"$TOP/portal" ctl user add 目标专家 --role expert >/dev/null
"$TOP/portal" ctl user add 目标职员 --role staff >/dev/null
SET='{"services":{"audits":1}}'
for who in 目标企业 目标机构 目标专家; do
	T=$("$TOP/portal" ctl token create "$who")
	api PATCH targets/2014 "$SET" "$T"
	check "$who may not set targets (403)" [ "$CODE" = 403 ]
	api GET "targets?year=2014" "" "$T"
	check "$who may not read targets (403)" [ "$CODE" = 403 ]
done
call -X PATCH -H 'Content-Type: application/json' --data-binary "$SET" "$BASE/api/targets/2014"
check "anonymous may not set targets (401)" [ "$CODE" = 401 ]
api GET "targets?year=2014"
check "the refused writes changed nothing" [ "$(jq -r .sectors.services.audits <<<"$BODY")" = 141 ]
api PATCH targets/2014 '{"services":{"audits":-1}}'
check "a negative target is refused (422)" [ "$CODE" = 422 ]
api PATCH targets/2014 '{"services":{"audits":142,"projects":null}}' "$("$TOP/portal" ctl token create 目标职员)"
check "staff change one target and remove another" \
	[ "$CODE/$(jq -c '[.sectors.services.audits, .sectors.services.projects]' <<<"$BODY")" = "200/[142,null]" ]
check "the change is in the audit log" \
	[ "$(sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM audit_log WHERE object = 'targets:2014'")" -ge 2 ]
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/quarterly?year=2014&quarter=1"
check "the quarterly page shows target against actual" \
	bash -c 'grep -qF 年度目标与完成 <<<"$1" && grep -qF "<td>142</td>" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/bulletin?year=2014&quarter=1"
check "the bulletin sets each sector's progress against its target" grep -qF "目标 142 家，列入名单 0 家" <<<"$BODY"
