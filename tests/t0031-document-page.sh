#!/usr/bin/env bash
# t0031-document-page.sh: the document page (cgi-bin/document-page.c) and
# what it shows. A restricted PDF (GB 18466-2005 from the corpus, filed in
# an audit) gets page images from the indexer (preview.c in its sandbox,
# previews.c on disk); GET /api/documents/ID/preview/N answers image/png to
# those who may read the file (its enterprise, staff, the audit's expert)
# and 404 to anyone else, anonymous included, and for pages that have no
# image. The page shows the images, the audit by name with the document's
# role, and the versions (supersedes / superseded by, as links). A text
# document's page lays the text out in headings and paragraphs. GB 18466's
# text reads: its number whole, no runs of one-letter lines, no private-use
# glyphs; its number in full-width digits finds it. Images lost (or never
# made) come back after `portalctl reindex` (while their job waits, the
# page says they are coming), and fsck stays clean; it names
# a folder of images that belongs to no document.
. "$(dirname "$0")/lib.sh"
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
api() { # METHOD PATH [JSON]: as admin; sets CODE and BODY
	local args=(-X "$1" -H "Authorization: Bearer $ADMIN")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
as() { # ROLE CURL-ARGS...: sets CODE and BODY; ROLE anon sends no token
	local role=$1; shift
	if [ "$role" = anon ]; then call "$@"; else call -H "Authorization: Bearer ${TOK[$role]}" "$@"; fi
}
# ctype ROLE URL: the Content-Type of a GET as ROLE
ctype() {
	local role=$1 auth=()
	[ "$role" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$role]}")
	curl -s -o /dev/null -w '%{content_type}' "${auth[@]}" "$2"
}
earlier() { # every upload so far moves 100 s back (the newer version is the later upload)
	sqlite3 -cmd '.timeout 5000' "$PORTAL_DATA/index/portal.db" \
		'UPDATE documents SET uploaded_at = uploaded_at - 100' || bail "cannot move upload times"
}

# ---- records and people ------------------------------------------------------
api POST enterprises '{"name":"北京朝阳预览医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
EA=$(id)
api POST enterprises '{"name":"北京海淀另一医院","credit_code":"91110108MA01B00028","sector":"services","industry":"医疗机构","district":"海淀区"}'
EB=$(id)
api POST experts '{"name":"预览专家","user_name":"expx"}'
X=$(id)
api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2024}"
AUD=$(id)
api POST "experts/$X/assignments" "{\"case\":\"audit:$AUD\",\"role\":\"reviewer\"}"
[ "$CODE" = 200 ] || bail "assign: $CODE $BODY"
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add entb --role enterprise --enterprise "$EB" >/dev/null
ctl user add expx --role expert >/dev/null
ctl user add staff --role staff >/dev/null
declare -A TOK=([admin]=$ADMIN)
for u in enta entb expx staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done

# ---- a restricted PDF in the audit -----------------------------------------------
GB=$(corpus_file d0361_)
upload "${TOK[enta]}" "$GB" -F "case=audit:$AUD" -F doc_type=audit_report
PDF=$(id)
[ "$(wait_indexed "$PDF")" = indexed ] || bail "GB 18466 not indexed: $BODY"
check "a job of its own draws them" [ "$(wait_previews "$PDF")" = yes ]
check "... in a quick worker, after its text was indexed" bash -c '
	t=$(grep -n "indexed $1 (application/pdf" "$2" | head -n1 | cut -d: -f1)
	i=$(grep -n "$1: page images drawn by a quick worker" "$2" | head -n1 | cut -d: -f1)
	[ -n "$t" ] && [ -n "$i" ] && [ "$t" -lt "$i" ]' _ "$PDF" "$PORTAL_DATA/index/log/indexer.log"
check "the indexer made three page images" [ "$(ls "$PORTAL_DATA/index/preview/$PDF" 2>/dev/null | tr '\n' ' ')" = "1.png 2.png 3.png " ]

for role in enta staff expx admin; do
	as "$role" "$BASE/api/documents/$PDF/preview/1"
	check "$role: page 1's image answers 200" [ "$CODE" = 200 ]
	check "$role: it is a PNG" bash -c 'head -c 8 "$1" | cmp -s - <(printf "\x89PNG\r\n\x1a\n")' _ "$PORTAL_DATA/body"
	check "$role: served as image/png" [ "$(ctype "$role" "$BASE/api/documents/$PDF/preview/3")" = image/png ]
