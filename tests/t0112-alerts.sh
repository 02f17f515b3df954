#!/usr/bin/env bash
# t0112-alerts.sh: saved searches, their new matches on /account/alerts, and
# the Atom feed per user (/feeds/TOKEN.atom), through real nginx.
#
# Covers alerts-ui.c: every role against every new write (POST and DELETE
# /api/saved-searches, POST /api/feed-token, the page's forms: anonymous
# 401, every signed-in role its own searches only); bad saved queries
# refused; matches new since the last look marked and counted, and no
# longer new after a look; the feed is well-formed XML with escaped titles
# and carries only documents its owner may read: a restricted document of
# another tenant never appears (staff's feed shows it, so the query does
# match it); a replaced token, an unknown one and a disabled user's feed
# answer 404. Times are moved in SQLite, never waited for.
. "$(dirname "$0")/lib.sh"
start_instance

DB=$PORTAL_DATA/index/portal.db
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
declare -A TOK=([admin]=$ADMIN)

cat >"$PORTAL_DATA/year.csv" <<CSV
kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
audit,2030,北京甲医院,91110105MA01A00012,services,医疗机构,朝阳区,北京新锐咨询有限公司,,
audit,2030,北京乙酒店,91110108MA01B00028,services,宾馆饭店,海淀区,,,
CSV
ctl load-year "$PORTAL_DATA/year.csv" >/dev/null || bail "load-year failed"
EA=$(sql "SELECT id FROM enterprises WHERE credit_code = '91110105MA01A00012'")
EB=$(sql "SELECT id FROM enterprises WHERE credit_code = '91110108MA01B00028'")
G=$(sql "SELECT id FROM agencies WHERE name = '北京新锐咨询有限公司'")
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add entb --role enterprise --enterprise "$EB" >/dev/null
ctl user add agg --role agency --agency "$G" >/dev/null
ctl user add expx --role expert >/dev/null
ctl user add staff --role staff >/dev/null
ROLES="enta entb agg expx staff admin"
for u in enta entb agg expx staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done
as() { # ROLE METHOD PATH [JSON]
	local role=$1 m=$2 p=$3 auth=()
	[ "$role" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$role]}")
	if [ $# -ge 4 ]; then
		call "${auth[@]}" -X "$m" -H 'Content-Type: application/json' --data-binary "$4" "$BASE/api/$p"
	else
		call "${auth[@]}" -X "$m" "$BASE/api/$p"
	fi
}

# ---- every role against every write -------------------------------------------------
as anon POST saved-searches '{"name":"x","query":"q=磷酸盐回收"}'
check "anonymous may not save a search (401)" [ "$CODE" = 401 ]
as anon POST feed-token
check "anonymous may not make a feed token (401)" [ "$CODE" = 401 ]
declare -A SID FEED
for role in $ROLES; do
	as $role POST saved-searches '{"name":"磷酸盐回收技术","query":"q=磷酸盐回收"}'
	check "$role saves a search (201)" [ "$CODE" = 201 ]
	SID[$role]=$(json .id <<<"$BODY")
	as $role POST feed-token
	check "$role gets a feed address (201)" bash -c '[ "$1" = 201 ] && [[ "$2" =~ ^/feeds/[A-Za-z0-9_-]{43}\.atom$ ]]' _ "$CODE" "$(json .feed <<<"$BODY")"
	FEED[$role]=$(json .feed <<<"$BODY")
done
as entb DELETE "saved-searches/${SID[enta]}"
check "another user's saved search cannot be deleted (404)" [ "$CODE" = 404 ]
as anon DELETE "saved-searches/${SID[enta]}"
check "nor anonymously (401)" [ "$CODE" = 401 ]
check "enta's saved search is still there" [ "$(sql "SELECT count(*) FROM saved_searches WHERE id = ${SID[enta]}")" = 1 ]
as expx DELETE "saved-searches/${SID[expx]}"
check "a user deletes their own saved search (200)" [ "$CODE" = 200 ]
as enta POST saved-searches '{"name":"又一次","query":"q=磷酸盐回收"}'
check "the same search twice is refused (409)" [ "$CODE" = 409 ]
as enta POST saved-searches '{"name":"坏","query":"q=x&colour=red"}'
check "a query with a parameter search does not take is refused (400)" [ "$CODE" = 400 ]
as enta POST saved-searches '{"name":"坏","query":"q=x&type=nonsense"}'
check "a query with a bad value is refused (400)" [ "$CODE" = 400 ]
as enta POST saved-searches '{"name":"","query":"q=x"}'
check "a search without a name is refused (400)" [ "$CODE" = 400 ]
as enta GET saved-searches
check "enta sees only their own saved search" bash -c 'jq -e ".saved_searches | length == 1 and .[0].name == \"磷酸盐回收技术\"" <<<"$1" >/dev/null' _ "$BODY"

