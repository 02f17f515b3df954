#!/usr/bin/env bash
# t0029-upload-page.sh: the upload page without JavaScript, as a browser
# posts it (session cookie, CSRF field), through real nginx.
#
# An enterprise user opens /upload?case=audit:ID for its own audit (the case
# is preselected, another tenant's case is not offered) and posts several
# files in one form: they go to /upload?done=IDS, which says 等待索引 and
# refreshes itself (Refresh header) while the indexer is held, then 已索引
# with each document's link, and no longer refreshes. The same bytes again
# show 已在门户中 with the existing document's link. A too-large file and an
# empty one are refused inline in Chinese, each on its own, while the good
# file of the same post is stored. A case the caller may not attach to is
# not offered and is refused (422 for another tenant's, 403 for an expert
# who only reviews it) with nothing stored. The API keeps its contract (one
# file a request, 200 duplicate with the id). A post over the limit is
# refused by nginx as a Chinese page.
# Covers cgi-bin/upload.c (the form, ?case=, ?done=), doc/nginx.conf.in.
. "$(dirname "$0")/lib.sh"

export PORTAL_MAX_UPLOAD=200000	# small, so a too-large file is cheap
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
api() { call -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -X POST --data-binary "$2" "$BASE/api/$1"; }
ndocs() { sqlite3 -cmd '.timeout 10000' "$PORTAL_DATA/index/portal.db" 'SELECT count(*) FROM documents'; }
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//'; }
# location: the Location header of the last call made with -D "$H".
H=$PORTAL_DATA/headers
# both DESCRIPTION 'CONDITIONS': one TAP line for a compound condition.
both() { if eval "$2"; then ok "$1"; else not_ok "$1"; echo "#   got $CODE: $(head -c 200 <<<"$BODY" | tr '\n' ' ')"; fi; }
location() { sed -n 's/^Location: //Ip' "$H" | tr -d '\r'; }

api enterprises '{"name":"北京上传甲医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
EA=$(jq -r .id <<<"$BODY")
api enterprises '{"name":"北京上传乙化工有限公司","credit_code":"91110108MA01B00028","sector":"industry","industry":"化工","district":"海淀区"}'
EB=$(jq -r .id <<<"$BODY")
api audits "{\"enterprise_id\":\"$EA\",\"year\":2024}"
CA=audit:$(jq -r .id <<<"$BODY")
api audits "{\"enterprise_id\":\"$EB\",\"year\":2024}"
CB=audit:$(jq -r .id <<<"$BODY")
api experts '{"name":"专家甲","user_name":"expx"}'
X=$(jq -r .id <<<"$BODY")
api "experts/$X/assignments" "{\"case\":\"$CA\",\"role\":\"reviewer\"}"
[ "$CODE" = 200 ] || bail "assigning the expert: $CODE $BODY"
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null || bail "user enta"
ctl user add expx --role expert >/dev/null || bail "user expx"
echo 'enta a long password' | ctl user passwd enta >/dev/null || bail "passwd enta"
echo 'expx a long password' | ctl user passwd expx >/dev/null || bail "passwd expx"

JAR=$PORTAL_DATA/jar
sign_in "$JAR" enta 'enta a long password'
[ "$CODE" = 303 ] || bail "enta cannot sign in: $CODE"

