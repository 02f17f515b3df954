#!/usr/bin/env bash
# tests/scale/extract-hosts.sh: extraction hosts past one machine, with
# network namespaces standing for hosts (tests/scale/netns.sh; as root).
# Not in `make check`: a few minutes of text recognition. One command, after
# a build: bash tests/scale/extract-hosts.sh (tests/scale/run may run it
# too). TAP output.
#
# Hosts on NETNS_NET (default 10.232.0).0/24: the primary at .1 (./portal up
# with PORTAL_EXTRACT_URL: the indexer, SQLite, uploads, nginx on its
# loopback, and the front nginx of the extraction hosts on .1:8090) and two
# extraction hosts at .21 and .22 (extract.fcgi behind an nginx on :8000,
# the same key, no SQLite, no index). A scan of several pages is uploaded;
# once a host has begun reading it, that host is killed outright (every
# process in its namespace, as a machine that dies). nginx sends the job to
# the other host (proxy_next_upstream ... non_idempotent), which reads it;
# the scan ends indexed with its text. Text files uploaded meanwhile are all
# indexed: nothing acknowledged (202) is lost. At the end every namespace
# made here is gone.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${PORTAL_BUILDDIR:-$TOP}
CORPUS=${PORTAL_CORPUS:-$TOP/../shared/corpus}
NETNS_PREFIX=${NETNS_PREFIX:-qpx$$}
NETNS_NET=${NETNS_NET:-10.232.0}
. "$TOP/tests/scale/netns.sh"

T_N=${T_N:-0} T_FAIL=${T_FAIL:-0}
ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
note() { echo "# $*"; }
bail() { echo "Bail out! $*"; exit 1; }

[ "$(id -u)" = 0 ] || bail "needs root (ip netns)"
command -v ip >/dev/null || bail "needs iproute2"
[ -x "$BUILD/cgi-bin/extract.fcgi" ] || bail "build first (./configure && make)"
SCANNED=$(ls "$CORPUS"/docs/d0363_* 2>/dev/null | head -n 1)
[ -n "$SCANNED" ] || bail "the corpus's scanned GB 18597 (d0363_*) is not under $CORPUS/docs"

NET=$NETNS_NET
PRIMARY=$NET.1 E1=$NET.21 E2=$NET.22
WORK=$(mktemp -d /tmp/portal-extract-scale.XXXXXX)
chmod 755 "$WORK"
PD=$WORK/primary
KEY=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
export PORTAL_NO_BUILD=1 PORTAL_BUILDDIR=$BUILD PORTAL_DEMO=0

# The nginx of each extraction host, and the primary's front for them.
nginx_conf() { # DIR SERVER-BLOCK...
	local d=$1; shift
	mkdir -p "$d/nginx"
	chown www-data:www-data "$d/nginx"
	cat >"$d/nginx.conf" <<EOF
user www-data www-data;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/nginx-error.log info;
events { worker_connections 256; }
http {
	access_log $d/nginx-access.log;
	client_body_temp_path $d/nginx/body;
	proxy_temp_path $d/nginx/proxy;
	fastcgi_temp_path $d/nginx/fastcgi;
	uwsgi_temp_path $d/nginx/uwsgi;
	scgi_temp_path $d/nginx/scgi;
	client_max_body_size 110m;
	$*
}
EOF
}

extract_host() { # N ADDR: the namespace, extract.fcgi and its nginx
	local n=$1 addr=$2 d=$WORK/extract$1
	netns_host "extract$n" "$addr" || bail "no namespace for extract$n"
	mkdir -p "$d/tmp"
	chgrp www-data "$d" && chmod 0750 "$d"
	nginx_conf "$d" "server { listen $addr:8000;
		location = /api/extract {
			include /etc/nginx/fastcgi_params;
			fastcgi_pass unix:$d/extract.sock;
			fastcgi_read_timeout 3600s;
		} }"
	netns_exec "extract$n" env PORTAL_DATA="$d" PORTAL_SOCKET="$d/extract.sock" PORTAL_WORKERS=2 \
		PORTAL_SOCKET_GROUP=www-data PORTAL_EXTRACT_KEY="$KEY" TMPDIR="$d/tmp" PORTAL_OCR_WIDTH=1 \
		setsid "$BUILD/cgi-bin/extract.fcgi" >>"$d/extract.log" 2>&1 </dev/null &
	for _ in $(seq 50); do [ -S "$d/extract.sock" ] && break; sleep 0.1; done
	netns_exec "extract$n" nginx -p "$d" -c "$d/nginx.conf" || bail "extract$n: nginx did not start"
}

finish() {
	netns_exec primary env PORTAL_DATA="$PD" "$TOP/portal" down >/dev/null 2>&1
	netns_cleanup
	local left
	left=$(ip netns list | grep -c "^$NETNS_PREFIX-" || true)
	check "every namespace made here is gone" [ "$left" = 0 ]
	if [ "$T_FAIL" != 0 ]; then
		for f in "$WORK"/extract*/extract.log "$WORK"/front/nginx-error.log "$PD"/index/log/indexer.log; do
			[ -f "$f" ] && { echo "# --- $f"; tail -n 25 "$f" | sed 's/^/# /'; }
		done
	fi
	rm -rf "$WORK"
	echo "1..$T_N"
}
trap finish EXIT

netns_host primary "$PRIMARY" || bail "no namespace for the primary"
extract_host 1 "$E1"
extract_host 2 "$E2"

