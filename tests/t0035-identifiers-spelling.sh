#!/usr/bin/env bash
# t0035-identifiers-spelling.sh: standard and document numbers in every
# spelling people type find their document through nginx (issue #18), and
# standards are kept as editions (issue #17): GB 18466-2005, whose cover
# says "代替 ＧＢ１８４６６—２００１", supersedes the 2001 edition, ranks above
# it for "GB 18466", marks it on the API, the search page and the document
# page, and current=1 leaves it out; staff can set an edition's status
# (PATCH /api/standards/NUMBER, logged). Real standards from the corpus;
# the corpus has no copy of GB 18466-2001, so its cover page is written
# here (its real number and title).
. "$(dirname "$0")/lib.sh"
start_instance

# The older edition first, so the newer one must change its status.
printf '中华人民共和国国家标准\nGB 18466—2001\n\n医疗机构污水排放要求\n\n2001-11-12 发布  2002-03-01 实施\n国家环境保护总局 发布\n\n本标准规定了医疗机构污水的排放要求。\n' \
	>"$PORTAL_DATA/GB-18466-2001.txt"
upload "$ADMIN" "$PORTAL_DATA/GB-18466-2001.txt" -F visibility=public -F doc_type=standard
OLD=$(jq -r .id <<<"$BODY")
check "the 2001 edition is indexed" [ "$(wait_indexed "$OLD")" = indexed ]
call -G --data-urlencode "q=GB 18466" "$BASE/api/search"
check "alone, the 2001 edition is current" [ "$(jq -r '.results[0].edition.status' <<<"$BODY")" = current ]

upload_corpus() {
	upload "$ADMIN" "$(corpus_file "$1")" -F visibility=public
	local id
	id=$(jq -r .id <<<"$BODY")
	[ "$(wait_indexed "$id")" = indexed ] || bail "$1 not indexed"
	echo "$id"
}
NEW=$(upload_corpus d0361_)	# GB 18466-2005
NOISE=$(upload_corpus d0356_)	# GB 12348-2008, replaces GB 12348-90
DB44=$(upload_corpus d0339_)	# DB44/ 1597-2015
upload "$ADMIN" "$(ls "$CORPUS"/programme/p005_*.txt)" -F visibility=public	# cites GB/T 24001, DB11/T 1042—2013
P005=$(jq -r .id <<<"$BODY"); wait_indexed "$P005" >/dev/null
upload "$ADMIN" "$(ls "$CORPUS"/programme/p055_*.txt)" -F visibility=public	# 京发改〔2014〕412号
P055=$(jq -r .id <<<"$BODY"); wait_indexed "$P055" >/dev/null
# the older edition was reindexed by the indexer after the newer one
for _ in $(seq 50); do
	[ "$(search_ids "GB 18466" "" current=1 | grep -c "$OLD")" = 0 ] && break
	sleep 0.1
done

call "$BASE/api/documents/$NEW"
check "the 2005 text's replaces: GB 18466-2001" \
	[ "$(jq -r '.metadata.replaces | join(",")' <<<"$BODY")" = "GB 18466-2001" ]

first() { # QUERY [PARAMS]: the first hit's id
	call -G --data-urlencode "q=$1" ${2:+--data "$2"} "$BASE/api/search"
	jq -r '.results[0].id' <<<"$BODY"
}
has_hit() { # QUERY ID
	search_ids "$1" | grep -qx "$2"
}

# ---- every spelling of a standard number ----
for s in 'GB 18466' 'GB18466' 'gb18466' 'gb 18466' 'GB 18466-2005' 'GB 18466—2005' 'GB 18466–2005' \
	'GB 18466‐2005' 'GB 18466－2005' 'ＧＢ１８４６６' 'ＧＢ　１８４６６－２００５' '18466' '１８４６６' \
	'18466-2005' 'standard:GB18466' 'standard:"GB 18466—2005"' 'standard:18466' 'standard:１８４６６'; do
	check "'$s' finds GB 18466-2005 first" [ "$(first "$s")" = "$NEW" ]
