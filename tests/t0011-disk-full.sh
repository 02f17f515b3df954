#!/usr/bin/env bash
# t0011-disk-full.sh: with the data directory on a small filesystem,
# uploads that do not fit answer 507 with a message, the server keeps
# answering, nothing stored before is damaged or lost, no partial files are
# left, and after space is freed uploads work again. Needs root (mounts a
# tmpfs). Covers store.c (ENOSPC), upload.c (507), docs.c (SQLITE_FULL).
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || bail "this test mounts a small tmpfs and needs root"
SMALL=$(mktemp -d /tmp/portal-small.XXXXXX)
mount -t tmpfs -o size=6m tmpfs "$SMALL" || bail "cannot mount a tmpfs on $SMALL"
trap 'stop_instance; umount "$SMALL"; rmdir "$SMALL"' EXIT
# start_instance with the data directory on the small filesystem
PORTAL_PORT=$(free_port) PORTAL_NO_BUILD=1 PORTAL_DEMO=0 PORTAL_DATA=$SMALL/data
export PORTAL_PORT PORTAL_NO_BUILD PORTAL_DEMO PORTAL_DATA
sanitizer_env
"$TOP/portal" up >/tmp/portal-small-up.log 2>&1 || { cat /tmp/portal-small-up.log; bail "portal up failed"; }
BASE=http://127.0.0.1:$PORTAL_PORT
ADMIN=$("$TOP/portal" ctl token create admin)

printf '磁盘写满之前存入的文档：锅炉烟气脱硝改造。\n' >"$PORTAL_DATA/before.txt"
upload "$ADMIN" "$PORTAL_DATA/before.txt" -F visibility=public
BEFORE=$(jq -r .id <<<"$BODY")
check "the document stored before the disk fills is indexed" [ "$(wait_indexed "$BEFORE")" = indexed ]
sha_before=$(sha256sum "$PORTAL_DATA/before.txt" | cut -d' ' -f1)

full=0
for i in 1 2 3 4 5 6; do
	head -c 1500000 /dev/urandom >"/tmp/portal-big-$i.bin"
	upload "$ADMIN" "/tmp/portal-big-$i.bin"
	rm -f "/tmp/portal-big-$i.bin"
	if [ "$CODE" = 507 ]; then full=1; break; fi
done
check "an upload that does not fit answers 507" [ "$full" = 1 ]
check "with a message a person understands" grep -qF "disk is full" <<<"$(jq -r .error.message <<<"$BODY")"
call "$BASE/api/search?q=脱硝"
check "the server still answers and finds the earlier document" [ "$CODE $(jq -r '.results[0].id' <<<"$BODY")" = "200 $BEFORE" ]
call "$BASE/api/documents/$BEFORE/file"
check "the earlier document is undamaged" [ "$(sha256sum <"$PORTAL_DATA/body" | cut -d' ' -f1)" = "$sha_before" ]
check "no partial upload is left in uploads/tmp" [ -z "$(ls -A "$PORTAL_DATA/uploads/tmp")" ]
check "fsck is clean after the disk filled" quiet "$TOP/portal" ctl fsck

# Space freed (the filesystem grown): an upload as big as the one refused
# is stored and indexed.
mount -o remount,size=64m "$SMALL" || bail "cannot grow the tmpfs on $SMALL"
for _ in $(seq 30000); do echo '腾出空间之后存入的文档：余热回收改造。'; done >"/tmp/portal-after-$$.txt"
upload "$ADMIN" "/tmp/portal-after-$$.txt" -F visibility=public
rm -f "/tmp/portal-after-$$.txt"
check "after space is freed a 1.7 MB upload answers 202" [ "$CODE" = 202 ]
AFTER=$(jq -r '.id // "no id"' <<<"$BODY")
check "and is indexed" [ "$(wait_indexed "$AFTER")" = indexed ]
call "$BASE/api/search?q=余热回收"
check "and found by search" [ "$CODE $(jq -r '.results[0].id // "no hit"' <<<"$BODY")" = "200 $AFTER" ]
check "fsck is clean after space is freed" quiet "$TOP/portal" ctl fsck
