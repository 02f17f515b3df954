#!/usr/bin/env bash
# t0038-long-lane.sh: a scan never holds up the documents behind it. A
# two-page scan (pages of the corpus's scanned GB 18597) is uploaded, then
# a text file: the text file is indexed and found while the scan is still
# pending, read by the indexer's long lane (state, not time: the scan's
# record says so). Meanwhile the scan's progress is visible: its record's
# `extraction` (lane long, pages_total 2), its page and `portalctl stats`
# ("识别中 N/2 页", "reading: N/2 pages"). In the end the scan is indexed
# with its recognised text, and its record no longer has `extraction`.
# Covers portal-indexer.c (lanes, answers as they come, progress),
# extract-pdf.c (the quick lane's "long" answer), extract-ocr.c (pages side
# by side, progress), jobs.c (jobs_set_long, jobs_set_pages, jobs_long_*),
# docs.c (extraction, docs_pending_label), document-page.c, portalctl.c.
. "$(dirname "$0")/lib.sh"
start_instance
# wait_for SECONDS COMMAND...: until the command succeeds, at most SECONDS.
wait_for() {
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
record() { curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$1"; }
field() { record "$1" | jq -r "$2"; }

SCANNED=$(corpus_file d0363_)
for p in 1 2; do pdfseparate -f $p -l $p "$SCANNED" "$PORTAL_DATA/page$p.pdf"; done
pdfunite "$PORTAL_DATA"/page{1,2}.pdf "$PORTAL_DATA/扫描件两页.pdf"

upload "$ADMIN" "$PORTAL_DATA/扫描件两页.pdf"
SCAN=$(json .id <<<"$BODY")
check "the scan is accepted (202)" [ "$CODE" = 202 ]
running() { [ "$(field "$SCAN" '.extraction.state // empty')" = running ]; }
check "the scan goes to the long lane (extraction.state running)" wait_for 30 running

TEXT_FILE=$(corpus_file p001_ programme)
upload "$ADMIN" "$TEXT_FILE"
TEXT=$(json .id <<<"$BODY")
check "the text file is accepted (202)" [ "$CODE" = 202 ]
check "the text file is indexed behind the scan" [ "$(wait_indexed "$TEXT")" = indexed ]
S=$(field "$SCAN" .status)
check "... while the scan is still pending (it is $S)" [ "$S" = pending ]
check "... and the text file is found" has "$TEXT" < <(search_ids 奶牛养殖场 "$ADMIN")

# Progress, while the scan is read (pages_total is written when it starts).
counted() { [ "$(field "$SCAN" '.extraction.pages_total // 0')" = 2 ] || [ "$(field "$SCAN" .status)" != pending ]; }
wait_for 30 counted
REC=$(record "$SCAN")
if [ "$(jq -r .status <<<"$REC")" = pending ]; then
	check "its record counts 2 pages (pages_total)" [ "$(jq -r .extraction.pages_total <<<"$REC")" = 2 ]
	check "... in the long lane" [ "$(jq -r .extraction.lane <<<"$REC")" = long ]
	check "... with a start time" grep -q 'Z$' <<<"$(jq -r .extraction.started_at <<<"$REC")"
	call -H "Authorization: Bearer $ADMIN" "$BASE/documents/$SCAN"
	check "its page says 识别中 N/2 页" grep -qE '识别中 [0-2]/2 页' <<<"$BODY"
	STATS=$("$TOP/portal" ctl stats)
	check "portalctl stats lists it as a long job with its pages" \
		grep -qE "$SCAN.*扫描件两页\.pdf.*reading: [0-2]/2 pages" <<<"$STATS"
else
	not_ok "the scan was still pending when its progress was looked at (it is $(jq -r .status <<<"$REC"))"
fi

indexed() { [ "$(field "$SCAN" .status)" != pending ]; }
wait_for 120 indexed
check "the scan ends indexed" [ "$(field "$SCAN" .status)" = indexed ]
check "... with its recognised text" grep -q 危险废物贮存污染控制标准 \
	< <(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$SCAN/text")
check "... and no extraction in its record any more" [ "$(field "$SCAN" '.extraction // "none"')" = none ]
check "portalctl stats lists no long job any more" bash -c '! "$1/portal" ctl stats | grep -q "long jobs"' _ "$TOP"
