#!/usr/bin/env bash
# t0021-signin-tokens.sh: tokens and sessions end when they should, and
# sign-in cannot be abused, through real nginx. Tokens: create (with and
# without --days), list, revoke one (by id, by the token) or all of a user,
# expiry; a revoked or expired token answers 401 at once in every worker of
# every program. A password change and `user disable` end the user's
# sessions and tokens; a disabled user cannot sign in. The staff page
# /account/tokens and /api/tokens: who may see it, revoking from it (CSRF
# protected, audit logged), Beijing times. Sign-in: `next` never leads off
# the site, a cross-site POST and a form without its token are refused, an
# unknown name costs as much as a wrong password. CSRF in the dispatcher: a
# session's DELETE/PATCH without X-CSRF-Token is refused and changes
# nothing. Covers auth.c, session.c, account.c, http-request.c
# (portal_dispatch), portalctl.c (token, user), db.c (migration 5).
. "$(dirname "$0")/lib.sh"
start_instance

DB=$PORTAL_DATA/index/portal.db
JARS=$PORTAL_DATA/jars
mkdir -p "$JARS"
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -n1 | sed 's/.*value="//; s/"$//'; }
location() { sed -n 's/^Location: //Ip' "$PORTAL_DATA/h" | tr -d '\r'; }

# login_form JAR: GET /login into the jar; sets FORM_CSRF (the sign-in
# form's token; a signed-in page also has the logout form's).
login_form() {
	call -c "$1" -b "$1" "$BASE/login"
	FORM_CSRF=$(grep -o 'action="/login"><input type="hidden" name="csrf" value="[^"]*"' <<<"$BODY" | sed 's/.*value="//; s/"$//')
}
# sign_in JAR NAME PASSWORD [curl args...]: as a browser does (form, then
# POST with its token and cookie); sets CODE, BODY, headers in $PORTAL_DATA/h.
sign_in() {
	local jar=$1 name=$2 pw=$3; shift 3
	login_form "$jar"
	call -c "$jar" -b "$jar" -D "$PORTAL_DATA/h" --data-urlencode "name=$name" \
		--data-urlencode "password=$pw" --data-urlencode "csrf=$FORM_CSRF" "$@" "$BASE/login"
}
# status_of CURL-ARGS...: just the HTTP status.
status_of() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# every_worker TOKEN: the statuses of 6 requests to each of search, cases
# and account programs (2 workers each), sorted and counted.
every_worker() {
	local h=(-H "Authorization: Bearer $1") i
	for i in 1 2 3 4 5 6; do
		status_of "${h[@]}" "$BASE/api/search?q=x"
		echo
		status_of "${h[@]}" "$BASE/api/sectors"
		echo
		status_of "${h[@]}" "$BASE/account"
		echo
	done | sort | uniq -c | awk '{print $2 "x" $1}' | paste -sd' '
}
token_ids() { ctl token list "$1" | cut -f1; }

ctl user add ops --role staff
ctl user add hosp --role enterprise --enterprise E1
ctl user add xu --role expert
for u in ops hosp xu; do echo "password of $u 123" | ctl user passwd "$u"; done

# ---- tokens: create, list, revoke, expire ---------------------------------------
T1=$(ctl token create hosp)
T2=$(ctl token create hosp)
T3=$(ctl token create hosp --days 30)
check "token create prints only the token" bash -c '[[ $1 =~ ^[A-Za-z0-9_-]{43}$ ]]' _ "$T3"
check "token create refuses a bad --days" bash -c '! "$1/portal" ctl token create hosp --days 0 2>/dev/null' _ "$TOP"
LIST=$(ctl token list hosp)
echo "$LIST" | sed 's/^/# token list: /'
check "token list: one line per token" [ "$(wc -l <<<"$LIST")" = 3 ]
check "token list: 8-hex id, created and expires as YYYY-MM-DD HH:MM or never" \
	bash -c '! grep -vqE "^[0-9a-f]{8}	[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}	([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}|never)$" <<<"$1"' _ "$LIST"
