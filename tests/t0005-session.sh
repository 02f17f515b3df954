#!/usr/bin/env bash
# t0005-session.sh: browser sign-in through real nginx: password login sets
# an HttpOnly SameSite session cookie, the session sees what its user may
# see, forms without the CSRF token are refused, a logged-out cookie stops
# working at once, repeated failures are throttled, and the upload form
# works with the token. Covers session.c, account.c, req_form_read
# (http-request.c), upload.c's form door, ui-shared.c.
. "$(dirname "$0")/lib.sh"
start_instance

"$TOP/portal" ctl user add hosp --role enterprise --enterprise E9
echo 'correct horse battery' | "$TOP/portal" ctl user passwd hosp
check "a short password is refused" bash -c '! echo short | "$1/portal" ctl user passwd hosp 2>/dev/null' _ "$TOP"
JAR=$PORTAL_DATA/cookies
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//'; }

# As a browser signs in: the form first (its token, and the qp_login cookie).
call -c "$JAR" "$BASE/login"
check "the login page answers" [ "$CODE" = 200 ]
LOGIN_CSRF=$(csrf_of <<<"$BODY")
call -c "$JAR" -b "$JAR" -D "$PORTAL_DATA/h" --data-urlencode name=hosp --data-urlencode 'password=correct horse battery' \
	--data-urlencode "csrf=$LOGIN_CSRF" "$BASE/login"
check "a right password signs in (303)" [ "$CODE" = 303 ]
check "the session cookie is HttpOnly and SameSite" grep -qi '^Set-Cookie: qp_session=.*HttpOnly; SameSite=Lax' "$PORTAL_DATA/h"
call -b "$JAR" "$BASE/account"
check "the account page shows the user" grep -qF '<h1>hosp</h1>' <<<"$BODY"
CSRF=$(csrf_of <<<"$BODY")
check "pages carry a CSRF token for the session" [ ${#CSRF} -ge 20 ]

# Upload through the browser form, with and without the token.
printf '本院污水处理站提标改造，消毒工艺由液氯改为二氧化氯。\n' >"$PORTAL_DATA/own.txt"
call -b "$JAR" -F "file=@$PORTAL_DATA/own.txt" "$BASE/upload"
check "an upload form without the CSRF token is refused (403)" [ "$CODE" = 403 ]
call -b "$JAR" -D "$PORTAL_DATA/h" -F "csrf=$CSRF" -F "file=@$PORTAL_DATA/own.txt" "$BASE/upload"
OWN=$(sed -n 's#^Location: /upload?done=\([a-z0-9]*\).*#\1#p' "$PORTAL_DATA/h" | tr -d '\r')
check "the upload form with the token stores it and goes to its results" [ "$CODE" = 303 -a -n "$OWN" ]
wait_indexed "$OWN" >/dev/null
call -b "$JAR" -G --data-urlencode q=二氧化氯 "$BASE/api/search"
check "the session finds its own restricted document" [ "$(jq .total <<<"$BODY")" = 1 ]
call -G --data-urlencode q=二氧化氯 "$BASE/api/search"
check "anonymous does not" [ "$(jq .total <<<"$BODY")" = 0 ]

call -b "$JAR" -X POST "$BASE/logout"
check "logout without the CSRF token is refused (403)" [ "$CODE" = 403 ]
call -b "$JAR" --data-urlencode "csrf=wrong" "$BASE/logout"
check "logout with a wrong CSRF token is refused (403)" [ "$CODE" = 403 ]
cp "$JAR" "$PORTAL_DATA/old-cookies"
call -b "$JAR" -c "$JAR" --data-urlencode "csrf=$CSRF" "$BASE/logout"
check "logout with the token works (303)" [ "$CODE" = 303 ]
call -b "$PORTAL_DATA/old-cookies" -G --data-urlencode q=二氧化氯 "$BASE/api/search"
check "the logged-out cookie no longer works" [ "$(jq .total <<<"$BODY")" = 0 ]
call -b "$PORTAL_DATA/old-cookies" "$BASE/account"
check "the account page sends a logged-out cookie to sign in" [ "$CODE" = 303 ]

for i in 1 2 3 4 5; do
	call -b "$JAR" --data-urlencode name=hosp --data-urlencode password=wrong-password --data-urlencode "csrf=$LOGIN_CSRF" "$BASE/login"
done
check "wrong passwords answer 401 with a message" bash -c '[ "$1" = 401 ] && grep -qF "用户名或密码不正确" <<<"$2"' _ "$CODE" "$BODY"
call -b "$JAR" --data-urlencode name=hosp --data-urlencode 'password=correct horse battery' --data-urlencode "csrf=$LOGIN_CSRF" "$BASE/login"
check "after 5 failures even the right password is throttled (429)" [ "$CODE" = 429 ]
call "$BASE/login?next=//evil.example/"
check "the next parameter cannot leave the site" bash -c '! grep -qF "//evil.example" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/search?q=x"
check "bearer tokens work on HTML pages too" [ "$CODE" = 200 ]
