#!/usr/bin/env bash
# t0017-nginx-orphans.sh: an nginx master killed with SIGKILL leaves its
# workers running, orphaned, still holding the instance's listening port.
# ./portal up stops exactly those workers and starts a new nginx on the same
# port, which serves; another instance's orphaned workers are left alone, and
# its own ./portal down stops them. Covers portal (nginx_orphans,
# stop_nginx_orphans, the port check in up, down).
. "$(dirname "$0")/lib.sh"
start_instance
RUN=$PORTAL_DATA/index/run

# A second instance beside it, whose master is killed too: its workers are
# the orphans that this instance's up must not touch.
B_DATA=$(mktemp -d /tmp/portal-test.XXXXXX)
B_PORT=$(free_port)
[ "$B_PORT" = "$PORTAL_PORT" ] && B_PORT=$(free_port)
B_RUN=$B_DATA/index/run
b_portal() { # ARGS: ./portal for the second instance
	(
		PORTAL_DATA=$B_DATA PORTAL_PORT=$B_PORT
		export PORTAL_DATA PORTAL_PORT
		sanitizer_env
		"$TOP/portal" "$@"
	)
}
KILLED=()	# the workers this test orphaned: whatever is left is killed at exit
cleanup() {
	local p c
	b_portal down >/dev/null 2>&1
	for p in "${KILLED[@]}"; do
		{ read -r c <"/proc/$p/comm"; } 2>/dev/null && [ "$c" = nginx ] && kill -KILL "$p" 2>/dev/null
	done
	rm -rf "$B_DATA"
	stop_instance
}
trap cleanup EXIT
b_portal up >"$B_DATA/up.log" 2>&1 || { cat "$B_DATA/up.log"; bail "the second instance did not start"; }

# running PID: the process exists and is no zombie (a zombie holds no socket;
# init reaps it when it does).
running() { case $(ps -o stat= -p "$1" 2>/dev/null) in '' | Z*) return 1 ;; esac; }
all_running() { local p; for p in "$@"; do running "$p" || return 1; done; }
none_running() { local p; for p in "$@"; do running "$p" && return 1; done; return 0; }
# listeners PORT: the pids that hold the listening socket, one a line.
listeners() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u; }

printf '孤儿进程测试文档 orphanmark：余热回收改造。\n' >"$PORTAL_DATA/doc.txt"
upload "$ADMIN" "$PORTAL_DATA/doc.txt" -F visibility=public
ID=$(jq -r .id <<<"$BODY")
check "a document is indexed before the kill" [ "$(wait_indexed "$ID")" = indexed ]

M=$(cat "$RUN/nginx.pid")
mapfile -t W < <(ps -o pid= --ppid "$M" | tr -d ' ')
B_M=$(cat "$B_RUN/nginx.pid")
mapfile -t B_W < <(ps -o pid= --ppid "$B_M" | tr -d ' ')
KILLED=("${W[@]}" "${B_W[@]}")
check "both instances have nginx workers (${#W[@]} and ${#B_W[@]})" [ ${#W[@]} -gt 0 -a ${#B_W[@]} -gt 0 ]

# SIGKILL of the masters alone.
kill -KILL "$M" "$B_M"
for _ in $(seq 50); do none_running "$M" "$B_M" && break; sleep 0.1; done
check "the masters are gone" none_running "$M" "$B_M"
check "their workers still run, orphaned" all_running "${W[@]}" "${B_W[@]}"
held=$(listeners "$PORTAL_PORT" | paste -sd' ')
check "the orphans still hold the port ($held)" [ "$held" = "$(printf '%s\n' "${W[@]}" | sort -u | paste -sd' ')" ]

# up on the same port: the orphans go, a new master binds and serves.
"$TOP/portal" up >"$PORTAL_DATA/up2.log" 2>&1
rc=$?
sed 's/^/# up: /' "$PORTAL_DATA/up2.log"
check "portal up succeeds" [ $rc = 0 ]
for _ in $(seq 50); do none_running "${W[@]}" && break; sleep 0.1; done
check "the orphaned workers are gone" none_running "${W[@]}"
M2=$(cat "$RUN/nginx.pid" 2>/dev/null)
check "a new nginx master runs ($M2)" \
	sh -c "[ -n '$M2' ] && [ '$M2' != '$M' ] && tr '\0' ' ' 2>/dev/null </proc/$M2/cmdline | grep -q '^nginx: master'"
# The port is the new master's and its workers', nobody else's.
sleep 0.5
bad=0
for p in $(listeners "$PORTAL_PORT"); do
	[ "$p" = "$M2" ] || [ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$M2" ] || bad=$((bad + 1))
done
check "the port is held by the new master and its workers only ($(listeners "$PORTAL_PORT" | paste -sd' '))" \
	[ $bad = 0 -a -n "$(listeners "$PORTAL_PORT")" ]
call "$BASE/api/search?q=orphanmark"
check "it serves: a search answers 200 ($CODE)" [ "$CODE" = 200 ]
check "and finds the document" [ "$(jq -r '.results[].id' <<<"$BODY" 2>/dev/null)" = "$ID" ]
call "$BASE/documents/$ID"
check "the document's page answers 200 ($CODE)" [ "$CODE" = 200 ]

# The other instance's orphans were not this instance's to stop.
check "the other instance's orphaned workers still run" all_running "${B_W[@]}"
# Its own down stops them and frees its port.
b_portal down >/dev/null 2>&1
for _ in $(seq 50); do none_running "${B_W[@]}" && break; sleep 0.1; done
check "portal down stops orphaned workers too" none_running "${B_W[@]}"
check "and frees the port" [ -z "$(listeners "$B_PORT")" ]