ID3=$(sql "SELECT substr(hash,1,8) FROM tokens t JOIN users u ON u.id=t.user_id WHERE u.name='hosp' AND expires_at IS NOT NULL")
EXP3=$(sql "SELECT expires_at - created_at FROM tokens WHERE substr(hash,1,8)='$ID3'")
check "--days 30 expires 30 days after creation" [ "$EXP3" = $((30 * 86400)) ]
CREATED3=$(sql "SELECT created_at FROM tokens WHERE substr(hash,1,8)='$ID3'")
if [ -e /usr/share/zoneinfo/Asia/Shanghai ]; then
	BJ=$(TZ=Asia/Shanghai date -d "@$CREATED3" '+%Y-%m-%d %H:%M')
else
	BJ=$(date -u -d "@$((CREATED3 + 8 * 3600))" '+%Y-%m-%d %H:%M')
fi
check "token list shows Beijing time" grep -qF "$ID3	$BJ" <<<"$LIST"
check "fresh tokens work in every worker" [ "$(every_worker "$T1")" = 200x18 ]

ID1=$(sql "SELECT substr(hash,1,8) FROM tokens WHERE hash = '$(printf %s "$T1" | sha256sum | cut -d' ' -f1)'")
check "token revoke ID revokes one" quiet ctl token revoke "$ID1"
check "the revoked token answers 401 at once, in every worker" [ "$(every_worker "$T1")" = 401x18 ]
call -H "Authorization: Bearer $T1" "$BASE/api/search?q=x"
check "the 401 says revoked or expired" bash -c 'grep -qF "已撤销、已过期" <<<"$1" && grep -qF "revoked or expired" <<<"$1"' _ "$BODY"
check "the other tokens still work" [ "$(every_worker "$T2")" = 200x18 ]
check "token revoke TOKEN revokes that one" quiet ctl token revoke "$T2"
check "... and it answers 401 in every worker" [ "$(every_worker "$T2")" = 401x18 ]
check "token list no longer shows the revoked ones" [ "$(token_ids hosp)" = "$ID3" ]
check "revoking an unknown token fails" bash -c '! "$1/portal" ctl token revoke nosuchtoken 2>/dev/null' _ "$TOP"

# expiry: the --days token, made to expire now
check "a token with an expiry works before it" [ "$(every_worker "$T3")" = 200x18 ]
sql "UPDATE tokens SET expires_at = strftime('%s','now') - 1 WHERE substr(hash,1,8) = '$ID3'"
check "an expired token answers 401 at once, in every worker" [ "$(every_worker "$T3")" = 401x18 ]
check "token list marks it expired" grep -q "^$ID3	.*	expired$" <<<"$(ctl token list hosp)"

T4=$(ctl token create hosp)
T5=$(ctl token create hosp)
check "token revoke NAME revokes all of the user's tokens" [ "$(ctl token revoke hosp)" = 3 ]
check "... every one answers 401 in every worker" [ "$(every_worker "$T4") $(every_worker "$T5")" = "401x18 401x18" ]
check "... and none is listed" [ -z "$(ctl token list hosp)" ]
check "revokes are in the audit log" [ "$(sql "SELECT count(*) FROM audit_log WHERE action='token_revoke'")" -ge 3 ]

# ---- password change and user disable end sessions and tokens ---------------------
J=$JARS/hosp
sign_in "$J" hosp 'password of hosp 123'
check "hosp signs in" [ "$CODE" = 303 ]
cp "$J" "$JARS/hosp-old"
T6=$(ctl token create hosp)
call -b "$J" "$BASE/account"
check "the session works" bash -c '[ "$1" = 200 ] && grep -qF "<h1>hosp</h1>" <<<"$2"' _ "$CODE" "$BODY"
echo 'a new password 456' | ctl user passwd hosp
call -b "$JARS/hosp-old" "$BASE/account"
check "after a password change the old session cookie is signed out" [ "$CODE" = 303 ]
check "after a password change the user's tokens answer 401" [ "$(every_worker "$T6")" = 401x18 ]
check "the password change is in the audit log" [ "$(sql "SELECT count(*) FROM audit_log WHERE action='password_change'")" -ge 4 ]

