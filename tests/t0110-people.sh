#!/usr/bin/env bash
# t0110-people.sh: staff manage users (/admin/users, /api/users) and make a
# year's enterprise accounts in bulk (portalctl users from-year, the page's
# CSV upload, POST /api/users/from-year), through real nginx.
#
# Covers users-ui.c, accounts.c, users-csv.c, session.c's password by an
# actor: every role against every new write (anonymous 401; enterprise,
# agency and expert 403; staff may manage everyone but admins; admin may
# manage admins), organisations by name, disable ending tokens, reset
# ending sessions and tokens, one-time passwords that sign in, shown once
# and stored only as argon2id hashes, the audit log naming who did it.
. "$(dirname "$0")/lib.sh"
start_instance

DB=$PORTAL_DATA/index/portal.db
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
declare -A TOK=([admin]=$ADMIN)

cat >"$PORTAL_DATA/year.csv" <<CSV
kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
audit,2030,北京甲医院,91110105MA01A00012,services,医疗机构,朝阳区,北京新锐咨询有限公司,,
audit,2030,北京乙酒店,91110108MA01B00028,services,宾馆饭店,海淀区,北京新锐咨询有限公司,,
audit,2030,"北京丙印刷厂,二分厂",91110106MA01C00036,industry,印刷,丰台区,,,
CSV
ctl load-year "$PORTAL_DATA/year.csv" >/dev/null || bail "load-year failed"
EA=$(sql "SELECT id FROM enterprises WHERE credit_code = '91110105MA01A00012'")
G=$(sql "SELECT id FROM agencies WHERE name = '北京新锐咨询有限公司'")
[ -n "$EA" ] && [ -n "$G" ] || bail "fixtures missing"
ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add agg --role agency --agency "$G" >/dev/null
ctl user add expx --role expert >/dev/null
ctl user add staff --role staff >/dev/null
ctl user add admin2 --role admin >/dev/null
for u in enta agg expx staff; do TOK[$u]=$(ctl token create "$u") || bail "no token for $u"; done

# as ROLE METHOD PATH [JSON]: one API call; sets CODE and BODY.
as() {
	local role=$1 m=$2 p=$3 auth=()
	[ "$role" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$role]}")
	if [ $# -ge 4 ]; then
		call "${auth[@]}" -X "$m" -H 'Content-Type: application/json' --data-binary "$4" "$BASE/api/$p"
	else
		call "${auth[@]}" -X "$m" "$BASE/api/$p"
	fi
}
users_count() { sql "SELECT count(*) FROM users"; }

# ---- who may write: every role against every new write ------------------------
N0=$(users_count)
for role in anon enta agg expx; do
	want=403; [ $role = anon ] && want=401
	as $role POST users '{"name":"x-'$role'","role":"expert"}'
	check "$role may not create a user ($want)" [ "$CODE" = $want ]
	for a in disable enable reset; do
		as $role POST "users/enta/$a"
		check "$role may not $a a user ($want)" [ "$CODE" = $want ]
	done
	call ${TOK[$role]:+-H "Authorization: Bearer ${TOK[$role]}"} -H 'Content-Type: text/csv' \
		--data-binary @"$PORTAL_DATA/year.csv" "$BASE/api/users/from-year"
	check "$role may not make accounts in bulk ($want)" [ "$CODE" = $want ]
	as $role GET users
	check "$role may not list users ($want)" [ "$CODE" = $want ]
done
check "nothing was created by the refused calls" [ "$(users_count)" = "$N0" ]
check "enta's token still works after the refused disable" \
	bash -c '[ "$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: Bearer $1" "$2/api/search?q=x")" = 200 ]' _ "${TOK[enta]}" "$BASE"

as staff POST users '{"name":"坏管理员","role":"admin"}'
check "staff may not create an admin (403)" [ "$CODE" = 403 ]
for a in disable enable reset; do
	as staff POST "users/admin2/$a"
	check "staff may not $a an admin (403)" [ "$CODE" = 403 ]
done
check "admin2 untouched" [ "$(sql "SELECT disabled_at IS NULL AND password_hash IS NULL FROM users WHERE name = 'admin2'")" = 1 ]

