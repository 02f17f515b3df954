#!/usr/bin/env bash
# t0130-search-host.sh: a search host on one machine, without namespaces
# (tests/scale/run does it with hosts). The instance runs as a primary that
# serves its index (PORTAL_REPLICATE: xapian-replicate-server); a second
# data directory becomes a search host (PORTAL_ROLE=search-host: a replica
# pulled with xapian-replicate, search.fcgi over TCP with no SQLite:
# cgi-bin/search.c's host table, document-page.c's ui_host_*). Checked on
# the host directly (a small nginx in front of it alone): a public document
# is found, its page, record and text come from the index; a restricted one
# is nowhere (hits, count, snippet, page, record, text); a file, an upload
# and a request with a token are not served there (404, 405, 421); the host
# has no database file and its workers hold none open. Then through the
# front nginx of doc/nginx-search-upstream.conf.in: anonymous searches are
# answered by the host, signed-in ones and downloads by the primary, and a
# document uploaded through the front appears on the host.
. "$(dirname "$0")/lib.sh"
PORTAL_REPLICATE=127.0.0.1:$(free_port)
export PORTAL_REPLICATE
start_instance

HOST=$(mktemp -d /tmp/portal-host.XXXXXX)
HOST_PORT=$(free_port)
FRONT_PORT=$(free_port)
DIRECT_PORT=$(free_port)
WEB=$PORTAL_DATA/web	# the two nginx of this test: the front and the direct one
mkdir -p "$WEB/front" "$WEB/direct"
host_down() {
	for d in front direct; do
		[ -f "$WEB/$d/nginx.pid" ] && kill "$(cat "$WEB/$d/nginx.pid")" 2>/dev/null
	done
	PORTAL_DATA=$HOST PORTAL_ROLE=search-host "$TOP/portal" down >/dev/null 2>&1
	if [ "$T_FAIL" != 0 ]; then
		for f in "$HOST"/index/log/*.log "$WEB"/*/*.log; do
			[ -f "$f" ] && { echo "# --- $f"; tail -n 20 "$f" | sed 's/^/# /'; }
		done
	fi
	rm -rf "$HOST"
	stop_instance
}
trap host_down EXIT

# ---- documents on the primary -------------------------------------------------
printf '锅炉节能改造公开指南\n\n本指南介绍锅炉节能改造的做法，关键词 qzpublicword 与 余热回收。\n' >"$PORTAL_DATA/pub.txt"
printf '受限审核报告\n\n本报告仅限企业查看，关键词 qzsecretword 与 余热回收。\n' >"$PORTAL_DATA/secret.txt"
upload "$ADMIN" "$PORTAL_DATA/pub.txt" -F visibility=public -F doc_type=guideline
PUB=$(jq -r .id <<<"$BODY")
upload "$ADMIN" "$PORTAL_DATA/secret.txt"
SECRET=$(jq -r .id <<<"$BODY")
[ "$(wait_indexed "$PUB")" = indexed ] && [ "$(wait_indexed "$SECRET")" = indexed ] || bail "documents not indexed"

# ---- the search host ------------------------------------------------------------
PORTAL_DATA=$HOST PORTAL_ROLE=search-host PORTAL_REPLICATE_FROM=$PORTAL_REPLICATE \
	PORTAL_SEARCH_LISTEN=127.0.0.1:$HOST_PORT PORTAL_FRONT=127.0.0.1 "$TOP/portal" up >"$PORTAL_DATA/host-up.log" 2>&1 ||
	{ cat "$PORTAL_DATA/host-up.log"; bail "the search host did not start"; }
ok "a search host starts from the primary's replica"

# nginx for one config: NAME, then the config's text on stdin
run_nginx() {
	local d=$WEB/$1
	cat >"$d/nginx.conf"
	mkdir -p "$d/body" "$d/fastcgi" "$d/proxy" "$d/uwsgi" "$d/scgi"
	[ "$(id -u)" = 0 ] && chown -R www-data:www-data "$d"
	nginx -p "$d" -c "$d/nginx.conf" || bail "nginx $1 did not start"
}
user_line=
[ "$(id -u)" = 0 ] && user_line="user www-data www-data;"
run_nginx direct <<EOF
$user_line
pid $WEB/direct/nginx.pid;
error_log $WEB/direct/error.log warn;
events { worker_connections 64; }
http {
	client_body_temp_path $WEB/direct/body; fastcgi_temp_path $WEB/direct/fastcgi;
	proxy_temp_path $WEB/direct/proxy; uwsgi_temp_path $WEB/direct/uwsgi; scgi_temp_path $WEB/direct/scgi;
	access_log off;
	server {
		listen 127.0.0.1:$DIRECT_PORT;
		location / { include /etc/nginx/fastcgi_params; fastcgi_pass 127.0.0.1:$HOST_PORT; }
	}
}
EOF
sed -e "s#@USER@#$user_line#" -e "s#@RUN@#$WEB/front#g" -e "s#@LOG@#$WEB/front#g" \
    -e "s#@LISTEN@#127.0.0.1:$FRONT_PORT#" -e "s#@PRIMARY@#127.0.0.1:$PORTAL_PORT#" \
    -e "s#@SEARCH_HOSTS@#server 127.0.0.1:$HOST_PORT max_fails=1 fail_timeout=5s;#" \
    -e "s#@BODY_MAX@#$((${PORTAL_MAX_UPLOAD:-104857600} + 65536))#" "$TOP/doc/nginx-search-upstream.conf.in" | run_nginx front
H=http://127.0.0.1:$DIRECT_PORT
F=http://127.0.0.1:$FRONT_PORT
for _ in $(seq 100); do curl -s -o /dev/null "$H/api/search" && break; sleep 0.1; done

