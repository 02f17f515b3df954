#!/usr/bin/env bash
# t0014-hostile-files.sh: the hostile-file kit through the real upload path.
# A zip bomb, an XML entity bomb and an XXE inside .docx files, entry names
# with ../, a truncated PDF, executables named report.pdf and program.txt,
# random bytes, invalid UTF-8 text, text that starts like an HP-GL plot and
# CRLF in a file name: each upload is indexed when it is text, or ends as a clear
# refusal or a 'failed' document with a sentence; the indexer and server
# stay up; what was indexed before is still found. Covers upload.c,
# portal-indexer.c + sandbox.c, extract-zip.c, extract-office.c, detect.c.
. "$(dirname "$0")/lib.sh"
command -v zip >/dev/null || bail "zip is missing (apt-get install zip)"
start_instance
for _ in $(seq 100); do INDEXER=$(indexer_pid); [ -n "$INDEXER" ] && break; sleep 0.1; done
K=$PORTAL_DATA/kit
mkdir -p "$K"

printf '攻击之前的文档：污水处理厂提标改造。\n' >"$K/before.txt"
upload "$ADMIN" "$K/before.txt" -F visibility=public
BEFORE=$(jq -r .id <<<"$BODY"); wait_indexed "$BEFORE" >/dev/null

# docx skeletons
mkdocx() { # NAME DOCUMENT-XML [extra zip args]
	local d=$K/$1.d
	mkdir -p "$d/_rels" "$d/word"
	printf '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>' >"$d/[Content_Types].xml"
	printf '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>' >"$d/_rels/.rels"
	printf '%s' "$2" >"$d/word/document.xml"
	(cd "$d" && zip -q -r "$K/$1.docx" "[Content_Types].xml" _rels word)
}
W='xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
mkdocx ok "<?xml version=\"1.0\"?><w:document $W><w:body><w:p><w:r><w:t>正常的文档：余热回收改造。</w:t></w:r></w:p></w:body></w:document>"
mkdocx laughs "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY a \"哈哈哈哈哈哈哈哈\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY e \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><w:document $W><w:body><w:p><w:r><w:t>&e;&e;&e;</w:t></w:r></w:p></w:body></w:document>"
mkdocx xxe "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><w:document $W><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
# a zip bomb: 300 MB of zeros as the document part
mkdir -p "$K/bomb.d/word"
cp "$K/ok.d/[Content_Types].xml" "$K/bomb.d/"; cp -r "$K/ok.d/_rels" "$K/bomb.d/"
head -c 300000000 /dev/zero >"$K/bomb.d/word/document.xml"
(cd "$K/bomb.d" && zip -q -r "$K/bomb.docx" "[Content_Types].xml" _rels word)
rm -rf "$K/bomb.d"
# an entry that climbs out
mkdir -p "$K/trav/a"; printf 'x' >"$K/trav/evil.txt"
cp "$K/ok.docx" "$K/traversal.docx"
(cd "$K/trav/a" && zip -q "$K/traversal.docx" ../evil.txt)
head -c 3000 "$(corpus_file d0006_)" >"$K/truncated.pdf"
cp /bin/true "$K/report.pdf"
cp /bin/false "$K/program.txt"
# Text that a weak libmagic rule takes for an HP-GL plot: text all the same.
printf 'SP1;PA 清洁生产审核报告：电镀线逆流漂洗节水改造。\n' >"$K/plot-like.txt"
head -c 20000 /dev/urandom >"$K/random.bin"
printf '坏\xc3\x28的文本：中水回用系统改造，节约用水\x80\xff。\n' >"$K/invalid-utf8.txt"

declare -A EXPECT=(
	[ok.docx]=indexed [laughs.docx]=failed [xxe.docx]=failed [bomb.docx]=failed
	[traversal.docx]=failed [truncated.pdf]=failed [report.pdf]=failed [random.bin]=failed
	[invalid-utf8.txt]=indexed [program.txt]=failed [plot-like.txt]=indexed
)
for f in ok.docx laughs.docx xxe.docx bomb.docx traversal.docx truncated.pdf report.pdf random.bin invalid-utf8.txt \
	program.txt plot-like.txt; do
	upload "$ADMIN" "$K/$f" -F visibility=public
	if [ "$CODE" != 202 ]; then
		check "$f: refused at upload with a message ($CODE)" [ -n "$(jq -r '.error.message // empty' <<<"$BODY")" ]
		continue
	fi
	id=$(jq -r .id <<<"$BODY")
	st=$(wait_indexed "$id")
	call "$BASE/api/documents/$id"
	msg=$(jq -r '.error // ""' <<<"$BODY")
	if [ "$st" = "${EXPECT[$f]}" ] && { [ "$st" = indexed ] || [ ${#msg} -gt 20 ]; }; then
		ok "$f: $st${msg:+ ($msg)}"
	else
		not_ok "$f: expected ${EXPECT[$f]}, got $st ($msg)"
	fi
	[ "$f" = xxe.docx ] && check "xxe.docx: no passwd content anywhere" \
		bash -c '! curl -s "$1/api/documents/$2/text" | grep -q "root:"' _ "$BASE" "$id"
done
call -G --data-urlencode q=余热回收 "$BASE/api/search"
check "the good docx is searchable" [ "$(jq .total <<<"$BODY")" = 1 ]
call -G --data-urlencode q=中水回用 "$BASE/api/search"
check "invalid UTF-8 text became valid text and is searchable" [ "$(jq .total <<<"$BODY")" = 1 ]
call -H "Authorization: Bearer $ADMIN" -F "file=@$K/before.txt;filename=\"a\\\"b.txt\"" "$BASE/api/documents"
check "a quote in a file name is accepted safely ($CODE)" [ "$CODE" = 200 ] || [ "$CODE" = 202 ]
check "the indexer is still running, the same process ($INDEXER)" [ -n "$INDEXER" ] && [ "$(indexer_pid)" = "$INDEXER" ]
call -G --data-urlencode q=提标改造 "$BASE/api/search"
check "the document from before is still found" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$BEFORE" ]
check "portalctl fsck is clean" fsck_clean