done
check "'18466' finds both editions" [ "$(search_ids 18466 | grep -cx -e "$NEW" -e "$OLD")" = 2 ]
call -G --data-urlencode "q=standard:GB 18466-1999" "$BASE/api/search"
check "standard: with another year finds neither edition" \
	[ "$(jq -r "[.results[].id | select(. == \"$NEW\" or . == \"$OLD\")] | length" <<<"$BODY")" = 0 ]
call -G --data-urlencode "q=standard:18467" "$BASE/api/search"
check "standard: with an unknown number finds nothing" [ "$(jq -r .total <<<"$BODY")" = 0 ]
for s in 'GB 12348' 'gb12348-2008' 'GB 12348—2008' 'standard:12348'; do
	check "'$s' finds GB 12348-2008 first" [ "$(first "$s")" = "$NOISE" ]
done
for s in 'DB44/1597-2015' 'DB44/ 1597—2015' 'db44/1597' 'ＤＢ４４／１５９７－２０１５' '1597-2015'; do
	check "'$s' finds DB44/1597-2015 first" [ "$(first "$s")" = "$DB44" ]
done
for s in 'db11t1042' 'DB11T1042-2013' 'db11/t 1042—2013' 'DB11/T 1042' 'standard:db11t1042'; do
	check "'$s' finds the text citing DB11/T 1042—2013" has_hit "$s" "$P005"
done
for s in 'GB/T 24001-2016' 'GBT24001-2016' 'GB／T 24001—2016' 'gb/t24001' 'GBT 24001'; do
	check "'$s' finds the text citing GB/T 24001" has_hit "$s" "$P005"
done
for s in '京发改〔2014〕412号' '京发改[2014]412' '京发改【2014】412号' '京发改（2014）412号' '京发改(2014)第412号' '京发改﹝2014﹞412'; do
	check "'$s' finds the notice 京发改〔2014〕412号 first" [ "$(first "$s")" = "$P055" ]
done

for s in 'standard:' 'standard:"' 'standard:"GB' 'standard:standard:18466' '(standard:18466 OR 医疗)'; do
	call -G --data-urlencode "q=$s" "$BASE/api/search"
	check "'$s' is answered (200)" [ "$CODE" = 200 ]
done
call "$BASE/api/search?q=GB18466&current=2"
check "current=2 is refused (400)" [ "$CODE" = 400 ]

# ---- editions ----
call -G --data-urlencode "q=GB 18466" "$BASE/api/search"
check "GB 18466: the 2005 edition ranks above 2001" \
	[ "$(jq -r '[.results[].id] | index("'"$NEW"'") < index("'"$OLD"'")' <<<"$BODY")" = true ]
check "the 2001 hit is marked superseded by GB 18466-2005" \
	[ "$(jq -r '.results[] | select(.id == "'"$OLD"'") | .edition.status + " " + .edition.replaced_by' <<<"$BODY")" = "superseded GB 18466-2005" ]
check "the 2005 hit is current" \
	[ "$(jq -r '.results[] | select(.id == "'"$NEW"'") | .edition.status' <<<"$BODY")" = current ]
no_old_current() { ! search_ids "GB 18466" "" current=1 | grep -qx "$OLD"; }
check "current=1 leaves the 2001 edition out" no_old_current
check "current=1 keeps the 2005 edition" quiet grep -qx "$NEW" <<<"$(search_ids "GB 18466" "" current=1)"
check "GB 18466-2001 still finds its own edition first" [ "$(first 'GB 18466-2001')" = "$OLD" ]
call "$BASE/search?q=GB+18466"
check "the search page marks the old edition" grep -qF '已被 GB 18466-2005 代替' <<<"$BODY"
check "the search page offers 只看现行标准" grep -qF 'current=1' <<<"$BODY"
call "$BASE/search?q=GB+18466&current=1"
check "the page with current=1 lists no old edition" bash -c '! grep -qF "已被 GB 18466-2005 代替" <<<"$1"' _ "$BODY"
call "$BASE/documents/$OLD"
check "the old edition's page says what replaced it" grep -qF '已被 GB 18466-2005 代替' <<<"$BODY"
call "$BASE/documents/$NEW"
check "the current edition's page has no such mark" bash -c '! grep -qF "class=\"edition-notice\"" <<<"$1"' _ "$BODY"
call "$BASE/api/standards/GB18466"
check "GET /api/standards/GB18466: two editions, newest first" \
	[ "$(jq -r '[.editions[] | .edition + ":" + .status] | join(",")' <<<"$BODY")" = "GB 18466-2005:current,GB 18466-2001:superseded" ]
call "$BASE/api/standards/GB12348"
check "GB 12348-90 is known as replaced by GB 12348-2008" \
	[ "$(jq -r '.editions[] | select(.year == 1990) | .status + " " + .replaced_by' <<<"$BODY")" = "superseded GB 12348-2008" ]

# an index from before edition chains: portal ctl editions reads them again
sqlite3 "$PORTAL_DATA/index/portal.db" "DELETE FROM standard_editions;
	UPDATE documents SET metadata = json_remove(metadata, '$.replaces', '$.withdraws', '$.withdrawn');"
call "$BASE/api/standards/GB18466"
check "(the chain is gone)" [ "$(jq -r '.editions | length' <<<"$BODY")" = 0 ]
check "portal ctl editions runs" quiet "$TOP/portal" ctl editions
call "$BASE/api/standards/GB18466"
check "portal ctl editions rebuilds the chain" \
	[ "$(jq -r '[.editions[] | .edition + ":" + .status] | join(",")' <<<"$BODY")" = "GB 18466-2005:current,GB 18466-2001:superseded" ]
call "$BASE/api/documents/$NEW"
check "and the metadata's replaces" [ "$(jq -r '.metadata.replaces | join(",")' <<<"$BODY")" = "GB 18466-2001" ]

# staff set the status: withdrawn, logged, the index follows
"$TOP/portal" ctl user add ed-staff --role staff >/dev/null 2>&1
STAFF=$("$TOP/portal" ctl token create ed-staff)
call -X PATCH -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
	-d '{"edition": "GB 18466-2005", "status": "nonsense"}' "$BASE/api/standards/GB18466"
check "a bad status is refused (400)" [ "$CODE" = 400 ]
call -X PATCH -d '{"edition": "GB 18466-2005", "status": "withdrawn"}' "$BASE/api/standards/GB18466"
check "anonymous may not set an edition" [ "$CODE" = 401 -o "$CODE" = 403 ]
call -X PATCH -H "Authorization: Bearer $STAFF" -H 'Content-Type: application/json' \
	-d '{"edition": "GB 18466-2005", "status": "withdrawn"}' "$BASE/api/standards/GB18466"
check "staff set GB 18466-2005 withdrawn (200)" [ "$CODE" = 200 ]
check "the answer shows it, set by staff" \
	[ "$(jq -r '.editions[0] | .status + " " + (.set_by_staff | tostring)' <<<"$BODY")" = "withdrawn true" ]
check "the change is in the audit log" \
	[ "$(sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM audit_log WHERE action = 'edition_set' AND object = 'standard:GB 18466-2005'")" = 1 ]
call -H "Authorization: Bearer $STAFF" "$BASE/admin/audit-log?action=edition_set"
check "the audit-log page names the action, the edition and its status in Chinese" \
	bash -c 'grep -qF 设置标准版本状态 <<<"$1" && grep -qF "GB 18466-2005" <<<"$1" && grep -qF 已废止 <<<"$1"' _ "$BODY"
for _ in $(seq 100); do
	search_ids "GB 18466" "" current=1 | grep -qx "$NEW" || break
	sleep 0.1
done
check "once reindexed, current=1 leaves the withdrawn edition out" bash -c '! grep -qx "$1" <<<"$2"' _ "$NEW" "$(search_ids "GB 18466" "" current=1)"
call "$BASE/documents/$NEW"
check "its page says 已废止" grep -qF '已废止' <<<"$BODY"