# ---- the page, its case preselected --------------------------------------------------
call -b "$JAR" "$BASE/upload?case=$CA"
check "GET /upload?case= for the caller's own audit answers 200" [ "$CODE" = 200 ]
CSRF=$(csrf_of <<<"$BODY")
check "the page carries the session's CSRF token" [ ${#CSRF} -ge 20 ]
check "the audit is preselected, by its name" grep -qF "<option value=\"$CA\" selected>北京上传甲医院 2024年审核</option>" <<<"$BODY"
check "another tenant's audit is not offered" bash -c '! grep -qF "$1" <<<"$2"' _ "$CB" "$BODY"
check "the file field takes several files" grep -qF 'type="file" name="file" multiple required' <<<"$BODY"
check "the page loads upload.js (no inline script)" grep -qF '<script src="/static/upload.js" defer></script>' <<<"$BODY"
check "public visibility is not offered to an enterprise" bash -c '! grep -q "name=\"visibility\"" <<<"$1"' _ "$BODY"
call -b "$JAR" "$BASE/upload?case=$CB"
check "?case= naming another tenant's audit: not offered, nothing preselected, a notice" \
	bash -c '! grep -qF "$1" <<<"$2" && ! grep -q " selected>北京" <<<"$2" && grep -qF "您不能向所选案卷添加文档" <<<"$2"' _ "$CB" "$BODY"
call "$BASE/static/upload.js"
check "upload.js is served" [ "$CODE" = 200 ]

# ---- several files in one post, followed until indexed ----------------------------
D=$PORTAL_DATA
printf '上传页测试甲：医院节水改造方案，编号 upa%s。\n' $RANDOM >"$D/a.txt"
printf '上传页测试乙：医院节能诊断报告，编号 upb%s。\n' $RANDOM >"$D/b.txt"
IPID=$(indexer_pid)
[ -n "$IPID" ] || bail "no indexer worker"
kill -STOP "$IPID"	# hold the indexer: the documents stay pending
call -b "$JAR" -D "$H" -F "csrf=$CSRF" -F "case=$CA" -F doc_type=other \
	-F "file=@$D/a.txt" -F "file=@$D/b.txt" "$BASE/upload"
check "two files in one form post: 303" [ "$CODE" = 303 ]
DONE=$(location)
check "... to /upload?done=ID,ID" grep -qE '^/upload\?done=[a-z0-9]+,[a-z0-9]+(#upload-results)?$' <<<"$DONE"
IDS=${DONE#*done=}
IDS=${IDS%%#*}
A=${IDS%%,*} B=${IDS##*,}
call -b "$JAR" -D "$H" "$BASE${DONE%%#*}"
check "the results page says 等待索引 for both while the indexer is held" [ "$(grep -o '等待索引' <<<"$BODY" | wc -l)" -ge 2 ]
check "... and refreshes itself (Refresh header)" grep -qi '^Refresh: [0-9]' "$H"
check "... and links both documents" bash -c 'grep -qF "href=\"/documents/$1\"" <<<"$3" && grep -qF "href=\"/documents/$2\"" <<<"$3"' _ "$A" "$B" "$BODY"
kill -CONT "$IPID"
check "both are indexed" [ "$(wait_indexed "$A")/$(wait_indexed "$B")" = indexed/indexed ]
call -b "$JAR" -D "$H" "$BASE${DONE%%#*}"
check "the results page then says 已索引 for both" [ "$(grep -o '<span class="state">已索引</span>' <<<"$BODY" | wc -l)" = 2 ]
check "... and no longer refreshes" bash -c '! grep -qi "^Refresh:" "$1"' _ "$H"
call -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$A"
check "the documents are in the chosen case" [ "$(jq -r '.cases[0].case' <<<"$BODY")" = "$CA" ]

# ---- a duplicate --------------------------------------------------------------------------
printf '上传页测试丙：新文件 upc%s。\n' $RANDOM >"$D/c.txt"
call -b "$JAR" -D "$H" -F "csrf=$CSRF" -F "file=@$D/a.txt" -F "file=@$D/c.txt" "$BASE/upload"
check "the same bytes again with a new file: 303" [ "$CODE" = 303 ]
DONE=$(location)
check "... naming the existing document as a duplicate (dup=)" grep -qF "dup=$A" <<<"$DONE"
call -b "$JAR" "$BASE${DONE%%#*}"
check "the duplicate shows 已在门户中 with the existing document's link" \
	grep -qE "<li class=\"file duplicate\"><span class=\"name\">a.txt</span><span class=\"state\">已在门户中</span><a class=\"doc\" href=\"/documents/$A\">" <<<"$BODY"

# ---- a file the indexer cannot read: 失败 with the reason, in Chinese ------------------------
printf '上传页测试己 upf%s\n' $RANDOM | gzip -c >"$D/f.gz"
call -b "$JAR" -D "$H" -F "csrf=$CSRF" -F "file=@$D/f.gz" "$BASE/upload"
DONE=$(location)
F=${DONE#*done=}
F=${F%%#*}
check "an archive is stored, then fails to index" [ "$(wait_indexed "$F")" = failed ]
call -b "$JAR" -D "$H" "$BASE${DONE%%#*}"
check "the results page says 失败 with the reason in Chinese, and stops refreshing" \
	bash -c 'grep -qF "<span class=\"state\">失败：不支持压缩包，请逐个上传其中的文档。</span>" <<<"$1" && ! grep -qi "^Refresh:" "$2"' _ "$BODY" "$H"

# ---- refusals inline, one file at a time ----------------------------------------------
head -c 210000 /dev/zero | tr '\0' 'x' >"$D/big.txt"	# over 200000, under the request's limit
: >"$D/empty.txt"
printf '上传页测试丁：好文件 upd%s。\n' $RANDOM >"$D/d.txt"
before=$(ndocs)
kill -STOP "$(indexer_pid)"	# d.txt stays pending
call -b "$JAR" -D "$H" -F "csrf=$CSRF" -F "file=@$D/big.txt" -F "file=@$D/empty.txt" -F "file=@$D/d.txt" "$BASE/upload"
kill -CONT "$(indexer_pid)"
check "a post with a too-large and an empty file besides a good one: 200 page" [ "$CODE" = 200 ]
check "the too-large file is refused inline in Chinese" \
	grep -qF '<span class="name">big.txt</span><span class="state">失败：文件过大：超过上传上限 195 KB。</span>' <<<"$BODY"
check "the empty file is refused inline in Chinese" \
	grep -qF '<span class="name">empty.txt</span><span class="state">失败：文件是空的（0 字节）。</span>' <<<"$BODY"
check "the good file of the same post is stored, with its link" \
	grep -qE '<li class="file (pending|indexed)"><span class="name">d.txt</span>.*href="/documents/[a-z0-9]+"' <<<"$BODY"
check "exactly one document was added" [ "$(ndocs)" = $((before + 1)) ]
check "the page says at the top that two files were not uploaded" \
	grep -qF '<p class="form-error" role="alert">2 个文件未能上传，原因见<a href="#upload-results">上传结果</a>；其余文件已保存。</p>' <<<"$BODY"
check "the form is shown again below the errors, its fields kept" grep -qF 'class="upload-form"' <<<"$BODY"
check "the answer to the post does not reload itself (it would lose the errors)" bash -c '! grep -qi "^Refresh:" "$1"' _ "$H"
check "... it links to the stored file's progress instead" \
	grep -qE '<a href="/upload\?done=[a-z0-9]+#upload-results">查看索引进度</a>' <<<"$BODY"
call -b "$JAR" -F "csrf=$CSRF" -F "file=@$D/big.txt" "$BASE/upload"
both "a post whose only file is too large answers 413 with the page" \
	'[ "$CODE" = 413 ] && grep -qF 文件过大 <<<"$BODY"' 

# ---- cases the caller may not attach to ----------------------------------------------
printf '上传页测试戊：不该存下 upe%s。\n' $RANDOM >"$D/e.txt"
before=$(ndocs)
call -b "$JAR" -F "csrf=$CSRF" -F "case=$CB" -F "file=@$D/e.txt" "$BASE/upload"
check "enterprise posting to another tenant's audit: 422" [ "$CODE" = 422 ]
check "... said inline in Chinese on the page" grep -qF '<p class="form-error" role="alert">案卷不存在，或您无权查看。</p>' <<<"$BODY"
check "... nothing stored" [ "$(ndocs)" = "$before" ]
XJAR=$PORTAL_DATA/xjar
sign_in "$XJAR" expx 'expx a long password'
call -b "$XJAR" "$BASE/upload?case=$CA"
XCSRF=$(csrf_of <<<"$BODY")
check "an expert reviewing the audit is not offered it" bash -c '! grep -qF "value=\"$1\"" <<<"$2"' _ "$CA" "$BODY"
call -b "$XJAR" -F "csrf=$XCSRF" -F "case=$CA" -F "file=@$D/e.txt" "$BASE/upload"
both "the expert posting to it: 403, inline in Chinese" \
	'[ "$CODE" = 403 ] && grep -qF 您不能向这个案卷添加文档。 <<<"$BODY"' 
check "... nothing stored" [ "$(ndocs)" = "$before" ]

# ---- the API keeps its contract ---------------------------------------------------------
call -H "Authorization: Bearer $ADMIN" -F "file=@$D/c.txt" -F "file=@$D/d.txt" "$BASE/api/documents"
both "API: two files in one request are refused (400 two_files)" \
	'[ "$CODE" = 400 ] && [ "$(jq -r .error.code <<<"$BODY")" = two_files ]' 
ENTA=$(ctl token create enta)
upload "$ENTA" "$D/a.txt"
both "API: a duplicate answers 200 with the existing id and duplicate: true" \
	'[ "$CODE" = 200 ] && [ "$(jq -r ".id + \" \" + (.duplicate|tostring)" <<<"$BODY")" = "$A true" ]' 
upload "$ENTA" "$D/big.txt"
both "API: too large is 413 too_large, in Chinese and English" \
	'[ "$CODE" = 413 ] && [ "$(jq -r .error.code <<<"$BODY")" = too_large ] && grep -qF 文件过大 <<<"$BODY"' 

# ---- over the request's limit: nginx refuses it, as a page ------------------------------
head -c 300000 /dev/zero | tr '\0' 'y' >"$D/huge.txt"
call -b "$JAR" -D "$H" -F "csrf=$CSRF" -F "file=@$D/huge.txt" "$BASE/upload"
both "a form post over the limit: 413 HTML page in Chinese" \
	'[ "$CODE" = 413 ] && grep -qi "^Content-Type: text/html" "$H" && grep -qF "<h1>文件过大</h1>" <<<"$BODY"' 
call -H "Authorization: Bearer $ADMIN" -F "file=@$D/huge.txt" "$BASE/api/documents"
both "the API over the limit still answers JSON too_large" \
	'[ "$CODE" = 413 ] && [ "$(jq -r .error.code <<<"$BODY")" = too_large ]' 
