#!/usr/bin/env bash
# t0001-upload-search.sh: the whole path through real nginx: upload real
# corpus documents (a PDF, a GB18030 text, a GBK HTML page), wait for the
# indexer, find each by a Chinese word from its body, download it
# byte-identical with the right headers, read its text and its HTML page;
# duplicates, paging, facets, and access (restricted documents are
# invisible to anonymous callers). Covers upload.c, search.c, store.c,
# docs.c, portal-indexer.c, extract-*.c, xap.cc.
. "$(dirname "$0")/lib.sh"
start_instance

PDF=$(corpus_file d0006_)	# 中华人民共和国标准化法, text layer
GBK_TXT=$(corpus_file d0019_)	# 上海市节约能源条例, GB18030 with CRLF
GBK_HTML=$(corpus_file d0096_)	# 我国农村和小城镇急需清洁便利的能源供应, charset=gbk

declare -A ID WORD MIME
WORD[pdf]=标准化协调机制; MIME[pdf]=application/pdf
WORD[txt]=节约型社会; MIME[txt]=text/plain
WORD[html]=生物质成型燃料; MIME[html]=text/html
declare -A FILE=([pdf]=$PDF [txt]=$GBK_TXT [html]=$GBK_HTML)

for k in pdf txt html; do
	upload "$ADMIN" "${FILE[$k]}" -F visibility=public
	check "$k: upload answers 202" [ "$CODE" = 202 ]
	ID[$k]=$(jq -r .id <<<"$BODY")
	check "$k: upload answers pending with the sha256" \
		[ "$(jq -r .status <<<"$BODY")" = pending -a "$(jq -r .sha256 <<<"$BODY")" = "$(sha256sum "${FILE[$k]}" | cut -d' ' -f1)" ]
done

for k in pdf txt html; do
	check "$k: indexed" [ "$(wait_indexed "${ID[$k]}")" = indexed ]
	check "$k: a Chinese word from its body finds it" has "${ID[$k]}" < <(search_ids "${WORD[$k]}")
	call -D "$PORTAL_DATA/headers" "$BASE/api/documents/${ID[$k]}/file"
	check "$k: download is byte-identical" cmp -s "$PORTAL_DATA/body" "${FILE[$k]}"
	check "$k: Content-Type by content is ${MIME[$k]}" grep -qi "^Content-Type: ${MIME[$k]}" "$PORTAL_DATA/headers"
	check "$k: Content-Disposition has an RFC 5987 filename" \
		grep -qi "^Content-Disposition: attachment;.*filename\*=UTF-8''[^ ]*%E[0-9A-F]" "$PORTAL_DATA/headers"
	call "$BASE/api/documents/${ID[$k]}/text"
	check "$k: /text holds the word" grep -qF "${WORD[$k]}" <<<"$BODY"
	call "$BASE/api/documents/${ID[$k]}"
	check "$k: record has mime, size and status" \
		[ "$(jq -r '.mime + " " + (.size|tostring) + " " + .status' <<<"$BODY")" = "${MIME[$k]} $(stat -c %s "${FILE[$k]}") indexed" ]
	call "$BASE/documents/${ID[$k]}"
	check "$k: HTML document page answers" [ "$CODE" = 200 ]
	check "$k: HTML document page shows the text" grep -qF "${WORD[$k]}" <<<"$BODY"
done

call "$BASE/api/documents/${ID[txt]}"
check "GB18030 text became a title in UTF-8" [ "$(jq -r .title <<<"$BODY")" = 上海市节约能源条例 ]
call "$BASE/api/documents/${ID[html]}/text"
check "HTML text has no tags left" bash -c '! grep -q "<[a-zA-Z/]" <<<"$1"' _ "$BODY"

# Snippets: matches are marked, everything else escaped.
call -G --data-urlencode "q=${WORD[html]}" "$BASE/api/search"
check "snippet marks the Chinese match" grep -qF "<mark>${WORD[html]}</mark>" <<<"$(jq -r '.results[0].snippet' <<<"$BODY")"
check "search answers total, page and per_page" [ "$(jq -c '[.total,.page,.per_page]' <<<"$BODY")" = "[1,1,10]" ]

