#!/usr/bin/env bash
# t0151-run-together.sh: Chinese typed without spaces finds documents that
# hold its words apart (query-words.h, issue #18). People type 环保部门核定
# or 医院节水措施 as one run; taken as typed, the run's every bigram must be
# in the document (部核, 门核, 院节, 水措), so only a document holding the
# run character for character matched. Split into words, each word must
# occur, as when the user puts the spaces in; a quoted run stays exact.
. "$(dirname "$0")/lib.sh"
start_instance

add() { # FILE TITLE TEXT: a public text document; its id in $DOC
	printf '%s\n\n%s\n' "$2" "$3" >"$PORTAL_DATA/$1"
	upload "$ADMIN" "$PORTAL_DATA/$1" -F visibility=public
	DOC=$(jq -r .id <<<"$BODY")
	[ -n "$DOC" ] && [ "$DOC" != null ] || bail "upload of $1 failed: $BODY"
	[ "$(wait_indexed "$DOC")" = indexed ] || bail "$1 not indexed"
}
add fee.txt "关于排污费征收的通知" "环保部门对企业的排污量进行核定，核定的过程中应当依据在线监测数据。"
FEE=$DOC
add hospital.txt "某医院清洁生产审核报告" "本院在门诊楼和病房推行节水，主要措施包括更换感应龙头和中水回用，年节水一万余吨。"
HOSP=$DOC
add other.txt "锅炉低氮改造方案" "燃气锅炉的氮氧化物排放限值与改造的技术路线。"

total() { # QUERY: how many documents match
	call -G --data-urlencode "q=$1" "$BASE/api/search"
	jq -r .total <<<"$BODY"
}
has() { # QUERY ID: ID among the hits
	call -G --data-urlencode "q=$1" "$BASE/api/search"
	jq -e --arg id "$2" 'any(.results[]; .id == $id)' <<<"$BODY" >/dev/null
}

check "环保部门核定 (one run) finds the notice that says 环保部门对…核定" has "环保部门核定" "$FEE"
check "排污量核定 finds it too" has "排污量核定" "$FEE"
check "核定过程 finds 核定的过程" has "核定过程" "$FEE"
check "门诊节水措施 finds the hospital's report (门诊 … 节水 … 措施)" has "门诊节水措施" "$HOSP"
check "the split words must all occur: 门诊节水措施 does not find the boiler plan" \
	[ "$(total "门诊节水措施")" = 1 ]
check "a quoted run stays exact: \"环保部门核定\" finds nothing" [ "$(total '"环保部门核定"')" = 0 ]
check "a run as the document writes it still finds it: 企业的排污量" has "企业的排污量" "$FEE"
