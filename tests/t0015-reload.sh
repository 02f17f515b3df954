#!/usr/bin/env bash
# t0015-reload.sh: ./portal reload replaces every FastCGI worker without
# dropping requests in flight: a slow upload and a slow download that are
# running when the reload comes both complete, the workers' pids change,
# and the server answers throughout. Covers fcgi-master.c (SIGHUP, SIGUSR1
# retirement) and portal reload.
. "$(dirname "$0")/lib.sh"
start_instance
RUN=$PORTAL_DATA/index/run

head -c 3000000 /dev/urandom >"$PORTAL_DATA/big.bin"
printf '重载之前的文档：冷却塔节水改造。\n' >"$PORTAL_DATA/doc.txt"
upload "$ADMIN" "$PORTAL_DATA/doc.txt" -F visibility=public
DOC=$(jq -r .id <<<"$BODY"); wait_indexed "$DOC" >/dev/null
before=$(pgrep -P "$(cat "$RUN/upload.pid")" | sort | tr '\n' ' ')

# A slow upload (~3 s at 1 MB/s) is in flight when the reload comes.
curl -s -o "$PORTAL_DATA/slow.out" -w '%{http_code}' --limit-rate 1000k -H "Authorization: Bearer $ADMIN" \
	-F "file=@$PORTAL_DATA/big.bin" "$BASE/api/documents" >"$PORTAL_DATA/slow.code" &
SLOW=$!
sleep 1
"$TOP/portal" reload >/dev/null 2>&1
bad=0
for _ in $(seq 20); do
	[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/search?q=x")" = 200 ] || bad=$((bad + 1))
done
wait $SLOW
check "the upload in flight during the reload completed (202)" [ "$(cat "$PORTAL_DATA/slow.code")" = 202 ]
check "searches during the reload all answered" [ "$bad" = 0 ]
ID=$(jq -r .id "$PORTAL_DATA/slow.out")
call "$BASE/api/documents/$ID/file" -H "Authorization: Bearer $ADMIN"
check "and the file is stored byte-identical" cmp -s "$PORTAL_DATA/body" "$PORTAL_DATA/big.bin"
sleep 1
after=$(pgrep -P "$(cat "$RUN/upload.pid")" | sort | tr '\n' ' ')
check "the upload workers are new ones ($before -> $after)" [ -n "$after" -a "$before" != "$after" ]
check "as many as before" [ "$(wc -w <<<"$after")" = "$(wc -w <<<"$before")" ]
call -G --data-urlencode q=冷却塔 "$BASE/api/search"
check "search works after the reload" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$DOC" ]

# After a rebuild, a reload runs the new program file: workers are started
# from the file afresh, not forked from the master's old image. A rebuild
# is simulated by replacing search.fcgi with a copy (a new file, as the
# linker writes one); the master keeps running the old, now deleted file.
BIN=$BUILD/cgi-bin/search.fcgi
cp -p "$BIN" "$BIN.t0015.$$" && mv -f "$BIN.t0015.$$" "$BIN"
master=$(cat "$RUN/search.pid")
check "the search master runs a replaced file (simulated rebuild)" \
	grep -q '(deleted)' <<<"$(readlink "/proc/$master/exe")"
"$TOP/portal" reload >/dev/null 2>&1
sleep 2
stale=0 workers=0
for p in $(pgrep -P "$master"); do
	grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && continue
	workers=$((workers + 1))
	grep -q '(deleted)' <<<"$(readlink "/proc/$p/exe")" && stale=$((stale + 1))
done
check "after the reload every search worker runs the new file ($workers workers, $stale stale)" \
	[ "$workers" -ge 1 -a "$stale" = 0 ]
call -G --data-urlencode q=冷却塔 "$BASE/api/search"
check "and they answer" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$DOC" ]

# Reloads while requests stream in: none may be dropped. (A worker told to
# retire must not leave with a connection taken but its request unread;
# nginx would answer 502.)
: >"$PORTAL_DATA/codes"
for c in 1 2 3 4; do
	( end=$((SECONDS + 8)); while [ $SECONDS -lt $end ]; do
		curl -s -o /dev/null -w '%{http_code}\n' "$BASE/api/search?q=%E5%86%B7%E5%8D%B4%E5%A1%94"
	done >>"$PORTAL_DATA/codes" ) &
done
for _ in 1 2 3 4 5 6; do sleep 1; "$TOP/portal" reload >/dev/null 2>&1; done
wait
n=$(wc -l <"$PORTAL_DATA/codes")
bad=$(grep -vc '^200$' "$PORTAL_DATA/codes")
check "six reloads during $n searches: every search answered 200 ($bad did not)" [ "$n" -gt 0 -a "$bad" = 0 ]
