#!/usr/bin/env bash
# t0145-search-values.sh: ranges, bounds and years in a query are values,
# not text, through nginx (issue #18; src/facts/quantity.c, years.c,
# src/search/search.c value_terms()):
#  - a range (300-500吨标准煤), a bound (超过/不低于/不超过/低于 100万元), an
#    approximate figure (约 320 吨) find the documents whose figures fall in
#    it, both sides of each boundary, when the query is only a figure;
#  - with other words the range ranks, it does not filter;
#  - years (2014年, 2013-2015年, 十二五) favour documents of those years,
#    and 京发改[2014]123 still finds its document number.
# Four short reports (their years from their dates; the one of 2016 names
# 2014 as its base year) are written here.
. "$(dirname "$0")/lib.sh"
start_instance

report() { # FILE TITLE BODY
	printf '%s\n\n%s\n' "$2" "$3" >"$PORTAL_DATA/$1"
}
report a.txt "甲厂节能改造项目验收报告" "报告日期：2014年5月19日
本项目于2014年5月19日通过验收。年节约标准煤 320 吨，年节电 5.6万千瓦时，总投资 150 万元。"
report b.txt "乙厂余热回收项目验收报告" "报告日期：2016年6月1日
以2014年为基准年，本项目于2016年6月1日通过验收。年节约标准煤 501 吨，总投资 80 万元。"
report c.txt "丙厂照明改造项目验收报告" "报告日期：2012年3月2日
本项目于2012年3月2日通过验收。年节约标准煤 299 吨，总投资 100 万元。"
report d.txt "丁厂电机变频项目验收报告" "报告日期：2015年9月8日
本项目于2015年9月8日通过验收。年节约标准煤 500 吨，总投资 1000 万元。"
report e.txt "关于清洁生产审核的通知" "京发改〔2014〕123号 各区发展改革委：请组织开展清洁生产审核。"

put() {
	upload "$ADMIN" "$PORTAL_DATA/$1" -F visibility=public
	local id
	id=$(jq -r .id <<<"$BODY")
	[ "$(wait_indexed "$id")" = indexed ] || bail "$1 not indexed"
	echo "$id"
}
A=$(put a.txt) B=$(put b.txt) C=$(put c.txt) D=$(put d.txt) E=$(put e.txt)
name() { # the letters of the ids on stdin, sorted: "A D"
	sed -e "s/^$A\$/A/" -e "s/^$B\$/B/" -e "s/^$C\$/C/" -e "s/^$D\$/D/" -e "s/^$E\$/E/" | sort | paste -sd' '
}
search() { call -G --data-urlencode "q=$1" --data per_page=20 "$BASE/api/search"; }
found() { search "$1"; jq -r '.results[].id' <<<"$BODY" | name; }
top() { search "$1"; jq -r ".results[:$2][].id" <<<"$BODY" | name; }
is() { # DESCRIPTION GOT WANT
	[ "$2" = "$3" ] && ok "$1" || not_ok "$1 (got: '$2', want: '$3')"
}

# Only a figure: the range is what matches; 299 and 501 are out, 300 and 500 in.
is "300-500吨标准煤 finds 320 and 500, not 299 or 501" "$(found '300-500吨标准煤')" "A D"
is "300～500 tce alike" "$(found '300～500 tce')" "A D"
is "299到320吨标准煤 finds 299 and 320" "$(found '299到320吨标准煤')" "A C"
is "full-width ３００－５０１吨标准煤 finds 320, 500 and 501" "$(found '３００－５０１吨标准煤')" "A B D"
is "超过 100万元 leaves 100万 out" "$(found '超过 100万元')" "A D"
is "不低于 100万元 takes 100万 in" "$(found '不低于 100万元')" "A C D"
is "100万元以上 as 不低于" "$(found '100万元以上')" "A C D"
is "不超过 100万元" "$(found '不超过 100万元')" "B C"
is "低于 100万元 leaves 100万 out" "$(found '低于 100万元')" "B"
is "约 320 吨标准煤: 299 and 320 are about it, 500 is not" "$(found '约 320 吨标准煤')" "A C"
search '约 320 吨标准煤'
is "... the exact figure first" "$(jq -r '.results[0].id' <<<"$BODY" | name)" "A"
is "50000-60000 kWh finds 5.6万千瓦时" "$(found '50000-60000 kWh')" "A"

# With words: every report matches them; the range ranks, never filters.
is "验收报告 节约标准煤 300-500吨 finds every report" "$(found '验收报告 节约标准煤 300-500吨')" "A B C D"
is "... those in the range first" "$(top '验收报告 节约标准煤 300-500吨' 2)" "A D"
is "验收报告 投资 超过 100万元: those above first" "$(top '验收报告 投资 超过 100万元' 2)" "A D"

# Years: the documents' own year, not the digits.
is "2014年 alone finds the report of 2014, not the one that names 2014 as its base year" "$(found '2014年')" "A"
is "2014年 验收报告 ranks it first" "$(top '2014年 验收报告' 1)" "A"
is "... and still finds the others" "$(found '2014年 验收报告')" "A B C D"
is "2013-2015年 验收报告: 2014 and 2015 first" "$(top '2013-2015年 验收报告' 2)" "A D"
is "2015-2016年 验收报告: 2015 and 2016 first" "$(top '2015-2016年 验收报告' 2)" "B D"
is "十二五 验收报告: 2012, 2014, 2015 first" "$(top '十二五 验收报告' 3)" "A C D"
is "京发改[2014]123 still finds its document number" "$(top '京发改[2014]123' 1)" "E"