sign_in "$J" hosp 'a new password 456'
check "the new password signs in" [ "$CODE" = 303 ]
T7=$(ctl token create hosp)
check "user disable" quiet ctl user disable hosp
call -b "$J" "$BASE/account"
check "a disabled user's session cookie is signed out at once" [ "$CODE" = 303 ]
check "a disabled user's tokens answer 401 in every worker" [ "$(every_worker "$T7")" = 401x18 ]
rm -f "$JARS/hosp2"
sign_in "$JARS/hosp2" hosp 'a new password 456'
check "a disabled user cannot sign in (401, the wrong-password message)" \
	bash -c '[ "$1" = 401 ] && grep -qF "用户名或密码不正确" <<<"$2"' _ "$CODE" "$BODY"
T8=$(ctl token create hosp)
check "a token made for a disabled user does not work" [ "$(status_of -H "Authorization: Bearer $T8" "$BASE/api/search?q=x")" = 401 ]
check "user enable" quiet ctl user enable hosp
check "enabled again, that new token works" [ "$(status_of -H "Authorization: Bearer $T8" "$BASE/api/search?q=x")" = 200 ]
check "enabled again, the tokens revoked by disable stay revoked" [ "$(every_worker "$T7")" = 401x18 ]
sign_in "$JARS/hosp2" hosp 'a new password 456'
check "enabled again, the user signs in" [ "$CODE" = 303 ]
check "disable and enable are in the audit log" \
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action IN ('user_disable','user_enable')")" = 2 ]

# ---- the staff page and /api/tokens ------------------------------------------------
OPS=$JARS/ops
sign_in "$OPS" ops 'password of ops 123'
check "staff signs in" [ "$CODE" = 303 ]
H1=$(ctl token create hosp)
H2=$(ctl token create hosp --days 7)
HID1=$(sql "SELECT substr(hash,1,8) FROM tokens WHERE hash = '$(printf %s "$H1" | sha256sum | cut -d' ' -f1)'")
HID2=$(sql "SELECT substr(hash,1,8) FROM tokens WHERE hash = '$(printf %s "$H2" | sha256sum | cut -d' ' -f1)'")
call -b "$OPS" "$BASE/account/tokens"
check "staff sees the tokens page" [ "$CODE" = 200 ]
PAGE=$BODY
check "the page lists users by name with Chinese labels" \
	bash -c 'grep -qF "<td>hosp</td><td>企业</td>" <<<"$1" && grep -qF "<td>ops</td><td>工作人员</td>" <<<"$1"' _ "$PAGE"
check "the page lists the tokens' public ids" bash -c 'grep -qF "$2" <<<"$1" && grep -qF "$3" <<<"$1"' _ "$PAGE" "$HID1" "$HID2"
C1=$(sql "SELECT created_at FROM tokens WHERE substr(hash,1,8)='$HID1'")
E2=$(sql "SELECT expires_at FROM tokens WHERE substr(hash,1,8)='$HID2'")
bj() { if [ -e /usr/share/zoneinfo/Asia/Shanghai ]; then TZ=Asia/Shanghai date -d "@$1" '+%Y-%m-%d %H:%M'; else date -u -d "@$(($1 + 28800))" '+%Y-%m-%d %H:%M'; fi; }
check "created and expiry times in Beijing time" \
	bash -c 'grep -qF "创建于 $2" <<<"$1" && grep -qF "到期 $3" <<<"$1"' _ "$PAGE" "$(bj "$C1")" "$(bj "$E2")"
check "the page shows session counts (hosp has 1)" grep -qE '<td>hosp</td><td>企业</td><td>1</td>' <<<"$PAGE"
check "the page does not show internal user ids" bash -c '! grep -qE "user:[0-9]|name=\"user\" value=\"[0-9]+\"" <<<"$1"' _ "$PAGE"
OPS_CSRF=$(csrf_of <<<"$PAGE")

