#!/usr/bin/env bash
# t0027-browser-home.sh: the home pages in a real browser, on the demo year
# (tests/browser/home.mjs drives Debian's chromium through playwright-core):
# staff sign in, find the overdue audits on the home page and open one
# (breadcrumbs 首页 › 审核 › its name); a consulting agency sees its
# clients' audits with their deadlines and checklists; staff's queue keeps
# a failed document's 重试 button in sight; the header menu is
# open at 1280 px and folds behind 菜单 at 390 px, opening without script;
# at both widths no page overflows sideways and axe-core reports no serious
# or critical violation. Screenshots go to $PORTAL_SCREENSHOTS when set,
# else to $PORTAL_DATA (removed at the end).
# Covers home.c, ui-shared.c (menu), records-ui.c (breadcrumbs), portal.css.
. "$(dirname "$0")/lib.sh"

need_browser
AXE=$BROWSER_DIR/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] || bail "$AXE not found"

PORTAL_DEMO=1
start_instance
DB=$PORTAL_DATA/index/portal.db
LVYUAN=$(sqlite3 "$DB" "SELECT id FROM agencies WHERE name = '北京绿源清洁生产咨询有限公司'")
CLIENT=$(sqlite3 "$DB" "SELECT e.name FROM audits a JOIN enterprises e ON e.id = a.enterprise_id
	WHERE a.agency_id = '$LVYUAN' AND a.state = 'submitted' LIMIT 1")
[ -n "$LVYUAN" ] && [ -n "$CLIENT" ] || bail "the demo year is not as this test expects"
"$TOP/portal" ctl user add 职员乙 --role staff >/dev/null
"$TOP/portal" ctl user add 绿源咨询 --role agency --agency "$LVYUAN" >/dev/null
for u in 职员乙 绿源咨询; do echo 'a long password' | "$TOP/portal" ctl user passwd "$u" >/dev/null; done
# A failed document, so staff's queue has a row with its 重试 button.
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nno PDF at all\n' >"$PORTAL_DATA/broken.pdf"
upload "$ADMIN" "$PORTAL_DATA/broken.pdf" -F "title=损坏的文件"
check "a broken PDF ends failed" [ "$(wait_indexed "$(jq -r .id <<<"$BODY")")" = failed ]
OUT=${PORTAL_SCREENSHOTS:-$PORTAL_DATA}
mkdir -p "$OUT"

# PASS/FAIL lines become TAP; the script's PLAN says how many to expect.
want=
reported=0
while IFS= read -r line; do
	case $line in
	"PLAN "*) want=${line#PLAN } ;;
	"PASS "*) ok "browser: ${line#PASS }"; reported=$((reported + 1)) ;;
	"FAIL "*) not_ok "browser: ${line#FAIL }"; reported=$((reported + 1)) ;;
	"EXIT "*) check "browser script ran to its end" [ "${line#EXIT }" = 0 ] ;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done < <(
	BASE=$BASE PASSWORD='a long password' STAFF=职员乙 AGENCY=绿源咨询 CLIENT=$CLIENT OUT=$OUT AXE=$AXE \
		CHROMIUM=$CHROMIUM timeout 120 node "$BROWSER_DIR/home.mjs" 2>&1
	echo "EXIT $?"
)
check "browser: all ${want:-?} planned checks reported ($reported reported)" [ "$reported" = "${want:-none}" ]
if [ -n "${PORTAL_SCREENSHOTS:-}" ]; then echo "# screenshots in $PORTAL_SCREENSHOTS"; fi
