#!/usr/bin/env bash
# t0103-record-pages.sh: the HTML pages for records through real nginx:
# lists, the new-record form with Chinese validation messages, creating,
# a record page with its checklist and transition forms, a refused
# transition shown on the page, reports and typical units; records chosen
# by name (datalists, the suggest endpoint), codes in Chinese. Covers
# records-ui.c, report-ui.c, records-names.c, labels.c.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off
H=(-H "Authorization: Bearer $ADMIN")
form() { call "${H[@]}" -X POST --data-urlencode "$@"; }

call "${H[@]}" "$BASE/enterprises/new"
check "new-enterprise form answers 200" [ "$CODE" = 200 ]
check "the form has the credit code field" grep -qF 'name="credit_code"' <<<"$BODY"
call "${H[@]}" -X POST --data-urlencode name=某医院 --data-urlencode credit_code=91110105MA01A00013 \
	--data-urlencode sector=services --data-urlencode industry=医疗机构 --data-urlencode district=朝阳区 "$BASE/enterprises"
check "a bad credit code shows the form again (422) with a Chinese message" \
	bash -c '[ "$1" = 422 ] && grep -qF "不是有效的统一社会信用代码" <<<"$2" && grep -qF "value=\"某医院\"" <<<"$2"' _ "$CODE" "$BODY"
call "${H[@]}" -D "$PORTAL_DATA/h" -X POST --data-urlencode name=某医院 --data-urlencode credit_code=91110105MA01A00012 \
	--data-urlencode sector=services --data-urlencode industry=医疗机构 --data-urlencode district=朝阳区 "$BASE/enterprises"
check "a good form redirects (303) to the new record" [ "$CODE" = 303 ]
E=$(sed -n 's|^Location: /enterprises/\([^[:space:]]*\).*|\1|ip' "$PORTAL_DATA/h")
call "${H[@]}" "$BASE/enterprises"
check "the list shows the enterprise" grep -qF "/enterprises/$E" <<<"$BODY"
call "${H[@]}" -D "$PORTAL_DATA/h" -X POST --data-urlencode enterprise_id="$E" --data-urlencode year=2024 "$BASE/audits"
A=$(sed -n 's|^Location: /audits/\([^[:space:]]*\).*|\1|ip' "$PORTAL_DATA/h")
call "${H[@]}" "$BASE/audits/$A"
check "the audit page offers the move to 已备案" grep -qF '转为：已备案' <<<"$BODY"
check "the audit page names its enterprise, linked, instead of showing its id" \
	bash -c 'grep -qF "<a href=\"/enterprises/$2\">某医院</a>" <<<"$1" && ! grep -qF ">$2<" <<<"$1"' _ "$BODY" "$E"
check "its history reads as sentences, not JSON" \
	bash -c 'grep -qF "<td>创建</td>" <<<"$1" && grep -qF "企业：某医院；年度：2024" <<<"$1" && ! grep -qF "{&quot;" <<<"$1"' _ "$BODY"
check "its history is in Beijing time, not a UTC stamp" \
	bash -c 'grep -qE "<td>20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}</td>" <<<"$1" && ! grep -qE "[0-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" <<<"$1"' _ "$BODY"
call "${H[@]}" -X POST --data-urlencode to=submitted --data-urlencode report_date=2024-05-01 "$BASE/audits/$A/transitions"
check "a refused move shows the rule on the page (409)" \
	bash -c '[ "$1" = 409 ] && grep -qF "审核报告须在合同和备案登记表提交之后提交" <<<"$2"' _ "$CODE" "$BODY"
call "${H[@]}" "$BASE/audits?state=listed"
check "the audit list filters by state" grep -qF "/audits/$A" <<<"$BODY"
call -D "$PORTAL_DATA/h" "$BASE/audits?state=listed"
check "anonymous visitors are sent to sign in and back (303)" bash -c '[ "$1" = 303 ] &&
	grep -qiF "Location: /login?next=/audits%3Fstate%3Dlisted" "$2"' _ "$CODE" "$PORTAL_DATA/h"
call -X POST --data-urlencode name=匿名 "$BASE/enterprises"
check "an anonymous form is refused with 401" [ "$CODE" = 401 ]
check "the 401 page says 需要登录 and offers a sign-in that returns here" \
	bash -c 'grep -qF "<h1>需要登录</h1>" <<<"$1" && grep -qF "/login?next=%2Fenterprises" <<<"$1"' _ "$BODY"
call "$BASE/typical-units?year=2024"
check "typical units page is public" [ "$CODE" = 200 ]
call "${H[@]}" "$BASE/overdue?year=2024&as_of=2024-03-15"
check "overdue page lists the unfiled audit" grep -qF "/audits/$A" <<<"$BODY"
call "${H[@]}" "$BASE/reports/scoreboard?year=2024"
check "scoreboard page answers" [ "$CODE" = 200 ]
# Names, not ids: choosing an enterprise, an agency or an expert by name
# (a <datalist> of names, mapped back to the id on posting); the suggest
# endpoint answers only what the caller may see; codes read in Chinese.
call "${H[@]}" "$BASE/audits/new"
check "the new-audit form offers enterprises by name in a datalist" bash -c 'grep -qF "list=\"names-enterprise_id\"" <<<"$1" &&
	grep -qF "<option value=\"某医院\"></option>" <<<"$1"' _ "$BODY"
