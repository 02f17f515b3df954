#!/usr/bin/env bash
# t0030-browser-upload.sh: the upload page with JavaScript in a real browser
# (Debian's chromium through playwright-core; tests/browser/upload.mjs).
# An enterprise user signs in and opens /upload?case=audit:ID for its own
# audit: the audit is preselected; two PDFs dropped on the drop zone each get
# a progress bar and reach 已索引 with their link; a file over the limit is
# refused inline in Chinese; a gzip archive ends 失败 with the reason in
# Chinese; a PDF sent again shows 已在门户中 with the link
# of the document it already is; at 390 px an upload cut off on the way
# shows an inline error and its 重试 button sends it again, two PDFs chosen
# through the input reach 已索引 and the page does not scroll sideways; axe-core finds
# no serious or critical violation at either width. Screenshots go to
# $PORTAL_DATA (removed at the end): set PORTAL_SCREENSHOTS=DIR to keep them.
# Covers htdocs/upload.js, cgi-bin/upload.c (GET /upload, POST
# /api/documents with a session and X-CSRF-Token), portal.css.
. "$(dirname "$0")/lib.sh"

need_browser
export PORTAL_MAX_UPLOAD=2000000	# the PDFs fit, BIG does not
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
api() { call -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' -X POST --data-binary "$2" "$BASE/api/$1"; }
api enterprises '{"name":"北京浏览器上传医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
E=$(jq -r .id <<<"$BODY")
api audits "{\"enterprise_id\":\"$E\",\"year\":2024}"
A=$(jq -r .id <<<"$BODY")
[[ $A =~ ^a[0-9a-f]+$ ]] || bail "no audit: $CODE $BODY"
ctl user add browser-ent --role enterprise --enterprise "$E" >/dev/null || bail "user"
echo 'browser a long password' | ctl user passwd browser-ent >/dev/null || bail "passwd"

PDFS=$(printf '%s\n' "$CORPUS"/programme/*.pdf | head -n 2; corpus_file d0006_; corpus_file d0399_)
[ "$(grep -c . <<<"$PDFS")" = 4 ] || bail "four PDFs wanted under $CORPUS: $PDFS"
BIG=$PORTAL_DATA/过大的报告.txt
head -c 2100000 /dev/zero | tr '\0' 'z' >"$BIG"
GZ=$PORTAL_DATA/资料.gz
echo '压缩包里的资料' | gzip -c >"$GZ"

WANT=$(grep -c '^await check(' "$BROWSER_DIR/upload.mjs")
[ "$WANT" -gt 0 ] || bail "no checks found in $BROWSER_DIR/upload.mjs"
reported=0
while IFS= read -r line; do
	case $line in
	"PASS "*) ok "browser: ${line#PASS }"; reported=$((reported + 1)) ;;
	"FAIL "*) not_ok "browser: ${line#FAIL }"; reported=$((reported + 1)) ;;
	"EXIT "*) check "browser script ran to its end" [ "${line#EXIT }" = 0 ] ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done < <(
	BASE=$BASE OUT=$PORTAL_DATA CHROMIUM=$CHROMIUM USER=browser-ent PASSWORD='browser a long password' \
		CASE="audit:$A" CASE_TITLE="北京浏览器上传医院 2024年审核" PDFS="$PDFS" BIG="$BIG" GZ="$GZ" \
		AXE="$BROWSER_DIR/node_modules/axe-core/axe.min.js" \
		timeout 300 node "$BROWSER_DIR/upload.mjs" 2>&1
	echo "EXIT $?"
)
check "browser: all $WANT checks reported ($reported reported)" [ "$reported" = "$WANT" ]

if [ -n "${PORTAL_SCREENSHOTS:-}" ]; then
	mkdir -p "$PORTAL_SCREENSHOTS" && cp "$PORTAL_DATA"/*.png "$PORTAL_SCREENSHOTS"/ &&
		echo "# screenshots copied to $PORTAL_SCREENSHOTS"
fi
