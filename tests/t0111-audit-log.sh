#!/usr/bin/env bash
# t0111-audit-log.sh: the audit log as a page (/admin/audit-log) and an API
# (GET /api/audit-log) for staff, through real nginx.
#
# Covers audit-ui.c: only staff and admin read it (anonymous 401 or sent
# to sign in, every other role 403); who viewed and downloaded a restricted
# document and who changed a case, each filter (user, object: a case or a
# document, action, from/to days in Beijing time, page) and bad filter
# values (400); the page shows Beijing time, names instead of ids and the
# actions in Chinese.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

DB=$PORTAL_DATA/index/portal.db
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
declare -A TOK=([admin]=$ADMIN)

cat >"$PORTAL_DATA/year.csv" <<CSV
kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
audit,2030,北京甲医院,91110105MA01A00012,services,医疗机构,朝阳区,北京新锐咨询有限公司,,
CSV
ctl load-year "$PORTAL_DATA/year.csv" >/dev/null || bail "load-year failed"
EA=$(sql "SELECT id FROM enterprises WHERE credit_code = '91110105MA01A00012'")
G=$(sql "SELECT id FROM agencies WHERE name = '北京新锐咨询有限公司'")
AUD=$(sql "SELECT id FROM audits WHERE enterprise_id = '$EA'")
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add agg --role agency --agency "$G" >/dev/null
ctl user add expx --role expert >/dev/null
ctl user add staff --role staff >/dev/null
for u in enta agg expx staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done
auth() { [ "$1" = anon ] || echo "-HAuthorization: Bearer ${TOK[$1]}"; }
log() { # ROLE QUERY: GET /api/audit-log?QUERY
	local a; a=$(auth "$1")
	call ${a:+"$a"} "$BASE/api/audit-log?$2"
}

printf '甲医院内部能源审计报告\n\n本报告为审计日志测试所写。\n' >"$PORTAL_DATA/report.txt"
upload "${TOK[enta]}" "$PORTAL_DATA/report.txt" -F title=甲医院内部能源审计报告
DOC=$(json .id <<<"$BODY")
[ "$(wait_indexed "$DOC")" = indexed ] || bail "document not indexed"
call -H "Authorization: Bearer ${TOK[enta]}" "$BASE/api/documents/$DOC"
call -H "Authorization: Bearer ${TOK[enta]}" "$BASE/api/documents/$DOC/file"
[ "$CODE" = 200 ] || bail "download failed: $CODE"
call -H "Authorization: Bearer ${TOK[staff]}" -X PATCH -H 'Content-Type: application/json' \
	--data-binary '{"note":"审计日志测试"}' "$BASE/api/audits/$AUD"
[ "$CODE" = 200 ] || bail "PATCH failed: $CODE $BODY"

# ---- who may read it --------------------------------------------------------------
for role in anon enta agg expx; do
	want=403; [ $role = anon ] && want=401
	log $role ""
	check "$role may not read the audit log API ($want)" [ "$CODE" = $want ]
	a=$(auth $role)
	call ${a:+"$a"} "$BASE/admin/audit-log"
	[ $role = anon ] && want=303
	check "$role may not open the audit-log page ($want)" [ "$CODE" = $want ]
done
log staff ""
check "staff read the audit log (200)" [ "$CODE" = 200 ]
log admin ""
check "admin read the audit log (200)" [ "$CODE" = 200 ]

# ---- filters ----------------------------------------------------------------------
log staff "user=enta"
check "by user: only enta's entries" bash -c 'jq -e "(.entries | length) > 0 and all(.entries[]; .user == \"enta\")" <<<"$1" >/dev/null' _ "$BODY"
check "enta viewed and downloaded the document, by its title" \
	bash -c 'jq -e "[.entries[] | select(.object_name == \"文档 甲医院内部能源审计报告\") | .action_label] | index(\"查看\") != null and index(\"下载\") != null" <<<"$1" >/dev/null' _ "$BODY"