# The primary: its front for the extraction hosts, then ./portal up.
mkdir -p "$WORK/front"
nginx_conf "$WORK/front" "upstream extraction_hosts {
		server $E1:8000 max_fails=1 fail_timeout=30s;
		server $E2:8000 max_fails=1 fail_timeout=30s;
	}
	server { listen $PRIMARY:8090;
		location = /api/extract {
			proxy_pass http://extraction_hosts;
			proxy_next_upstream error timeout http_502 http_503 non_idempotent;
			proxy_connect_timeout 5s;
			proxy_read_timeout 3600s;
		} }"
netns_exec primary nginx -p "$WORK/front" -c "$WORK/front/nginx.conf" || bail "the front nginx did not start"
netns_exec primary env PORTAL_DATA="$PD" PORTAL_PORT=8080 PORTAL_EXTRACT_KEY="$KEY" \
	PORTAL_EXTRACT_URL="http://$PRIMARY:8090/api/extract" \
	"$TOP/portal" up >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; bail "portal up failed on the primary"; }
ADMIN=$(netns_exec primary env PORTAL_DATA="$PD" "$TOP/portal" ctl token create admin) || bail "no admin token"
pcurl() { netns_exec primary curl -s "$@"; }
BASE=http://127.0.0.1:8080
status() { pcurl -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$1" | jq -r .status; }
upload() { pcurl -H "Authorization: Bearer $ADMIN" -F "file=@$1" "$BASE/api/documents"; }
wait_for() { local n=$(($1 * 10)); shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done; return 1; }

check "the hosts are separate: the primary cannot reach its own nginx from a host" \
	bash -c '! ip netns exec "$1" curl -s -m 2 -o /dev/null http://127.0.0.1:8080/' _ "$NETNS_PREFIX-extract1"

# A scan of four pages (the hosts read one page at a time:
# PORTAL_OCR_WIDTH=1), so a host
# is still reading it when it dies.
pdfseparate -f 1 -l 4 "$SCANNED" "$WORK/p%d.pdf"
pdfunite "$WORK"/p{1,2,3,4}.pdf "$WORK/扫描件四页.pdf"
SCAN=$(upload "$WORK/扫描件四页.pdf" | jq -r .id)
check "the scan is accepted" [ -n "$SCAN" -a "$SCAN" != null ]
reading() { grep -l "reading $SCAN" "$WORK"/extract{1,2}/extract.log 2>/dev/null | head -n 1; }
started() { [ -n "$(reading)" ]; }
wait_for 60 started
FIRST=$(reading)
FIRST=${FIRST%/extract.log}; FIRST=${FIRST##*/}
check "a host began reading the scan ($FIRST)" [ -n "$FIRST" ]
# Let it get into text recognition, then the machine dies.
busy() {
	local p
	p=$(ip netns pids "$NETNS_PREFIX-$FIRST" | paste -sd, -)
	[ -n "$p" ] && ps -o comm= -p "$p" | grep -q tesseract
}
check "... and is recognising text (tesseract runs there)" wait_for 60 busy
pids=$(ip netns pids "$NETNS_PREFIX-$FIRST")
kill -KILL $pids 2>/dev/null
note "killed $FIRST (pids $(echo $pids)) mid-recognition"

# Uploads go on meanwhile: all of them must be indexed.
ACCEPTED=()
for i in 1 2 3 4 5; do
	printf '清洁生产审核报告 第%s号 企业名称 节能降耗方案\n' "$i" >"$WORK/report$i.txt"
	id=$(upload "$WORK/report$i.txt" | jq -r '.id // empty')
	[ -n "$id" ] && ACCEPTED+=("$id")
done
check "5 text files accepted meanwhile" [ ${#ACCEPTED[@]} = 5 ]

done_scan() { [ "$(status "$SCAN")" != pending ]; }
wait_for 600 done_scan
check "the scan ends indexed" [ "$(status "$SCAN")" = indexed ]
check "... with its recognised text" bash -c 'grep -q 危险废物 <<<"$1"' _ \
	"$(pcurl -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$SCAN/text")"
OTHER=$([ "$FIRST" = extract1 ] && echo extract2 || echo extract1)
check "the other host ($OTHER) read it" grep -q "extracted $SCAN (application/pdf, long lane" "$WORK/$OTHER/extract.log"
line=$(grep "extracted $SCAN " "$WORK/$OTHER/extract.log" | tail -n 1)
if [[ $line =~ ([0-9]+)\ pages\ recognised,\ ([0-9]+)\ ms ]]; then
	note "$OTHER recognised ${BASH_REMATCH[1]} pages in ${BASH_REMATCH[2]} ms:" \
		"$((BASH_REMATCH[2] / (BASH_REMATCH[1] > 0 ? BASH_REMATCH[1] : 1))) ms a page, one page at a time" \
		"(a shared 2-core machine: a measure of this run, not of a host)"
fi
check "the indexer had it from a host, not by itself" \
	grep -q "$SCAN: read by an extraction host" "$PD/index/log/indexer.log"
lost=0
for id in "${ACCEPTED[@]}"; do
	s=$(status "$id"); for _ in $(seq 300); do [ "$s" != pending ] && break; sleep 0.1; s=$(status "$id"); done
	[ "$s" = indexed ] || lost=$((lost + 1))
done
check "nothing acknowledged is lost (every 202 indexed; $lost not)" [ "$lost" = 0 ]
found=$(pcurl -H "Authorization: Bearer $ADMIN" -G --data-urlencode q=节能降耗方案 --data per_page=100 \
	"$BASE/api/search" | jq -r '.results | length')
check "... and found ($found of 5)" [ "$found" = 5 ]
