#!/usr/bin/env bash
# t0032-browser-document.sh: the document page in a real browser, as an
# expert uses it. An enterprise's audit report (a PDF from the corpus,
# restricted) is filed in its audit; an expert assigned to the audit signs
# in, opens the audit's page, clicks the report and sees the first pages as
# images, the audit named and linked, the download; at 1280 and 390 pixels
# wide (no sideways scrolling at 390), with axe-core finding no serious or
# critical violation (tests/browser/document.mjs). Screenshots go to
# $PORTAL_DATA, removed at the end: PORTAL_SCREENSHOTS=DIR keeps copies.
# Covers document-page.c (ui_document, ui_api_preview), preview.c,
# previews.c, portal-indexer.c, portal.css.
. "$(dirname "$0")/lib.sh"

need_browser
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
api() { # METHOD PATH [JSON]: as admin; sets CODE and BODY
	local args=(-X "$1" -H "Authorization: Bearer $ADMIN")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
api POST enterprises '{"name":"北京朝阳预览医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
EA=$(jq -r .id <<<"$BODY")
api POST experts '{"name":"预览专家","user_name":"expx"}'
X=$(jq -r .id <<<"$BODY")
api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2024}"
AUD=$(jq -r .id <<<"$BODY")
api POST "experts/$X/assignments" "{\"case\":\"audit:$AUD\",\"role\":\"reviewer\"}"
[ "$CODE" = 200 ] || bail "assign: $CODE $BODY"
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add expx --role expert >/dev/null
PASSWORD='预览专家的长密码 2024'
echo "$PASSWORD" | ctl user passwd expx >/dev/null || bail "no password for expx"
ENTA=$(ctl token create enta) || bail "no token for enta"

upload "$ENTA" "$(corpus_file d0361_)" -F "case=audit:$AUD" -F doc_type=audit_report
ID=$(jq -r .id <<<"$BODY")
check "the report is indexed" [ "$(wait_indexed "$ID")" = indexed ]
check "its page images are drawn" [ "$(wait_previews "$ID")" = yes ]
call -X POST -H "Authorization: Bearer $ENTA" -H 'Content-Type: application/json' \
	--data-binary "{\"case\":\"audit:$AUD\",\"role\":\"audit_report\"}" "$BASE/api/documents/$ID/cases"
check "filed as the audit's report" [ "$CODE" = 200 ]

WANT=$(grep -cE '^\s*await check\(' "$BROWSER_DIR/document.mjs")
[ "$WANT" -gt 0 ] || bail "no checks found in $BROWSER_DIR/document.mjs"
# The loop over two widths runs its checks twice.
LOOPED=$(sed -n '/^for (const \[width, height\]/,/^}/p' "$BROWSER_DIR/document.mjs" | grep -cE '^\s*await check\(')
WANT=$((WANT + LOOPED))
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
	BASE=$BASE USER_NAME=expx PASSWORD=$PASSWORD CASE_PATH=/audits/$AUD DOC_ID=$ID \
		CASE_TITLE="北京朝阳预览医院 2024年审核" OUT=$PORTAL_DATA CHROMIUM=$CHROMIUM \
		timeout 120 node "$BROWSER_DIR/document.mjs" 2>&1
	echo "EXIT $?"
)
check "browser: all $WANT checks reported ($reported reported)" [ "$reported" = "$WANT" ]

if [ -n "${PORTAL_SCREENSHOTS:-}" ]; then
	mkdir -p "$PORTAL_SCREENSHOTS" && cp "$PORTAL_DATA"/document-*.png "$PORTAL_SCREENSHOTS"/ &&
		echo "# screenshots copied to $PORTAL_SCREENSHOTS"
fi
