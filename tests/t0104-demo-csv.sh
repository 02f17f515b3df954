#!/usr/bin/env bash
# t0104-demo-csv.sh: the demo year loaded by ./portal up on a new data
# directory (all three sectors, audits and projects at every stage, sample
# documents indexed and linked to their cases), and portalctl load-year
# (good rows loaded through the same validation, bad rows reported with
# their line). Covers records-demo.c, records-csv.c.
PORTAL_DEMO=1
. "$(dirname "$0")/lib.sh"
start_instance
api() { call -H "Authorization: Bearer $ADMIN" "$BASE/api/$1"; }
Y=$(( $(date +%Y) - 1 ))

api "enterprises?per_page=100"
check "demo enterprises cover the three sectors" [ "$(jq -c '[.results[].sector] | unique' <<<"$BODY")" = '["agriculture","industry","services"]' ]
api "audits?year=$Y&per_page=100"
check "demo audits are at every stage" [ "$(jq -c '[.results[].state] | unique' <<<"$BODY")" = '["evaluated","filed","listed","submitted"]' ]
api "projects?year=$Y&per_page=100"
check "demo projects range from recommended to completed" \
	[ "$(jq -c '[.results[].state] | unique' <<<"$BODY")" = '["applied","completed","first_paid","implementing","recommended","rejected"]' ]
AID=$(api "audits?year=$Y&grade=优秀"; jq -r '.results[0].id' <<<"$BODY")
api "audits/$AID"
D=$(jq -r '.documents[0].id' <<<"$BODY")
check "an evaluated demo audit has its report linked" [ "$(jq -r '.documents[0].role' <<<"$BODY")" = audit_report ]
check "its checklist shows the report present" [ "$(jq -r '.checklist.required[] | select(.role=="audit_report") | .present' <<<"$BODY")" = true ]
check "the demo report gets indexed" [ "$(wait_indexed "$D")" = indexed ]
check "search finds demo documents by a Chinese word" [ -n "$(search_ids 清洁生产审核报告)" ]
call "$BASE/api/typical-units?year=$Y"
check "typical units list the demo's accepted project chosen by staff" \
	[ "$(jq -c '[.total, .results[0].enterprise, .results[0].results.energy_tce.value]' <<<"$BODY")" = '[1,"北京京南热电有限公司",326.5]' ]
# The pages of reports: data escaped once, markup not printed as text.
call "$BASE/typical-units?year=$Y"
check "the typical units page shows each unit and its figures in their own cells" \
	bash -c 'grep -qF "<td>北京京南热电有限公司</td>" <<<"$1" && grep -qF "<td>节能量 326.5 tce；节水量 16000 m³；" <<<"$1"' _ "$BODY"
check "the typical units page prints no markup as text" bash -c '! grep -qF "&lt;td" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/scoreboard?year=$Y"
check "the scoreboard shows counts in cells and the status in Chinese" \
	bash -c 'grep -qF "<td>在册</td>" <<<"$1" && grep -qE "<td>[0-9]+</td><td>[0-9]+</td>" <<<"$1"' _ "$BODY"
check "the scoreboard prints no markup as text" bash -c '! grep -qF "&lt;td" <<<"$1" && ! grep -qF "&lt;/td" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/quarterly?quarter=2"
check "the quarterly report opens on the latest year with data, the chosen quarter kept" \
	bash -c 'grep -qF "$2 年第 2 季度" <<<"$1" && grep -qF "<option value=\"2\" selected>第二季度</option>" <<<"$1" && ! grep -qF "暂无数据" <<<"$1"' _ "$BODY" "$Y"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/quarterly?year=2001"
check "a year without data says so (暂无数据)" grep -qF "暂无数据" <<<"$BODY"
call "$BASE/typical-units?year=2001"
check "typical units of a year without any say so" grep -qF "暂无数据" <<<"$BODY"
api "overdue?year=$Y&as_of=$Y-12-31"
check "the demo has overdue items" [ "$(jq .total <<<"$BODY")" -gt 0 ]
api "overdue?year=$Y&as_of=$((Y + 1))-12-31"
check "a project past its planned end is overdue on that date (its due date)" \
	[ "$(jq -r '[.items[] | select(.item == "implementation_end") | .due | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | (length > 0 and all)' <<<"$BODY")" = true ]

cat >"$PORTAL_DATA/list.csv" <<CSV
kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
audit,2030,北京新源数据中心有限公司,91110105MA01A00012,services,数据中心,朝阳区,北京新锐咨询有限公司,,
project,2030,北京新源数据中心有限公司,91110105MA01A00012,services,数据中心,朝阳区,,液冷改造,autumn
audit,2030,坏代码企业,91110105MA01A00013,services,餐饮,朝阳区,,,
audit,2030,北京停牌测试企业,91110108MA01B00028,industry,化工,海淀区,北京恒信环境咨询有限公司,,
CSV
"$TOP/portal" ctl load-year "$PORTAL_DATA/list.csv" >"$PORTAL_DATA/out" 2>"$PORTAL_DATA/err"
check "load-year exits 1 when a row is refused" [ $? = 1 ]
check "the refused row is named by its line and the rule" grep -q 'list.csv:4: .*统一社会信用代码' "$PORTAL_DATA/err"
check "a row with a suspended agency is refused" grep -q 'list.csv:5: .*暂停' "$PORTAL_DATA/err"
api "audits?year=2030"
check "the good audit row is loaded with its new agency" [ "$(jq -c '[.total, (.results[0].agency_id != null)]' <<<"$BODY")" = '[1,true]' ]
check "a project row without an audit graded 合格 or better is refused" grep -q 'list.csv:3: .*合格及以上' "$PORTAL_DATA/err"
api "projects?year=2030"
check "the refused project row is not loaded" [ "$(jq .total <<<"$BODY")" = 0 ]
printf '%s\n' "kind,year,enterprise,credit_code,sector,industry,district,agency,project,round" \
	"project,2030,北京新源数据中心有限公司,91110105MA01A00012,services,数据中心,朝阳区,,液冷改造,autumn" \
	>"$PORTAL_DATA/projects.csv"
"$TOP/portal" ctl load-year "$PORTAL_DATA/projects.csv" --reason "市级重点项目" >"$PORTAL_DATA/out" 2>"$PORTAL_DATA/err"
check "load-year --reason admits it (exit 0)" [ $? = 0 ]
api "projects?year=2030"
check "the project row is loaded" [ "$(jq -r '.results[0].name + " " + .results[0].round' <<<"$BODY")" = "液冷改造 autumn" ]
api "projects/$(jq -r '.results[0].id' <<<"$BODY")"
check "with the reason in its history" [ "$(jq -r '.history[0].changes.reason' <<<"$BODY")" = 市级重点项目 ]
