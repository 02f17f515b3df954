#!/usr/bin/env bash
# t0004-versions.sh: a revised document (same case, same kind, new bytes)
# becomes a new version: the old one stays downloadable and is marked
# superseded, search shows only the current one. A document of another kind
# in the same case, or of the same kind in another case, is not touched.
# Covers docs_supersede_older (docs.c), index.c, portal-indexer.c, search.c.
. "$(dirname "$0")/lib.sh"
start_instance

printf '审核报告（初稿）：北京某医院清洁生产审核，节水方案五项，冷却塔改造。\n' >"$PORTAL_DATA/v1.txt"
printf '审核报告（终稿）：北京某医院清洁生产审核，节水方案六项，冷却塔改造已完成。\n' >"$PORTAL_DATA/v2.txt"
printf '项目申请报告：北京某医院冷却塔改造项目，申请补助资金。\n' >"$PORTAL_DATA/app.txt"
printf '审核报告：另一家医院的冷却塔改造，节水。\n' >"$PORTAL_DATA/other.txt"

up() { # FILE CASE TYPE -> id
	upload "$ADMIN" "$1" -F "case=$2" -F "doc_type=$3" -F visibility=public
	local id; id=$(jq -r .id <<<"$BODY")
	wait_indexed "$id" >/dev/null
	echo "$id"
}
V1=$(up "$PORTAL_DATA/v1.txt" audit:H1 audit_report)
APP=$(up "$PORTAL_DATA/app.txt" audit:H1 project_application)
OTHER=$(up "$PORTAL_DATA/other.txt" audit:H2 audit_report)
sleep 1	# a later upload time for the revision
V2=$(up "$PORTAL_DATA/v2.txt" audit:H1 audit_report)

call "$BASE/api/documents/$V1"
check "the first draft is superseded by the revision" [ "$(jq -r .superseded_by <<<"$BODY")" = "$V2" ]
call "$BASE/api/documents/$V2"
check "the revision is version 2 and current" [ "$(jq -r '"\(.version) \(.superseded_by)"' <<<"$BODY")" = "2 null" ]
call "$BASE/api/documents/$V1/file"
check "the old version still downloads byte-identical" cmp -s "$PORTAL_DATA/body" "$PORTAL_DATA/v1.txt"
call "$BASE/documents/$V1"
check "the old version's page says it was replaced and links the new one" grep -qF "/documents/$V2" <<<"$BODY"
IDS=$(search_ids 冷却塔改造)
check "search shows the current version" has "$V2" <<<"$IDS"
check "search leaves out the superseded one" bash -c '! grep -qxF "$1" <<<"$2"' _ "$V1" "$IDS"
check "another kind in the same case is untouched" has "$APP" <<<"$IDS"
check "the same kind in another case is untouched" has "$OTHER" <<<"$IDS"
call "$BASE/api/search?case=audit:H1"
check "the case holds two current documents" [ "$(jq .total <<<"$BODY")" = 2 ]
check "portalctl fsck is clean" fsck_clean