call -G --data-urlencode "q=${WORD[pdf]}" "$BASE/search"
check "HTML search page lists the hit" grep -qF "/documents/${ID[pdf]}" <<<"$BODY"
check "HTML search page marks the match" grep -qF "<mark>" <<<"$BODY"

# Same bytes again: 200, same id, duplicate.
upload "$ADMIN" "$PDF" -F visibility=public
check "same bytes again answer 200 duplicate with the same id" \
	[ "$CODE $(jq -r '.id + " " + (.duplicate|tostring)' <<<"$BODY")" = "200 ${ID[pdf]} true" ]

# Paging and facets over everything (empty query).
call "$BASE/api/search?per_page=2&page=2"
check "page 2 of 2 per page has the third document" [ "$(jq -c '[.total,(.results|length)]' <<<"$BODY")" = "[3,1]" ]
check "facets count the three documents" [ "$(jq '.facets.doc_type.other' <<<"$BODY")" = 3 ]

# Access: a restricted upload is seen by its uploader and staff only.
"$TOP/portal" ctl user add ent1 --role enterprise --enterprise E1
ENT=$("$TOP/portal" ctl token create ent1)
printf '本企业内部资料：锅炉余热回收改造方案，涉密字样甲乙丙。\n' >"$PORTAL_DATA/secret.txt"
sleep 1	# a later upload second, for sort=date below
upload "$ENT" "$PORTAL_DATA/secret.txt"
SECRET=$(jq -r .id <<<"$BODY")
check "enterprise upload is accepted as restricted" [ "$CODE" = 202 ]
wait_indexed "$SECRET" >/dev/null
check "the uploader finds its restricted document" has "$SECRET" < <(search_ids 余热回收改造 "$ENT")
check "staff (admin) find it" has "$SECRET" < <(search_ids 余热回收改造 "$ADMIN")
call -H "Authorization: Bearer $ADMIN" "$BASE/api/search?sort=date&per_page=1"
check "sort=date answers the newest first" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$SECRET" ]
call -G --data-urlencode "q=余热回收改造" "$BASE/api/search"
check "anonymous search: no hit and no facet count" [ "$(jq -c '[.total, .facets.doc_type]' <<<"$BODY")" = '[0,{}]' ]
call "$BASE/api/search"
check "anonymous total excludes it" [ "$(jq .total <<<"$BODY")" = 3 ]
call "$BASE/api/documents/$SECRET/file"
check "anonymous download is 404" [ "$CODE" = 404 ]
call "$BASE/api/documents/$SECRET/text"
check "anonymous text is 404" [ "$CODE" = 404 ]
upload "$ENT" "$PORTAL_DATA/secret.txt" -F visibility=public -F title=x
check "an enterprise may not publish" [ "$CODE" = 403 ]

# Uploads arriving one by one, each sent when the one before it is answered,
# share index commits: the indexer watches an empty queue a moment before it
# ends a batch (portal-indexer.c, next_in_batch) rather than flushing the
# index to disk after every document or two.
LOG=$PORTAL_DATA/index/log/indexer.log
before=$(grep -c ': committed ' "$LOG" || true)
for i in $(seq 20); do
	printf '逐个上传的第%s份文件：清洁生产审核报告摘要。\n' "$i" >"$PORTAL_DATA/one-$i.txt"
	upload "$ADMIN" "$PORTAL_DATA/one-$i.txt"
	[ "$CODE" = 202 ] && LAST=$(jq -r .id <<<"$BODY")
done
check "twenty uploads one by one: the last is indexed" [ "$(wait_indexed "$LAST")" = indexed ]
commits=$(( $(grep -c ': committed ' "$LOG" || true) - before ))
# How many commits depends on how fast the uploads come (1-2 on a quiet
# machine, 9-12 under load 9); one each means no batching at all.
check "twenty uploads one by one share index commits ($commits commits)" [ "$commits" -lt 20 ]

check "portalctl fsck is clean" fsck_clean
