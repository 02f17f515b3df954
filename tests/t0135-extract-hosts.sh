#!/usr/bin/env bash
# t0135-extract-hosts.sh: the indexer sends its long jobs to extraction
# hosts (issue #20), on one machine. An extraction host (extract.fcgi
# behind its own nginx server) sits in an nginx upstream with a second
# host that is dead (nothing listens on its port); the instance's indexer
# has PORTAL_EXTRACT_URL pointing at that upstream. A one-page scan goes
# to the long lane and so to the host (the dead one passed over by
# nginx's proxy_next_upstream), comes back with its recognised text and
# page images and is found; a text file stays with the indexer. The host
# refuses a missing or wrong key (403) and an oversize body (413) and says
# so in JSON. Then the host is stopped: a second scan is tried
# PORTAL_EXTRACT_TRIES times, read by the indexer itself, and indexed.
# Last, with PORTAL_EXTRACT_REMOTE=all, a text file is read by the host's
# quick lane.
# Covers cgi-bin/extract.c, src/text/extract-job.c, extract-remote.c,
# portal-indexer.c (extract_child), fcgi-master.c (no_database).
. "$(dirname "$0")/lib.sh"

KEY=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export PORTAL_EXTRACT_KEY=$KEY PORTAL_EXTRACT_TRIES=2
FRONT_PORT=$(free_port)
HOST_PORT=$(free_port)
DEAD_PORT=$(free_port)
export PORTAL_EXTRACT_URL=http://127.0.0.1:$FRONT_PORT/api/extract
start_instance

# The extraction host and the front's upstream: one nginx of their own.
EX=$PORTAL_DATA/extract-host
mkdir -p "$EX/nginx" "$EX/tmp"
USER_LINE=
if [ "$(id -u)" = 0 ]; then
	USER_LINE="user www-data www-data;"
	chmod o+x "$PORTAL_DATA" && chgrp www-data "$EX" && chmod 0750 "$EX" &&
		chown www-data:www-data "$EX/nginx"
fi
cat >"$EX/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
pid $EX/nginx.pid;
error_log $EX/nginx-error.log info;
events { worker_connections 64; }
http {
	access_log $EX/nginx-access.log;
	client_body_temp_path $EX/nginx/body;
	proxy_temp_path $EX/nginx/proxy;
	fastcgi_temp_path $EX/nginx/fastcgi;
	uwsgi_temp_path $EX/nginx/uwsgi;
	scgi_temp_path $EX/nginx/scgi;
	client_max_body_size 110m;
	# The front: the indexer's PORTAL_EXTRACT_URL.
	upstream extraction_hosts {
		server 127.0.0.1:$DEAD_PORT max_fails=1 fail_timeout=2s;
		server 127.0.0.1:$HOST_PORT max_fails=1 fail_timeout=2s;
	}
	server {
		listen 127.0.0.1:$FRONT_PORT;
		location = /api/extract {
			proxy_pass http://extraction_hosts;
			proxy_next_upstream error timeout http_502 http_503 non_idempotent;
			proxy_read_timeout 3600s;
		}
	}
	# The extraction host.
	server {
		listen 127.0.0.1:$HOST_PORT;
		location = /api/extract {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$EX/extract.sock;
			fastcgi_read_timeout 3600s;
		}
	}
}
EOF
HOST_OK=
start_host() {
	(
		export PORTAL_DATA=$EX PORTAL_SOCKET=$EX/extract.sock PORTAL_WORKERS=2 \
			PORTAL_MAX_UPLOAD=2000000 TMPDIR=$EX/tmp
		[ "$(id -u)" = 0 ] && export PORTAL_SOCKET_GROUP=www-data
		exec "$BUILD/cgi-bin/extract.fcgi" >>"$EX/extract.log" 2>&1 </dev/null
	) &
	echo $! >"$EX/extract.pid"
	for _ in $(seq 50); do [ -S "$EX/extract.sock" ] && break; sleep 0.1; done
}
start_host
nginx -p "$EX" -c "$EX/nginx.conf" >>"$EX/nginx-error.log" 2>&1 && HOST_OK=1
stop_hosts() {
	[ -f "$EX/nginx.pid" ] && kill "$(cat "$EX/nginx.pid")" 2>/dev/null
	kill "$(cat "$EX/extract.pid")" 2>/dev/null
	if [ "$T_FAIL" != 0 ]; then
		for f in "$EX"/extract.log "$EX"/nginx-error.log; do
			echo "# --- $f"; tail -n 30 "$f" | sed 's/^/# /'
		done
	fi
	return 0
}
trap 'stop_hosts; stop_instance' EXIT
[ -n "$HOST_OK" ] || bail "the extraction host's nginx did not start"

