#!/usr/bin/env bash
# t0028-crawl.sh: every page each role reaches by clicking, on the demo
# year, reads as people should read it. For anonymous visitors, an
# enterprise user (the demo hospital), an agency user, an expert assigned
# to demo cases, the demo's district (延庆区发改委) and sector authority
# (市经济和信息化局, industry) and staff, tests/browser/crawl.mjs walks from the home page
# and every area the role may open (lists, records, reports, documents),
# following every same-site link shown, a few hundred pages at most, and
# checks on each page: every link shown opens (2xx) for that role; no
# markup printed as text; no internal record id, no workflow or English
# code (listed, spring, services...), no raw JSON and no UTC stamp as text;
# exactly one <h1>. One TAP line per role and check; the first findings
# follow as comments.
# PORTAL_CRAWL_OUT=DIR keeps every role's findings (crawl-ROLE) there.
# PORTAL_CRAWL_ROLES="district authority" crawls only the roles named.
# Covers records-ui.c, report-ui.c, cases.c, labels.c, search.c,
# account.c, upload.c pages, ui-shared.c.
PORTAL_DEMO=1
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || bail "node not found: install nodejs (./portal test does)"
start_instance
ctl() { "$TOP/portal" ctl "$@"; }
api() { curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/$1"; }
id_of() { api "$1?per_page=100" | jq -r --arg n "$2" '.results[] | select(.title == $n) | .id' | head -n1; }

ENT=$(id_of enterprises 北京康宁医院)
AG=$(id_of agencies 北京绿源清洁生产咨询有限公司)
EX=$(id_of experts 陈秀兰)
[ -n "$ENT" ] && [ -n "$AG" ] && [ -n "$EX" ] || bail "demo records not found"
ctl user add hosp --role enterprise --enterprise "$ENT" >/dev/null
ctl user add lvyuan --role agency --agency "$AG" >/dev/null
ctl user add chen --role expert >/dev/null
ctl user add ops --role staff >/dev/null
curl -s -o /dev/null -X PATCH -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	-d '{"user_name":"chen"}' "$BASE/api/experts/$EX"

SEEDS=(/ /audits /projects /enterprises /agencies /experts /trainings /reports /reports/quarterly
	/reports/bulletin /reports/scoreboard /overdue /deadlines /typical-units /upload /account "/search?q=清洁生产")
ROLES=(${PORTAL_CRAWL_ROLES:-anonymous enterprise agency expert district authority staff})
declare -A USER=([enterprise]=hosp [agency]=lvyuan [expert]=chen [staff]=ops
	[district]=延庆区发改委 [authority]=市经济和信息化局)
CHECKS=(links markup ids codes utc h1)
declare -A WHAT=(
	[links]="every link shown answers 2xx"
	[markup]="no markup printed as text"
	[ids]="no internal record id shown as text"
	[codes]="no workflow or English code, no raw JSON, as text"
	[utc]="no UTC stamp as text"
	[h1]="exactly one <h1> per page")

for role in "${ROLES[@]}"; do
	auth=()
	if [ -n "${USER[$role]:-}" ]; then
		tok=$(ctl token create "${USER[$role]}") || bail "no token for ${USER[$role]}"
		auth=(--bearer "$tok")
	fi
	out=$PORTAL_DATA/crawl-$role
	node "$TOP/tests/browser/crawl.mjs" "$BASE" "$role" "${auth[@]}" --max 250 "${SEEDS[@]}" >"$out" 2>&1
	[ -n "${PORTAL_CRAWL_OUT:-}" ] && cp "$out" "$PORTAL_CRAWL_OUT/crawl-$role"
	done_line=$(grep '^DONE ' "$out")
	check "$role: the crawl ran to its end (${done_line:-no DONE line})" [ -n "$done_line" ]
	[ -n "$done_line" ] || sed 's/^/# /' "$out" | head -n 20
	pages=$(sed -n 's/.* pages=\([0-9]*\).*/\1/p' <<<"$done_line")
	check "$role: the crawl opened more than a handful of pages (${pages:-0})" [ "${pages:-0}" -ge 5 ]
	for c in "${CHECKS[@]}"; do
		n=$(grep -c "^FIND $c " "$out")
		if [ "$n" = 0 ]; then
			ok "$role: ${WHAT[$c]}"
		else
			not_ok "$role: ${WHAT[$c]} ($n pages)"
			grep "^FIND $c " "$out" | head -n 8 | sed 's/^/# /'
		fi
	done
done
