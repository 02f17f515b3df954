#!/usr/bin/env bash
# t0037-similar-cases.sh: "similar cases" of an audit through nginx
# (GET /api/audits/ID/similar and the 相似案例 section of the case page).
# Two hospitals' audits that both reuse laundry water rank each other
# first, before a chemical plant's heat recovery; each case appears once
# and never itself. Only documents the caller may read take part or are
# shown, and a case the caller may not open is named by its kind only,
# never by its id or enterprise. Covers search.c (portal_similar_cases),
# xap.cc (pxap_similar_set) and cgi-bin/similar-cases.c.
. "$(dirname "$0")/lib.sh"
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
mk_ent() { api POST enterprises "{\"name\":\"$1\",\"credit_code\":\"$2\",\"sector\":\"$3\",\"industry\":\"$4\",\"district\":\"朝阳区\"}"; id; }
EA=$(mk_ent 北京仁和医院 91110105MA01A00012 services 医疗机构)
EB=$(mk_ent 北京康宁医院 93110112MA01C0003M services 医疗机构)
EC=$(mk_ent 北京海淀化工有限公司 91110108MA01B00028 industry 化工)
ED=$(mk_ent 北京安和医院 91110114MA01D0004K services 医疗机构)
audit() { api POST audits "{\"enterprise_id\":\"$1\",\"year\":2024}"; id; }
A=$(audit "$EA"); B=$(audit "$EB"); C=$(audit "$EC"); D=$(audit "$ED")
for v in "$A" "$B" "$C" "$D"; do [[ $v =~ ^a[0-9a-f]+$ ]] || bail "an audit was not created"; done
api POST experts '{"name":"王专家","user_name":"x1"}'; X=$(id)
ctl user add x1 --role expert >/dev/null
ctl user add ea --role enterprise --enterprise "$EA" >/dev/null
ctl user add ec --role enterprise --enterprise "$EC" >/dev/null
api POST "experts/$X/assignments" "{\"case\":\"audit:$A\"}"
[ "$CODE" = 201 ] || [ "$CODE" = 200 ] || bail "assign: $CODE $BODY"
X1=$(ctl token create x1); ENTA=$(ctl token create ea); ENTC=$(ctl token create ec)

WATER='洗衣房洗涤废水经过滤消毒后中水回用，用于冲厕和绿化，年节约新鲜水一万二千立方米；锅炉冷凝水回收。'
doc() { # NAME CASE VISIBILITY TEXT
	printf '%s清洁生产审核报告\n%s\n' "$1" "$4" >"$PORTAL_DATA/$1.txt"
	upload "$ADMIN" "$PORTAL_DATA/$1.txt" -F "case=audit:$2" -F "visibility=$3" -F doc_type=audit_report
	[ "$CODE" = 202 ] || bail "upload $1: $CODE $BODY"
	local d; d=$(id); [ "$(wait_indexed "$d")" = indexed ] || bail "$1 not indexed"; echo "$d"
}
DA=$(doc 仁和医院 "$A" restricted "本院$WATER")
DB=$(doc 康宁医院 "$B" public "我院$WATER病房改用节水龙头。")
DC=$(doc 海淀化工 "$C" public '反应釜余热回收发电，导热油炉改造，年节约标准煤八百吨；循环冷却水系统。')
DD=$(doc 安和医院 "$D" restricted "安和医院$WATER")
for v in "$DA" "$DB" "$DC" "$DD"; do [[ $v =~ ^d[0-9a-f]+$ ]] || bail "a document was not indexed: $v"; done

api GET "audits/$A/similar"
check "staff: similar cases answer 200" [ "$CODE" = 200 ]
check "staff: the other hospitals reusing laundry water come first (the chemical plant, if at all, after)" \
	[ "$(jq -c '[(.similar[:2] | map(.case) | sort), (.similar[2:] | map(.case) - ["audit:'"$C"'"])]' <<<"$BODY")" = \
	  "$(jq -nc --arg b "audit:$B" --arg d "audit:$D" '[([$b, $d] | sort), []]')" ]
check "staff: never the case itself, each case once" \
	[ "$(jq '[.similar[].case] | (index("audit:'"$A"'") == null) and (length == (unique | length))' <<<"$BODY")" = true ]
check "staff: each case named by its title and shown by its document" \
	[ "$(jq -r --arg d "$DB" '.similar[] | select(.document.id == $d) | .case_title' <<<"$BODY")" != "" ]

# The assigned expert reads A's documents and the public ones: D's
# restricted report neither takes part nor shows, and B's and C's cases,
# which it may not open, are named by their kind only.
api GET "audits/$A/similar" "" "$X1"
check "expert: 200 on its assigned case" [ "$CODE" = 200 ]
check "expert: B's public report first" [ "$(jq -r '.similar[0].document.id' <<<"$BODY")" = "$DB" ]
check "expert: no case id and no enterprise of cases it may not open" \
	[ "$(jq -c '[.similar[] | [.case, .case_title]] | unique' <<<"$BODY")" = '[[null,"审核案卷"]]' ]
check "expert: D's restricted document leaks nowhere in the answer" \
	eval '! grep -qF -e "$DD" -e 安和医院 -e "audit:$D" <<<"$BODY"'

api GET "audits/$A/similar" "" "$ENTC"
check "another enterprise may not ask about A's case (404)" [ "$CODE" = 404 ]
call "$BASE/api/audits/$A/similar"
check "anonymous: 401" [ "$CODE" = 401 ]
api GET "audits/$C/similar" "" "$ENTC"
check "the chemical plant's own case: other cases by kind only, no restricted document" \
	eval '[ "$(jq -c "[.similar[].case] | unique | map(select(. != null))" <<<"$BODY")" = "[]" ] &&
	      ! grep -qF -e "$DD" -e "$DA" <<<"$BODY"'

# The case page shows the section, with links to the cases the caller opens.
call -H "Authorization: Bearer $ADMIN" "$BASE/audits/$A"
check "staff's case page has a 相似案例 section linking to B's case" \
	grep -qF -e "<h2>相似案例</h2>" <<<"$BODY"
check "staff's case page links B's case and its document" \
	[ "$(grep -cF -e "href=\"/audits/$B\"" -e "href=\"/documents/$DB\"" <<<"$BODY")" -ge 1 ]
call -H "Authorization: Bearer $ENTA" "$BASE/audits/$A"
check "enterprise A's page: the section, without cases or documents it may not open" \
	eval 'grep -qF "<h2>相似案例</h2>" <<<"$BODY" && ! grep -qF -e 安和医院 -e "/audits/$B" -e "/audits/$D" <<<"$BODY"'
