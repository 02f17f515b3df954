#!/usr/bin/env bash
# t0008-import.sh: portalctl import takes a whole archive recursively:
# supported files are stored and indexed, unsupported ones (an executable
# named like a PDF) and empty files are refused with a reason, duplicates
# are recognised, the summary names each outcome, and running it again
# after an interruption skips what was done. Covers src/cmd/import.c.
. "$(dirname "$0")/lib.sh"
start_instance

ARC=$PORTAL_DATA/archive
mkdir -p "$ARC/2014/审核报告" "$ARC/2015"
cp "$(corpus_file d0006_)" "$ARC/2014/"
cp "$(corpus_file d0019_)" "$ARC/2014/审核报告/"
cp "$(corpus_file d0096_)" "$ARC/2015/"
cp "$(corpus_file d0019_)" "$ARC/2015/copy-of-d0019.txt"	# the same bytes again
cp /bin/true "$ARC/2015/report.pdf"				# an executable named like a PDF
: >"$ARC/2015/empty.txt"

OUT=$("$TOP/portal" ctl import --public "$ARC" 2>&1)
check "import exits 0 although some files are refused" [ $? = 0 ]
echo "$OUT" | sed 's/^/# /'
check "the summary counts 3 indexed" grep -qE '^  indexed +3$' <<<"$OUT"
check "the summary counts 1 duplicate" grep -qE '^  duplicate +1$' <<<"$OUT"
check "the executable is refused with its type" grep -qE '^  refused +1  files of type application/x-.*executable' <<<"$OUT"
check "the empty file is refused" grep -qE '^  refused +1  the file is empty' <<<"$OUT"
call "$BASE/api/search?q=标准化协调机制"
check "an imported PDF is searchable: it is the first hit for a phrase of its text" \
	[ "$(jq -r '.results[0].filename' <<<"$BODY")" = "$(basename "$(corpus_file d0006_)")" ]
call "$BASE/api/search?q=生物质成型燃料"
check "an imported GBK page is searchable" [ "$(jq .total <<<"$BODY")" = 1 ]

# Interrupted and resumed: new files since, old ones skipped.
cp "$(corpus_file d0001_)" "$ARC/2015/"
OUT=$("$TOP/portal" ctl import --public "$ARC" 2>&1)
check "a second run skips the files imported before" grep -qE '1 queued, 0 duplicate, 0 refused, 0 failed, 6 skipped' <<<"$OUT"
check "and indexes the new one" grep -qE '^  indexed +4$' <<<"$OUT"
call "$BASE/api/search"
check "the portal holds 4 documents" [ "$(jq .total <<<"$BODY")" = 4 ]
check "portalctl fsck is clean" fsck_clean
check "importing the portal's own data directory is refused" bash -c '! "$1/portal" ctl import "$2" >/dev/null 2>&1' _ "$TOP" "$PORTAL_DATA"
check "importing its uploads folder is refused" bash -c '! "$1/portal" ctl import "$2/uploads" >/dev/null 2>&1' _ "$TOP" "$PORTAL_DATA"
