#!/usr/bin/env bash
# t0122-editions-alerts.sh: the staff's standards editions page and the
# home page's count of saved searches' new matches, through real nginx
# (editions-ui.c, alerts-ui.c ui_alerts_fresh(), home.c).
#
# /admin/editions lists each standard's editions with the current one; a
# staff form marks an edition replaced by another through editions_set()
# (the API then says so, the audit log has it); every other role is
# refused. Each signed-in user's home page says how many new matches their
# saved searches have since the last look, linking to /account/alerts; a
# look at that page clears it; a user with no saved search sees nothing.
# Times are moved in SQLite, never waited for.
. "$(dirname "$0")/lib.sh"
start_instance

DB=$PORTAL_DATA/index/portal.db
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
declare -A TOK=([admin]=$ADMIN)
ctl user add staff --role staff >/dev/null
ctl user add ent1 --role enterprise --enterprise e0000000001 >/dev/null
ctl user add ag1 --role agency --agency g0000000001 >/dev/null
ctl user add exp1 --role expert >/dev/null
for u in staff ent1 ag1 exp1; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done
page() { # ROLE PATH
	local auth=()
	[ "$1" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$1]}")
	call "${auth[@]}" "$BASE$2"
}
form() { # ROLE PATH NAME=VALUE...
	local auth=() p=$2 d=() kv
	[ "$1" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$1]}")
	shift 2
	for kv in "$@"; do d+=(--data-urlencode "$kv"); done
	call "${auth[@]}" "${d[@]}" "$BASE$p"
}

# ---- editions ---------------------------------------------------------------------
# Two standards whose texts do not say that one replaces the other (the
# newer one took a new number): both are current until staff say otherwise.
printf '中华人民共和国国家标准\nGB 99001—2001\n\n试验用污水排放要求\n\n本标准规定了污水排放要求。\n' >"$PORTAL_DATA/s2001.txt"
printf '中华人民共和国国家标准\nGB 99002—2015\n\n试验用污水排放要求\n\n本标准规定了污水排放要求（修订）。\n' >"$PORTAL_DATA/s2015.txt"
upload "$ADMIN" "$PORTAL_DATA/s2001.txt" -F visibility=public -F doc_type=standard; D1=$(json .id <<<"$BODY")
upload "$ADMIN" "$PORTAL_DATA/s2015.txt" -F visibility=public -F doc_type=standard; D2=$(json .id <<<"$BODY")
for d in $D1 $D2; do [ "$(wait_indexed "$d")" = indexed ] || bail "document $d not indexed"; done
check "both are current before" [ "$(sql "SELECT group_concat(status) FROM standard_editions WHERE number IN ('GB 99001', 'GB 99002')")" = current,current ]

page staff /admin/editions
check "staff see the editions page with both standards" \
	bash -c '[ "$1" = 200 ] && grep -qF "GB 99001-2001" <<<"$2" && grep -qF "GB 99002-2015" <<<"$2" && grep -qF "标准版本" <<<"$2"' _ "$CODE" "$BODY"
for r in ent1 ag1 exp1; do
	page $r /admin/editions
	check "$r: GET /admin/editions -> 403" [ "$CODE" = 403 ]
	form $r /admin/editions "edition=GB 99001-2001" status=superseded "replaced_by=GB 99002-2015"
	check "$r: POST /admin/editions -> 403" [ "$CODE" = 403 ]
done
page anon /admin/editions
check "anon: GET /admin/editions is sent to sign in (303)" [ "$CODE" = 303 ]
form anon /admin/editions "edition=GB 99001-2001" status=superseded "replaced_by=GB 99002-2015"
check "anon: POST /admin/editions -> 401" [ "$CODE" = 401 ]
check "refused posts changed nothing" [ "$(sql "SELECT status FROM standard_editions WHERE number = 'GB 99001' AND year = 2001")" = current ]

form staff /admin/editions "edition=GB 99001-2001" status=superseded "replaced_by=GB 99002-2015"
check "staff mark GB 99001-2001 replaced by GB 99002-2015 (303)" [ "$CODE" = 303 ]
call "$BASE/api/standards/GB99001"
check "the API shows GB 99001-2001 replaced by GB 99002-2015, set by staff" \
	[ "$(jq -c '[.editions[] | [.year, .status, .replaced_by, .set_by_staff]]' <<<"$BODY")" = '[[2001,"superseded","GB 99002-2015",true]]' ]
page staff /admin/editions
check "the page shows GB 99001-2001 as 已被代替 by GB 99002-2015" grep -qF "<td>GB 99001-2001</td><td>已被代替</td><td>GB 99002-2015</td><td>工作人员设定</td>" <<<"$BODY"
form staff /admin/editions "edition=GB 99001" status=superseded
check "an edition without its year is refused on the page (400)" bash -c '[ "$1" = 400 ] && grep -qF "form-error" <<<"$2"' _ "$CODE" "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/api/audit-log?action=edition_set"
check "the change is in the audit log" [ "$(jq -r '.entries[0].object' <<<"$BODY")" = "standard:GB 99001-2001" ]

# ---- alert counts on the home page ------------------------------------------------------
page ent1 /
check "no saved search: no count on the home page" bash -c '! grep -qF "保存的搜索" <<<"$1"' _ "$BODY"
for r in ent1 ag1 exp1 staff; do
	call -H "Authorization: Bearer ${TOK[$r]}" -H 'Content-Type: application/json' \
		--data-binary '{"name":"污水排放","query":"q=污水排放要求"}' "$BASE/api/saved-searches"
	[ "$CODE" = 201 ] || bail "save for $r: $CODE $BODY"
done
sql "UPDATE saved_searches SET seen_at = seen_at - 100"
for r in ent1 ag1 exp1 staff; do
	page $r /
	check "$r: the home page counts 2 new matches, linking to the alerts" \
		grep -qF '<a href="/account/alerts">保存的搜索有 2 条新结果</a>' <<<"$BODY"
done
page ent1 /account/alerts
page ent1 /
check "after a look at the alerts the home page has no new matches" grep -qF "保存的搜索暂无新结果" <<<"$BODY"
page anon /
check "anonymous: no alert count" bash -c '! grep -qF "保存的搜索" <<<"$1"' _ "$BODY"
