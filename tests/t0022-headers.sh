#!/usr/bin/env bash
# t0022-headers.sh: headers every answer carries, through real nginx.
# Framing: "Content-Security-Policy: frame-ancestors 'none'" and
# "X-Frame-Options: DENY" on HTML pages, search, JSON, error pages (the
# programs' and nginx's own), static files and document downloads.
# Caching: "Cache-Control: private, no-store" (once) on every answer to a
# signed-in caller (bearer token or session cookie, error pages included)
# and on restricted documents; anonymous public pages and downloads stay
# cacheable. Covers doc/nginx.conf.in (add_header), http-response.c
# (resp_private, the send path), search.c (visible_doc).
. "$(dirname "$0")/lib.sh"
PORTAL_MAX_UPLOAD=100000	# so nginx answers a larger body itself (413)
export PORTAL_MAX_UPLOAD
start_instance

printf '公开文档：印染废水深度处理与回用。\n' >"$PORTAL_DATA/pub.txt"
printf '受限文档：电镀车间铬雾回收。\n' >"$PORTAL_DATA/res.txt"
upload "$ADMIN" "$PORTAL_DATA/pub.txt" -F visibility=public
PUB=$(jq -r .id <<<"$BODY")
upload "$ADMIN" "$PORTAL_DATA/res.txt"
RES=$(jq -r .id <<<"$BODY")
wait_indexed "$PUB" >/dev/null
wait_indexed "$RES" >/dev/null

"$TOP/portal" ctl user add reader --role staff >/dev/null
echo 'a long password here' | "$TOP/portal" ctl user passwd reader
JAR=$PORTAL_DATA/cookies
sign_in "$JAR" reader 'a long password here'
[ "$CODE" = 303 ] || bail "the staff user cannot sign in ($CODE)"

H=$PORTAL_DATA/headers
# head_of CURL-ARGS...: fetch, keeping the status in CODE and the response
# headers (CR removed) in $H.
head_of() {
	CODE=$(curl -s -o /dev/null -D "$H.raw" -w '%{http_code}' "$@")
	tr -d '\r' <"$H.raw" >"$H"
}
# header_count NAME VALUE: how many header lines NAME carry exactly VALUE.
header_count() { grep -ciE "^$1: $2\$" "$H" || true; }
framed_never() { # WHAT: both framing headers are in $H
	check "$1: CSP frame-ancestors 'none'" grep -qiE "^Content-Security-Policy: .*frame-ancestors 'none'" "$H"
	check "$1: X-Frame-Options DENY, once" [ "$(header_count X-Frame-Options DENY)" = 1 ]
}
private_once() { # WHAT
	check "$1: Cache-Control private, no-store, once" \
		[ "$(header_count Cache-Control 'private, no-store')" = 1 -a "$(grep -ci '^Cache-Control:' "$H")" = 1 ]
}
not_private() { # WHAT
	check "$1: no no-store" bash -c '! grep -qi "^Cache-Control:.*no-store" "$1"' _ "$H"
}

# ---- framing: every kind of answer --------------------------------------
head_of "$BASE/"
framed_never "home page ($CODE)"
head_of -G --data-urlencode q=印染 "$BASE/search"
framed_never "search page ($CODE)"
check "search page: the page's own CSP is kept beside it" \
	grep -qiE "^Content-Security-Policy: default-src 'self'" "$H"
head_of -G --data-urlencode q=印染 "$BASE/api/search"
framed_never "search JSON ($CODE)"
head_of "$BASE/documents/$PUB"
framed_never "document page ($CODE)"
head_of "$BASE/api/documents/$PUB/file"
framed_never "document download ($CODE)"
head_of "$BASE/documents/0000000000000000"
framed_never "error page ($CODE)"
head_of "$BASE/api/documents/0000000000000000"
framed_never "JSON error ($CODE)"
head_of "$BASE/static/portal.css"
framed_never "static file ($CODE)"
head -c 300000 /dev/zero >"$PORTAL_DATA/big.bin"
head_of -H "Authorization: Bearer $ADMIN" -F "file=@$PORTAL_DATA/big.bin" "$BASE/api/documents"
check "an upload over the limit is refused by nginx itself" [ "$CODE" = 413 ]
framed_never "nginx's own 413"
head_of -b "$JAR" "$BASE/account"
framed_never "account page, signed in ($CODE)"

# ---- caching: signed-in callers and restricted documents ---------------
head_of -H "Authorization: Bearer $ADMIN" "$BASE/"
private_once "home page with a bearer token ($CODE)"
head_of -b "$JAR" "$BASE/"
private_once "home page with a session ($CODE)"
head_of -b "$JAR" -G --data-urlencode q=铬雾 "$BASE/search"
private_once "search page with a session ($CODE)"
head_of -H "Authorization: Bearer $ADMIN" -G --data-urlencode q=铬雾 "$BASE/api/search"
private_once "search JSON with a bearer token ($CODE)"
head_of -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$RES/file"
check "the restricted download answers 200" [ "$CODE" = 200 ]
private_once "restricted download"
head_of -b "$JAR" "$BASE/documents/$RES"
private_once "restricted document page with a session ($CODE)"
head_of -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$RES"
private_once "restricted document JSON ($CODE)"
head_of -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$PUB/file"
private_once "public download with a bearer token ($CODE)"
head_of -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/0000000000000000"
private_once "JSON error for a bearer caller ($CODE)"
head_of -H "Authorization: Bearer not-a-token" "$BASE/api/search?q=x"
check "a bad token answers 401" [ "$CODE" = 401 ]
private_once "401 to a bad token"
head_of "$BASE/api/documents/$RES/file"
check "anonymous gets 404 for the restricted download" [ "$CODE" = 404 ]

# Anonymous and public: may be cached.
head_of "$BASE/"
not_private "anonymous home page"
head_of -G --data-urlencode q=印染 "$BASE/search"
not_private "anonymous search page"
head_of "$BASE/documents/$PUB"
not_private "anonymous public document page"
head_of "$BASE/api/documents/$PUB/file"
check "anonymous public download answers 200" [ "$CODE" = 200 ]
not_private "anonymous public download"
