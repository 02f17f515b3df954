#!/usr/bin/env bash
# t0117-search-normalize.sh: words written several ways find each other
# through nginx (issue #18; src/facts/fold.c, quantity.c, src/search/synonyms.c):
#  - traditional and simplified characters: 環境保護 finds a document saying
#    环境保护 and 环境保护 one saying 環境保護, each snippet in the document's
#    own characters (the index and the query are folded, the text is not);
#  - figures with units: 2543.1 吨标准煤 finds the report that says
#    综合能耗2543.1tce (programme/p027), 1907800 元 its 190.78万元, and not
#    the other report that has figures in 万元 and tce (p036);
#  - the synonym list grown from the corpus: COD finds a text that says only
#    化学需氧量.
# The two short notices are written here (no traditional document is in the
# corpus); the report is the corpus's own.
. "$(dirname "$0")/lib.sh"
start_instance

printf '香港環境保護署通告\n\n本署推動清潔生產伙伴計劃，協助港資工廠提升環境表現，節約能源及減少廢物。\n' \
	>"$PORTAL_DATA/trad.txt"
printf '北京市环境保护局通知\n\n各区环境保护部门应督促企业开展清洁生产审核。\n' >"$PORTAL_DATA/simp.txt"
printf '某厂废水监测说明\n\n本厂外排废水中化学需氧量的日均浓度低于排放限值。\n' >"$PORTAL_DATA/water.txt"

put() {
	upload "$ADMIN" "$1" -F visibility=public
	local id
	id=$(jq -r .id <<<"$BODY")
	[ "$(wait_indexed "$id")" = indexed ] || bail "$1 not indexed"
	echo "$id"
}
TRAD=$(put "$PORTAL_DATA/trad.txt")
SIMP=$(put "$PORTAL_DATA/simp.txt")
WATER=$(put "$PORTAL_DATA/water.txt")
P027=$(put "$(corpus_file p027_ programme)")
P036=$(put "$(corpus_file p036_ programme)")	# another report: 投资304.96万元, 857.4tce

# search Q: sets BODY to the API's answer
search() { call -G --data-urlencode "q=$1" --data per_page=20 "$BASE/api/search"; }
snippet_of() { jq -r --arg id "$1" '.results[] | select(.id == $id) | .snippet' <<<"$BODY"; }

search '環境保護'
check "a traditional query (環境保護) finds the simplified document" has "$SIMP" < <(jq -r '.results[].id' <<<"$BODY")
check "... and the traditional one" has "$TRAD" < <(jq -r '.results[].id' <<<"$BODY")
snippet_of "$SIMP" | grep -qF '<mark>环境保护</mark>' && ok "its snippet marks the document's own 环境保护" ||
	not_ok "its snippet marks the document's own 环境保护 (got: $(snippet_of "$SIMP"))"

search '环境保护'
check "a simplified query (环境保护) finds the traditional document" has "$TRAD" < <(jq -r '.results[].id' <<<"$BODY")
snippet_of "$TRAD" | grep -qF '<mark>環境保護</mark>' && ok "its snippet shows and marks 環境保護 as written" ||
	not_ok "its snippet shows and marks 環境保護 as written (got: $(snippet_of "$TRAD"))"
check "the title keeps the document's characters" \
	[ "$(jq -r --arg id "$TRAD" '.results[] | select(.id == $id) | .title' <<<"$BODY")" = 香港環境保護署通告 ]

search '清潔生產審核'
check "清潔生產審核 finds the notice that says 清洁生产审核" has "$SIMP" < <(jq -r '.results[].id' <<<"$BODY")

search '2543.1 吨标准煤'
check "a figure quoted with another unit (2543.1 吨标准煤) finds the report (2543.1tce) first" \
	[ "$(jq -r '.results[0].id' <<<"$BODY")" = "$P027" ]
snippet_of "$P027" | grep -qF '<mark>2543.1</mark>tce' && ok "its snippet marks the figure" ||
	not_ok "its snippet marks the figure (got: $(snippet_of "$P027"))"
search '1907800 元'
check "1907800 元 finds the report's 190.78万元, and only it" [ "$(jq -r '[.results[].id] | join(" ")' <<<"$BODY")" = "$P027" ]
search '2543.1 吨'
check "2543.1 吨 (tonnes) finds the figure in tce too, and only it" \
	[ "$(jq -r '[.results[].id] | join(" ")' <<<"$BODY")" = "$P027" ]
search '综合能耗 857.4 吨标煤'
check "综合能耗 857.4 吨标煤 ranks the other report first" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$P036" ]

search 'COD'
check "COD finds the text that says only 化学需氧量 (the grown synonym list)" has "$WATER" < <(jq -r '.results[].id' <<<"$BODY")
search '化学需氧量'
check "... and 化学需氧量 still finds it" has "$WATER" < <(jq -r '.results[].id' <<<"$BODY")

# The HTML search page shows the same snippet, escaped and marked.
call -G --data-urlencode "q=环境保护" "$BASE/search"
check "the search page shows the traditional snippet" grep -qF '<mark>環境保護</mark>' <<<"$BODY"
