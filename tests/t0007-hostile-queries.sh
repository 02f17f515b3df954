#!/usr/bin/env bash
# t0007-hostile-queries.sh: queries meant to hurt (very long, only
# operators, wildcard abuse, huge NEAR windows, SQL- and HTML-looking text,
# control characters) each answer quickly with a result or a clear 400, and
# nothing comes back unescaped. Query syntax that people use (AND/OR/NOT,
# quotes, field prefixes, year ranges) works. Covers search.c, xap.cc
# (parse fallback), cgi-bin/search.c (escaping), url.c.
. "$(dirname "$0")/lib.sh"
start_instance

printf '清洁生产审核报告\n北京某医院节水改造，2014 年完成中水回用，节约能源。\n' >"$PORTAL_DATA/a.txt"
printf '印刷业清洁生产审核指南\n印刷企业 VOCs 治理与节能。\n' >"$PORTAL_DATA/b.txt"
for f in a b; do
	upload "$ADMIN" "$PORTAL_DATA/$f.txt" -F visibility=public -F doc_type=$([ $f = a ] && echo audit_report || echo guideline)
	eval "ID_$f=\$(jq -r .id <<<\"\$BODY\")"
done
wait_indexed "$ID_a" >/dev/null; wait_indexed "$ID_b" >/dev/null

# q ANSWER-OK DESCRIPTION: the query answers 200 or a 400 with a message,
# within 2 seconds, and the HTML page reflects nothing unescaped.
q() {
	local query=$1 desc=$2 t0 t1
	t0=$(date +%s%N)
	call -G --data-urlencode "q=$query" "$BASE/api/search"
	t1=$(date +%s%N)
	local ms=$(( (t1 - t0) / 1000000 ))
	if { [ "$CODE" = 200 ] && jq -e .total <<<"$BODY" >/dev/null; } ||
	   { [ "$CODE" = 400 ] && [ -n "$(jq -r '.error.message // empty' <<<"$BODY")" ]; }; then
		ok "$desc answers $CODE ($ms ms)"
	else
		not_ok "$desc answered $CODE: ${BODY:0:200}"
	fi
	call -G --data-urlencode "q=$query" "$BASE/search"
	# the page's own scripts (/static/*.js) are not the query's
	check "$desc: the HTML page escapes it" bash -c \
		'! sed -E "s#<script src=\"/static/[a-z-]+\.js\" defer></script>##g" <<<"$1" | grep -qiE "<script|<img"' _ "$BODY"
}
q "$(printf '节水%.0s' $(seq 300))" "a very long query (300 words)"
q "AND OR NOT AND OR ( ) \" - + ~" "only operators"
q "((((((((((((((((((((节水" "unbalanced brackets"
q '"节水 改造' "an unbalanced quote"
q "节* 清* a* b* c* d* e* f*" "wildcard abuse"
q "节水 NEAR/100000 改造" "NEAR/100000"
q "'; DROP TABLE documents; --" "SQL-looking text"
q "<script>alert(1)</script><img src=x onerror=alert(2)>" "HTML-looking text"
q "$(printf 'a\tb\x01c\x7f')" "control characters"
q "title:" "an empty field prefix"
q "year:2099..1900" "a reversed year range"

# What people use works.
ids() { call -H "Authorization: Bearer $ADMIN" -G --data-urlencode "q=$1" "$BASE/api/search"; jq -r '.results[].id' <<<"$BODY" | sort | tr '\n' ' '; }
both=$(printf '%s\n' "$ID_a" "$ID_b" | sort | tr '\n' ' ')
check "AND narrows" [ "$(ids '清洁生产 AND 医院')" = "$ID_a " ]
check "OR widens" [ "$(ids '医院 OR 印刷')" = "$both" ]
check "NOT excludes" [ "$(ids '清洁生产 NOT 医院')" = "$ID_b " ]
check "a quoted phrase" [ "$(ids '"中水回用"')" = "$ID_a " ]
check "title: searches titles only" [ "$(ids 'title:指南')" = "$ID_b " ]
check "type: filters by kind" [ "$(ids 'type:audit_report 清洁生产')" = "$ID_a " ]
check "an unbalanced quote still finds" [ "$(ids '"中水回用')" = "$ID_a " ]
call "$BASE/api/search?q=x"
check "the server still answers" [ "$CODE" = 200 ]

# Domain synonyms: 节能 finds 节约能源; the admin's additions work at once.
check "a synonym from the shipped list widens the search (节能 ~ 节约能源)" [ "$(ids '节能')" = "$both" ]
check "a term without synonyms is unchanged" [ "$(ids '中水回用')" = "$ID_a " ]
# (医疗机构 ~ 医院 is in the shipped list now: 杏林 is not)
check "the shipped list has 医疗机构 ~ 医院" [ "$(ids '医疗机构')" = "$ID_a " ]
check "before the admin adds it, 杏林 does not find the hospital" [ "$(ids '杏林')" = "" ]
"$TOP/portal" ctl synonym add 杏林 医院 >/dev/null
check "after 'portalctl synonym add 杏林 医院' it does" [ "$(ids '杏林')" = "$ID_a " ]
check "a synonym group refuses brackets" bash -c '! "$1/portal" ctl synonym add "a(" b 2>/dev/null' _ "$TOP"
