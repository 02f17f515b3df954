#!/usr/bin/env bash
# t0002-bad-input.sh: malformed uploads and queries through real nginx each
# get a 4xx with a message a person understands; afterwards the server still
# answers, a killed worker is replaced, and every earlier document is still
# stored and searchable. Covers upload.c (limits, multipart errors, fields),
# http-request.c (parameters, routing), fcgi-master.c (respawn), nginx.conf.in.
. "$(dirname "$0")/lib.sh"
export PORTAL_MAX_UPLOAD=1000000	# 1 MB, so "oversize" is cheap to send
start_instance

# A document stored before the abuse, to find again after it.
printf '清洁生产审核报告：某医院节水改造，中水回用系统年节水一万二千吨。\n' >"$PORTAL_DATA/before.txt"
upload "$ADMIN" "$PORTAL_DATA/before.txt" -F visibility=public
BEFORE=$(jq -r .id <<<"$BODY")
check "a document is stored before the bad input" [ "$CODE" = 202 ]
wait_indexed "$BEFORE" >/dev/null

# refused CODE DESCRIPTION: the last call answered CODE with a JSON error
# whose message is a sentence.
refused() {
	local msg
	msg=$(jq -r '.error.message // empty' <<<"$BODY" 2>/dev/null)
	if [ "$CODE" = "$1" ] && [ ${#msg} -gt 15 ]; then ok "$2 ($CODE: $msg)"; else not_ok "$2 (got $CODE: $BODY)"; fi
}

AUTH=(-H "Authorization: Bearer $ADMIN")
call "${AUTH[@]}" -F title=没有文件 "$BASE/api/documents"
refused 400 "missing file field"
: >"$PORTAL_DATA/empty.txt"
upload "$ADMIN" "$PORTAL_DATA/empty.txt"
refused 400 "empty file"
call "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary '{"file":"x"}' "$BASE/api/documents"
refused 415 "wrong Content-Type"
call "${AUTH[@]}" -H 'Content-Type: multipart/form-data' --data-binary 'x' "$BASE/api/documents"
refused 415 "multipart without a boundary"
printf -- '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n这份文件没有结束边界' >"$PORTAL_DATA/trunc.body"
call "${AUTH[@]}" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$PORTAL_DATA/trunc.body" "$BASE/api/documents"
refused 400 "truncated body (no closing boundary)"
printf -- '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a\r\nb.txt"\r\n\r\nabc\r\n--XyZ--\r\n' >"$PORTAL_DATA/crlf.body"
call "${AUTH[@]}" -H 'Content-Type: multipart/form-data; boundary=XyZ' --data-binary @"$PORTAL_DATA/crlf.body" "$BASE/api/documents"
refused 400 "CRLF inside a filename"
head -c 2000000 /dev/urandom >"$PORTAL_DATA/big.bin"
upload "$ADMIN" "$PORTAL_DATA/big.bin"
refused 413 "oversize upload with Content-Length (refused by nginx)"
call "${AUTH[@]}" -H 'Transfer-Encoding: chunked' -F "file=@$PORTAL_DATA/big.bin" "$BASE/api/documents"
refused 413 "oversize chunked upload"
upload "$ADMIN" "$PORTAL_DATA/before.txt" -F visibility=everyone
refused 400 "bad visibility"
upload "$ADMIN" "$PORTAL_DATA/before.txt" -F doc_type=novel
refused 400 "unknown doc_type"
upload "$ADMIN" "$PORTAL_DATA/before.txt" --form-string 'case=audit:1; DROP TABLE'
refused 400 "malformed case id"
call -F "file=@$PORTAL_DATA/before.txt" "$BASE/api/documents"
refused 401 "upload without a token"
call -D "$PORTAL_DATA/h" -H 'Authorization: Bearer not-a-token' "$BASE/api/search?q=x"
refused 401 "an unknown bearer token"
check "the 401 names the scheme (WWW-Authenticate: Bearer)" grep -qi '^WWW-Authenticate: Bearer' "$PORTAL_DATA/h"

call "$BASE/api/search?q=%zz"
refused 400 "broken %-escape in the query"
call "$BASE/api/search?q=x&per_page=1000"
refused 400 "per_page above 100"
call "$BASE/api/search?q=x&page=0"
refused 400 "page 0"
call "$BASE/api/search?q=x&sort=size"
refused 400 "unknown sort"
call "$BASE/api/search?q=x&color=red"
refused 400 "undeclared parameter"
call "$BASE/api/search?q=$(printf '%01500d' 0)"
refused 400 "query longer than 1000 bytes"
call "$BASE/api/search?q=%FF%FE"
refused 400 "query that is not UTF-8"
call "$BASE/api/documents/../../etc/passwd"
check "path traversal in a document id is not found ($CODE)" [ "$CODE" = 404 ] || [ "$CODE" = 400 ]
call "$BASE/api/documents/nonsense"
refused 404 "unknown document id"
call -X DELETE "$BASE/api/search"
refused 405 "wrong method"
call "$BASE/search?q=%3Cscript%3Ealert(1)%3C/script%3E"
check "HTML search page escapes the query" bash -c '! grep -qF "<script>alert(1)" <<<"$1" && grep -qF "&lt;script&gt;" <<<"$1"' _ "$BODY"
call "$BASE/search?q=%zz"
check "HTML pages answer errors as HTML ($CODE)" bash -c '[ "$1" = 400 ] && grep -q "<html" <<<"$2"' _ "$CODE" "$BODY"
call -G --data-urlencode 'q="unbalanced (清洁 AND' "$BASE/api/search"
check "unbalanced quotes and brackets search instead of failing ($CODE)" [ "$CODE" = 200 ]

# Kill every worker of both programs: their masters replace them.
for prog in upload.fcgi search.fcgi; do
	master=$(cat "$PORTAL_DATA/index/run/${prog%.fcgi}.pid")
	pkill -KILL -P "$master" || true
done
for _ in $(seq 50); do curl -sf -o /dev/null "$BASE/api/search?q=x" && break; sleep 0.1; done
call "$BASE/api/search?q=x"
check "killed workers are replaced and the server answers" [ "$CODE" = 200 ]

# Nothing stored before is lost.
check "the earlier document is still searchable" has "$BEFORE" < <(search_ids 中水回用)
call "$BASE/api/documents/$BEFORE/file"
check "the earlier document still downloads byte-identical" cmp -s "$PORTAL_DATA/body" "$PORTAL_DATA/before.txt"
upload "$ADMIN" "$PORTAL_DATA/before.txt"
check "and it is still the one stored copy (duplicate)" [ "$CODE $(jq -r .id <<<"$BODY")" = "200 $BEFORE" ]
check "no temp files are left behind" [ -z "$(ls -A "$PORTAL_DATA/uploads/tmp")" ]
check "portalctl fsck is clean" fsck_clean
