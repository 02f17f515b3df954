#!/usr/bin/env bash
# t0033-search-page.sh: the search page (GET /search, ui_search in
# cgi-bin/search.c) and the industry vocabulary (src/facts/industry.c).
# Four public texts name their industry in two spellings each (所属行业：
# 医疗卫生 / 医疗机构, 化学原料和化学制品制造 / 化工), uploaded a second
# apart so that their upload times differ.
# Checks: the industry facet has one value per industry (the canonical
# one), and a filter given in an alias (the industry parameter or the
# industry: query field) finds the documents of the canonical value; sort=date lists newest first (API and page); the page
# has exactly one <h1>, naming the query; the count is in Chinese; the sort
# control marks the current order and links the other; each active filter
# is a chip whose × link is the same search without that filter (and the
# other filters kept); the facets come after the results in the page, one
# <details> per group; a case filter's chip names the case for staff, and
# only its kind and number for anonymous visitors; the frame's skip link
# and <main id="main">.
# Covers: cgi-bin/search.c (ui_search and its parts), src/search/search.c
# (filter folding), src/search/index.c, src/facts/meta.c, industry.c,
# src/web/ui-shared.c (frame).
. "$(dirname "$0")/lib.sh"
start_instance

TMP=$PORTAL_DATA/t0033
mkdir -p "$TMP"
doc() { # FILE TITLE INDUSTRY UNIT
	printf '%s\n\n单位名称：%s\n所属行业：%s\n编制日期：2015年3月1日\n\n一、企业概况\n%s开展清洁生产审核，实施节水改造和能源计量。\n二、审核结论\n节水改造方案已经实施，效果良好。\n' \
		"$2" "$4" "$3" "$4" >"$TMP/$1"
}
doc a.txt 北京甲医院清洁生产审核报告 医疗卫生 北京甲医院
doc b.txt 北京乙医院清洁生产审核报告 医疗机构 北京乙医院
doc c.txt 北京丙化学有限公司清洁生产审核报告 化学原料和化学制品制造 北京丙化学有限公司
doc d.txt 北京丁化工有限公司清洁生产审核报告 化工 北京丁化工有限公司

declare -A ID
for k in a b c d; do
	upload "$ADMIN" "$TMP/$k.txt" -F visibility=public
	[ "$CODE" = 202 ] || bail "upload $k: $CODE $BODY"
	ID[$k]=$(jq -r .id <<<"$BODY")
	[ $k = d ] || sleep 1.1	# distinct upload times (seconds) for sort=date
done
for k in a b c d; do
	check "document $k indexed" [ "$(wait_indexed "${ID[$k]}")" = indexed ]
done

# ---- the industry vocabulary ----------------------------------------------------
call -G "$BASE/api/search" --data-urlencode "q=节水改造"
FACET=$(jq -c '.facets.industry' <<<"$BODY")
check "industry facet has one value per industry: 医疗机构 2, 化工 2 ($FACET)" \
	[ "$(jq -c 'to_entries | sort_by(.key)' <<<"$FACET")" = '[{"key":"化工","value":2},{"key":"医疗机构","value":2}]' ]
ids_of() { curl -s -G "$BASE/api/search" --data-urlencode "q=节水改造" --data-urlencode "$1" | jq -r '.results[].id' | sort | tr '\n' ' '; }
want_ab=$(printf '%s\n' "${ID[a]}" "${ID[b]}" | sort | tr '\n' ' ')
want_cd=$(printf '%s\n' "${ID[c]}" "${ID[d]}" | sort | tr '\n' ' ')
check "industry=医疗卫生 (an alias) finds both hospitals" [ "$(ids_of industry=医疗卫生)" = "$want_ab" ]
check "industry=医疗机构 finds both hospitals" [ "$(ids_of industry=医疗机构)" = "$want_ab" ]
check "industry=化学原料和化学制品制造 (an alias) finds both chemical firms" \
	[ "$(ids_of industry=化学原料和化学制品制造)" = "$want_cd" ]