sign_in "$JARS/hosp3" hosp 'a new password 456'
check "an enterprise session is refused the page (403)" [ "$(status_of -b "$JARS/hosp3" "$BASE/account/tokens")" = 403 ]
XU=$(ctl token create xu)
check "an expert token is refused the page (403)" [ "$(status_of -H "Authorization: Bearer $XU" "$BASE/account/tokens")" = 403 ]
call -D "$PORTAL_DATA/h" "$BASE/account/tokens"
check "anonymous is sent to sign in" bash -c '[ "$1" = 303 ] && [ "$2" = "/login?next=/account/tokens" ]' _ "$CODE" "$(location)"
check "anonymous /api/tokens: 401" [ "$(status_of "$BASE/api/tokens")" = 401 ]
check "an expert's /api/tokens: 403" [ "$(status_of -H "Authorization: Bearer $XU" "$BASE/api/tokens")" = 403 ]
check "an enterprise's POST to the page: 403, and nothing revoked" bash -c \
	'[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $1" --data "action=revoke_tokens&user=hosp" "$2/account/tokens")" = 403 ] &&
	 [ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $3" "$2/api/search?q=x")" = 200 ]' _ "$T8" "$BASE" "$H1"

call -b "$OPS" --data-urlencode action=revoke_token --data-urlencode user=hosp --data-urlencode "token=$HID1" "$BASE/account/tokens"
check "the page's revoke without the CSRF token is refused (403)" [ "$CODE" = 403 ]
check "... and the token still works" [ "$(every_worker "$H1")" = 200x18 ]
call -b "$OPS" -D "$PORTAL_DATA/h" --data-urlencode "csrf=$OPS_CSRF" --data-urlencode action=revoke_token \
	--data-urlencode user=hosp --data-urlencode "token=$HID1" "$BASE/account/tokens"
check "staff revokes one token from the page (303 back to it)" bash -c '[ "$1" = 303 ] && [ "$2" = /account/tokens ]' _ "$CODE" "$(location)"
check "... it answers 401 in every worker" [ "$(every_worker "$H1")" = 401x18 ]
check "... the other one still works" [ "$(every_worker "$H2")" = 200x18 ]
OPS_ID=$(sql "SELECT id FROM users WHERE name='ops'")
check "... the audit log names staff as who revoked it" \
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action='token_revoke' AND user_id=$OPS_ID AND detail LIKE '%$HID1%'")" = 1 ]
call -b "$OPS" --data-urlencode "csrf=$OPS_CSRF" --data-urlencode action=revoke_tokens --data-urlencode user=hosp "$BASE/account/tokens"
check "staff revokes all of a user's tokens from the page" bash -c '[ "$1" = 303 ] && [ "$2" = 401x18 ] && [ "$3" = 401x18 ]' _ \
	"$CODE" "$(every_worker "$H2")" "$(every_worker "$T8")"
call -b "$JARS/hosp3" "$BASE/account"
check "hosp's session still works before staff ends it" [ "$CODE" = 200 ]
call -b "$OPS" --data-urlencode "csrf=$OPS_CSRF" --data-urlencode action=end_sessions --data-urlencode user=hosp "$BASE/account/tokens"
check "staff ends a user's sessions from the page" [ "$CODE" = 303 ]
check "... the user's cookies are signed out at once" bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" -b "$1" "$3/account")" = 303 ] &&
	[ "$(curl -s -o /dev/null -w "%{http_code}" -b "$2" "$3/account")" = 303 ]' _ "$JARS/hosp3" "$JARS/hosp2" "$BASE"
check "... and it is in the audit log" \
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action='sessions_end' AND user_id=$OPS_ID")" = 1 ]

