#!/usr/bin/env bash
# t0034-browser-search.sh: the search page in a real browser, at 1280 and
# 390 px (tests/browser/search-page.mjs): an anonymous visitor finds the
# current medical-wastewater standard, GB 18466-2005, from the home page's
# search box among other public documents; on a phone the first hit is on
# the first screen above the facets and nothing scrolls sideways; the skip
# link, the sort control and a filter chip work; axe-core reports no
# serious or critical violation. Screenshots go to $PORTAL_DATA (removed
# at the end): set PORTAL_SCREENSHOTS=DIR to keep copies.
# Covers: cgi-bin/search.c (ui_search), src/web/ui-shared.c (frame),
# htdocs/portal.css, htdocs/search.js.
. "$(dirname "$0")/lib.sh"

need_browser
AXE=$BROWSER_DIR/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || bail "$AXE not found (npm install in $BROWSER_DIR)"

start_instance

declare -A ID
for k in d0361_ d0386_ d0114_ d0149_; do
	upload "$ADMIN" "$(corpus_file $k)" -F visibility=public
	[ "$CODE" = 202 ] || bail "upload $k: $CODE $BODY"
	ID[$k]=$(jq -r .id <<<"$BODY")
done
for k in d0361_ d0386_ d0114_ d0149_; do
	check "$k indexed" [ "$(wait_indexed "${ID[$k]}")" = indexed ]
done

WANT=$(grep -c '^await check(' "$BROWSER_DIR/search-page.mjs")
[ "$WANT" -gt 0 ] || bail "no checks found in $BROWSER_DIR/search-page.mjs"
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
	BASE=$BASE QUERY=医疗机构水污染物排放标准 DOC_ID=${ID[d0361_]} OUT=$PORTAL_DATA \
		CHROMIUM=$CHROMIUM AXE=$AXE timeout 120 node "$BROWSER_DIR/search-page.mjs" 2>&1
	echo "EXIT $?"
)
check "browser: all $WANT checks reported ($reported reported)" [ "$reported" = "$WANT" ]

if [ -n "${PORTAL_SCREENSHOTS:-}" ]; then
	mkdir -p "$PORTAL_SCREENSHOTS" && cp "$PORTAL_DATA"/search-*.png "$PORTAL_SCREENSHOTS"/ &&
		echo "# screenshots copied to $PORTAL_SCREENSHOTS"
fi
