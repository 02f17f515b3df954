#!/usr/bin/env bash
# t0018-auto-compact.sh: documents that arrive one by one leave the index in
# part-full blocks; after enough commits and a quiet queue the indexer
# compacts it by itself (a new generation, switched to like a rebuild),
# searches find everything before and after, and later uploads are indexed
# into the compacted index. Covers portal-indexer.c (compact_when_due) and
# index-dir.c (index_dir_compact). Commits and quiet time are lowered
# through PORTAL_COMPACT_COMMITS and PORTAL_COMPACT_IDLE.
. "$(dirname "$0")/lib.sh"
export PORTAL_COMPACT_COMMITS=3 PORTAL_COMPACT_IDLE=1
start_instance
LOG=$PORTAL_DATA/index/log/indexer.log
GEN=$(readlink "$PORTAL_DATA/index/xapian")

# One at a time, each indexed before the next: one commit each.
for i in 1 2 3 4; do
	printf '第%s份逐个到来的文件：锅炉余热回收改造，编号%s。\n' "$i" "$i" >"$PORTAL_DATA/a$i.txt"
	upload "$ADMIN" "$PORTAL_DATA/a$i.txt" -F visibility=public
	[ "$CODE" = 202 ] || not_ok "upload $i answered $CODE"
	[ "$(wait_indexed "$(jq -r .id <<<"$BODY")")" = indexed ] || not_ok "upload $i not indexed"
done
for _ in $(seq 150); do
	grep -q 'compacted the index' "$LOG" && break
	sleep 0.1
done
check "the indexer compacted the index once the queue was quiet" grep -q 'compacted the index after [0-9]* commits' "$LOG"
check "the index link points at a new generation" [ "$(readlink "$PORTAL_DATA/index/xapian")" != "$GEN" ]
check "the old generation is gone" [ ! -e "$PORTAL_DATA/index/$GEN" ]
call "$BASE/api/search?q=余热回收"
check "every document is still found" [ "$(jq .total <<<"$BODY")" = 4 ]

printf '压缩之后上传的文件：中水回用。\n' >"$PORTAL_DATA/after.txt"
upload "$ADMIN" "$PORTAL_DATA/after.txt" -F visibility=public
check "an upload after the compaction is indexed" [ "$(wait_indexed "$(jq -r .id <<<"$BODY")")" = indexed ]
call "$BASE/api/search?q=中水回用"
check "and is found" [ "$(jq .total <<<"$BODY")" = 1 ]
check "one compaction, not one per idle moment" [ "$(grep -c 'compacted the index' "$LOG")" = 1 ]
check "fsck is clean" fsck_clean
