#!/usr/bin/env bash
# t0170-import-batches.sh: portalctl import stores files in batches: one
# flush to the disk (syncfs) for many files, then their rows in one
# transaction. An import killed at the flush (after storing files, before
# any row names them) has recorded nothing, and running it again imports
# every file once, reusing the bytes stored before. Covers the batches of
# src/cmd/import.c (issue 19: ingest speed).
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || bail "strace is needed (apt-get install strace)"
start_instance

N=300
ARC=$PORTAL_DATA/archive
for i in $(seq $N); do
	d=$ARC/$((i / 100))
	mkdir -p "$d"
	printf '清洁生产审核报告第%d号\n\n本企业在第%d轮审核中提出了%d项无低费方案，节水%d吨，节电%d千瓦时。\n' \
		"$i" "$i" "$((i % 17 + 1))" "$((i * 13))" "$((i * 101))" >"$d/report-$i.txt"
done
objects() { find "$PORTAL_DATA/uploads" -path '*/tmp' -prune -o -type f -print | wc -l; }
db() { sqlite3 -cmd '.timeout 5000' "$PORTAL_DATA/index/portal.db" "$1"; }

# Killed at its first flush: strace sends SIGKILL when syncfs() is called.
# (In a subshell, whose stderr takes the shell's "Killed".)
(strace -f -qq -o /dev/null -e trace=syncfs -e inject=syncfs:signal=SIGKILL \
	"$TOP/portal" ctl import --public --no-wait "$ARC" >"$PORTAL_DATA/run1.log" 2>&1) 2>/dev/null
rc=$?
check "the first run is killed at its first flush to the disk" [ $rc -ne 0 ]
check "its files were stored before the flush" [ "$(objects)" -gt 0 ]
check "but no document row names them yet" [ "$(db 'SELECT count(*) FROM documents')" = 0 ]
check "and no file is recorded as imported" [ "$(db 'SELECT count(*) FROM import_files')" = 0 ]
stored_before=$(objects)

# Run again, counting the flushes: fewer than one per file.
strace -f -qq -c -o "$PORTAL_DATA/flushes" -e trace=fsync,fdatasync,syncfs \
	"$TOP/portal" ctl import --public "$ARC" >"$PORTAL_DATA/run2.log" 2>&1
check "the second run exits 0" [ $? = 0 ]
sed 's/^/# /' "$PORTAL_DATA/run2.log" | tail -n 4
check "it imports every file" grep -qE "^this run: $N queued, 0 duplicate, 0 refused, 0 failed" "$PORTAL_DATA/run2.log"
check "and every one is indexed" grep -qE "^  indexed +$N$" "$PORTAL_DATA/run2.log"
check "each stored once: the bytes stored by the killed run are reused" [ "$(objects)" = $N ]
check "the killed run had stored some but not all" [ "$stored_before" -lt $N ]
flushes=$(awk '$NF == "fsync" || $NF == "syncfs" { n += $4 } END { print n + 0 }' "$PORTAL_DATA/flushes")
echo "# fsync and syncfs calls of the second run (import, indexer not traced): $flushes"
check "fewer flushes to the disk than files ($flushes for $N)" [ "$flushes" -lt $N ]
check "syncfs makes each batch durable" grep -qw syncfs "$PORTAL_DATA/flushes"
call "$BASE/api/search?q=无低费方案"
check "all $N are searchable" [ "$(jq .total <<<"$BODY")" = $N ]
check "portalctl fsck is clean" fsck_clean