check "industry=化工行业 folds too" [ "$(ids_of industry=化工行业)" = "$want_cd" ]
q_ids() { curl -s -G "$BASE/api/search" --data-urlencode "q=$1" | jq -r '.results[].id' | sort | tr '\n' ' '; }
check "the query field industry:医疗卫生 folds too" [ "$(q_ids "节水改造 industry:医疗卫生")" = "$want_ab" ]
check "(industry:化学原料和化学制品制造) folds too" [ "$(q_ids "节水改造 (industry:化学原料和化学制品制造)")" = "$want_cd" ]
call -G "$BASE/api/documents/${ID[a]}" -H "Authorization: Bearer $ADMIN"
check "the document's own metadata says 医疗机构" [ "$(jq -r .metadata.industry <<<"$BODY")" = 医疗机构 ]

# ---- sort=date --------------------------------------------------------------------
newest="${ID[d]} ${ID[c]} ${ID[b]} ${ID[a]} "
got=$(curl -s -G "$BASE/api/search" --data-urlencode "q=节水改造" --data sort=date | jq -r '.results[].id' | tr '\n' ' ')
check "API sort=date: newest first ($got)" [ "$got" = "$newest" ]
page() { call -G "$BASE/search" "$@"; }
hit_ids() { grep -o 'class="hit"><a class="title" href="/documents/[^"]*"' <<<"$BODY" | sed 's|.*/documents/||; s|"$||' | tr '\n' ' '; }
page --data-urlencode "q=节水改造" --data sort=date
check "page sort=date answers 200" [ "$CODE" = 200 ]
check "page sort=date lists newest first" [ "$(hit_ids)" = "$newest" ]
check "page sort=date marks 最新 as the current order" \
	grep -q '<a aria-current="true" href="[^"]*sort=date[^"]*">最新</a>' <<<"$BODY"

# ---- the page -----------------------------------------------------------------------
page --data-urlencode "q=节水改造"
check "one <h1> on the results page" [ "$(grep -o '<h1[ >]' <<<"$BODY" | wc -l)" = 1 ]
check "the <h1> names the query" grep -q '<h1 id="results-h">“节水改造”的搜索结果</h1>' <<<"$BODY"
check "the count is in Chinese: 共 4 篇文档" grep -q '<p class="total"[^>]*>共 4 篇文档</p>' <<<"$BODY"
check "relevance is the current order, 最新 links sort=date" \
	grep -q '<a aria-current="true" href="[^"]*">相关度</a><a href="/search?q=[^"]*&amp;sort=date">最新</a>' <<<"$BODY"
check "no chips without filters" bash -c '! grep -q "class=\"chips\"" <<<"$1"' _ "$BODY"
hits_at=$(grep -bo '<ol class="hits">' <<<"$BODY" | head -n1 | cut -d: -f1)
facets_at=$(grep -bo '<aside class="facets"' <<<"$BODY" | head -n1 | cut -d: -f1)
check "the facets come after the results in the page" [ -n "$hits_at" ] && [ -n "$facets_at" ] && [ "$facets_at" -gt "$hits_at" ]
check "one <details> per facet group, the industry one among them" \
	grep -q '<details><summary>行业</summary>' <<<"$BODY"
check "a facet link names the industry with its count in Chinese" \
	grep -q '>医疗机构 <span class="count">2 篇</span></a>' <<<"$BODY"
check "the frame starts with a skip link to #main" grep -q '<body><a class="skip" href="#main">跳到正文</a>' <<<"$BODY"
check "the frame's <main> has id main" grep -q '<main id="main">' <<<"$BODY"
check "the frame's search box has a label" grep -q '<label for="site-q"[^>]*>搜索文档</label>' <<<"$BODY"