done
for role in entb anon; do
	for n in 1 2 3; do
		as "$role" "$BASE/api/documents/$PDF/preview/$n"
		check "$role: page $n's image answers 404, like the file" [ "$CODE" = 404 ]
	done
	as "$role" "$BASE/api/documents/$PDF/file"
	check "$role: (the file itself answers 404 too)" [ "$CODE" = 404 ]
done
for n in 0 4 x 1.png; do
	as enta "$BASE/api/documents/$PDF/preview/$n"
	check "enta: no image of page '$n' (404)" [ "$CODE" = 404 ]
done
as staff "$BASE/api/documents/d000000000/preview/1"
check "staff: a missing document's image is a 404" [ "$CODE" = 404 ]

as enta "$BASE/documents/$PDF"
check "the page answers 200" [ "$CODE" = 200 ]
check "the page shows the three page images" [ "$(grep -o "<img src=\"/api/documents/$PDF/preview/[0-9]\"" <<<"$BODY" | wc -l)" = 3 ]
check "the images have their size and a Chinese alt text" grep -q "alt=\"第 1 页\" width=\"800\" height=\"[0-9]*\"" <<<"$BODY"
check "the PDF's text is folded away below its images" grep -qF "<details class=\"doc-text\"><summary>提取的文字</summary>" <<<"$BODY"
check "the download stays on the page" grep -qF "/api/documents/$PDF/file\">下载原文件" <<<"$BODY"
check "the page names its audit and links it" grep -qF "<a href=\"/audits/$AUD\">北京朝阳预览医院 2024年审核</a>" <<<"$BODY"
check "filed without a role, it says only the kind of case" grep -qF "<span class=\"role\">审核</span>" <<<"$BODY"
as expx "$BASE/documents/$PDF"
check "expx (assigned) sees the page, its images and the audit" \
	bash -c 'grep -q "/preview/1\"" <<<"$1" && grep -qF "/audits/$2\"" <<<"$1"' _ "$BODY" "$AUD"
as entb "$BASE/documents/$PDF"
check "entb: the page is a 404 and shows no image" bash -c '[ "$1" = 404 ] && ! grep -q preview <<<"$2"' _ "$CODE" "$BODY"

