#!/usr/bin/env bash
# t0023-storage-errors.sh: a storage failure that is not a full disk
# answers 500 (never 507 "Insufficient Storage"), says so in a sentence,
# logs its cause, stores nothing and leaves no temp file; once the fault is
# mended the same upload works. Two faults: uploads/tmp refuses new files
# (EACCES by its mode when not root; as root, which ignores modes, EPERM by
# chattr +i, or else ENOTDIR with a plain file in its place), and an
# object's fan-out directory is a file (the rename fails: ENOTDIR). The
# full disk itself is t0011. Covers store.c (STORE_FULL / STORE_ERROR) and
# upload.c (storage_failed).
. "$(dirname "$0")/lib.sh"
start_instance
U=$PORTAL_DATA/uploads
LOCKED=
unlock_tmp() {
	case $LOCKED in
	chattr) chattr -i "$U/tmp" ;;
	chmod) chmod 0750 "$U/tmp" ;;
	file) rm -f "$U/tmp" && mv "$U/tmp.away" "$U/tmp" ;;
	esac
	LOCKED=
}
trap 'unlock_tmp; stop_instance' EXIT

# lock_tmp: make uploads/tmp refuse new files, the strongest way this
# user can; sets LOCKED. Each way is checked by trying it here.
lock_tmp() {
	if [ "$(id -u)" != 0 ]; then
		chmod 0500 "$U/tmp" && LOCKED=chmod
	elif chattr +i "$U/tmp" 2>/dev/null; then
		LOCKED=chattr
	else
		mv "$U/tmp" "$U/tmp.away" && printf 'x' >"$U/tmp" && LOCKED=file
	fi
	[ -n "$LOCKED" ] && ! touch "$U/tmp/probe" 2>/dev/null || bail "cannot make uploads/tmp refuse files"
}
objects() { find "$U" -path "$U/tmp*" -prune -o -type f -print | sort; }

printf '存储故障之前的文档：冷却塔节水改造。\n' >"$PORTAL_DATA/before.txt"
upload "$ADMIN" "$PORTAL_DATA/before.txt" -F visibility=public
BEFORE=$(jq -r .id <<<"$BODY")
wait_indexed "$BEFORE" >/dev/null
OBJECTS=$(objects)

# ---- 1: the temp directory refuses the file ---------------------------
printf '临时目录不可写时上传的文档：蒸汽冷凝水回收。\n' >"$PORTAL_DATA/one.txt"
lock_tmp
upload "$ADMIN" "$PORTAL_DATA/one.txt"
code=$CODE msg=$(jq -r .error.message <<<"$BODY") way=$LOCKED
unlock_tmp
check "uploads/tmp refusing files ($way) answers 500, not 507 ($code)" [ "$code" = 500 ]
check "with a sentence that does not blame the disk" \
	bash -c '[ ${#1} -gt 30 ] && ! grep -qi "disk is full" <<<"$1"' _ "$msg"
check "the cause is in the upload log" \
	bash -c 'grep "storage failed: cannot create a temporary file" "$1" | grep -qi "denied\|not permitted\|not a directory"' \
	_ "$PORTAL_DATA/index/log/upload.log"
check "nothing was stored" [ "$(objects)" = "$OBJECTS" ]

# ---- 2: moving the file into place fails ------------------------------
# A text whose object directory does not exist yet: a file takes its name.
for i in $(seq 1000); do
	printf '对象目录被占用时上传的文档 %d：空压机余热利用。\n' "$i" >"$PORTAL_DATA/two.txt"
	SHA=$(sha256sum "$PORTAL_DATA/two.txt" | cut -c1-2)
	[ -e "$U/$SHA" ] || break
done
printf 'x' >"$U/$SHA"
upload "$ADMIN" "$PORTAL_DATA/two.txt"
code=$CODE msg=$(jq -r .error.message <<<"$BODY")
rm -f "$U/$SHA"
check "a failed rename into uploads/$SHA/ answers 500, not 507 ($code)" [ "$code" = 500 ]
check "the rename's cause is in the upload log" \
	bash -c 'grep "storage failed: cannot move the file into place" "$1" | grep -qi "not a directory"' \
	_ "$PORTAL_DATA/index/log/upload.log"
check "no temp file is left in uploads/tmp" [ -z "$(ls -A "$U/tmp")" ]
check "nothing was stored" [ "$(objects)" = "$OBJECTS" ]

# ---- mended: the same uploads work, as new documents ------------------
upload "$ADMIN" "$PORTAL_DATA/one.txt" -F visibility=public
check "after the temp directory is mended the upload is accepted as new (202)" [ "$CODE" = 202 ]
ONE=$(jq -r .id <<<"$BODY")
upload "$ADMIN" "$PORTAL_DATA/two.txt"
check "after the object directory is mended the upload is accepted as new (202)" [ "$CODE" = 202 ]
check "it is indexed" [ "$(wait_indexed "$ONE")" = indexed ]
call -G --data-urlencode q=冷却塔 "$BASE/api/search"
check "the earlier document is still found" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$BEFORE" ]
check "fsck is clean" fsck_clean