# ---- chips ---------------------------------------------------------------------------
page --data-urlencode "q=节水改造" --data-urlencode "industry=医疗卫生" --data year=2015 --data sort=date
check "filtered page answers 200" [ "$CODE" = 200 ]
check "filtered page: 共 2 篇文档" grep -q '>共 2 篇文档</p>' <<<"$BODY"
check "the industry chip shows the canonical name" grep -q '<span>行业：医疗机构</span>' <<<"$BODY"
check "the year chip" grep -q '<span>年份：2015</span>' <<<"$BODY"
check "the open facet group is the filtered one" grep -q '<details open><summary>行业</summary>' <<<"$BODY"
chip_href() { # TITLE: the × link of the chip TITLE：…
	grep -o "<span>$1：[^<]*</span><a class=\"remove\" href=\"[^\"]*\"" <<<"$BODY" | sed 's/.*href="//; s/"$//; s/&amp;/\&/g'
}
HREF=$(chip_href 行业)
check "the industry chip's × link drops industry, keeps q, year and sort ($HREF)" \
	bash -c '[[ $1 == /search\?* && $1 != *industry=* && $1 == *q=* && $1 == *year=2015* && $1 == *sort=date* ]]' _ "$HREF"
check "the chip's × link has an accessible name" \
	grep -q 'aria-label="取消条件 行业：医疗机构"' <<<"$BODY"
check "two chips and a 清除全部条件 link" grep -q '>清除全部条件</a>' <<<"$BODY"
call "$BASE$HREF"
check "following the × link: 200" [ "$CODE" = 200 ]
check "following the × link: the industry chip is gone, the year chip stays" \
	bash -c '! grep -q "<span>行业：" <<<"$1" && grep -q "<span>年份：2015</span>" <<<"$1"' _ "$BODY"
check "following the × link: all 4 documents again" grep -q '>共 4 篇文档</p>' <<<"$BODY"
page --data-urlencode "q=没有这个词语的文档" 
check "no hits: 没有找到文档, one <h1>" bash -c 'grep -q ">没有找到文档</p>" <<<"$1" && [ "$(grep -o "<h1[ >]" <<<"$1" | wc -l)" = 1 ]' _ "$BODY"
page
check "no query: the <h1> is 全部文档" grep -q '<h1 id="results-h">全部文档</h1>' <<<"$BODY"

# ---- a case filter's chip names the case, for those who may see it -----------------
call -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' --data-binary \
	'{"name":"北京甲医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}' \
	"$BASE/api/enterprises"
E=$(jq -r .id <<<"$BODY")
call -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' --data-binary \
	"{\"enterprise_id\":\"$E\",\"year\":2015}" "$BASE/api/audits"
AUD=$(jq -r .id <<<"$BODY")
[ -n "$AUD" ] && [ "$AUD" != null ] || bail "audit not created: $BODY"
call -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' --data-binary \
	"{\"case\":\"audit:$AUD\",\"role\":\"audit_report\"}" "$BASE/api/documents/${ID[a]}/cases"
[ "$CODE" = 200 ] || [ "$CODE" = 201 ] || bail "link: $CODE $BODY"
for _ in $(seq 100); do	# the link reaches the index with the document's next job
	[ "$(search_ids "" "$ADMIN" "case=audit:$AUD")" = "${ID[a]}" ] && break
	sleep 0.1
done
call -H "Authorization: Bearer $ADMIN" -G "$BASE/search" --data-urlencode "case=audit:$AUD"
check "staff: the case chip names the case" grep -q '<span>案卷：北京甲医院 2015年审核</span>' <<<"$BODY"
check "staff: the case filter finds the linked document" [ "$(hit_ids)" = "${ID[a]} " ]
page --data-urlencode "case=audit:$AUD"
check "anonymous: the case chip gives no name and no id, only the kind" \
	bash -c 'grep -qF "<span>案卷：审核案卷</span>" <<<"$1" && ! grep -qF "$2" <<<"$(sed "s/<[^>]*>//g" <<<"$1")"' _ "$BODY" "$AUD"
