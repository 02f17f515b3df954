#!/usr/bin/env bash
# t0019-search-cache.sh: the search workers' result cache (on by default)
# through nginx. The same search asked again and again, by callers with
# different access, each time gets what its own access allows: the totals,
# hits, titles and facet counts of restricted documents never reach an
# anonymous caller after an enterprise or the admin asked first. A search
# repeated until every worker has it cached still sees a document as soon as
# it is indexed, and a rebuilt index (portalctl reindex) as soon as it is
# switched to. The hits' titles, types and snippets, kept by each worker
# too (hit-cache.c), follow the same rules: a snippet marks the words of the
# search that asked, and a rebuilt index shows the database's new type.
# Covers xap.cc (result cache: key, revision, reopening), hit-cache.c and
# search.c (hits of a page in one read transaction).
. "$(dirname "$0")/lib.sh"
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
ctl user add e1 --role enterprise --enterprise E1
E1=$(ctl token create e1)

SHARED='余热锅炉改造共同段落：企业回收烟气余热，降低燃气消耗。'
printf '%s\n公开的说明：孔雀蓝色标牌。\n' "$SHARED" >"$PORTAL_DATA/pub.txt"
printf '%s\n企业的内部数据：青金石色仪表。\n' "$SHARED" >"$PORTAL_DATA/own.txt"
upload "$ADMIN" "$PORTAL_DATA/pub.txt" -F visibility=public -F doc_type=audit_report
PUB=$(jq -r .id <<<"$BODY")
upload "$E1" "$PORTAL_DATA/own.txt" -F doc_type=feasibility_study
OWN=$(jq -r .id <<<"$BODY")
[ "$(wait_indexed "$PUB")" = indexed ] && [ "$(wait_indexed "$OWN")" = indexed ] || bail "not indexed"

# summary AUTH...: total, hit ids and doc_type facet of the shared search.
summary() {
	call "$@" -G --data-urlencode "q=余热锅炉" "$BASE/api/search"
	jq -c '[.total, [.results[].id], .facets.doc_type]' <<<"$BODY"
}
want_e1=$(jq -nc --arg a "$PUB" --arg b "$OWN" '[2, ([$a, $b] | sort), {}]')
# Ten times each, alternating: with two workers, every worker answers
# each caller from its cache several times over.
bad_e1=0 bad_anon=0 leak_html=0
for i in $(seq 10); do
	s=$(summary -H "Authorization: Bearer $E1")
	[ "$(jq -c '[.[0], (.[1] | sort), {}]' <<<"$s")" = "$want_e1" ] &&
		[ "$(jq -c '.[2] | keys' <<<"$s")" = '["audit_report","feasibility_study"]' ] || bad_e1=$((bad_e1 + 1))
	s=$(summary -H "Authorization: Bearer $ADMIN")
	s=$(summary)
	[ "$s" = "$(jq -nc --arg a "$PUB" '[1, [$a], {audit_report: 1}]')" ] || bad_anon=$((bad_anon + 1))
	call -G --data-urlencode "q=余热锅炉" "$BASE/search"
	grep -qF -e "$OWN" -e 青金石色 -e feasibility_study <<<"$BODY" && leak_html=$((leak_html + 1))
done
check "the enterprise sees both documents every time (10 asks)" [ $bad_e1 = 0 ]
check "anonymous sees only the public one every time, after others asked (10 asks)" [ $bad_anon = 0 ]
check "the anonymous results page never shows the enterprise's document" [ $leak_html = 0 ]
call -G --data-urlencode "q=青金石色" "$BASE/api/search"
check "the restricted document's own word finds nothing for anonymous" [ "$(jq -c '[.total, .facets.doc_type]' <<<"$BODY")" = '[0,{}]' ]

# The same document found by two searches, each asked until every worker
# keeps the hit: each snippet marks its own search's words.
marks() { # QUERY: the marked words of the public document's hit
	call -G --data-urlencode "q=$1" "$BASE/api/search"
	jq -r --arg id "$PUB" '.results[] | select(.id == $id) | .snippet' <<<"$BODY" |
		grep -o '<mark>[^<]*</mark>' | sort -u | tr -d '\n'
}
own_marks=0
for i in $(seq 4); do
	[ "$(marks 余热锅炉)" = '<mark>余热</mark><mark>余热锅炉</mark>' ] && own_marks=$((own_marks + 1))
	[ "$(marks 孔雀蓝色)" = '<mark>孔雀蓝色</mark>' ] && own_marks=$((own_marks + 1))