# ---- GB 18466 reads, and is found by its number in full-width digits ---------------
as enta "$BASE/api/documents/$PDF/text"
printf '%s\n' "$BODY" >"$PORTAL_DATA/gb.txt"
check "its number reads whole" grep -qF "ＧＢ １８４６６—２００５" "$PORTAL_DATA/gb.txt"
check "ICS 13.060.30 keeps its dots (no private-use glyph)" grep -qF "３．０６０．３０" "$PORTAL_DATA/gb.txt"
check "no private-use glyph is left" bash -c '! grep -qP "[\x{E000}-\x{F8FF}]" "$1"' _ "$PORTAL_DATA/gb.txt"
RUNS=$(python3 -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
print(sum(1 for a, b, c in zip(lines, lines[1:], lines[2:]) if len(a.strip()) == len(b.strip()) == len(c.strip()) == 1))
' "$PORTAL_DATA/gb.txt")
check "no three one-letter lines in a row (was hundreds): $RUNS" [ "$RUNS" = 0 ]
check "the letter-spaced title reads as words" grep -qF "中华人民共和国国家标准" "$PORTAL_DATA/gb.txt"
check "１８４６６ (full-width) finds it" has "$PDF" < <(search_ids "１８４６６" "${TOK[enta]}")
check "ＧＢ１８４６６ finds it" has "$PDF" < <(search_ids "ＧＢ１８４６６" "${TOK[enta]}")
# a word in full-width letters that is no identifier: found by the fold alone
check "EMB (ＥＭＢ in its text) finds it" has "$PDF" < <(search_ids "EMB" "${TOK[enta]}")
check "ＥＭＢ finds it" has "$PDF" < <(search_ids "ＥＭＢ" "${TOK[enta]}")
check "18466 finds it" has "$PDF" < <(search_ids "18466" "${TOK[enta]}")
check "医疗机构水污染物 finds it" has "$PDF" < <(search_ids "医疗机构水污染物" "${TOK[enta]}")

# ---- versions: a revision in the same audit -------------------------------------
earlier
cat >"$PORTAL_DATA/rev.txt" <<'EOF'
北京朝阳预览医院清洁生产审核报告（修订稿）

第一章 总则
本报告依据清洁生产审核办法编写。

1.1 审核范围
全院供水、供热与污水处理系统，
包括冷却塔与锅炉房。

1.2 审核依据
医疗机构水污染物排放标准。
EOF
upload "${TOK[enta]}" "$PORTAL_DATA/rev.txt" -F "case=audit:$AUD" -F doc_type=audit_report
REV=$(id)
[ "$(wait_indexed "$REV")" = indexed ] || bail "revision not indexed: $BODY"
api GET "documents/$PDF"
check "the PDF is superseded by the revision" [ "$(jq -r .superseded_by <<<"$BODY")" = "$REV" ]
as enta "$BASE/documents/$PDF"
check "the old version's page links the new one by name" \
	grep -qF "已被取代，新版本：<a href=\"/documents/$REV\">北京朝阳预览医院清洁生产审核报告（修订稿）</a>" <<<"$BODY"
as enta "$BASE/documents/$REV"
check "the new version's page links the one it replaced" grep -qF "取代了：<a href=\"/documents/$PDF\">" <<<"$BODY"
check "its version list gives versions and Beijing times" grep -qE "（第 1 版，[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} 上传）" <<<"$BODY"
check "a text document has no page images" bash -c '! grep -q "/preview/" <<<"$1"' _ "$BODY"
check "its text is laid out: a chapter heading" grep -qF "<h3>第一章 总则</h3>" <<<"$BODY"
check "a section heading" grep -qF "<h4>1.1 审核范围</h4>" <<<"$BODY"
check "each line of a text file is a paragraph" grep -qF "<p>全院供水、供热与污水处理系统，</p><p>包括冷却塔与锅炉房。</p>" <<<"$BODY"
check "and no heading made of a sentence" bash -c '! grep -qF "<h3>本报告" <<<"$1"' _ "$BODY"

as enta -X POST -H 'Content-Type: application/json' --data-binary "{\"case\":\"audit:$AUD\",\"role\":\"audit_report\"}" \
	"$BASE/api/documents/$PDF/cases"
check "enta gives the PDF its role in the audit (200)" [ "$CODE" = 200 ]
as enta "$BASE/documents/$PDF"
check "the page names the role in Chinese" grep -qF "<span class=\"role\">审核 · 清洁生产审核报告</span>" <<<"$BODY"

# ---- images lost come back on reindex; fsck is clean -----------------------------
# the role given above queued the PDF again: let that job finish first, or it
# would make the images this part removes before reindex looks for them
for _ in $(seq 1 300); do
	[ "$(sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')")" = 0 ] && break
	sleep 0.1
done
rm -r "$PORTAL_DATA/index/preview/$PDF"
as enta "$BASE/api/documents/$PDF/preview/1"
check "with its images gone, page 1's image is a 404" [ "$CODE" = 404 ]
IPID=$(indexer_pid)
kill -STOP "$IPID"	# hold the indexer: the job stays queued, the images undrawn
OUT=$(ctl reindex)
check "reindex queues the PDF for its images" grep -q "1 PDFs queued for their page images" <<<"$OUT"
NOTE="页面预览图正在生成，稍后刷新本页即可看到"
as enta "$BASE/documents/$PDF"
check "while its job waits, the page says the images are coming" grep -qF "$NOTE" <<<"$BODY"
check "... and shows the text meanwhile" grep -qF "<section class=\"doc-text\"><h2>正文</h2>" <<<"$BODY"
as enta "$BASE/documents/$REV"
check "a text document's page never says so" bash -c '! grep -qF "$1" <<<"$2"' _ "$NOTE" "$BODY"
kill -CONT "$IPID"
for _ in $(seq 300); do [ -f "$PORTAL_DATA/index/preview/$PDF/3.png" ] && break; sleep 0.1; done
as enta "$BASE/api/documents/$PDF/preview/1"
check "after reindex the image is back (200)" [ "$CODE" = 200 ]
as enta "$BASE/documents/$PDF"
check "the page shows the images and says no more that they are coming" \
	bash -c 'grep -q "/preview/1\"" <<<"$2" && ! grep -qF "$1" <<<"$2"' _ "$NOTE" "$BODY"
check "fsck is clean" fsck_clean
mkdir "$PORTAL_DATA/index/preview/d0000000000"
OUT=$(ctl fsck 2>&1)
check "fsck names a folder of images that belongs to no document" \
	grep -q "previews: .*/d0000000000 belongs to no document" <<<"$OUT"
rmdir "$PORTAL_DATA/index/preview/d0000000000"
check "fsck is clean again without it" fsck_clean