log staff "object=document:$DOC"
check "by document: its views and downloads only" bash -c 'jq -e "(.total >= 2) and all(.entries[]; .object == \"document:$2\")" <<<"$1" >/dev/null' _ "$BODY" "$DOC"
log staff "action=download"
check "by action: the one download" bash -c 'jq -e ".total == 1 and .entries[0].user == \"enta\" and .entries[0].action_label == \"下载\"" <<<"$1" >/dev/null' _ "$BODY"
log staff "object=audit:$AUD"
check "by case: staff's change of the audit, named by enterprise and year" \
	bash -c 'jq -e "any(.entries[]; .user == \"staff\" and .action == \"update\" and .action_label == \"修改\" and .object_name == \"审核 北京甲医院 2030年\")" <<<"$1" >/dev/null' _ "$BODY"
check "the change's detail comes along" bash -c 'jq -e "any(.entries[]; .detail.note.to == \"审计日志测试\")" <<<"$1" >/dev/null' _ "$BODY"
TODAY=$(date -u -d '+8 hours' +%F)
TOMORROW=$(date -u -d '+32 hours' +%F)
YESTERDAY=$(date -u -d '-16 hours' +%F)
log staff "user=enta&from=$TODAY&to=$TODAY"
check "from and to today (Beijing) keep today's entries" bash -c 'jq -e ".total > 0" <<<"$1" >/dev/null' _ "$BODY"
log staff "from=$TOMORROW"
check "from tomorrow: none" bash -c 'jq -e ".total == 0" <<<"$1" >/dev/null' _ "$BODY"
log staff "to=$YESTERDAY"
check "to yesterday: none" bash -c 'jq -e ".total == 0" <<<"$1" >/dev/null' _ "$BODY"
log staff "user=nobody"
check "an unknown user: none" bash -c 'jq -e ".total == 0" <<<"$1" >/dev/null' _ "$BODY"
log staff "from=2026-13-01"
check "a bad date is refused (400)" [ "$CODE" = 400 ]
log staff "page=0"
check "a bad page is refused (400)" [ "$CODE" = 400 ]
log staff "colour=red"
check "an undeclared parameter is refused (400)" [ "$CODE" = 400 ]
TOTAL=$(log staff "" && json .total <<<"$BODY")
check "there are entries" [ "$TOTAL" -gt 2 ]
log staff "page=2"
check "a page past the end is empty, the total kept" bash -c 'jq -e ".entries == [] and .total == $2" <<<"$1" >/dev/null' _ "$BODY" "$TOTAL"

# ---- the page -----------------------------------------------------------------------
call -H "Authorization: Bearer ${TOK[staff]}" "$BASE/admin/audit-log?user=enta"
check "the page lists enta's view and download in Chinese" \
	bash -c '[ "$1" = 200 ] && grep -qF "<td>下载</td>" <<<"$2" && grep -qF "<td>查看</td>" <<<"$2"' _ "$CODE" "$BODY"
check "the document by its title, linked to its trail" grep -qF "文档 甲医院内部能源审计报告</a>" <<<"$BODY"
NOW_BJ=$(date -u -d '+8 hours' '+%Y-%m-%d')
check "times in Beijing time (YYYY-MM-DD HH:MM)" grep -qE "<td>$NOW_BJ [0-9]{2}:[0-9]{2}</td>" <<<"$BODY"
check "no raw document id in a cell" bash -c '! grep -qF "<td>document:" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer ${TOK[staff]}" "$BASE/admin/audit-log?object=audit:$AUD"
check "the case filter on the page names the audit" grep -qF "审核 北京甲医院 2030年" <<<"$BODY"
check "the change is shown field by field (→ new value)" grep -qF "→ 审计日志测试" <<<"$BODY"
call -H "Authorization: Bearer ${TOK[staff]}" "$BASE/admin/audit-log?from=$TOMORROW"
check "an empty page says so" grep -qF "没有符合条件的记录" <<<"$BODY"
