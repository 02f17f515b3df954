#!/usr/bin/env bash
# t0105-timeline.sh: the programme's timeline is kept. Every dated step of
# a case is compared with the year's deadline: on time, late by N days, or
# overdue by N days on the day asked about (the case's "timeline"); a late
# move is accepted and marked; overdue?as_of=D reconstructs each case's
# state on D from its dated moves, not from its state today; the agency
# scoreboard counts each agency's late filings and reports. Covers
# timeline.c, report.c (report_overdue, report_scoreboard).
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
move() { api POST "$1/transitions" "$2"; [ "$CODE" = 200 ] || bail "move $1 $2: $CODE $BODY"; }
step() { # CASE-JSON ITEM FIELD
	jq -r --arg i "$2" ".timeline[] | select(.item == \$i) | .$3" <<<"$1"
}

api POST agencies '{"name":"准时咨询","year":2025}'; G1=$(id)
api POST agencies '{"name":"迟缓咨询","year":2025}'; G2=$(id)
api POST experts '{"name":"李工"}'; X=$(id)
mk_ent() { api POST enterprises "{\"name\":\"$1\",\"credit_code\":\"$2\",\"sector\":\"services\",\"industry\":\"医疗机构\",\"district\":\"朝阳区\"}"; id; }
E1=$(mk_ent 准时医院 91110105MA01A00012)
E2=$(mk_ent 迟交医院 91110108MA01B00028)
api POST audits "{\"enterprise_id\":\"$E1\",\"year\":2025,\"agency_id\":\"$G1\"}"; A1=$(id)
api POST audits "{\"enterprise_id\":\"$E2\",\"year\":2025,\"agency_id\":\"$G2\"}"; A2=$(id)

# A1 keeps every deadline; A2 files on 03-10 (9 days late: Feb 28, 2025)
# and submits its report on 07-15 (45 days after May 31).
move "audits/$A1" '{"to":"filed","contract_date":"2025-01-20","registration_date":"2025-02-10"}'
move "audits/$A1" '{"to":"submitted","report_date":"2025-05-20"}'
api POST "audits/$A2/transitions" '{"to":"filed","contract_date":"2025-01-25","registration_date":"2025-03-10"}'
check "a late filing is accepted (200)" [ "$CODE" = 200 ]
check "and marked late by 10 days in the answer" \
	[ "$(step "$BODY" audit_filing status)/$(step "$BODY" audit_filing days)" = late/10 ]
move "audits/$A2" '{"to":"submitted","report_date":"2025-07-15"}'

api GET "audits/$A1"
check "on-time filing is marked on_time" [ "$(step "$BODY" audit_filing status)" = on_time ]
check "on-time report is marked on_time" [ "$(step "$BODY" audit_report status)" = on_time ]
check "the steps carry their deadlines" [ "$(step "$BODY" audit_report due)" = 2025-05-31 ]
check "the mark has a Chinese label" [ "$(step "$BODY" audit_filing status_label)" = 按时完成 ]
api GET "audits/$A2"
check "late report: late by 45 days" \
	[ "$(step "$BODY" audit_report status)/$(step "$BODY" audit_report days)" = late/45 ]
check "late report's label says so" [ "$(step "$BODY" audit_report status_label)" = "逾期 45 天完成" ]
check "no evaluation yet, deadline passed: overdue" [ "$(step "$BODY" audit_evaluation status)" = overdue ]

# as_of reconstructs the state on that day from the dated moves.
api GET "overdue?year=2025&as_of=2025-03-05"
check "as of 03-05 the audit filed on 03-10 is overdue for filing" \
	[ "$(jq -r --arg c "audit:$A2" '.items[] | select(.case == $c) | .item' <<<"$BODY")" = audit_filing ]
check "as of 03-05 it is 5 days overdue" \
	[ "$(jq -r --arg c "audit:$A2" '.items[] | select(.case == $c) | .days_overdue' <<<"$BODY")" = 5 ]
check "as of 03-05 the audit filed on time is not listed" \
	[ -z "$(jq -r --arg c "audit:$A1" '.items[] | select(.case == $c) | .item' <<<"$BODY")" ]
api GET "overdue?year=2025&as_of=2025-07-01"
check "as of 07-01 the late report is the missing step (not the evaluation)" \
	[ "$(jq -r --arg c "audit:$A2" '.items[] | select(.case == $c) | .item' <<<"$BODY")" = audit_report ]
check "as of 07-01 the case reported on time misses only its evaluation (due 06-30)" \
	[ "$(jq -r --arg c "audit:$A1" '.items[] | select(.case == $c) | .item' <<<"$BODY")" = audit_evaluation ]
api GET "overdue?year=2025&as_of=2025-06-15"
check "as of 06-15 the case reported on time is not overdue" \
	[ -z "$(jq -r --arg c "audit:$A1" '.items[] | select(.case == $c) | .item' <<<"$BODY")" ]

# A project: spring application after Feb 28, accepted after its planned end.
api POST projects "{\"enterprise_id\":\"$E1\",\"year\":2025,\"name\":\"节水改造\",\"round\":\"spring\",\"reason\":\"测试\"}"; P=$(id)
[ -n "$P" ] && [ "$P" != null ] || bail "project: $CODE $BODY"
api POST "projects/$P/transitions" '{"to":"applied","application_date":"2025-03-03"}'
check "a late application is accepted" [ "$CODE" = 200 ]
check "and marked late by 3 days" \
	[ "$(step "$BODY" application_spring status)/$(step "$BODY" application_spring days)" = late/3 ]

# The scoreboard counts late submissions per agency.
api GET "reports/scoreboard?year=2025"
late() { jq -r --arg g "$1" ".results[] | select(.agency_id == \$g) | .$2" <<<"$BODY"; }
check "scoreboard: the punctual agency has no late filing or report" \
	[ "$(late "$G1" late_filings)/$(late "$G1" late_reports)" = 0/0 ]
check "scoreboard: the slow agency has one late filing and one late report" \
	[ "$(late "$G2" late_filings)/$(late "$G2" late_reports)" = 1/1 ]


# The pages show the marks.
call -H "Authorization: Bearer $ADMIN" "$BASE/audits/$A2"
check "the case page shows its late report (逾期 45 天完成)" grep -qF "逾期 45 天完成" <<<"$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/overdue?year=2025&as_of=2025-07-01"
check "the overdue page shows how long each item is overdue" grep -qF "<td>31 天</td>" <<<"$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/scoreboard?year=2025"
check "the scoreboard page has the late columns" bash -c 'grep -qF 逾期备案 <<<"$1" && grep -qF 逾期报告 <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/bulletin?year=2025&quarter=2"
check "the quarterly bulletin names the report missing at the quarter's end" \
	grep -qF "迟交医院 2025年审核：审核报告提交，截止 2025-05-31，已逾期 30 天" <<<"$BODY"
check "the bulletin is one document with one <h1>" \
	[ "$(grep -o '<h1>2025 年第二季度清洁生产工作通报</h1>' <<<"$BODY" | wc -l)" = 1 ]
check "the bulletin prints no markup as text" bash -c '! grep -qF "&lt;h3&gt;" <<<"$1"' _ "$BODY"
"$TOP/portal" ctl user add 通报企业 --role enterprise --enterprise "$E1" >/dev/null
call -H "Authorization: Bearer $("$TOP/portal" ctl token create 通报企业)" "$BASE/reports/bulletin?year=2025&quarter=2"
check "an enterprise may not read the bulletin (403)" [ "$CODE" = 403 ]
