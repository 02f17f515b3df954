#!/usr/bin/env bash
# t0009-maintenance.sh: the operator's safety tools. portalctl reindex
# rebuilds the index into a new generation while searches go on and
# switches atomically (no search fails or loses hits meanwhile), and
# portalctl compact does the same with a compacted copy; uploads
# during and after still get indexed; backup makes a consistent copy while
# serving; restore into an empty instance gives the same documents and a
# clean fsck; fsck names each kind of disagreement. Covers src/cmd/maintain.c,
# index-dir.c, portal-indexer.c (writer lock, generation switch), fsck.
. "$(dirname "$0")/lib.sh"
start_instance

mkdir -p "$PORTAL_DATA/docs"
for i in $(seq 1 12); do
	printf "第%s份文档：清洁生产审核，节水改造，编号%s号。\n" "$i" "$i" >"$PORTAL_DATA/docs/doc$i.txt"
done
"$TOP/portal" ctl import --public "$PORTAL_DATA/docs" >/dev/null 2>&1
call "$BASE/api/search?q=节水改造"
check "12 documents are searchable" [ "$(jq .total <<<"$BODY")" = 12 ]

# Search continuously while the index is replaced (searcher N): every
# answer must be complete; the count of bad answers lands in $PORTAL_DATA/bad.
searcher() {
	local bad=0
	for _ in $(seq "$1"); do
		n=$(curl -s "$BASE/api/search?q=%E8%8A%82%E6%B0%B4%E6%94%B9%E9%80%A0" | jq -r .total)
		[ "$n" = 12 ] || bad=$((bad + 1))
	done
	echo $bad >"$PORTAL_DATA/bad"
}
searcher 200 &
SEARCHER=$!
OLD=$(readlink "$PORTAL_DATA/index/xapian")
for _ in 1 2 3; do "$TOP/portal" ctl reindex >/dev/null || not_ok "reindex failed"; done
wait $SEARCHER
check "searches during three reindexes all answered 12 hits" [ "$(cat "$PORTAL_DATA/bad")" = 0 ]
check "the index link points at a new generation" [ "$(readlink "$PORTAL_DATA/index/xapian")" != "$OLD" ]
check "the old generation is gone" [ ! -e "$PORTAL_DATA/index/$OLD" ]

# Compaction: the same switch, from a compacted copy. A generation left by
# a compaction killed before its switch is cleared away.
mkdir -p "$PORTAL_DATA/index/xapian.d/1-000000000-1" && touch "$PORTAL_DATA/index/xapian.d/1-000000000-1/postlist.glass"
searcher 100 &
SEARCHER=$!
OLD=$(readlink "$PORTAL_DATA/index/xapian")
OUT=$(for _ in 1 2; do "$TOP/portal" ctl compact || echo "compact failed"; done 2>&1)
wait $SEARCHER
check "compact reports the sizes" grep -q '^compact: index .* MB, was .* MB; now in use' <<<"$OUT"
check "compact succeeded twice" bash -c '! grep -q "failed" <<<"$1"' _ "$OUT"
check "searches during two compactions all answered 12 hits" [ "$(cat "$PORTAL_DATA/bad")" = 0 ]
check "compact switched to a new generation" [ "$(readlink "$PORTAL_DATA/index/xapian")" != "$OLD" ]
check "the generation before compaction is gone" [ ! -e "$PORTAL_DATA/index/$OLD" ]
check "a generation left by a killed build is gone" [ ! -e "$PORTAL_DATA/index/xapian.d/1-000000000-1" ]
check "one generation is left" [ "$(ls "$PORTAL_DATA/index/xapian.d" | wc -l)" = 1 ]

printf '重建之后上传的文档：余热回收。\n' >"$PORTAL_DATA/after.txt"
upload "$ADMIN" "$PORTAL_DATA/after.txt" -F visibility=public
AFTER=$(jq -r .id <<<"$BODY")
check "an upload after the switches is indexed into the new generation" [ "$(wait_indexed "$AFTER")" = indexed ]
call "$BASE/api/search?q=余热回收"
check "and is searchable" [ "$(jq .total <<<"$BODY")" = 1 ]
check "fsck is clean after reindexing" quiet "$TOP/portal" ctl fsck

# Backup while serving, restore into a fresh data directory.
BK=$PORTAL_DATA/backup
check "backup while serving succeeds" quiet "$TOP/portal" ctl backup "$BK"
OTHER=$(mktemp -d /tmp/portal-restore.XXXXXX)
PORTAL_DATA=$OTHER "$TOP/portal" ctl init >/dev/null 2>&1
check "restore into another data directory succeeds" quiet env PORTAL_DATA="$OTHER" "$TOP/portal" ctl restore "$BK"
check "the restored instance passes fsck" quiet env PORTAL_DATA="$OTHER" "$TOP/portal" ctl fsck
check "the restored database holds all 13 documents" \
	[ "$(sqlite3 "$OTHER/index/portal.db" "SELECT count(*) FROM documents WHERE status='indexed'")" = 13 ]
check "restore refuses while the portal is up" bash -c '! "$1/portal" ctl restore "$2" 2>/dev/null' _ "$TOP" "$BK"
rm -rf "$OTHER"

# fsck names disagreements.
OBJ=$(find "$PORTAL_DATA/uploads" -path '*/tmp' -prune -o -type f -print | head -n 1)
mv "$OBJ" "$OBJ.away"
OUT=$("$TOP/portal" ctl fsck 2>&1)
check "fsck fails and names a missing stored file" bash -c '[ $1 != 0 ] && grep -q "has no stored file" <<<"$2"' _ $? "$OUT"
mv "$OBJ.away" "$OBJ"
sqlite3 "$PORTAL_DATA/index/portal.db" "UPDATE documents SET status='failed' WHERE id='$AFTER'"
OUT=$("$TOP/portal" ctl fsck 2>&1)
check "fsck names an index that disagrees with the database" grep -q "index: holds 13 documents, the database says 12" <<<"$OUT"