wait_for() {
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
record() { curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$1"; }
field() { record "$1" | jq -r "$2"; }
HOST=http://127.0.0.1:$HOST_PORT/api/extract

# ---- the host's door: the key, the size ----
printf '清洁生产审核报告\n' >"$PORTAL_DATA/small.txt"
post() { call -X POST --data-binary "@$1" -H 'Content-Type: application/octet-stream' \
	-H 'X-Portal-Mime: text/plain' "${@:2}" "$HOST"; }
post "$PORTAL_DATA/small.txt"
check "no key: 403" [ "$CODE" = 403 ]
check "... said in JSON (forbidden)" [ "$(json .error.code <<<"$BODY")" = forbidden ]
post "$PORTAL_DATA/small.txt" -H "X-Portal-Extract-Key: ${KEY}x"
check "a wrong key: 403" [ "$CODE" = 403 ]
post "$PORTAL_DATA/small.txt" -H "X-Portal-Extract-Key: $KEY"
check "the right key: 200" [ "$CODE" = 200 ]
check "... with the text, tagged T" [ "$BODY" = "T清洁生产审核报告" ]
head -c 2500000 /dev/zero >"$PORTAL_DATA/big.bin"
post "$PORTAL_DATA/big.bin" -H "X-Portal-Extract-Key: $KEY"
check "a body over the host's limit: 413" [ "$CODE" = 413 ]
check "... said in JSON (too_large)" [ "$(json .error.code <<<"$BODY")" = too_large ]
check "the host logged the refusals" [ "$(grep -c 'missing or wrong key' "$EX/extract.log")" = 2 ]

# ---- a scan read on the host, a text file here ----
SCANNED=$(corpus_file d0363_)
pdfseparate -f 1 -l 1 "$SCANNED" "$PORTAL_DATA/扫描件第一页.pdf"
pdfseparate -f 2 -l 2 "$SCANNED" "$PORTAL_DATA/扫描件第二页.pdf"
upload "$ADMIN" "$PORTAL_DATA/扫描件第一页.pdf"
SCAN=$(json .id <<<"$BODY")
check "the scan is accepted (202)" [ "$CODE" = 202 ]
upload "$ADMIN" "$(corpus_file p001_ programme)"
TEXT=$(json .id <<<"$BODY")
check "the text file is accepted (202)" [ "$CODE" = 202 ]
check "the text file is indexed" [ "$(wait_indexed "$TEXT")" = indexed ]
check "... and found" grep -qx "$TEXT" < <(search_ids 奶牛养殖场 "$ADMIN")
done_scan() { [ "$(field "$1" .status)" != pending ]; }
wait_for 240 done_scan "$SCAN"
check "the scan is indexed" [ "$(field "$SCAN" .status)" = indexed ]
check "... with its recognised text" grep -q 危险废物贮存污染控制标准 \
	< <(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$SCAN/text")
check "... and found" grep -qx "$SCAN" < <(search_ids 危险废物贮存 "$ADMIN")
check "... with its page images (from the host's reply)" \
	bash -c 'ls "$1"/*.png >/dev/null 2>&1' _ "$PORTAL_DATA/index/preview/$SCAN"
ILOG=$PORTAL_DATA/index/log/indexer.log
check "the host's log shows it read the scan (long lane, 1 page recognised)" \
	grep -q "extracted $SCAN (application/pdf, long lane, .* 1 pages recognised" "$EX/extract.log"
check "the indexer's log says the host read it" grep -q "$SCAN: read by an extraction host" "$ILOG"
check "... and the indexer did not read it itself" bash -c '! grep -q "$1: no extraction host" "$2"' _ "$SCAN" "$ILOG"
check "the text file never went to the host" bash -c '! grep -q "$1" "$2"' _ "$TEXT" "$EX/extract.log"
check "nginx passed over the dead host" grep -q "127.0.0.1:$DEAD_PORT" "$EX/nginx-error.log"

# ---- no host answers: tried again, then read here ----
kill "$(cat "$EX/extract.pid")"
gone() { [ ! -e "/proc/$(cat "$EX/extract.pid")" ]; }
wait_for 10 gone
upload "$ADMIN" "$PORTAL_DATA/扫描件第二页.pdf"
SCAN2=$(json .id <<<"$BODY")
check "a second scan is accepted (202)" [ "$CODE" = 202 ]
wait_for 240 done_scan "$SCAN2"
check "with no host it is indexed all the same" [ "$(field "$SCAN2" .status)" = indexed ]
check "... with its recognised text" grep -q 危险废物 \
	< <(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$SCAN2/text")
check "the indexer tried the hosts twice (PORTAL_EXTRACT_TRIES=2)" \
	[ "$(grep -c "$SCAN2: extraction host failed (try [12] of 2): HTTP 502" "$ILOG")" = 2 ]
check "... then read it itself" grep -q "$SCAN2: no extraction host read it (HTTP 502): reading it here" "$ILOG"

# ---- PORTAL_EXTRACT_REMOTE=all: quick jobs go to the host too ----
rm -f "$EX/extract.sock"
start_host
"$TOP/portal" down >/dev/null 2>&1
PORTAL_EXTRACT_REMOTE=all "$TOP/portal" up >>"$PORTAL_DATA/up.log" 2>&1 || bail "portal up (again) failed"
sleep 2.5	# the front's fail_timeout: the host counts as alive again
printf '电镀园区清洁生产 第三方远程提取\n' >"$PORTAL_DATA/远程.txt"
upload "$ADMIN" "$PORTAL_DATA/远程.txt"
QUICK=$(json .id <<<"$BODY")
check "with PORTAL_EXTRACT_REMOTE=all a text file is indexed" [ "$(wait_indexed "$QUICK")" = indexed ]
check "... read by the host in its quick lane" \
	grep -q "extracted $QUICK (text/plain, quick lane" "$EX/extract.log"
check "... and found" grep -qx "$QUICK" < <(search_ids 第三方远程提取 "$ADMIN")
upload "$ADMIN" "$(corpus_file d0361_)"
QPDF=$(json .id <<<"$BODY")
check "with PORTAL_EXTRACT_REMOTE=all a PDF is indexed" [ "$(wait_indexed "$QPDF")" = indexed ]
check "... its text and page images read by the host in one job" \
	grep -q "extracted $QPDF (application/pdf, quick lane" "$EX/extract.log"
check "... its images there when its text is (the primary draws none)" \
	bash -c 'ls "$1"/1.png >/dev/null 2>&1' _ "$PORTAL_DATA/index/preview/$QPDF"
