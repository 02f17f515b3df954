#!/usr/bin/env bash
# t0003-browser.sh: the HTML pages in a real browser. Uploads a Chinese PDF,
# then drives Debian's chromium (headless, through playwright-core; see
# tests/browser/search.mjs) from the home page: type a Chinese word from the
# PDF's body into the search box, press Enter, see the hit with the match
# marked, click it, see the document page with its title, text and
# download link; no console errors, no failed requests, the stylesheet
# loaded and applied. Screenshots of the results and document pages go to
# $PORTAL_DATA, which is removed at the end: set PORTAL_SCREENSHOTS=DIR to
# keep copies there.
# Covers home.c (ui_home), search.c (ui_search, ui_document), ui-shared.c, html.c,
# nginx.conf.in (static files), portal.css.
. "$(dirname "$0")/lib.sh"

# Never skip: ./portal test installs chromium, nodejs and npm.
need_browser

start_instance

PDF=$(corpus_file d0006_)	# 中华人民共和国标准化法, text layer
WORD=标准化协调机制
TITLE=中华人民共和国标准化法

upload "$ADMIN" "$PDF" -F visibility=public
check "upload answers 202" [ "$CODE" = 202 ]
ID=$(jq -r .id <<<"$BODY")
check "indexed" [ "$(wait_indexed "$ID")" = indexed ]
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
	echo "# no CJK font installed (fc-list :lang=zh is empty): Chinese in the screenshots"
	echo "# shows as boxes; fonts-noto-cjk would fix that"
fi

# The script prints "PASS desc" / "FAIL desc: why" per check and "# ..."
# comments; anything else (a crash's stack) becomes a comment too. It
# reports every one of its checks, run or not: as many PASS and FAIL lines
# as it has `await check(` lines, or some check went unreported.
WANT=$(grep -c '^await check(' "$BROWSER_DIR/search.mjs")
[ "$WANT" -gt 0 ] || bail "no checks found in $BROWSER_DIR/search.mjs"
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
	BASE=$BASE WORD=$WORD TITLE=$TITLE DOC_ID=$ID OUT=$PORTAL_DATA CHROMIUM=$CHROMIUM \
		timeout 60 node "$BROWSER_DIR/search.mjs" 2>&1
	echo "EXIT $?"
)
check "browser: all $WANT checks reported ($reported reported)" [ "$reported" = "$WANT" ]

if [ -n "${PORTAL_SCREENSHOTS:-}" ]; then
	mkdir -p "$PORTAL_SCREENSHOTS" && cp "$PORTAL_DATA"/*.png "$PORTAL_SCREENSHOTS"/ &&
		echo "# screenshots copied to $PORTAL_SCREENSHOTS"
fi
