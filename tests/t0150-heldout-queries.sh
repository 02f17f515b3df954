#!/usr/bin/env bash
# t0150-heldout-queries.sh: queries as the held-out set types them
# (bench/relevance/heldout, issue #18) find the document that answers them
# first, through nginx: run-together words with colloquial question words
# (那个, 的, 啥) and business names the programme's table did not know
# (皮革厂, 殡仪馆, 白酒厂), grown from the industries the corpus' standards
# name. Taken word for word these queries find nothing at all (the typed
# word's bigrams 革厂, 那个, 的条 are in no document) or another standard
# first.
. "$(dirname "$0")/lib.sh"
start_instance

declare -A ID
add() { # NAME-PREFIX docs|programme
	upload "$ADMIN" "$(corpus_file "$1" "$2")" -F visibility=public
	ID[$1]=$(jq -r .id <<<"$BODY")
	[ -n "${ID[$1]}" ] && [ "${ID[$1]}" != null ] || bail "upload of $1 failed: $BODY"
}
# the answers and their nearest competitors: other discharge standards and
# other water-saving regulations
for d in d0378_ d0370_ d0346_ d0341_ d0376_ d0359_ d0358_ d0163_ d0311_ d0296_ d0122_; do
	add "$d" docs
done
for k in "${!ID[@]}"; do
	[ "$(wait_indexed "${ID[$k]}")" = indexed ] || bail "$k not indexed"
done

first() { # QUERY: the first hit's id (the first three files as a TAP comment)
	call -G --data-urlencode "q=$1" "$BASE/api/search"
	echo "# $1: $(jq -r '[.results[:3][].filename[0:16]] | join(", ")' <<<"$BODY")" >&2
	jq -r '.results[0].id' <<<"$BODY"
}

check "rules: 皮革厂废水排放限值 (one word) finds the 制革 discharge standard first" \
	[ "$(first '皮革厂废水排放限值')" = "${ID[d0378_]}" ]
check "rules: 白酒厂 污水 能直接排吗 finds the 白酒工业 discharge standard first" \
	[ "$(first '白酒厂 污水 能直接排吗')" = "${ID[d0376_]}" ]
check "rules: 殡仪馆 烟气 排放 要求 finds the 火葬场 standard first" \
	[ "$(first '殡仪馆 烟气 排放 要求')" = "${ID[d0359_]}" ]
check "known: 北京那个节水的条例 finds 北京市节水条例 first" \
	[ "$(first '北京那个节水的条例')" = "${ID[d0163_]}" ]