done
check "each search's snippet of the same document marks its own words (8 of 8)" [ $own_marks = 8 ]

# Fresh results: asked until cached everywhere, then the document arrives.
for i in $(seq 6); do
	call -G --data-urlencode "q=琥珀红色阀门" "$BASE/api/search"
done
check "before the upload: no hit" [ "$(jq .total <<<"$BODY")" = 0 ]
printf '新到的文件：琥珀红色阀门。\n' >"$PORTAL_DATA/new.txt"
upload "$ADMIN" "$PORTAL_DATA/new.txt" -F visibility=public
NEW=$(jq -r .id <<<"$BODY")
[ "$(wait_indexed "$NEW")" = indexed ] || bail "new document not indexed"
found=0
for i in 1 2 3 4; do
	call -G --data-urlencode "q=琥珀红色阀门" "$BASE/api/search"
	[ "$(jq -r '.results[0].id' <<<"$BODY")" = "$NEW" ] && found=$((found + 1))
done
check "once indexed, every worker finds it at once (4 of 4 asks)" [ $found = 4 ]

# A rebuilt index is noticed too (a new generation; revision numbers may
# repeat): the type changed in the database behind the index's back shows
# only once the rebuild is switched to, and then in every worker.
for i in $(seq 4); do summary >/dev/null; done
sqlite3 "$PORTAL_DATA/index/portal.db" "UPDATE documents SET doc_type = 'standard' WHERE id = '$PUB'"
check "before the reindex the cached facet still says audit_report" \
	[ "$(summary)" = "$(jq -nc --arg a "$PUB" '[1, [$a], {audit_report: 1}]')" ]
ctl reindex >"$PORTAL_DATA/reindex.log" 2>&1 || bail "reindex failed: $(cat "$PORTAL_DATA/reindex.log")"
same=0
for i in 1 2 3 4; do
	[ "$(summary)" = "$(jq -nc --arg a "$PUB" '[1, [$a], {standard: 1}]')" ] && same=$((same + 1))
done
check "after the reindex every worker answers from the new index (4 of 4)" [ $same = 4 ]
hit_type=0
for i in 1 2 3 4; do
	call -G --data-urlencode "q=余热锅炉" "$BASE/api/search"
	[ "$(jq -r '.results[0].doc_type' <<<"$BODY")" = standard ] && hit_type=$((hit_type + 1))
done
check "after the reindex every worker shows the hit's new type, not a kept one (4 of 4)" [ $hit_type = 4 ]

# A hit is shown from the record the index keeps with the document
# (hit-record.c), not read from SQLite: rows changed behind the index's
# back show only once the document is indexed again.
sqlite3 "$PORTAL_DATA/index/portal.db" "UPDATE documents SET title = '库里改过的标题' WHERE id = '$PUB';
	UPDATE document_text SET text = '库里改过的正文' WHERE doc_id = '$PUB'"
from_index=0
for i in 1 2 3 4; do	# each a new query: no worker has kept these hits
	call -G --data-urlencode "q=孔雀蓝色 余热$i" "$BASE/api/search"
	jq -e --arg id "$PUB" '.results[] | select(.id == $id) | select(.title != "库里改过的标题")
		| select(.snippet | contains("<mark>孔雀蓝色</mark>"))' <<<"$BODY" >/dev/null &&
		from_index=$((from_index + 1))
done
check "hits show the title and text the index holds, not changed rows (4 of 4)" [ $from_index = 4 ]
ctl reindex >"$PORTAL_DATA/reindex.log" 2>&1 || bail "reindex failed: $(cat "$PORTAL_DATA/reindex.log")"
call -G --data-urlencode "q=标题 库里" "$BASE/api/search"
got=$(jq -r --arg id "$PUB" '.results[] | select(.id == $id) | .title + "|" + .snippet' <<<"$BODY")
check "indexed again, the hit shows the new title and text" \
	[ "$got" = '库里改过的标题|<mark>库里</mark>改过的正文' ]
check "fsck is clean" fsck_clean