# ---- no SQLite on the host --------------------------------------------------------
check "the search host's data directory holds no database file" \
	test -z "$(find "$HOST" -name '*.db' -o -name '*.db-wal')"
db_open=
for p in $(pgrep -f "^$BUILD/cgi-bin/search.fcgi"); do
	tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "PORTAL_DATA=$HOST" || continue
	ls -l "/proc/$p/fd" 2>/dev/null | grep -q '\.db' && db_open=1
done
check "no search.fcgi process of the host holds a database open" test -z "$db_open"

# ---- on the host directly -------------------------------------------------------------
call -G --data-urlencode "q=余热回收" --data per_page=100 "$H/api/search"
ids=$(jq -r '.results[].id' <<<"$BODY" 2>/dev/null)
check "the host finds the public document" has "$PUB" <<<"$ids"
check "the host's hits hold no restricted document" quiet bash -c '! grep -qxF "$1" <<<"$2"' _ "$SECRET" "$ids"
check "the host counts one document for a word both share" test "$(jq -r .total <<<"$BODY")" = 1
check "the host's snippet marks the word" quiet grep -q '<mark>' <<<"$(jq -r '.results[0].snippet' <<<"$BODY")"
call -G --data-urlencode "q=qzsecretword" "$H/api/search"
check "a restricted document's own word finds nothing on the host" test "$(jq -r .total <<<"$BODY")" = 0
call -G --data-urlencode "q=qzsecretword" "$H/search"
check "the host's search page shows no restricted hit" quiet bash -c '[ "$1" = 200 ] && ! grep -q "受限审核报告" <<<"$2"' _ "$CODE" "$BODY"
call "$H/api/documents/$PUB"
check "the host answers a public document's record from the index" \
	test "$CODE:$(jq -r '.id + " " + .title + " " + .visibility + " " + .status' <<<"$BODY")" = "200:$PUB 锅炉节能改造公开指南 public indexed"
call "$H/documents/$PUB"
check "the host draws a public document's page" \
	quiet bash -c '[ "$1" = 200 ] && grep -q "锅炉节能改造公开指南" <<<"$2" && grep -q "qzpublicword" <<<"$2" && grep -q "北京时间" <<<"$2"' _ "$CODE" "$BODY"
call "$H/api/documents/$PUB/text"
check "the host answers a public document's text" quiet bash -c '[ "$1" = 200 ] && grep -q qzpublicword <<<"$2"' _ "$CODE" "$BODY"
for path in "/api/documents/$SECRET" "/documents/$SECRET" "/api/documents/$SECRET/text" "/api/documents/$SECRET/similar"; do
	call "$H$path"
	check "the host answers 404 for a restricted document: $path" test "$CODE" = 404
	check "... and says nothing of it: $path" quiet bash -c '! grep -q "受限\|qzsecretword" <<<"$1"' _ "$BODY"
done
call "$H/api/documents/$PUB/file"
check "the host serves no file (the primary has the bytes): 404" test "$CODE" = 404
call -F "file=@$PORTAL_DATA/pub.txt" "$H/api/documents"
check "the host takes no upload" quiet bash -c '[ "$1" = 404 ] || [ "$1" = 405 ]' _ "$CODE"
call -H "Authorization: Bearer $ADMIN" "$H/api/search"
check "a request with a token is misdirected on the host: 421" test "$CODE" = 421
call "$H/"
check "the host has no home page or records: 404" test "$CODE" = 404

# ---- through the front nginx ------------------------------------------------------------
call -G --data-urlencode "q=余热回收" "$F/api/search"
check "the front answers an anonymous search" quiet bash -c '[ "$1" = 200 ] && [ "$(jq -r .total <<<"$2")" = 1 ]' _ "$CODE" "$BODY"
check "... from the search host" quiet grep -q "\"GET /api/search?q=.*upstream=127.0.0.1:$HOST_PORT (200)" "$WEB/front/front-access.log"
call -H "Authorization: Bearer $ADMIN" -G --data-urlencode "q=余热回收" "$F/api/search"
check "a search with a token goes to the primary, which shows the restricted one too" \
	test "$(jq -r .total <<<"$BODY")" = 2
call "$F/api/documents/$PUB/file"
check "a download through the front comes from the primary" quiet bash -c '[ "$1" = 200 ] && grep -q qzpublicword <<<"$2"' _ "$CODE" "$BODY"
call "$F/documents/$SECRET"
check "a restricted document through the front is a 404 for anonymous" test "$CODE" = 404
call -o /dev/null "$F/static/portal.css"
check "static files come through the front" test "$CODE" = 200

printf '新上传的公开通知\n\n关键词 qzlateword。\n' >"$PORTAL_DATA/late.txt"
call -H "Authorization: Bearer $ADMIN" -F "file=@$PORTAL_DATA/late.txt" -F visibility=public "$F/api/documents"
LATE=$(jq -r .id <<<"$BODY")
check "an upload through the front is accepted by the primary" test "$CODE" = 202
found=
for _ in $(seq 300); do
	[ "$(curl -s -G --data-urlencode q=qzlateword "$H/api/search" | jq -r '.results[0].id')" = "$LATE" ] && { found=1; break; }
	sleep 0.1
done
check "the uploaded document reaches the host's replica" test -n "$found"

call -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$PUB"
check "the host's record of the public document matches the primary's" \
	test "$(jq -c '{id,title,filename,doc_type,size,sha256,visibility,mime}' <<<"$BODY")" = \
	     "$(curl -s "$H/api/documents/$PUB" | jq -c '{id,title,filename,doc_type,size,sha256,visibility,mime}')"
