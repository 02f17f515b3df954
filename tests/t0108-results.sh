#!/usr/bin/env bash
# t0108-results.sh: a project's results, from its report to the quarterly
# report. The results an acceptance report states in its conclusion are
# proposed on the project (from the programme's own sample, p032); staff
# confirm them (no other role may: each is tried); the quarterly report
# sums confirmed results of the projects accepted by its period end per
# sector and per industry, in JSON and CSV. Covers results.c,
# records-results.c, report.c (results_by).
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
mv() { api POST "projects/$1/transitions" "$2"; [ "$CODE" = 200 ] || bail "move $1 $2: $CODE $BODY"; }
res() { jq -r --arg m "$1" "[.proposed_results[] | select(.measure == \$m) | .value][0]" <<<"$BODY"; }

api POST experts '{"name":"成效专家"}'; X=$(id)
mk_ent() { api POST enterprises "{\"name\":\"$1\",\"credit_code\":\"$2\",\"sector\":\"services\",\"industry\":\"$3\",\"district\":\"朝阳区\"}"; id; }
E1=$(mk_ent 成效洗涤公司 91110105MA01A00012 洗染)
E2=$(mk_ent 成效医院 91110108MA01B00028 医疗机构)
accepted() { # ENT NAME ACCEPTED-DATE
	api POST projects "{\"enterprise_id\":\"$1\",\"year\":2024,\"name\":\"$2\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"测试\"}"
	local p; p=$(id)
	mv "$p" '{"to":"applied","application_date":"2024-02-20"}'
	mv "$p" '{"to":"district_approved","district_approved_date":"2024-03-01"}'
	api POST "experts/$X/assignments" "{\"case\":\"project:$p\"}"
	mv "$p" '{"to":"reviewed","review_date":"2024-03-10"}'
	mv "$p" '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}'
	mv "$p" '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-03-31"}'
	mv "$p" '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-06-01"}'
	mv "$p" '{"to":"evaluated","evaluation_date":"2024-09-01","energy_saved":1,"energy_saved_unit":"tce","consumption_cut":1,"consumption_cut_unit":"m³","pollution_cut":1,"pollution_cut_unit":"t","efficiency_gain":1,"efficiency_gain_unit":"%"}'
	mv "$p" "{\"to\":\"accepted\",\"accepted_date\":\"$3\"}"
	echo "$p"
}
P1=$(accepted "$E1" 隧道式洗衣龙 2024-09-20)
P2=$(accepted "$E2" 空调节能 2024-10-15)

REPORT=$(corpus_file p032_ programme)
[ -f "$REPORT" ] || bail "no p032 in the programme corpus"
upload "$ADMIN" "$REPORT"
D=$(id)
check "the acceptance report is indexed" [ "$(wait_indexed "$D")" = indexed ]
api POST "documents/$D/cases" "{\"case\":\"project:$P1\",\"role\":\"acceptance_report\"}"
api GET "projects/$P1"
check "its stated energy saving is proposed (145.3 tce)" [ "$(res energy_tce)" = 145.3 ]
check "its water saving (28057 m³)" [ "$(res water_m3)" = 28057 ]
check "its COD cut (6.37 t/a)" [ "$(res cod_t)" = 6.37 ]
check "a proposal names its document and the figure as written" \
	[ "$(jq -r '.proposed_results[0].document + " " + .proposed_results[0].text' <<<"$BODY")" = "$D 节能量145.3tce" ]
check "nothing is confirmed yet" [ "$(jq -c .results <<<"$BODY")" = "{}" ]

"$TOP/portal" ctl user add 成效企业 --role enterprise --enterprise "$E1" >/dev/null
"$TOP/portal" ctl user add 成效机构 --role agency --agency g0 >/dev/null
"$TOP/portal" ctl user add 成效专家用户 --role expert >/dev/null
"$TOP/portal" ctl user add 成效职员 --role staff >/dev/null
CONFIRM="{\"energy_tce\":145.3,\"water_m3\":28057,\"cod_t\":6.37,\"source\":\"$D\"}"
for who in 成效企业 成效机构 成效专家用户; do
	api POST "projects/$P1/results" "$CONFIRM" "$("$TOP/portal" ctl token create "$who")"
	check "$who may not confirm results (403)" [ "$CODE" = 403 ]
done
call -X POST -H 'Content-Type: application/json' --data-binary "$CONFIRM" "$BASE/api/projects/$P1/results"
check "anonymous may not confirm results (401)" [ "$CODE" = 401 ]
check "the refused confirmations stored nothing" \
	[ "$(sqlite3 "$PORTAL_DATA/index/portal.db" 'SELECT count(*) FROM project_results')" = 0 ]
api POST "projects/$P1/results" '{"energy_tce":-1}'
check "a negative result is refused (422)" [ "$CODE" = 422 ]
api POST "projects/$P1/results" '{"happiness":3}'
check "an unknown measure is refused (422)" [ "$CODE" = 422 ]
api POST "projects/$P1/results" "$CONFIRM" "$("$TOP/portal" ctl token create 成效职员)"
check "staff confirm the proposed results" [ "$CODE/$(jq -r .results.energy_tce.value <<<"$BODY")" = 200/145.3 ]
api POST "projects/$P2/results" '{"energy_tce":54.7,"benefit_wan":12}'

api GET "reports/quarterly?year=2024&quarter=3"
check "Q3 sums the project accepted in September only" \
	[ "$(jq -r '.sectors[] | select(.sector == "services") | .results.energy_tce' <<<"$BODY")" = 145.3 ]
api GET "reports/quarterly?year=2024&quarter=4"
check "Q4 sums both projects' energy savings (200 tce)" \
	[ "$(jq -r '.total.results.energy_tce' <<<"$BODY")" = 200 ]
check "and per industry" \
	[ "$(jq -c '[.results_by_industry["洗染"].water_m3, .results_by_industry["医疗机构"].benefit_wan]' <<<"$BODY")" = "[28057,12]" ]
api GET "reports/quarterly?year=2024&quarter=4&format=csv"
check "the CSV has the result rows" grep -q '^services,result,energy_tce,200.000' <<<"$BODY"

call -H "Authorization: Bearer $ADMIN" "$BASE/projects/$P1"
check "the project page shows its confirmed results" bash -c 'grep -qF 项目成效 <<<"$1" && grep -qF "145.3 tce" <<<"$1"' _ "$BODY"
check "and offers staff the form to confirm the proposed ones" grep -qF "action=\"/projects/$P1/results\"" <<<"$BODY"
call -H "Authorization: Bearer $("$TOP/portal" ctl token create 成效企业)" "$BASE/projects/$P1"
check "the enterprise sees its results but no confirm form" \
	bash -c 'grep -qF 项目成效 <<<"$1" && ! grep -qF "/results\"" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/quarterly?year=2024&quarter=4"
check "the quarterly page lists the accepted projects' results" grep -qF "已验收项目成效" <<<"$BODY"