# JSON
OPSTOK=$(ctl token create ops)
H3=$(ctl token create hosp --days 2)
HID3=$(sql "SELECT substr(hash,1,8) FROM tokens WHERE hash = '$(printf %s "$H3" | sha256sum | cut -d' ' -f1)'")
call -H "Authorization: Bearer $OPSTOK" "$BASE/api/tokens?user=hosp"
check "GET /api/tokens?user=NAME lists the user's tokens" \
	bash -c '[ "$1" = 200 ] && [ "$(jq -r ".users[0].name, .users[0].tokens[0].id, (.users[0].tokens[0].expires_at|test(\"Z$\"))" <<<"$2" | paste -sd" ")" = "hosp $3 true" ]' _ "$CODE" "$BODY" "$HID3"
check "DELETE /api/tokens/ID from a session without X-CSRF-Token: 403" \
	[ "$(status_of -b "$OPS" -X DELETE "$BASE/api/tokens/$HID3")" = 403 ]
check "... the token still works" [ "$(every_worker "$H3")" = 200x18 ]
check "DELETE /api/tokens/ID from a session with the header: 200" \
	[ "$(status_of -b "$OPS" -H "X-CSRF-Token: $OPS_CSRF" -X DELETE "$BASE/api/tokens/$HID3")" = 200 ]
check "... the token answers 401 in every worker" [ "$(every_worker "$H3")" = 401x18 ]
H4=$(ctl token create hosp)
HID4=$(sql "SELECT substr(hash,1,8) FROM tokens WHERE hash = '$(printf %s "$H4" | sha256sum | cut -d' ' -f1)'")
check "DELETE /api/tokens/ID with a staff bearer token (no CSRF needed): 200" \
	[ "$(status_of -H "Authorization: Bearer $OPSTOK" -X DELETE "$BASE/api/tokens/$HID4")" = 200 ]
check "... and it answers 401" [ "$(status_of -H "Authorization: Bearer $H4" "$BASE/api/search?q=x")" = 401 ]
check "DELETE of an unknown id: 404" [ "$(status_of -H "Authorization: Bearer $OPSTOK" -X DELETE "$BASE/api/tokens/$HID4")" = 404 ]

# ---- next never leaves the site ----------------------------------------------------
# Each value as it goes into the form body (already %-encoded where it says so).
BAD_NEXT=(
	'/%09/evil.example' '%2F%09%2Fevil.example' '/%09%2Fevil.example' '//evil.example' '%2F%2Fevil.example'
	'/%5Cevil.example' '/%5C%5Cevil.example' '%5C%5Cevil.example' 'https://evil.example' 'https:evil.example'
	'/%0D%0ALocation:%20https://evil.example' '/%0aevil.example' '/%0devil.example' '%20//evil.example'
	'///evil.example' '/.//evil.example' '/%2F/evil.example' 'javascript:alert(1)' '/%00//evil.example'
	'/%E3%80%80/evil.example' '/%7F/evil.example' '%09/evil.example'
)
bad=()
for v in "${BAD_NEXT[@]}"; do
	# A value the form parser refuses (400, no Location) is fine too.
	sign_in "$JARS/redir" xu 'password of xu 123' --data "next=$v"
	loc=$(location)
	{ [ "$CODE" = 303 ] && [ "$loc" = / ]; } || { [ "$CODE" = 400 ] && [ -z "$loc" ]; } ||
		bad+=("POST next=$v -> $CODE '$loc'")
	call "$BASE/login?next=$v"
	grep -qF 'name="next" value="/"' <<<"$BODY" || [ "$CODE" = 400 ] || bad+=("GET /login?next=$v keeps it")