# ---- staff create, disable, enable, reset ---------------------------------------
as staff POST users '{"name":"甲医院二号","role":"enterprise","enterprise":"北京甲医院"}'
check "staff create an enterprise user, the enterprise chosen by name (201)" [ "$CODE" = 201 ]
PW=$(json .password <<<"$BODY")
check "a one-time password comes back" [ ${#PW} -ge 12 ]
check "the enterprise is stored by id" [ "$(sql "SELECT enterprise_id FROM users WHERE name = '甲医院二号'")" = "$EA" ]
check "only the hash is stored (argon2id)" \
	bash -c '[[ "$1" == \$argon2id\$* ]] && [[ "$1" != *"$2"* ]]' _ "$(sql "SELECT password_hash FROM users WHERE name = '甲医院二号'")" "$PW"
sign_in "$PORTAL_DATA/jar1" 甲医院二号 "$PW"
check "the one-time password signs in (303)" [ "$CODE" = 303 ]
as staff POST users '{"name":"甲医院二号","role":"expert"}'
check "a taken name is refused (409)" [ "$CODE" = 409 ]
as staff POST users '{"name":"无企业","role":"enterprise","enterprise":"不存在的企业"}'
check "an unknown enterprise is refused (400)" [ "$CODE" = 400 ]
as staff POST users '{"name":"顾问","role":"agency","agency":"北京新锐咨询有限公司"}'
check "staff create an agency user by the agency's name (201)" [ "$CODE" = 201 ]
as staff POST users '{"name":"同事","role":"staff"}'
check "staff may create staff (201)" [ "$CODE" = 201 ]

as staff GET users
check "the list names the organisation, not its id" \
	bash -c 'jq -e ".users[] | select(.name == \"甲医院二号\") | .organisation == \"北京甲医院\" and .role_label == \"企业\" and .status == \"active\"" <<<"$1" >/dev/null' _ "$BODY"
check "the agency user's organisation is the agency's name" \
	bash -c 'jq -e ".users[] | select(.name == \"顾问\") | .organisation == \"北京新锐咨询有限公司\"" <<<"$1" >/dev/null' _ "$BODY"

TOK[e2]=$(ctl token create 甲医院二号)
as staff POST "users/甲医院二号/disable"
check "staff disable an enterprise user (200)" [ "$CODE" = 200 ]
as e2 GET saved-searches
check "the disabled user's token stops working (401)" [ "$CODE" = 401 ]
call -b "$PORTAL_DATA/jar1" "$BASE/account"
check "the disabled user's session ends (sent to sign in)" [ "$CODE" = 303 ]
sign_in "$PORTAL_DATA/jar2" 甲医院二号 "$PW"
check "the disabled user cannot sign in" [ "$CODE" != 303 ]
as staff GET users
check "the list shows the user disabled" \
	bash -c 'jq -e ".users[] | select(.name == \"甲医院二号\") | .status == \"disabled\"" <<<"$1" >/dev/null' _ "$BODY"
as staff POST "users/甲医院二号/enable"
check "staff enable the user again (200)" [ "$CODE" = 200 ]
sign_in "$PORTAL_DATA/jar2" 甲医院二号 "$PW"
check "enabled, the user signs in again" [ "$CODE" = 303 ]
TOK[e2]=$(ctl token create 甲医院二号)
as staff POST "users/甲医院二号/reset"
check "staff reset a password (200)" [ "$CODE" = 200 ]
PW2=$(json .password <<<"$BODY")
check "a new one-time password, not the old one" bash -c '[ ${#1} -ge 12 ] && [ "$1" != "$2" ]' _ "$PW2" "$PW"
as e2 GET saved-searches
check "the reset revoked the user's tokens (401)" [ "$CODE" = 401 ]
call -b "$PORTAL_DATA/jar2" "$BASE/account"
check "the reset ended the user's sessions" [ "$CODE" = 303 ]
sign_in "$PORTAL_DATA/jar3" 甲医院二号 "$PW"
check "the old password no longer signs in" [ "$CODE" != 303 ]
sign_in "$PORTAL_DATA/jar3" 甲医院二号 "$PW2"
check "the new password signs in" [ "$CODE" = 303 ]
as staff POST "users/staff/disable"
check "staff cannot disable themselves (409)" [ "$CODE" = 409 ]
as staff POST "users/nobody/reset"
check "an unknown user is 404" [ "$CODE" = 404 ]

as admin POST users '{"name":"第二管理员","role":"admin"}'
check "admin may create an admin (201)" [ "$CODE" = 201 ]
as admin POST "users/admin2/reset"
check "admin may reset an admin (200)" [ "$CODE" = 200 ]
as admin POST "users/admin2/disable"
check "admin may disable an admin (200)" [ "$CODE" = 200 ]

STAFF_ID=$(sql "SELECT id FROM users WHERE name = 'staff'")
E2_ID=$(sql "SELECT id FROM users WHERE name = '甲医院二号'")
check "the audit log has each change by staff" [ "$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_log
	WHERE user_id = $STAFF_ID AND object = 'user:$E2_ID' AND action IN ('user_create','password_set','user_disable','user_enable','password_reset') ORDER BY id)")" = \
	"user_create password_set user_disable user_enable password_reset" ]

# ---- the page, as a browser with a session --------------------------------------
ctl user passwd staff <<<"staff-password-1" || bail "no staff password"
TOK[staff]=$(ctl token create staff)
sign_in "$PORTAL_DATA/staff" staff staff-password-1
[ "$CODE" = 303 ] || bail "staff cannot sign in"
call -b "$PORTAL_DATA/staff" "$BASE/admin/users"
check "GET /admin/users shows users with organisation names (200)" \
	bash -c '[ "$1" = 200 ] && grep -qF "<td>北京甲医院</td>" <<<"$2" && grep -qF "工作人员" <<<"$2" && grep -qF "已停用" <<<"$2"' _ "$CODE" "$BODY"
check "staff are not offered the admin role" bash -c '! grep -qF "value=\"admin\"" <<<"$1"' _ "$BODY"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' <<<"$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" --data-urlencode action=create --data-urlencode name=表单用户 \
	--data-urlencode role=enterprise --data-urlencode enterprise=北京乙酒店 --data-urlencode "csrf=$CSRF" "$BASE/admin/users"
check "the form creates a user and shows the password once (200, no-store)" \
	bash -c '[ "$1" = 200 ] && grep -q "class=\"password\">[A-Za-z0-9]\{12\}<" <<<"$2"' _ "$CODE" "$BODY"
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" --data-urlencode action=create --data-urlencode name=无令牌 \
	--data-urlencode role=expert "$BASE/admin/users"
check "a form without its CSRF token is refused (403)" [ "$CODE" = 403 ]
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" --data-urlencode action=disable --data-urlencode name=表单用户 \
	--data-urlencode "csrf=$CSRF" "$BASE/admin/users"
check "the form disables a user (303)" [ "$CODE" = 303 ]
check "表单用户 is disabled" [ "$(sql "SELECT disabled_at IS NOT NULL FROM users WHERE name = '表单用户'")" = 1 ]
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" --data-urlencode action=reset --data-urlencode name=第二管理员 \
	--data-urlencode "csrf=$CSRF" "$BASE/admin/users"
check "the form refuses staff resetting an admin (403)" [ "$CODE" = 403 ]

# ---- bulk accounts ---------------------------------------------------------------
ctl users from-year "$PORTAL_DATA/year.csv" >"$PORTAL_DATA/accounts.csv" 2>"$PORTAL_DATA/err"
check "portalctl users from-year exits 0" [ $? = 0 ]
check "it prints the CSV header" [ "$(head -n1 "$PORTAL_DATA/accounts.csv")" = "name,enterprise,password" ]
# 甲医院 has enta and 甲医院二号, 乙酒店 has 表单用户: only 丙 is new
check "one account for the one enterprise without one" [ "$(tail -n +2 "$PORTAL_DATA/accounts.csv" | wc -l)" = 1 ]
check "a name with a comma is quoted" grep -q '^"北京丙印刷厂,二分厂","北京丙印刷厂,二分厂",[A-Za-z0-9]\{12\}$' "$PORTAL_DATA/accounts.csv"
BPW=$(tail -n1 "$PORTAL_DATA/accounts.csv" | sed 's/.*,//')
sign_in "$PORTAL_DATA/jar4" "北京丙印刷厂,二分厂" "$BPW"
check "the bulk password signs in" [ "$CODE" = 303 ]
call -b "$PORTAL_DATA/jar4" "$BASE/account"
check "its account page names the enterprise and the role, not ids" \
	bash -c 'grep -qF "\">北京丙印刷厂,二分厂</a></td>" <<<"$1" && grep -qF "<th>角色</th><td>企业</td>" <<<"$1" && grep -qF "/account/alerts" <<<"$1"' _ "$BODY"
check "its hash is argon2id and not the password" \
	bash -c '[[ "$1" == \$argon2id\$* ]] && [[ "$1" != *"$2"* ]]' _ "$(sql "SELECT password_hash FROM users WHERE name = '北京丙印刷厂,二分厂'")" "$BPW"
check "the bulk user is the enterprise's" [ "$(sql "SELECT role || ' ' || (enterprise_id = e.id) FROM users, enterprises e WHERE users.name = '北京丙印刷厂,二分厂' AND e.credit_code = '91110106MA01C00036'")" = "enterprise 1" ]
check "the password is nowhere in the database" [ "$(sql "SELECT count(*) FROM audit_log WHERE detail LIKE '%$BPW%'")" = 0 ]
ctl users from-year "$PORTAL_DATA/year.csv" >"$PORTAL_DATA/again.csv" 2>/dev/null
check "a second run makes none (shown once)" [ "$(wc -l <"$PORTAL_DATA/again.csv")" = 1 ]

cat >"$PORTAL_DATA/more.csv" <<CSV
kind,year,enterprise,credit_code,sector,industry,district,agency,project,round
audit,2031,北京丁数据中心,91110105MA01D0004J,services,数据中心,朝阳区,,,
audit,2031,北京戊学校,91110108MA01E0005Q,services,教育,海淀区,,,
CSV
quiet ctl load-year "$PORTAL_DATA/more.csv" || bail "load-year more failed"
echo 'audit,2031,未登记企业,91110108MA01Z99999,services,教育,海淀区,,,' >>"$PORTAL_DATA/more.csv"
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" -F "csrf=$CSRF" -F "file=@$PORTAL_DATA/more.csv;type=text/csv" \
	-F format=csv "$BASE/admin/users/from-year"
check "the page's upload answers a CSV to hand out (200)" \
	bash -c '[ "$1" = 200 ] && [ "$(grep -c "^北京[丁戊]" <<<"$2")" = 2 ]' _ "$CODE" "$BODY"
DPW=$(grep '^北京丁数据中心' <<<"$BODY" | sed 's/.*,//' | tr -d '\r')
sign_in "$PORTAL_DATA/jar5" 北京丁数据中心 "$DPW"
check "a password from the page's CSV signs in" [ "$CODE" = 303 ]
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" -F "csrf=$CSRF" -F "file=@$PORTAL_DATA/more.csv;type=text/csv" \
	-F format=page "$BASE/admin/users/from-year"
check "the same upload again makes none; the unregistered one is counted" \
	bash -c '[ "$1" = 200 ] && grep -qF "新开通 0 个账户；2 家企业已有账户；1 个" <<<"$2"' _ "$CODE" "$BODY"
call -b "$PORTAL_DATA/staff" -H "Origin: $BASE" -F "file=@$PORTAL_DATA/more.csv;type=text/csv" "$BASE/admin/users/from-year"
check "the upload without its CSRF token is refused (403)" [ "$CODE" = 403 ]
printf 'a,b\n1,2\n' >"$PORTAL_DATA/bad.csv"
call -H "Authorization: Bearer ${TOK[staff]}" -H 'Content-Type: text/csv' --data-binary @"$PORTAL_DATA/bad.csv" "$BASE/api/users/from-year"
check "a CSV that is not load-year's is refused (400)" [ "$CODE" = 400 ]