# ---- documents: public, enta's own, another tenant's restricted -----------------------
mk() { printf '%s\n\n本文件讨论磷酸盐回收工艺，%s。\n' "$1" "$2" >"$PORTAL_DATA/$3"; }
mk "磷酸盐回收公开指南" "公开发布" pub.txt
mk "甲医院磷酸盐回收方案" "甲医院内部" a.txt
mk "乙酒店磷酸盐回收机密" "乙酒店内部机密" b.txt
mk '磷酸盐回收<标准>&"附录"' "特殊字符" sp.txt
upload "$ADMIN" "$PORTAL_DATA/pub.txt" -F visibility=public; PUB=$(json .id <<<"$BODY")
upload "${TOK[enta]}" "$PORTAL_DATA/a.txt"; DA=$(json .id <<<"$BODY")
upload "${TOK[entb]}" "$PORTAL_DATA/b.txt"; DB_=$(json .id <<<"$BODY")
upload "$ADMIN" "$PORTAL_DATA/sp.txt" -F visibility=public -F 'title=磷酸盐回收<标准>&"附录"'; SP=$(json .id <<<"$BODY")
for d in $PUB $DA $DB_ $SP; do [ "$(wait_indexed "$d")" = indexed ] || bail "document $d not indexed"; done
IDS=$(search_ids 磷酸盐回收 "${TOK[enta]}")
check "search finds three for enta and hides entb's document (the filter the feed shares)" \
	bash -c '[ "$(wc -l <<<"$1")" = 3 ] && ! grep -qx "$2" <<<"$1"' _ "$IDS" "$DB_"

# the documents came after the last look
sql "UPDATE saved_searches SET seen_at = seen_at - 100"
as enta GET saved-searches
check "three new matches for enta: public, own, the special one (not entb's)" \
	bash -c 'jq -e ".saved_searches[0] | .new == 3 and ([.hits[].id] | index(\"$2\") == null)" <<<"$1" >/dev/null' _ "$BODY" "$DB_"

# ---- the feed ----------------------------------------------------------------------------
call "$BASE${FEED[enta]}"
check "enta's feed answers Atom (200)" bash -c '[ "$1" = 200 ] && grep -qF "<feed xmlns=\"http://www.w3.org/2005/Atom\">" <<<"$2"' _ "$CODE" "$BODY"
echo "$BODY" >"$PORTAL_DATA/enta.atom"
check "the feed is well-formed XML" xmllint --noout "$PORTAL_DATA/enta.atom"
check "the feed's title is escaped (&lt;标准&gt;&amp;)" grep -qF '磷酸盐回收&lt;标准&gt;&amp;' "$PORTAL_DATA/enta.atom"
check "the feed carries the public document" grep -qF "urn:qingjie-portal:document:$PUB<" "$PORTAL_DATA/enta.atom"
check "the feed carries enta's own restricted document" grep -qF "urn:qingjie-portal:document:$DA<" "$PORTAL_DATA/enta.atom"
check "the feed never carries entb's restricted document" bash -c '! grep -qF "$1" "$2" && ! grep -qF 乙酒店 "$2"' _ "$DB_" "$PORTAL_DATA/enta.atom"
check "the feed has exactly three entries" [ "$(grep -o '<entry>' "$PORTAL_DATA/enta.atom" | wc -l)" = 3 ]
call "$BASE${FEED[staff]}"
check "staff's feed of the same search does carry it (the query matches it)" grep -qF "urn:qingjie-portal:document:$DB_<" <<<"$BODY"
call "$BASE${FEED[entb]}"
check "entb's feed carries entb's own document but not enta's" \
	bash -c 'grep -qF "document:$2<" <<<"$1" && ! grep -qF "document:$3<" <<<"$1"' _ "$BODY" "$DB_" "$DA"
call "$BASE/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.atom"
check "an unknown feed token is 404" [ "$CODE" = 404 ]
OLD=${FEED[entb]}
as entb POST feed-token
NEWFEED=$(json .feed <<<"$BODY")
call "$BASE$OLD"
check "a replaced feed token stops working (404)" [ "$CODE" = 404 ]
call "$BASE$NEWFEED"
check "the new one works (200)" [ "$CODE" = 200 ]
ctl user disable enta
call "$BASE${FEED[enta]}"
check "a disabled user's feed is 404" [ "$CODE" = 404 ]
ctl user enable enta
TOK[enta]=$(ctl token create enta)

# ---- the page: new since the last look ---------------------------------------------------
call -H "Authorization: Bearer ${TOK[enta]}" "$BASE/account/alerts"
check "/account/alerts lists the saved search with 3 new documents" \
	bash -c '[ "$1" = 200 ] && grep -qF "磷酸盐回收技术" <<<"$2" && grep -qF "3 份新文档" <<<"$2" && [ "$(grep -o "badge new" <<<"$2" | wc -l)" = 3 ]' _ "$CODE" "$BODY"
