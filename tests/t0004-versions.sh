#!/usr/bin/env bash
# t0004-versions.sh: a revised document (same case, same kind, same role,
# new bytes, by the case's parties or staff) becomes a new version: the old
# one stays downloadable and is marked superseded, search shows only the
# current one. A document of another kind in the same case, or of the same
# kind in another case, is not touched; a public document is never
# superseded; staff undo a supersession. Covers docs_supersede_older and
# docs_restore (docs.c), index.c, portal-indexer.c, search.c.
. "$(dirname "$0")/lib.sh"
start_instance

api() { # METHOD PATH [JSON]: sets CODE and BODY (as admin)
	local args=(-X "$1" -H "Authorization: Bearer $ADMIN")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
api POST enterprises '{"name":"北京某医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
E=$(jq -r .id <<<"$BODY")
api POST audits "{\"enterprise_id\":\"$E\",\"year\":2024}"
H1=$(jq -r .id <<<"$BODY")
api POST audits "{\"enterprise_id\":\"$E\",\"year\":2025}"
H2=$(jq -r .id <<<"$BODY")
[ -n "$H1" ] && [ "$H1" != null ] && [ -n "$H2" ] && [ "$H2" != null ] || bail "audits not created: $BODY"

printf '审核报告（初稿）：北京某医院清洁生产审核，节水方案五项，冷却塔改造。\n' >"$PORTAL_DATA/v1.txt"
printf '审核报告（终稿）：北京某医院清洁生产审核，节水方案六项，冷却塔改造已完成。\n' >"$PORTAL_DATA/v2.txt"
printf '项目申请报告：北京某医院冷却塔改造项目，申请补助资金。\n' >"$PORTAL_DATA/app.txt"
printf '审核报告：另一家医院的冷却塔改造，节水。\n' >"$PORTAL_DATA/other.txt"
printf '审核报告（公开范本）：冷却塔改造案例汇编。\n' >"$PORTAL_DATA/pub.txt"
printf '审核报告（第三稿）：冷却塔改造案例，第三稿。\n' >"$PORTAL_DATA/v3.txt"

up() { # FILE CASE TYPE [VISIBILITY] -> id
	upload "$ADMIN" "$1" -F "case=$2" -F "doc_type=$3" -F "visibility=${4:-restricted}"
	local id; id=$(jq -r .id <<<"$BODY")
	wait_indexed "$id" >/dev/null
	echo "$id"
}
# earlier: every upload so far moves 100 s back, so the next upload is
# later than all of them (upload times are whole seconds; the newer of two
# versions is the later upload) without waiting for the clock.
earlier() {
	sqlite3 -cmd '.timeout 5000' "$PORTAL_DATA/index/portal.db" \
		'UPDATE documents SET uploaded_at = uploaded_at - 100' || bail "cannot move upload times"
}
as_admin() { # curl ARGS...: sets CODE and BODY (the documents here are restricted)
	CODE=$(curl -s -o "$PORTAL_DATA/body" -w '%{http_code}' -H "Authorization: Bearer $ADMIN" "$@")
	BODY=$(tr -d "\0" <"$PORTAL_DATA/body")
}
V1=$(up "$PORTAL_DATA/v1.txt" audit:$H1 audit_report)
APP=$(up "$PORTAL_DATA/app.txt" audit:$H1 project_application)
OTHER=$(up "$PORTAL_DATA/other.txt" audit:$H2 audit_report)
earlier
V2=$(up "$PORTAL_DATA/v2.txt" audit:$H1 audit_report)

as_admin "$BASE/api/documents/$V1"
check "the first draft is superseded by the revision" [ "$(jq -r .superseded_by <<<"$BODY")" = "$V2" ]
as_admin "$BASE/api/documents/$V2"
check "the revision is version 2 and current" [ "$(jq -r '"\(.version) \(.superseded_by)"' <<<"$BODY")" = "2 null" ]
as_admin "$BASE/api/documents/$V1/file"
check "the old version still downloads byte-identical" cmp -s "$PORTAL_DATA/body" "$PORTAL_DATA/v1.txt"
as_admin "$BASE/documents/$V1"
check "the old version's page says it was replaced and links the new one" grep -qF "/documents/$V2" <<<"$BODY"
IDS=$(search_ids 冷却塔改造 "$ADMIN")
check "search shows the current version" has "$V2" <<<"$IDS"
check "search leaves out the superseded one" bash -c '! grep -qxF "$1" <<<"$2"' _ "$V1" "$IDS"
check "another kind in the same case is untouched" has "$APP" <<<"$IDS"
check "the same kind in another case is untouched" has "$OTHER" <<<"$IDS"
as_admin "$BASE/api/search?case=audit:$H1"
check "the case holds two current documents" [ "$(jq .total <<<"$BODY")" = 2 ]

# A public document in the case is never superseded (only one owner's
# restricted versions are); it stays in anonymous search.
PUB=$(up "$PORTAL_DATA/pub.txt" "audit:$H1" audit_report public)
earlier
V3=$(up "$PORTAL_DATA/v3.txt" "audit:$H1" audit_report)
as_admin "$BASE/api/documents/$PUB"
check "a public document in the case is not superseded by a later upload" [ "$(jq -r .superseded_by <<<"$BODY")" = null ]
check "and stays in anonymous search" has "$PUB" <<<"$(search_ids 公开范本)"
as_admin "$BASE/api/documents/$V2"
check "the restricted revision is superseded by the third" [ "$(jq -r .superseded_by <<<"$BODY")" = "$V3" ]

# Staff undo a supersession: the older version is current again, for good.
as_admin -X POST "$BASE/api/documents/$V2/restore"
check "staff restore a superseded version (200)" [ "$CODE $(jq -r .superseded_by <<<"$BODY")" = "200 null" ]
as_admin -X POST "$BASE/api/documents/$V2/restore"
check "restoring a current version answers 409" [ "$CODE" = 409 ]
for _ in $(seq 100); do has "$V2" <<<"$(search_ids 冷却塔改造 "$ADMIN")" && break; sleep 0.1; done
check "the restored version is found by search again" has "$V2" <<<"$(search_ids 冷却塔改造 "$ADMIN")"
curl -s -o /dev/null -X POST -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$V3/cases" \
	-H 'Content-Type: application/json' --data-binary "{\"case\":\"audit:$H1\"}"
for _ in $(seq 100); do	# until the reindex of V3 has run
	[ "$(sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM jobs WHERE doc_id = '$V3' AND state IN ('queued', 'running')")" = 0 ] && break
	sleep 0.1
done
as_admin "$BASE/api/documents/$V2"
check "a reindex of the newer version does not supersede the restored one again" [ "$(jq -r .superseded_by <<<"$BODY")" = null ]
check "the restore is in the audit log" [ "$(sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM audit_log WHERE action = 'restore' AND object = 'document:$V2'")" = 1 ]
check "portalctl fsck is clean" fsck_clean