call "${H[@]}" -D "$PORTAL_DATA/h" -X POST --data-urlencode enterprise_id=某医院 --data-urlencode year=2025 "$BASE/audits"
check "an audit is created with the enterprise chosen by name (303)" [ "$CODE" = 303 ]
A2=$(sed -n 's|^Location: /audits/\([^[:space:]]*\).*|\1|ip' "$PORTAL_DATA/h")
check "and refers to that enterprise" [ "$(curl -s "${H[@]}" "$BASE/api/audits/$A2" | jq -r .enterprise_id)" = "$E" ]
call "${H[@]}" -X POST --data-urlencode enterprise_id=不存在的单位 --data-urlencode year=2025 "$BASE/audits"
check "an unknown name is refused (422) in Chinese only, the typed name kept" bash -c '[ "$1" = 422 ] &&
	grep -qF "找不到名为“不存在的单位”的企业，请从列表中选择。</p>" <<<"$2" && grep -qF "value=\"不存在的单位\"" <<<"$2"' _ "$CODE" "$BODY"
call "${H[@]}" -X POST --data-urlencode name=某医院 --data-urlencode credit_code=91110105MA01A00025 \
	--data-urlencode sector=services --data-urlencode industry=医疗机构 --data-urlencode district=朝阳区 "$BASE/enterprises"
call "${H[@]}" -X POST --data-urlencode enterprise_id=某医院 --data-urlencode year=2026 "$BASE/audits"
check "a name two enterprises share is refused (422) and asks for the credit code" bash -c '[ "$1" = 422 ] &&
	grep -qF "有多个名为“某医院”的企业" <<<"$2" && grep -qF "value=\"某医院\"" <<<"$2"' _ "$CODE" "$BODY"
call "${H[@]}" -D "$PORTAL_DATA/h" -X POST --data-urlencode enterprise_id="$E" --data-urlencode year=2026 "$BASE/audits"
check "a plain id still works (303)" [ "$CODE" = 303 ]
call "${H[@]}" -X POST -H 'Content-Type: application/json' -d '{"name":"李明","specialties":"services,医疗机构"}' "$BASE/api/experts"
X=$(jq -r .id <<<"$BODY")
call "${H[@]}" "$BASE/audits/$A2"
check "the audit page picks the expert by name, roles in Chinese" bash -c 'grep -qF "list=\"names-expert\"" <<<"$1" &&
	grep -qF "<option value=\"李明\"></option>" <<<"$1" && grep -qF "<option value=\"evaluator\">评估专家</option>" <<<"$1"' _ "$BODY"
call "${H[@]}" -X POST --data-urlencode expert=李明 --data-urlencode role=evaluator "$BASE/audits/$A2/assignments"
check "指派专家 by name (303)" [ "$CODE" = 303 ]
call "${H[@]}" "$BASE/audits/$A2"
check "the page lists the expert by name and role; the history names the expert" bash -c 'grep -qF "<li>李明 · 评估专家</li>" <<<"$1" &&
	grep -qF "专家：李明；角色：评估专家" <<<"$1" && ! grep -qF "$2" <<<"$1"' _ "$BODY" "$X"
call "${H[@]}" -X POST --data-urlencode expert=王五 "$BASE/audits/$A2/assignments"
check "an unknown expert is refused (422), what was typed kept" bash -c '[ "$1" = 422 ] &&
	grep -qF "找不到名为“王五”的专家" <<<"$2" && grep -qF "value=\"王五\"" <<<"$2"' _ "$CODE" "$BODY"
call "${H[@]}" "$BASE/experts/$X"
check "specialties read in Chinese (服务业)" bash -c 'grep -qF "服务业、医疗机构" <<<"$1" && ! grep -qF ">services" <<<"$1"' _ "$BODY"
call "${H[@]}" "$BASE/audits"
check "list filters are menus with Chinese labels" bash -c 'grep -qF "<option value=\"listed\">已列入名单</option>" <<<"$1" &&
	grep -qF "<option value=\"$2\">某医院</option>" <<<"$1" && grep -qF "<option value=\"\">全部</option>" <<<"$1"' _ "$BODY" "$E"
"$TOP/portal" ctl user add hosp2 --role enterprise --enterprise "$E" >/dev/null
HT=$("$TOP/portal" ctl token create hosp2)
call "${H[@]}" "$BASE/api/suggest?kind=enterprise&q=医院"
check "suggest: staff see both enterprises named 某医院" [ "$(jq length <<<"$BODY")" = 2 ]
call -H "Authorization: Bearer $HT" "$BASE/api/suggest?kind=enterprise&q=医院"
check "suggest: an enterprise user sees only its own" [ "$(jq -c '[.[] | .id]' <<<"$BODY")" = "[\"$E\"]" ]
call -H "Authorization: Bearer $HT" "$BASE/api/suggest?kind=case"
check "suggest: cases come as kind:id with their names, only the caller's" bash -c '[ "$(jq -r "[.[].id | startswith(\"audit:\")] | all" <<<"$1")" = true ] &&
	[ "$(jq length <<<"$1")" -ge 2 ] && [ "$(jq -r ".[0].name" <<<"$1")" != null ]' _ "$BODY"
call -H "Authorization: Bearer $HT" "$BASE/api/suggest?kind=expert"
check "suggest: an enterprise user sees no experts" [ "$BODY" = "[]" ]
call "${H[@]}" "$BASE/api/suggest?kind=user"
check "suggest: an unknown kind is 400" [ "$CODE" = 400 ]
call "$BASE/api/suggest?kind=enterprise"
check "suggest: anonymous is 401" [ "$CODE" = 401 ]
if command -v tidy >/dev/null; then
	call "${H[@]}" "$BASE/audits/$A"
	check "the record page is valid HTML (tidy)" bash -c 'tidy -q -e <<<"$1" 2>&1 | grep -q "Error:" && exit 1 || exit 0' _ "$BODY"
fi