check "the page never names entb's document" bash -c '! grep -qF "$1" <<<"$2" && ! grep -qF 乙酒店 <<<"$2"' _ "$DB_" "$BODY"
sql "UPDATE documents SET indexed_at = indexed_at - 100"
call -H "Authorization: Bearer ${TOK[enta]}" "$BASE/account/alerts"
check "after a look nothing is new" bash -c '[ "$1" = 200 ] && ! grep -qF "badge new" <<<"$2" && grep -qF "甲医院磷酸盐回收方案" <<<"$2"' _ "$CODE" "$BODY"
sql "UPDATE saved_searches SET seen_at = seen_at - 50"
mk "磷酸盐回收新规" "新发布" new.txt
upload "$ADMIN" "$PORTAL_DATA/new.txt" -F visibility=public; NEW=$(json .id <<<"$BODY")
[ "$(wait_indexed "$NEW")" = indexed ] || bail "new document not indexed"
as enta GET saved-searches
check "a document indexed after the look is new again" \
	bash -c 'jq -e ".saved_searches[0] | .new == 1 and (.hits[] | select(.new) | .id) == \"$2\"" <<<"$1" >/dev/null' _ "$BODY" "$NEW"

# ---- the page's forms, as a browser --------------------------------------------------------
ctl user passwd enta <<<"enta-password-1" || bail "no password"
sign_in "$PORTAL_DATA/jar" enta enta-password-1
[ "$CODE" = 303 ] || bail "enta cannot sign in"
call -b "$PORTAL_DATA/jar" "$BASE/account/alerts?q=%E5%8C%BB%E7%96%97%E6%9C%BA%E6%9E%84&type=standard"
check "the page takes the search page's query to fill the form" \
	bash -c 'grep -qF "name=\"q\" value=\"医疗机构\"" <<<"$1" && grep -qF "name=\"type\" value=\"standard\"" <<<"$1"' _ "$BODY"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' <<<"$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
call -b "$PORTAL_DATA/jar" -H "Origin: $BASE" --data-urlencode action=save --data-urlencode name=医疗机构新标准 \
	--data-urlencode q=医疗机构 --data-urlencode type=standard --data-urlencode "csrf=$CSRF" "$BASE/account/alerts"
check "the form saves the search (303)" [ "$CODE" = 303 ]
check "stored as the search page's query string" \
	[ "$(sql "SELECT query FROM saved_searches WHERE name = '医疗机构新标准'")" = "q=%E5%8C%BB%E7%96%97%E6%9C%BA%E6%9E%84&type=standard" ]
call -b "$PORTAL_DATA/jar" -H "Origin: $BASE" --data-urlencode action=save --data-urlencode name=无令牌 \
	--data-urlencode q=x "$BASE/account/alerts"
check "without its CSRF token the form is refused (403)" [ "$CODE" = 403 ]
call -b "$PORTAL_DATA/jar" -H "Origin: $BASE" --data-urlencode action=delete --data-urlencode "id=${SID[entb]}" \
	--data-urlencode "csrf=$CSRF" "$BASE/account/alerts"
check "the form cannot delete another user's search (404)" [ "$CODE" = 404 ]
call -b "$PORTAL_DATA/jar" -H "Origin: $BASE" --data-urlencode action=feed --data-urlencode "csrf=$CSRF" "$BASE/account/alerts"
check "the form makes a feed address, shown once, in full (200)" \
	bash -c 'grep -qE "href=\"/feeds/[A-Za-z0-9_-]{43}\.atom\"" <<<"$1" && grep -qE "<code>http://127\.0\.0\.1:$2/feeds/[A-Za-z0-9_-]{43}\.atom</code>" <<<"$1"' _ "$BODY" "$PORTAL_PORT"
check "saving and the feed token are in the audit log" \
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('saved_search_create','feed_token') AND user_id = (SELECT id FROM users WHERE name = 'enta')")" -ge 3 ]

# The search page offers a signed-in caller to save the search, with its filters.
call -H "Authorization: Bearer $ADMIN" "$BASE/search?q=%E5%8C%BB%E9%99%A2&type=standard&sort=date"
check "the search page links to saving the search with its filters, not its order" \
	grep -qF 'href="/account/alerts?q=%E5%8C%BB%E9%99%A2&amp;type=standard">保存此搜索' <<<"$BODY"
call "$BASE/search?q=%E5%8C%BB%E9%99%A2"
check "anonymous callers are not offered it" bash -c '! grep -qF "保存此搜索" <<<"$1"' _ "$BODY"