done
printf '# %s\n' "${bad[@]}"
check "no form of next leads off the site (${#BAD_NEXT[@]} variants, POST and GET)" [ ${#bad[@]} = 0 ]
sign_in "$JARS/redir" xu 'password of xu 123' --data 'next=/audits?year=2024%26state=filed'
check "a path on this site is followed" [ "$(location)" = '/audits?year=2024&state=filed' ]

# ---- cross-site sign-in --------------------------------------------------------------
XS=$JARS/xs
login_form "$XS"
check "GET /login sets the qp_login cookie" grep -q 'qp_login' "$XS"
xs_post() { call -b "$XS" -D "$PORTAL_DATA/h" --data-urlencode name=xu --data-urlencode 'password=password of xu 123' "$@" "$BASE/login"; }
no_session() { ! grep -qi '^Set-Cookie: qp_session=[^;]' "$PORTAL_DATA/h"; }
xs_post --data-urlencode "csrf=$FORM_CSRF" -H 'Origin: https://evil.example'
check "a sign-in POST with Origin: another site is refused (403), no session" bash -c '[ "$1" = 403 ]' _ "$CODE"
check "... and sets no session" no_session
xs_post --data-urlencode "csrf=$FORM_CSRF" -H 'Origin: null'
check "Origin: null is refused (403)" [ "$CODE" = 403 ]
xs_post --data-urlencode "csrf=$FORM_CSRF" -H 'Referer: https://evil.example/login'
check "no Origin but a Referer from another site is refused (403)" [ "$CODE" = 403 ]
xs_post --data-urlencode "csrf=$FORM_CSRF" -H "Referer: http://127.0.0.1.evil.example:$PORTAL_PORT/"
check "a Referer whose host only starts like ours is refused (403)" [ "$CODE" = 403 ]
xs_post --data-urlencode "csrf=$FORM_CSRF" -H "Origin: http://127.0.0.1@evil.example"
check "an Origin with our host before an @ is refused (403)" [ "$CODE" = 403 ]
xs_post
check "a sign-in form without its token is refused (403)" [ "$CODE" = 403 ]
check "... and sets no session" no_session
xs_post --data-urlencode "csrf=x$FORM_CSRF"
check "a sign-in form with a wrong token is refused (403)" [ "$CODE" = 403 ]
call -D "$PORTAL_DATA/h" --data-urlencode name=xu --data-urlencode 'password=password of xu 123' --data-urlencode "csrf=$FORM_CSRF" "$BASE/login"
check "the token without its cookie is refused (403)" [ "$CODE" = 403 ]
xs_post --data-urlencode "csrf=$FORM_CSRF" -H "Origin: $BASE" -H "Referer: $BASE/login"
check "the same sign-in from this site's own page works (303)" [ "$CODE" = 303 ]

# ---- timing: an unknown name costs what a wrong password costs ----------------------
login_form "$JARS/timing"
time_login() { # NAME: seconds for one failed sign-in (throttling reset first)
	sql "DELETE FROM login_failures"
	curl -s -o /dev/null -w '%{time_total}' -b "$JARS/timing" --data-urlencode "name=$1" \
		--data-urlencode 'password=not the password' --data-urlencode "csrf=$FORM_CSRF" "$BASE/login"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: >"$PORTAL_DATA/t-unknown"; : >"$PORTAL_DATA/t-known"
for i in $(seq 15); do
	echo "$(time_login "nobody-$i")" >>"$PORTAL_DATA/t-unknown"
	echo "$(time_login hosp)" >>"$PORTAL_DATA/t-known"
done
MU=$(median <"$PORTAL_DATA/t-unknown")
MK=$(median <"$PORTAL_DATA/t-known")
echo "# sign-in timing, median of 15: unknown name ${MU}s, known name with a wrong password ${MK}s"
check "an unknown name and a wrong password take alike (medians within 2x)" \
	awk -v u="$MU" -v k="$MK" 'BEGIN { exit !(u > 0 && k > 0 && u <= 2 * k && k <= 2 * u) }'
check "the failures were answered as failures, not throttled" \
	[ "$(status_of -b "$JARS/timing" --data-urlencode name=nobody-x --data-urlencode password=wrong --data-urlencode "csrf=$FORM_CSRF" "$BASE/login")" = 401 ]

# ---- CSRF for every method, in the dispatcher ---------------------------------------
api() { # METHOD PATH [JSON]: as admin
	local args=(-X "$1" -H "Authorization: Bearer $ADMIN")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
api POST enterprises '{"name":"北京朝阳仁和医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
ENT=$(jq -r .id <<<"$BODY")
api POST audits "{\"enterprise_id\":\"$ENT\",\"year\":2024}"
AUD=$(jq -r .id <<<"$BODY")
printf '北京朝阳仁和医院清洁生产审核报告\n' >"$PORTAL_DATA/report.txt"
upload "$ADMIN" "$PORTAL_DATA/report.txt" -F "case=audit:$AUD" -F doc_type=audit_report
DOC=$(jq -r .id <<<"$BODY")
check "a document linked to an audit (set-up)" [ "$CODE" = 202 ]
linked() { curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$DOC/cases" | jq -r '[.cases[].case] | join(",")'; }
check "set-up: linked" [ "$(linked)" = "audit:$AUD" ]
sign_in "$OPS" ops 'password of ops 123'
OPS_CSRF=$(curl -s -b "$OPS" "$BASE/account" | csrf_of)
call -b "$OPS" -X DELETE "$BASE/api/documents/$DOC/cases/audit:$AUD"
check "a session's DELETE of a link without X-CSRF-Token: 403" [ "$CODE" = 403 ]
check "... and the link is still there" [ "$(linked)" = "audit:$AUD" ]
call -b "$OPS" -X DELETE -H "X-CSRF-Token: wrong" "$BASE/api/documents/$DOC/cases/audit:$AUD"
check "... with a wrong X-CSRF-Token: 403, still linked" bash -c '[ "$1" = 403 ] && [ "$2" = "audit:$3" ]' _ "$CODE" "$(linked)" "$AUD"
call -b "$OPS" -X DELETE -H "X-CSRF-Token: $OPS_CSRF" -H "Origin: https://evil.example" "$BASE/api/documents/$DOC/cases/audit:$AUD"
check "... with the token but from another site: 403, still linked" bash -c '[ "$1" = 403 ] && [ "$2" = "audit:$3" ]' _ "$CODE" "$(linked)" "$AUD"
call -b "$OPS" -X DELETE -H "X-CSRF-Token: $OPS_CSRF" "$BASE/api/documents/$DOC/cases/audit:$AUD"
check "with the right X-CSRF-Token the session may unlink (200)" bash -c '[ "$1" = 200 ] && [ -z "$2" ]' _ "$CODE" "$(linked)"
call -b "$OPS" -X PATCH -H 'Content-Type: application/json' --data-binary '{"note":"x"}' "$BASE/api/audits/$AUD"
check "a session's PATCH without X-CSRF-Token: 403" [ "$CODE" = 403 ]
check "... and the record is unchanged" [ "$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/audits/$AUD" | jq -r '.note // ""')" = "" ]
call -b "$OPS" -H 'Content-Type: text/plain' --data-binary '{"enterprise_id":"x"}' "$BASE/api/audits"
check "a session's text/plain POST (a cross-site form can send one) without the header: 403" [ "$CODE" = 403 ]
call -b "$OPS" -H 'Content-Type: application/json' --data-binary '{"note":"y"}' -X PATCH -H "X-CSRF-Token: $OPS_CSRF" "$BASE/api/audits/$AUD"
check "the same PATCH with the header works" bash -c '[ "$1" = 200 ] && [ "$(jq -r .note <<<"$2")" = y ]' _ "$CODE" "$BODY"
call -b "$OPS" --data-urlencode year=2024 --data-urlencode audit_filing=2024-03-01 "$BASE/deadlines?year=2024"
check "a session's form POST without its csrf field: 403" [ "$CODE" = 403 ]
api POST "documents/$DOC/cases" "{\"case\":\"audit:$AUD\",\"role\":\"audit_report\"}"
check "bearer callers need no CSRF token: link again (200)" bash -c '[ "$1" = 200 ] && [ "$2" = "audit:$3" ]' _ "$CODE" "$(linked)" "$AUD"
api DELETE "documents/$DOC/cases/audit:$AUD"
check "... and unlink (200)" bash -c '[ "$1" = 200 ] && [ -z "$2" ]' _ "$CODE" "$(linked)"
