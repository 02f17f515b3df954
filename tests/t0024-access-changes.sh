#!/usr/bin/env bash
# t0024-access-changes.sh: every write that changes who may see a document
# reaches search within 5 seconds, through real nginx: the old viewer loses
# the document (its unique word finds and counts nothing; neither a shared
# search nor the HTML results show its id, title or snippet) and the new
# viewer gains it; an unrelated enterprise's user never sees it. One check
# each for: an expert record's user_name; an expert assignment; a case's
# enterprise (while listed without a reason, once filed only with one); an
# audit's agency; a link and an unlink; an enterprise's credit code (users
# carrying it as their enterprise id). Last, a document whose links change
# many times while the indexer is busy ends as its final links say, also
# when a change lands while the document's own job is running.
# Covers records.c (rec_reindex_documents), records-expert.c (expert_assign),
# records-link.c (link_add, link_remove, requeue), docs.c
# (docs_access_groups, docs_queue_reindex), the indexer's job handling.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

ctl() { "$TOP/portal" ctl "$@"; }
api() { # METHOD PATH [JSON [TOKEN]]: sets CODE and BODY
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
must() { # WHAT STATUS: the last call answered STATUS, or bail
	[ "$CODE" = "$2" ] || bail "$1: $CODE $BODY"
}
ms() { echo $(($(date +%s%N) / 1000000)); }
credit() { # 17 characters: the code with its GB 32100-2015 check character
	local cs=0123456789ABCDEFGHJKLMNPQRTUWXY w=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28) s=0 i p
	for i in $(seq 0 16); do p=${cs%%"${1:i:1}"*}; s=$((s + ${#p} * w[i])); done
	echo "$1${cs:$(((31 - s % 31) % 31)):1}"
}

# ---- records -------------------------------------------------------------------
api POST agencies '{"name":"甲方咨询","year":2024}'; must agency 201; G0=$(id)
api POST agencies '{"name":"乙方咨询","year":2024}'; must agency 201; G1=$(id)
api POST agencies '{"name":"丙方咨询","year":2024}'; must agency 201; G2=$(id)
declare -A ENT CODE_OF
n=0
for k in A B C G L K X R O; do
	n=$((n + 1))
	CODE_OF[$k]=$(credit "9111010${n}MA01Q000$n")
	api POST enterprises "{\"name\":\"访问测试企业$k\",\"credit_code\":\"${CODE_OF[$k]}\",\"sector\":\"services\",\"industry\":\"医疗机构\",\"district\":\"朝阳区\"}"
	must "enterprise $k" 201
	ENT[$k]=$(id)
done
K2=$(credit 91110199MA01Q0099)	# the code E_K is given later
audit() { # ENTERPRISE YEAR [AGENCY]: a listed audit's id
	api POST audits "{\"enterprise_id\":\"$1\",\"year\":$2${3:+,\"agency_id\":\"$3\"}}"
	must "audit of $1" 201
	id
}
AX=$(audit "${ENT[X]}" 2023)	# 1: the expert's case
AY=$(audit "${ENT[X]}" 2024)	# 2: the case an expert is assigned to
A3=$(audit "${ENT[A]}" 2024 "$G0")	# 3: its enterprise changes, A -> B -> C
A4=$(audit "${ENT[G]}" 2024 "$G1")	# 4: its agency changes, G1 -> G2
A5=$(audit "${ENT[L]}" 2024)	# 5: a document is linked and unlinked
A6=$(audit "${ENT[K]}" 2024)	# 6: its enterprise's credit code changes
A7=$(audit "${ENT[R]}" 2024)	# 7: links changed many times
api POST experts '{"name":"许工","user_name":"x1"}'; must expert 201; X1=$(id)
api POST experts '{"name":"杨工","user_name":"y1"}'; must expert 201; Y1=$(id)
api POST "experts/$X1/assignments" "{\"case\":\"audit:$AX\"}"; must assignment 200

# ---- users: each sees documents only through the field under test -------------------
ctl user add s1 --role staff >/dev/null
for u in x1 x2 y1; do ctl user add $u --role expert >/dev/null; done
for k in A B C L R O; do ctl user add "u$k" --role enterprise --enterprise "${ENT[$k]}" >/dev/null; done
ctl user add ukold --role enterprise --enterprise "${CODE_OF[K]}" >/dev/null
ctl user add uknew --role enterprise --enterprise "$K2" >/dev/null
ctl user add g1u --role agency --agency "$G1" >/dev/null
ctl user add g2u --role agency --agency "$G2" >/dev/null
declare -A TOK
for u in s1 x1 x2 y1 uA uB uC uL uR uO ukold uknew g1u g2u; do TOK[$u]=$(ctl token create $u) || bail "token $u"; done

# ---- documents, uploaded by staff: a shared paragraph, a unique word, a unique title ---
SHARED='访问变更共同段落：企业开展能源审计，实施节能降耗方案。'
declare -A DOC WORD TITLE
add() { # KEY UNIQUE-WORD [CASE]
	WORD[$1]=$2
	TITLE[$1]="变更测试-$1-标题"
	printf '%s\n%s 专属内容：%s。\n' "$SHARED" "$1" "$2" >"$PORTAL_DATA/$1.txt"
	upload "${TOK[s1]}" "$PORTAL_DATA/$1.txt" -F "title=${TITLE[$1]}" -F doc_type=other ${3:+-F "case=$3"}
	must "upload $1" 202
	DOC[$1]=$(id)
}
add d1 琥珀色冷凝器 "audit:$AX"
add d2 翡翠色换热器 "audit:$AY"
add d3 玛瑙色除尘器 "audit:$A3"
add d4 珊瑚色脱硫塔 "audit:$A4"
add d5 象牙色沉淀池
add d6 紫檀色过滤网 "audit:$A6"
add d7 青铜色冷却塔
for k in d1 d2 d3 d4 d5 d6 d7; do
	[ "$(wait_indexed "${DOC[$k]}")" = indexed ] || bail "$k not indexed"
done

# ---- what a viewer sees ------------------------------------------------------------
texts() { jq -r '.. | strings' <<<"$1" 2>/dev/null; }	# every string in a JSON answer
# sees USER KEY: the unique word finds KEY's document, once.
sees() {
	call -H "Authorization: Bearer ${TOK[$1]}" -G --data-urlencode "q=${WORD[$2]}" --data per_page=100 "$BASE/api/search"
	[ "$CODE" = 200 ] && [ "$(jq -c '[.total, [.results[].id]]' <<<"$BODY")" = "[1,[\"${DOC[$2]}\"]]" ]
}
# none USER KEY: the unique word finds and counts nothing.
none() {
	call -H "Authorization: Bearer ${TOK[$1]}" -G --data-urlencode "q=${WORD[$2]}" --data per_page=100 "$BASE/api/search"
	[ "$CODE" = 200 ] && [ "$(jq -c '[.total, (.results|length), .facets.doc_type]' <<<"$BODY")" = '[0,0,{}]' ]
}
# blind USER KEY: none, and neither a search for the shared paragraph (API)
# nor the HTML results for the unique word show its id, word or title.
blind() {
	local d=${DOC[$2]} w=${WORD[$2]} t=${TITLE[$2]} auth=(-H "Authorization: Bearer ${TOK[$1]}")
	none "$1" "$2" || return 1
	call "${auth[@]}" -G --data-urlencode "q=能源审计" --data per_page=100 "$BASE/api/search"
	[ "$CODE" = 200 ] && ! texts "$BODY" | grep -qF -e "$d" -e "$w" -e "$t" || return 1
	call "${auth[@]}" -G --data-urlencode "q=$w" "$BASE/search"
	[ "$CODE" = 200 ] && ! grep -qF -e "$d" -e "$t" <<<"$BODY"
}
# within COMMAND...: poll every 0.1 s until it holds, as long as a try
# starts before END (ms); WAITED is the time since T0, the change.
within() {
	local t
	while :; do
		t=$(ms)
		[ "$t" -le "$END" ] || { WAITED=$((t - T0)); return 1; }
		"$@" && { WAITED=$((t - T0)); return 0; }
		sleep 0.1
	done
}
changed() { T0=$(ms); END=$((T0 + 5000)); }
# before WHAT KEY OLD NEW: the state before the change: OLD sees KEY's
# document, NEW and uO do not (OLD or NEW "-": nobody).
before() {
	local good=1 d="$1: before,"
	[ "$3" = - ] || { sees "$3" "$2" || good=0; d="$d $3 sees $2,"; }
	[ "$4" = - ] || { none "$4" "$2" || good=0; d="$d $4 does not see $2,"; }
	none uO "$2" || good=0
	check "$d uO does not see $2" [ $good = 1 ]
}
# after WHAT KEY OLD NEW: within 5 s of the change OLD loses KEY's document
# and NEW gains it; the unrelated uO never sees it. LOSES and GAINS name
# the checks (blind and sees unless set).
after() {
	if [ "$3" != - ]; then
		if within "${LOSES:-blind}" "$3" "$2"; then ok "$1: $3 loses $2 ($WAITED ms)"
		else not_ok "$1: $3 still sees $2 after $WAITED ms"; fi
	fi
	if [ "$4" != - ]; then
		if within "${GAINS:-sees}" "$4" "$2"; then ok "$1: $4 gains $2 ($WAITED ms)"
		else not_ok "$1: $4 does not see $2 after $WAITED ms"; fi
	fi
	check "$1: uO (another enterprise) does not see $2" blind uO "$2"
}

# ---- 1. an expert record's user_name ---------------------------------------------
W="expert user_name x1 -> x2"
before "$W" d1 x1 x2
api PATCH "experts/$X1" '{"user_name":"x2"}'; changed
check "$W: PATCH answers 200" [ "$CODE" = 200 ]
after "$W" d1 x1 x2

# ---- 2. an expert assignment (there is no unassignment endpoint) -------------------
W="expert y1 assigned to the case"
before "$W" d2 - y1
api POST "experts/$Y1/assignments" "{\"case\":\"audit:$AY\"}"; changed
check "$W: POST answers 200" [ "$CODE" = 200 ]
after "$W" d2 - y1
check "$W: x2, an expert of another case, does not see d2" blind x2 d2

# ---- 3. a case's enterprise: while listed, then once filed (a correction) ----------
W="listed audit's enterprise A -> B, no reason"
before "$W" d3 uA uB
api PATCH "audits/$A3" "{\"enterprise_id\":\"${ENT[B]}\"}"; changed
check "$W: PATCH answers 200" [ "$CODE" = 200 ]
after "$W" d3 uA uB
api POST "audits/$A3/transitions" '{"to":"filed","contract_date":"2024-01-20","registration_date":"2024-02-10"}'
must "file audit 3" 200
api PATCH "audits/$A3" "{\"enterprise_id\":\"${ENT[C]}\"}"
check "filed audit's enterprise without a reason: 409 fixed_field" \
	[ "$CODE $(jq -r .error.code <<<"$BODY")" = "409 fixed_field" ]
api GET "audits/$A3"
check "…and the audit keeps enterprise B" [ "$(jq -r .enterprise_id <<<"$BODY")" = "${ENT[B]}" ]
W="filed audit's enterprise B -> C, with a reason"
before "$W" d3 uB uC
api PATCH "audits/$A3" "{\"enterprise_id\":\"${ENT[C]}\",\"reason\":\"名单录入错误，更正企业\"}"; changed
check "$W: PATCH answers 200" [ "$CODE" = 200 ]
after "$W" d3 uB uC

# ---- 4. an audit's agency -----------------------------------------------------------
W="audit's agency G1 -> G2"
before "$W" d4 g1u g2u
api PATCH "audits/$A4" "{\"agency_id\":\"$G2\"}"; changed
check "$W: PATCH answers 200" [ "$CODE" = 200 ]
after "$W" d4 g1u g2u

# ---- 5. a link and an unlink --------------------------------------------------------
W="staff links d5 to enterprise L's audit"
before "$W" d5 - uL
api POST "documents/${DOC[d5]}/cases" "{\"case\":\"audit:$A5\"}" "${TOK[s1]}"; changed
check "$W: POST answers 200" [ "$CODE" = 200 ]
after "$W" d5 - uL
W="staff unlinks d5 from it"
before "$W" d5 uL -
api DELETE "documents/${DOC[d5]}/cases/audit:$A5" "" "${TOK[s1]}"; changed
check "$W: DELETE answers 200" [ "$CODE" = 200 ]
after "$W" d5 uL -

# ---- 6. an enterprise's credit code, carried by users as their enterprise id ---------
W="enterprise K's credit code changed"
before "$W" d6 ukold uknew
api PATCH "enterprises/${ENT[K]}" "{\"credit_code\":\"$K2\"}"; changed
check "$W: PATCH answers 200" [ "$CODE" = 200 ]
after "$W" d6 ukold uknew

# ---- 7. changed while running -----------------------------------------------------------
D7=${DOC[d7]}
link7() { api POST "documents/$D7/cases" "{\"case\":\"audit:$A7\"}" "${TOK[s1]}"; must "link d7" 200; }
unlink7() { api DELETE "documents/$D7/cases/audit:$A7" "" "${TOK[s1]}"; must "unlink d7" 200; }
busy() { # ROUND N: N uploads for the indexer to work on
	local i
	for i in $(seq "$2"); do
		printf '%s\n填充文档 %s-%s，内容各不相同。\n' "$SHARED" "$1" "$i" >"$PORTAL_DATA/fill.txt"
		upload "${TOK[s1]}" "$PORTAL_DATA/fill.txt"; must "filler $1-$i" 202
	done
}
db7() { # SQL: its answer, from the instance's database (d7's id is '$D7')
	sqlite3 -cmd '.timeout 2000' "$PORTAL_DATA/index/portal.db" "$1" 2>/dev/null
}
explain7() { # after a failed check: d7's links and jobs now, as TAP comments
	[ "$T_FAIL" = "$1" ] && return
	{
		echo "d7 links: $(db7 "SELECT group_concat(case_id) FROM document_cases WHERE doc_id = '$D7'")"
		echo "d7 jobs (id state attempts created updated), last 5:"
		db7 "SELECT id, state, attempts, created_at, updated_at FROM jobs WHERE doc_id = '$D7' ORDER BY id DESC LIMIT 5"
		echo "queued or running jobs in all: $(db7 "SELECT count(*) FROM jobs WHERE state IN ('queued','running')")"
	} | sed 's/^/# /'
}
# Search could show the final links for a moment and then the links of an
# older state, committed late (the job that read them was running); so the
# final state counts only once the indexer is done with d7: none of its
# jobs queued or running (should the jobs table change, this is skipped).
idle7() {
	local n
	n=$(db7 "SELECT count(*) FROM jobs WHERE doc_id = '$D7' AND state IN ('queued','running')") || return 0
	[ "$n" = 0 ]
}
settled_sees() { idle7 && sees "$@"; }
settled_blind() { idle7 && blind "$@"; }
W="d7 linked and unlinked 10 times while the indexer is busy, ending linked"
before "$W" d7 - uR
busy a 20
for _ in $(seq 10); do link7; unlink7; done
link7; changed
f=$T_FAIL; GAINS=settled_sees after "$W" d7 - uR; explain7 "$f"
W="d7 unlinked and linked 10 times while the indexer is busy, ending unlinked"
busy b 20
for _ in $(seq 10); do unlink7; link7; done
unlink7; changed
f=$T_FAIL; LOSES=settled_blind after "$W" d7 uR -; explain7 "$f"

# The same, made certain: the unlink lands while the job of the link just
# before it runs (the indexer holds a job running until its batch commits).
# Seen in the jobs table; should that table change, the check is skipped.
running7() { [ "$(db7 "SELECT count(*) FROM jobs WHERE doc_id = '$D7' AND state = 'running'")" = 1 ]; }
W="d7 unlinked while the job of its link runs"
changed; within idle7
link7
seen=0
for _ in $(seq 250); do
	running7 && { seen=1; break; }
	sleep 0.02
done
if [ $seen = 1 ]; then
	unlink7; changed
	f=$T_FAIL; LOSES=settled_blind after "$W" d7 uR -; explain7 "$f"
else
	ok "$W # SKIP the link's job was never seen running"
fi
