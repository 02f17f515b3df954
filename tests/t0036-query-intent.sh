#!/usr/bin/env bash
# t0036-query-intent.sh: queries typed as questions find the document that
# answers them first, through nginx (issue #18, src/search/intent.c): one
# query of each kind of bench/relevance/queries.tsv. Question words weigh
# nothing, everyday business names become the words and industries of the
# programme (汽车配件厂 -> 汽车零部件, 制药厂 -> 医药制造, 洗衣房 -> 洗染,
# 印染厂 -> 纺织染整), and what the question asks for (the rules, how others
# did it) favours the document types that answer it. Corpus documents; each
# query has competitors here that rank first when the query is taken
# word for word (PORTAL_INTENT=0 shows it).
. "$(dirname "$0")/lib.sh"
start_instance

declare -A ID
add() { # NAME-PREFIX docs|programme
	upload "$ADMIN" "$(corpus_file "$1" "$2")" -F visibility=public
	ID[$1]=$(jq -r .id <<<"$BODY")
	[ -n "${ID[$1]}" ] && [ "${ID[$1]}" != null ] || bail "upload of $1 failed: $BODY"
}
for p in p016_ p009_ p055_ p038_ p023_ p024_ p051_ p045_; do add "$p" programme; done
for d in d0011_ d0108_ d0145_ d0346_ d0351_ d0389_; do add "$d" docs; done
for k in "${!ID[@]}"; do
	[ "$(wait_indexed "${ID[$k]}")" = indexed ] || bail "$k not indexed"
done

first() { # QUERY: the first hit's id (the first three files as a TAP comment)
	call -G --data-urlencode "q=$1" "$BASE/api/search"
	echo "# $1: $(jq -r '[.results[:3][].filename[0:16]] | join(", ")' <<<"$BODY")" >&2
	jq -r '.results[0].id' <<<"$BODY"
}

# rules: the evaluation indicator system of the industry, not the audit
# guides and notices that say 清洁生产 and 评价 more often
check "rules: 汽车配件厂 清洁生产 怎么评价 finds the 汽车零部件制造业 indicator system first" \
	[ "$(first '汽车配件厂 清洁生产 怎么评价')" = "${ID[p016_]}" ]
# cases: the pharmaceutical plant's MVR project, not the energy-saving
# regulations that say 节能 hundreds of times
check "cases: 制药厂 蒸发 浓缩 节能 finds the MVR evaporation project first" \
	[ "$(first '制药厂 蒸发 浓缩 节能')" = "${ID[p023_]}" ]
# figures: a question for a limit in mg/L names the business, not the
# standard: the textile dyeing standard, not the general limits
check "figures: 印染厂 标准 多少 毫克 finds the 纺织染整 discharge standard first" \
	[ "$(first '印染厂 标准 多少 毫克')" = "${ID[d0389_]}" ]
# known item: the laundry's feasibility study, by its kind of business
check "known: 洗衣房 可研报告 finds the laundry's feasibility study first" \
	[ "$(first '洗衣房 可研报告')" = "${ID[p024_]}" ]

# Question words alone do not empty the query, and queries for the engine
# are left as typed.
call -G --data-urlencode "q=怎么" "$BASE/api/search"
check "a query of question words only answers 200" [ "$CODE" = 200 ]
call -G --data-urlencode "q=GB 4287" "$BASE/api/search"
check "a standard number still finds its standard first" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "${ID[d0389_]}" ]
