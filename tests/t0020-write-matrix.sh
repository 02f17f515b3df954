#!/usr/bin/env bash
# t0020-write-matrix.sh: who may write what (doc/api.md, "Who may write
# what"), every state-changing endpoint by every role, through real nginx
# with one bearer token per user. After every refusal nothing changed: the
# record tables, the document links, the documents' visibility and
# supersession, the stored files, the audit log's length and what search
# shows the owner (enterprise A), staff and anonymous visitors are compared
# before and after.
#
# Roles (user names in the TAP lines):
#   anon   no token
#   enta   enterprise A (enta2: a colleague in enterprise A)
#   entb   enterprise B, another tenant
#   agg    agency G, consulting agency of A's audit (its client)
#   agh    agency H, consulting agency of B's audit
#   expx   expert X, assigned to A's audit (record user_name = expx)
#   expy   expert Y, assigned to nothing
#   staff  staff;  admin  admin
#   dista  district of A (朝阳区, 区发改委);  distb  district of B (海淀区)
#   auth   the services authority (行业主管部门; A's sector): reads only
# Cases: CA = audit of A (agency G), CB = audit of B (agency H),
# PA / PB = projects of A / B.
#
# Covers: upload (API and form) with and without case and visibility,
# link, unlink, restore of a superseded version, create / PATCH of every
# record type, every audit and project transition, expert assignments,
# change requests (the project's enterprise files one) and their
# decisions, an enterprise's filing of its audit's dates and staff's
# decision, an expert's review, its return and the grade's confirmation,
# deadlines, agencies' yearly applications and selection, typical units,
# standards editions (API and forms), the HTML form posts;
# supersession across owners and of public documents; identical bytes
# uploaded by another tenant. The district approval (applied ->
# district_approved) is the one move a district makes, on its own
# district's project only (dista on PA, distb on PB by the form).
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

DB=$PORTAL_DATA/index/portal.db
ctl() { "$TOP/portal" ctl "$@"; }
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
declare -A TOK=([admin]=$ADMIN)
NONSTAFF="enta entb agg agh expx expy"
AREA="dista distb auth"	# the district and authority roles (issue 17)
SNAP=	# the state last seen by refused(); empty once anything may have changed

# ---- requests ------------------------------------------------------------------
# send ROLE KIND ARGS...: one request as ROLE; sets CODE and BODY.
#   api METHOD PATH [JSON]        the JSON API (PATH below /api/)
#   form PATH [NAME=VALUE...]     an HTML form post, urlencoded (bearer: no CSRF)
#   up PATH [-F NAME=VALUE...]    a multipart upload of a new file with unique
#                                 bytes; UPWORD is a word only it contains
#                                 (doc_type=other unless one is given)
UPN=0
send() {
	local role=$1 kind=$2 auth=() p
	shift 2
	[ "$role" = anon ] || auth=(-H "Authorization: Bearer ${TOK[$role]}")
	case $kind in
	api)
		p=$2
		if [ $# -ge 3 ]; then
			hcall "${auth[@]}" -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$BASE/api/$p"
		else
			hcall "${auth[@]}" -X "$1" "$BASE/api/$p"
		fi ;;
	form)
		p=$1; shift
		local d=() kv
		for kv in "$@"; do d+=(--data-urlencode "$kv"); done
		hcall "${auth[@]}" -X POST "${d[@]}" "$BASE$p" ;;
	up)
		p=$1; shift
		UPN=$((UPN + 1))
		UPWORD=wmtok${UPN}q$RANDOM
		printf '写入矩阵测试文件 %s\n清洁生产审核资料，编号 %s。\n' "$UPWORD" "$UPWORD" >"$PORTAL_DATA/up$UPN.txt"
		local t=(-F doc_type=other)
		[[ " $* " == *" doc_type="* ]] && t=()
		hcall "${auth[@]}" -F "file=@$PORTAL_DATA/up$UPN.txt" "${t[@]}" "$@" "$BASE$p" ;;
	*) bail "send: unknown kind $kind" ;;
	esac
}
# hcall CURL-ARGS...: lib.sh's call() with one process fewer (bodies here
# hold no NUL). With PIGGY set, the same curl then runs the searches of the
# snapshot (SEARCHES; see snapshot for when they may stand for it).
SEARCH_ARGS=()
hcall() {
	if [ -n "${PIGGY:-}" ]; then
		curl -s -o "$PORTAL_DATA/body" -w '%{http_code}\n' "$@" "${SEARCH_ARGS[@]}" >"$PORTAL_DATA/out"
		SEARCHES=
		{ read -r CODE; IFS= read -r -d '' SEARCHES; } <"$PORTAL_DATA/out"
	else
		CODE=$(curl -s -o "$PORTAL_DATA/body" -w '%{http_code}' "$@")
	fi
	BODY=
	IFS= read -r -d '' BODY <"$PORTAL_DATA/body"
}
# as ROLE KIND ARGS...: a request outside the matrix (may change anything).
as() { SNAP=; send "$@"; }
id() { jq -r .id <<<"$BODY"; }

# status_is WANT: the last answer's status is one of WANT, alternatives
# separated by |, each CODE or CODE/ERROR-CODE (e.g. 403|404, 422/bad_case).
status_is() {
	local alt alts c e
	IFS='|' read -ra alts <<<"$1"
	for alt in "${alts[@]}"; do
		c=${alt%%/*} e=
		[[ $alt == */* ]] && e=${alt#*/}
		[ "$CODE" = "$c" ] || continue
		[ -z "$e" ] && return 0
		[[ $BODY == *"\"code\":\"$e\""* ]] && return 0
	done
	return 1
}
# expect WANT DESCRIPTION: one TAP line for the last answer's status.
expect() {
	if status_is "$1"; then
		ok "$2 -> $1"
	else
		not_ok "$2 -> $1"
		echo "#   got $CODE: $(head -c 240 <<<"$BODY" | tr '\n' ' ')"
	fi
}

# snapshot [piggy]: sets NOW to what a refused write must leave alone, once
# the indexer has nothing left to do (a write queues its documents before
# it answers). Search answers change only when the indexer runs a job: with
# "piggy", when the jobs table is as the last snapshot left it (idle), the
# searches made right after the request (SEARCHES) are taken instead of
# asking again.
SNAPF=$PORTAL_DATA/snapshot
JOBS_SEEN=
snapshot() {
	local idle jobs files i
	for ((i = 0; i < 300; i++)); do
		sql >"$SNAPF" "SELECT count(*) FILTER (WHERE state IN ('queued','running')),
				count(*) || '/' || coalesce(max(id), 0) || '/' || coalesce(max(updated_at), 0) FROM jobs;
			SELECT 'enterprise', * FROM enterprises ORDER BY id;
			SELECT 'agency', * FROM agencies ORDER BY id;
			SELECT 'expert', * FROM experts ORDER BY id;
			SELECT 'assignment', * FROM assignments ORDER BY expert_id, case_id;
			SELECT 'audit', * FROM audits ORDER BY id;
			SELECT 'project', * FROM projects ORDER BY id;
			SELECT 'change', * FROM project_changes ORDER BY id;
			SELECT 'filing', * FROM audit_filings ORDER BY id;
			SELECT 'review', * FROM expert_reviews ORDER BY case_id, expert_id;
			SELECT 'training', * FROM trainings ORDER BY id;
			SELECT 'deadline', * FROM deadlines ORDER BY year, item;
			SELECT 'agency_year', * FROM agency_years ORDER BY agency_id, year;
			SELECT 'typical', * FROM typical_units ORDER BY project_id;
			SELECT 'edition', * FROM standard_editions ORDER BY number, year;
			SELECT 'link', * FROM document_cases ORDER BY doc_id, case_id;
			SELECT 'document', id, sha256, uploader_id, visibility, superseded_by, version, doc_type FROM documents ORDER BY id;
			SELECT 'audit_log', count(*) FROM audit_log;"
		IFS='|' read -r idle jobs <"$SNAPF"
		[ "$idle" = 0 ] && break
		sleep 0.1
	done
	files=("$PORTAL_DATA"/uploads/??/*)
	echo "stored files ${#files[@]}" >>"$SNAPF"
	# What search shows enterprise A, staff and anonymous visitors (one
	# answer a line: totals, facets, hits).
	SEARCH_ARGS=(--next -s -w '\n' -H "Authorization: Bearer ${TOK[enta]}" "$BASE/api/search?q=&per_page=100"
		--next -s -w '\n' -H "Authorization: Bearer ${TOK[staff]}" "$BASE/api/search?q=&per_page=100"
		--next -s -w '\n' "$BASE/api/search?q=&per_page=100")
	if [ "${1:-}" = piggy ] && [ "$jobs" = "$JOBS_SEEN" ] && [ -n "${SEARCHES:-}" ]; then
		printf '%s' "$SEARCHES" >>"$SNAPF"
	else
		curl "${SEARCH_ARGS[@]:1}" >>"$SNAPF"
	fi
	JOBS_SEEN=$jobs
	NOW=
	IFS= read -r -d '' NOW <"$SNAPF"
	NOW=${NOW#*$'\n'}	# not the jobs line
}

# refused WANT DESCRIPTION ROLE KIND ARGS...: a write ROLE may not make:
# the status is WANT, and nothing changed (two TAP lines).
refused() {
	local want=$1 desc=$2 after
	shift 2
	[ -n "$SNAP" ] || { snapshot; SNAP=$NOW; }
	SEARCHES=
	PIGGY=1 send "$@"
	expect "$want" "$desc"
	snapshot piggy
	after=$NOW
	if [ "$after" = "$SNAP" ]; then
		ok "$desc: refused, nothing changed"
	else
		not_ok "$desc: refused, nothing changed"
		diff <(echo "$SNAP") <(echo "$after") | grep '^[<>]' | head -n 8 | cut -c 1-200 | sed 's/^/#   /'
	fi
	SNAP=$after
}
# allowed WANT DESCRIPTION ROLE KIND ARGS...: a write ROLE may make.
allowed() {
	local want=$1 desc=$2
	shift 2
	as "$@"
	expect "$want" "$desc"
}

# Wait until the indexer has done every queued job (at most 30 s).
wait_idle() {
	for _ in $(seq 300); do
		[ "$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued','running')")" = 0 ] && return 0
		sleep 0.1
	done
	return 1
}
# finds ROLE WORD ID: a search for WORD as ROLE has ID among its hits.
finds() {
	local tok=
	[ "$1" = anon ] || tok=${TOK[$1]}
	search_ids "$2" "$tok" | has "$3"
}
misses() { ! finds "$@"; }
superseded_by() { sql "SELECT coalesce(superseded_by, 'NULL') FROM documents WHERE id = '$1'"; }

# ---- the records (admin, through the API) ------------------------------------------
as admin api POST enterprises '{"name":"北京朝阳甲医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'
EA=$(id)
as admin api POST enterprises '{"name":"北京海淀乙化工有限公司","credit_code":"91110108MA01B00028","sector":"industry","industry":"化工","district":"海淀区"}'
EB=$(id)
as admin api POST agencies '{"name":"矩阵甲咨询","year":2024}'
G=$(id)
as admin api POST agencies '{"name":"矩阵乙咨询","year":2024}'
H=$(id)
as admin api POST experts '{"name":"专家甲","user_name":"expx"}'
X=$(id)
as admin api POST experts '{"name":"专家乙","user_name":"expy"}'
Y=$(id)
as admin api POST experts '{"name":"专家丙"}'
Z=$(id)
as admin api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2024,\"agency_id\":\"$G\"}"
AUD_A=$(id)
as admin api POST audits "{\"enterprise_id\":\"$EB\",\"year\":2024,\"agency_id\":\"$H\"}"
AUD_B=$(id)
as admin api POST projects "{\"enterprise_id\":\"$EA\",\"year\":2024,\"name\":\"甲余热回收\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"矩阵测试\"}"
PRJ_A=$(id)
as admin api POST projects "{\"enterprise_id\":\"$EB\",\"year\":2024,\"name\":\"乙废水回用\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"矩阵测试\"}"
PRJ_B=$(id)
as admin api POST trainings '{"title":"矩阵培训","audience":"医疗机构","date":"2024-03-15","attendees":30}'
TRN=$(id)
as admin api POST "experts/$X/assignments" "{\"case\":\"audit:$AUD_A\",\"role\":\"reviewer\"}"
[ "$CODE" = 200 ] || bail "assign X: $CODE $BODY"
for v in EA EB G H X Y Z AUD_A AUD_B PRJ_A PRJ_B TRN; do
	[[ ${!v} =~ ^[a-z][0-9a-f]{10}$ ]] || bail "fixture $v not created: ${!v}"
done

ctl user add enta --role enterprise --enterprise "$EA" >/dev/null
ctl user add enta2 --role enterprise --enterprise "$EA" >/dev/null
ctl user add entb --role enterprise --enterprise "$EB" >/dev/null
ctl user add agg --role agency --agency "$G" >/dev/null
ctl user add agh --role agency --agency "$H" >/dev/null
ctl user add expx --role expert >/dev/null
ctl user add expy --role expert >/dev/null
ctl user add staff --role staff >/dev/null
ctl user add dista --role district --district 朝阳区 >/dev/null
ctl user add distb --role district --district 海淀区 >/dev/null
ctl user add auth --role authority --sector services >/dev/null
for u in enta enta2 entb agg agh expx expy staff dista distb auth; do
	TOK[$u]=$(ctl token create "$u") || bail "no token for $u"
done

# Cases and records by short name.
declare -A CASE=([CA]="audit:$AUD_A" [CB]="audit:$AUD_B" [PA]="project:$PRJ_A" [PB]="project:$PRJ_B")
declare -A REC=([EA]="enterprises/$EA" [EB]="enterprises/$EB" [G]="agencies/$G" [H]="agencies/$H"
	[X]="experts/$X" [Y]="experts/$Y" [CA]="audits/$AUD_A" [CB]="audits/$AUD_B"
	[PA]="projects/$PRJ_A" [PB]="projects/$PRJ_B" [TRN]="trainings/$TRN")
# What each role may see (doc/api.md, "Programme records") and the cases
# it may attach documents to ("Who may write what").
declare -A SEES=([enta]="EA CA PA" [entb]="EB CB PB" [agg]="G EA CA" [agh]="H EB CB"
	[expx]="CA" [expy]="" [staff]="*" [admin]="*"
	[dista]="EA CA PA G" [distb]="EB CB PB H" [auth]="EA CA PA G")
declare -A ATTACHES=([enta]="CA PA" [entb]="CB PB" [agg]="CA" [agh]="CB" [expx]="" [expy]=""
	[staff]="CA CB PA PB" [admin]="CA CB PA PB" [dista]="" [distb]="" [auth]="")
sees() { [ "${SEES[$1]}" = "*" ] || [[ " ${SEES[$1]} " == *" $2 "* ]]; }
# rwant ROLE KEY: the answer to a record write by a non-staff role: 403; a
# record it may not see may also answer 404 like a missing one.
rwant() {
	[ "$1" = anon ] && { echo 401; return; }
	if sees "$1" "$2"; then echo 403; else echo "403|404"; fi
}
# attach_want ROLE KEY OK: attaching a document of the caller's own to case
# KEY: OK when allowed, 403 when the case is visible only, else 422 bad_case.
attach_want() {
	[ "$1" = anon ] && { echo 401; return; }
	[ "$1" = auth ] && { echo 403; return; }	# an authority uploads nothing
	if [[ " ${ATTACHES[$1]} " == *" $2 "* ]]; then echo "$3"
	elif sees "$1" "$2"; then echo 403
	else echo 422/bad_case; fi
}
# The case of another tenant, for each role.
declare -A OTHER=([enta]=CB [entb]=CA [agg]=CB [agh]=CA [expx]=CB [expy]=CA [anon]=CA
	[dista]=CB [distb]=CA [auth]=CB)
# The district that approves each project (its enterprise's district).
declare -A APPROVER=([PA]=dista [PB]=distb)

# ---- the snapshot can fail -----------------------------------------------------------
wait_idle
snapshot
SNAP=$NOW
check "snapshot: lists the records (enterprise A is in it)" grep -q "^enterprise|$EA|" <<<"$SNAP"
sql "UPDATE trainings SET location = 'planted' WHERE id = '$TRN'"
snapshot
check "snapshot: a change planted in a record table is seen" [ "$NOW" != "$SNAP" ]
sql "UPDATE trainings SET location = NULL WHERE id = '$TRN'"
snapshot
check "snapshot: undoing the plant gives the same snapshot again" [ "$NOW" = "$SNAP" ]

# ---- documents every role owns -----------------------------------------------------------
declare -A DOC WORD
for r in enta enta2 entb agg agh expx expy staff admin dista distb; do
	as "$r" up /api/documents
	[ "$CODE" = 202 ] || bail "upload by $r: $CODE $BODY"
	DOC[$r]=$(id) WORD[$r]=$UPWORD
done
as admin up /api/documents -F visibility=public
[ "$CODE" = 202 ] || bail "public upload: $CODE $BODY"
PUB=$(id)
as entb up /api/documents
ENTB_PRIV=$(id)	# never linked anywhere: only B (and staff) may read it
wait_idle || bail "indexer idle"
snapshot
SNAP=$NOW
check "snapshot: holds what enterprise A's search finds (its own document)" grep -qF "${DOC[enta]}" <<<"$(grep '^{"total"' <<<"$SNAP" | head -n 1)"
check "snapshot: holds what anonymous search finds (the public document only)" \
	[ "$(grep '^{"total"' <<<"$SNAP" | tail -n 1 | jq -c '[.results[].id]')" = "[\"$PUB\"]" ]

# ---- uploads -----------------------------------------------------------------------------
refused 401 "anon: POST /api/documents (no case)" anon up /api/documents
for r in $NONSTAFF staff admin dista distb; do
	allowed 202 "$r: POST /api/documents without case" "$r" up /api/documents
done
refused 403 "auth: POST /api/documents without case (an authority only reads)" auth up /api/documents
refused 403 "auth: POST /upload without case (the form)" auth up /upload
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused "$w" "$r: POST /api/documents visibility=public" "$r" up /api/documents -F visibility=public
done
for r in staff admin; do
	allowed 202 "$r: POST /api/documents visibility=public" "$r" up /api/documents -F visibility=public
done
for r in anon $NONSTAFF $AREA staff admin; do
	for k in CA CB PA; do
		w=$(attach_want "$r" $k 202)
		if [ "$w" = 202 ]; then
			allowed 202 "$r: POST /api/documents case=$k" "$r" up /api/documents -F "case=${CASE[$k]}"
			check "$r: the upload is linked to $k" [ "$(sql "SELECT count(*) FROM document_cases WHERE doc_id = '$(id)' AND case_id = '${CASE[$k]}'")" = 1 ]
		else
			refused "$w" "$r: POST /api/documents case=$k" "$r" up /api/documents -F "case=${CASE[$k]}"
		fi
	done
	w=422/bad_case; [ "$r" = anon ] && w=401; [ "$r" = auth ] && w=403	# an authority uploads nothing
	refused "$w" "$r: POST /api/documents case=audit:doesnotexist" "$r" up /api/documents -F case=audit:doesnotexist
done

# The browser's upload form (bearer: no CSRF field needed).
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused "$w" "$r: POST /upload visibility=public" "$r" up /upload -F visibility=public
	w=$(attach_want "$r" "${OTHER[$r]}" 303); w=${w%/bad_case}
	refused "$w" "$r: POST /upload case=${OTHER[$r]} (another tenant's case)" "$r" up /upload -F "case=${CASE[${OTHER[$r]}]}"
done
allowed 303 "staff: POST /upload case=CB" staff up /upload -F "case=${CASE[CB]}"

# ---- link: POST /api/documents/ID/cases -------------------------------------------------
lk() { echo "{\"case\":\"${CASE[$1]}\",\"role\":\"${2:-contract}\"}"; }
refused 401 "anon: link a document to CA" anon api POST "documents/${DOC[enta]}/cases" "$(lk CA)"
for r in $NONSTAFF; do
	other=${OTHER[$r]}
	refused "$(attach_want "$r" "$other" 200)" "$r: link its own document to $other (another tenant's case)" \
		"$r" api POST "documents/${DOC[$r]}/cases" "$(lk "$other")"
	# its own case (experts have none: they try the audit X reviews)
	own=$(sed 's/ .*//' <<<"${ATTACHES[$r]:-CA}")
	if [ "$(attach_want "$r" "$own" 200)" = 200 ]; then
		refused 403 "$r: link the public document to its own case $own (not theirs)" \
			"$r" api POST "documents/$PUB/cases" "$(lk "$own")"
	else
		refused "403|$(attach_want "$r" "$own" 200)" "$r: link the public document to $own" \
			"$r" api POST "documents/$PUB/cases" "$(lk "$own")"
	fi
	victim=$ENTB_PRIV; [ "$r" = entb ] && victim=${DOC[enta]}
	w=404; sees "$r" "$own" || w="404|422/bad_case"
	refused "$w" "$r: link another tenant's document (unreadable) to $own" \
		"$r" api POST "documents/$victim/cases" "$(lk "$own")"
	w=$(attach_want "$r" "$own" 200)
	if [ "$w" = 200 ]; then
		allowed 200 "$r: link its own document to its own case $own" "$r" api POST "documents/${DOC[$r]}/cases" "$(lk "$own")"
	else
		refused "$w" "$r: link its own document to $own" "$r" api POST "documents/${DOC[$r]}/cases" "$(lk "$own")"
	fi
done
allowed 200 "enta: link a colleague's document (enta2) to its own case CA" enta api POST "documents/${DOC[enta2]}/cases" "$(lk CA)"
allowed 200 "enta: link its own document to its own project PA" enta api POST "documents/${DOC[enta]}/cases" "$(lk PA)"
# A's document is readable by agency G once linked to its client's audit, but it is not the agency's.
as admin api POST "documents/${DOC[enta]}/cases" "$(lk CA)"
refused 403 "agg: link enterprise A's document (readable, not theirs) to CA as audit_report" \
	agg api POST "documents/${DOC[enta]}/cases" "$(lk CA audit_report)"
refused 403 "expx: change the role of A's document in the audit it reviews" \
	expx api POST "documents/${DOC[enta]}/cases" "$(lk CA audit_report)"
allowed 200 "staff: link another user's document (entb) to CB" staff api POST "documents/$ENTB_PRIV/cases" "$(lk CB)"
allowed 200 "admin: link its own document to CA" admin api POST "documents/${DOC[admin]}/cases" "$(lk CA)"
refused 422/bad_case "staff: link to audit:doesnotexist" staff api POST "documents/${DOC[staff]}/cases" '{"case":"audit:doesnotexist"}'
# The area roles link nothing: not their own document into a case of their
# district or sector (403), nor into one they do not see (422).
refused 403 "dista: link its own document to CA (its district's case)" dista api POST "documents/${DOC[dista]}/cases" "$(lk CA)"
refused 422/bad_case "dista: link its own document to CB (another district's)" dista api POST "documents/${DOC[dista]}/cases" "$(lk CB)"
refused 403 "distb: link its own document to PB (its district's case)" distb api POST "documents/${DOC[distb]}/cases" "$(lk PB)"
refused 403 "auth: link the public document to CA (its sector's case)" auth api POST "documents/$PUB/cases" "$(lk CA)"
refused "403|422/bad_case" "auth: link the public document to CB (another sector's)" auth api POST "documents/$PUB/cases" "$(lk CB)"

# ---- unlink: DELETE /api/documents/ID/cases/CASE -----------------------------------------
# Links made by admin, so the refusals below do not hang on the link matrix.
for d in "${DOC[enta]}:CA" "${DOC[agg]}:CA" "${DOC[expx]}:CA" "$PUB:CA" "${DOC[entb]}:CB" "${DOC[agh]}:CB"; do
	as admin api POST "documents/${d%%:*}/cases" "$(lk "${d#*:}")"
	[ "$CODE" = 200 ] || bail "admin link $d: $CODE $BODY"
done
ul() { echo "documents/$1/cases/${CASE[$2]}"; }
refused 401 "anon: unlink A's document from CA" anon api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "enta: unlink agency G's document from its own case CA (not theirs)" enta api DELETE "$(ul "${DOC[agg]}" CA)"
refused 403 "enta: unlink the public document from its own case CA (not theirs)" enta api DELETE "$(ul "$PUB" CA)"
refused 404 "enta: unlink B's document (unreadable) from CB" enta api DELETE "$(ul "${DOC[entb]}" CB)"
refused 404 "entb: unlink A's document (unreadable) from CA" entb api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "agg: unlink A's document (readable, not theirs) from its client's audit CA" agg api DELETE "$(ul "${DOC[enta]}" CA)"
refused 404 "agg: unlink agency H's document (unreadable) from CB" agg api DELETE "$(ul "${DOC[agh]}" CB)"
refused 404 "agh: unlink A's document (unreadable) from CA" agh api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "expx: unlink A's document from the audit it reviews" expx api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "expx: unlink its own document from the audit it reviews (experts never)" expx api DELETE "$(ul "${DOC[expx]}" CA)"
refused 404 "expy: unlink A's document (unreadable) from CA" expy api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "dista: unlink A's document (readable: its district's case) from CA" dista api DELETE "$(ul "${DOC[enta]}" CA)"
refused 404 "distb: unlink A's document (unreadable: another district's) from CA" distb api DELETE "$(ul "${DOC[enta]}" CA)"
refused 403 "auth: unlink A's document (readable: its sector's case) from CA" auth api DELETE "$(ul "${DOC[enta]}" CA)"
refused 404 "auth: unlink B's document (unreadable: another sector's) from CB" auth api DELETE "$(ul "${DOC[entb]}" CB)"
# (each positive below re-links first: a refusal above that was wrongly
# obeyed must not make them fail too)
relink() { as admin api POST "documents/$1/cases" "$(lk "$2")"; }
relink "${DOC[enta]}" CA
allowed 200 "enta: unlink its own document from its own case CA" enta api DELETE "$(ul "${DOC[enta]}" CA)"
relink "${DOC[agg]}" CA
allowed 200 "agg: unlink its own document from its client's audit CA" agg api DELETE "$(ul "${DOC[agg]}" CA)"
relink "${DOC[entb]}" CB
allowed 200 "entb: unlink its own document from its own case CB" entb api DELETE "$(ul "${DOC[entb]}" CB)"
relink "${DOC[agh]}" CB
allowed 200 "agh: unlink its own document from its client's audit CB" agh api DELETE "$(ul "${DOC[agh]}" CB)"
relink "$PUB" CA
allowed 200 "staff: unlink the public document from CA" staff api DELETE "$(ul "$PUB" CA)"
relink "${DOC[expx]}" CA
allowed 200 "admin: unlink expert X's document from CA" admin api DELETE "$(ul "${DOC[expx]}" CA)"

# ---- supersession across owners (issue 14, items 1 and 2) ---------------------------------
as enta up /api/documents -F doc_type=audit_report -F "case=${CASE[CA]}"
[ "$CODE" = 202 ] || bail "A's report: $CODE $BODY"
REPORT_A=$(id) REPORT_A_WORD=$UPWORD
wait_idle
refused 422/bad_case "entb: POST /api/documents doc_type=audit_report case=CA (plant a report in A's audit)" \
	entb up /api/documents -F doc_type=audit_report -F "case=${CASE[CA]}"
wait_idle
check "A's genuine audit report is not superseded by B's upload" [ "$(superseded_by "$REPORT_A")" = NULL ]
check "A's genuine audit report is still found by A's search" finds enta "$REPORT_A_WORD" "$REPORT_A"
check "A's genuine audit report is still found by staff's search" finds staff "$REPORT_A_WORD" "$REPORT_A"

as admin up /api/documents -F visibility=public -F doc_type=audit_report
PUB_REPORT=$(id) PUB_REPORT_WORD=$UPWORD
allowed 200 "staff: link a public audit report to CA as audit_report" staff api POST "documents/$PUB_REPORT/cases" "$(lk CA audit_report)"
wait_idle
check "the public report is found by anonymous search before" finds anon "$PUB_REPORT_WORD" "$PUB_REPORT"
allowed 202 "enta: POST /api/documents doc_type=audit_report case=CA (a new version of its report)" \
	enta up /api/documents -F doc_type=audit_report -F "case=${CASE[CA]}"
wait_idle
check "a public document linked to a case is not superseded by a later upload into it" [ "$(superseded_by "$PUB_REPORT")" = NULL ]
check "…and anonymous search still finds it" finds anon "$PUB_REPORT_WORD" "$PUB_REPORT"

# ---- restore: POST /api/documents/ID/restore ---------------------------------------------
# A's own versions in its project: the newer legitimately supersedes the older.
as enta up /api/documents -F doc_type=project_application -F "case=${CASE[PA]}"
V1=$(id) V1_WORD=$UPWORD
wait_idle
as enta up /api/documents -F doc_type=project_application -F "case=${CASE[PA]}"
V2=$(id)
wait_idle
check "A's newer application supersedes its older one in PA (versions work)" [ "$(superseded_by "$V1")" = "$V2" ]
check "the superseded version is left out of A's search" misses enta "$V1_WORD" "$V1"
as entb up /api/documents -F doc_type=project_application -F "case=${CASE[PB]}"
W1=$(id)
wait_idle
as entb up /api/documents -F doc_type=project_application -F "case=${CASE[PB]}"
W2=$(id)
wait_idle
refused 401 "anon: POST /api/documents/ID/restore" anon api POST "documents/$V1/restore"
refused 403 "enta: restore its own superseded version (staff only)" enta api POST "documents/$V1/restore"
for r in entb agg agh expx expy; do
	refused 404 "$r: restore A's superseded version (unreadable)" "$r" api POST "documents/$V1/restore"
done
refused 403 "entb: restore its own superseded version (staff only)" entb api POST "documents/$W1/restore"
refused 403 "dista: restore A's superseded version (readable, staff only)" dista api POST "documents/$V1/restore"
refused 404 "distb: restore A's superseded version (unreadable)" distb api POST "documents/$V1/restore"
refused 403 "auth: restore A's superseded version (readable, staff only)" auth api POST "documents/$V1/restore"
allowed 200 "staff: POST /api/documents/ID/restore undoes the supersession" staff api POST "documents/$V1/restore"
wait_idle
check "restore: the older version is current again (superseded_by NULL)" [ "$(superseded_by "$V1")" = NULL ]
check "restore: A's search finds the older version again" finds enta "$V1_WORD" "$V1"
check "restore: staff's search finds the older version again" finds staff "$V1_WORD" "$V1"
check "restore: the audit log has a 'restore' of the document" \
	[ "$(sql "SELECT count(*) FROM audit_log WHERE action = 'restore' AND object = 'document:$V1'")" -ge 1 ]
allowed 200 "admin: POST /api/documents/ID/restore" admin api POST "documents/$W1/restore"
wait_idle
check "restore by admin: B's older version is current again" [ "$(superseded_by "$W1")" = NULL ]

# ---- identical bytes by another tenant (issue 14, item 6) ---------------------------------
printf '企业甲受限文件，字节相同测试 %s\n' "dupbytes$RANDOM$RANDOM" >"$PORTAL_DATA/dup.txt"
SNAP=
upload "${TOK[enta]}" "$PORTAL_DATA/dup.txt"
DUP_A=$(id)
check "enta: first upload of the bytes answers 202" [ "$CODE" = 202 ]
upload "${TOK[entb]}" "$PORTAL_DATA/dup.txt"
DUP_B=$(id)
check "entb: the same bytes as A's restricted file answer 202 with a document of its own" \
	[ "$CODE $(jq -r .duplicate <<<"$BODY")" = "202 null" ]
check "entb: the answer does not name A's document" bash -c '! grep -qF "$1" <<<"$2"' _ "$DUP_A" "$BODY"
check "entb: its new id is not A's" [ "$DUP_B" != "$DUP_A" ]
call -H "Authorization: Bearer ${TOK[entb]}" "$BASE/api/documents/$DUP_B"
check "entb: reads its own copy (200)" [ "$CODE" = 200 ]
call -H "Authorization: Bearer ${TOK[entb]}" "$BASE/api/documents/$DUP_A"
check "entb: A's document stays 404" [ "$CODE" = 404 ]
upload "${TOK[enta]}" "$PORTAL_DATA/dup.txt"
check "enta: the same bytes again answer 200 duplicate with A's own id" \
	[ "$CODE $(jq -r '.duplicate, .id' <<<"$BODY" | paste -sd ' ')" = "200 true $DUP_A" ]
upload "${TOK[staff]}" "$PORTAL_DATA/dup.txt"
check "staff: the same bytes answer 200 duplicate with a document it can read" \
	bash -c '[ "$1" = 200 ] && [ "$(jq -r .duplicate <<<"$2")" = true ]' _ "$CODE" "$BODY"
SNAP=

# ---- create: POST /api/X -----------------------------------------------------------------
declare -A NEW=(
	[enterprises]='{"name":"矩阵新企业","credit_code":"91110106MA01E0005U","sector":"services","industry":"餐饮","district":"丰台区"}'
	[agencies]='{"name":"矩阵新咨询","year":2024}'
	[experts]='{"name":"矩阵新专家"}'
	[audits]="{\"enterprise_id\":\"$EA\",\"year\":2025}"
	[projects]="{\"enterprise_id\":\"$EA\",\"year\":2024,\"name\":\"矩阵新项目\",\"round\":\"spring\",\"reason\":\"矩阵测试\"}"
	[trainings]='{"title":"矩阵新培训","audience":"餐饮","date":"2024-04-01","attendees":12}')
TYPES="enterprises agencies experts audits projects trainings"
for t in $TYPES; do
	for r in anon $NONSTAFF $AREA; do
		w=403; [ "$r" = anon ] && w=401
		refused $w "$r: POST /api/$t" "$r" api POST "$t" "${NEW[$t]}"
	done
done
declare -A NEW_STAFF=(
	[enterprises]='{"name":"昌平丙餐饮","credit_code":"91110114MA01D0004K","sector":"services","industry":"餐饮","district":"昌平区"}'
	[audits]="{\"enterprise_id\":\"$EA\",\"year\":2023}"
	[projects]="{\"enterprise_id\":\"$EA\",\"year\":2024,\"name\":\"工作人员项目\",\"round\":\"autumn\",\"reason\":\"矩阵测试\"}")
declare -A NEW_ADMIN=(
	[enterprises]='{"name":"通州丁养殖","credit_code":"93110112MA01C0003M","sector":"agriculture","industry":"奶牛养殖","district":"通州区"}'
	[audits]="{\"enterprise_id\":\"$EB\",\"year\":2023}"
	[projects]="{\"enterprise_id\":\"$EB\",\"year\":2024,\"name\":\"管理员项目\",\"round\":\"autumn\",\"reason\":\"矩阵测试\"}"
	[agencies]='{"name":"管理员新咨询","year":2024}' [experts]='{"name":"管理员新专家"}'
	[trainings]='{"title":"管理员培训","audience":"化工","date":"2024-05-01","attendees":20}')
for t in $TYPES; do
	allowed 201 "staff: POST /api/$t" staff api POST "$t" "${NEW_STAFF[$t]:-${NEW[$t]}}"
	allowed 201 "admin: POST /api/$t" admin api POST "$t" "${NEW_ADMIN[$t]:-${NEW[$t]}}"
done

# ---- update: PATCH /api/X/ID -------------------------------------------------------------
declare -A PATCH=([EA]='{"contact":"改动"}' [G]='{"phone":"010-1234"}' [X]='{"organisation":"改动"}'
	[CA]='{"note":"改动"}' [PA]='{"name":"改动的项目"}' [TRN]='{"location":"改动"}'
	[EB]='{"contact":"改动"}' [H]='{"phone":"010-1234"}' [Y]='{"organisation":"改动"}'
	[CB]='{"note":"改动"}' [PB]='{"name":"改动的项目"}')
for k in EA G X CA PA TRN; do
	for r in anon $NONSTAFF $AREA; do
		refused "$(rwant "$r" $k)" "$r: PATCH /api/${REC[$k]%%/*}/<$k>" "$r" api PATCH "${REC[$k]}" "${PATCH[$k]}"
	done
done
for rk in entb:EB entb:CB entb:PB agh:H agh:CB agh:EB; do
	r=${rk%%:*} k=${rk#*:}
	refused "$(rwant "$r" $k)" "$r: PATCH /api/${REC[$k]%%/*}/<$k> (its own side)" "$r" api PATCH "${REC[$k]}" "${PATCH[$k]}"
done
for k in EA G X CA PA TRN; do
	allowed 200 "staff: PATCH /api/${REC[$k]%%/*}/<$k>" staff api PATCH "${REC[$k]}" "${PATCH[$k]}"
done
for k in EB H Y CB PB; do
	allowed 200 "admin: PATCH /api/${REC[$k]%%/*}/<$k>" admin api PATCH "${REC[$k]}" "${PATCH[$k]}"
done

# ---- transitions: POST /api/X/ID/transitions ---------------------------------------------
# attempt KEY BODY: every non-staff role (and anon) is refused this move.
attempt() {
	local to r
	to=$(jq -r .to <<<"$2")
	for r in anon $NONSTAFF $AREA; do
		# the district approval is its own district's to make (below)
		[ "$to" = district_approved ] && [ "$r" = "${APPROVER[$1]}" ] && continue
		refused "$(rwant "$r" "$1")" "$r: POST /api/${REC[$1]%%/*}/<$1>/transitions to $to" "$r" api POST "${REC[$1]}/transitions" "$2"
	done
}
# move KEY BODY WHO [quick]: refused to everyone else (unless quick: the
# same move of the A side has been), then WHO (staff or admin) makes it.
move() {
	local to
	to=$(jq -r .to <<<"$2")
	[ "${4:-}" = quick ] || attempt "$1" "$2"
	allowed 200 "$3: POST /api/${REC[$1]%%/*}/<$1>/transitions to $to" "$3" api POST "${REC[$1]}/transitions" "$2"
	check "$3: <$1> is now $to" [ "$(jq -r '.state // empty' <<<"$BODY")" = "$to" ]
}
FILED='{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
move CA "$FILED" staff
move CB "$FILED" admin quick
# The next audit move, through the API and the HTML form.
attempt CA '{"to":"submitted","report_date":"2024-05-20"}'
for r in anon $NONSTAFF $AREA; do
	refused "$(rwant "$r" CA)" "$r: POST /audits/<CA>/transitions (form) to submitted" \
		"$r" form "/${REC[CA]}/transitions" to=submitted report_date=2024-05-20
done
allowed 303 "staff: POST /audits/<CA>/transitions (form) to submitted" staff form "/${REC[CA]}/transitions" to=submitted report_date=2024-05-20
check "staff: the form moved <CA> to submitted" [ "$(sql "SELECT state FROM audits WHERE id = '$AUD_A'")" = submitted ]
move CB '{"to":"submitted","report_date":"2024-05-20"}' admin quick
EVAL='{"to":"evaluated","evaluated_date":"2024-06-20","grade":"优秀","score":95}'
move CA "$EVAL" staff

# Assignments: POST /api/experts/ID/assignments and the form /X/ID/assignments.
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: POST /api/experts/<Z>/assignments to PA" "$r" api POST "experts/$Z/assignments" "{\"case\":\"${CASE[PA]}\",\"role\":\"reviewer\"}"
	refused "$(rwant "$r" CB)" "$r: POST /audits/<CB>/assignments (form)" "$r" form "/${REC[CB]}/assignments" "expert=$Z"
done
allowed 200 "staff: POST /api/experts/<Z>/assignments to PA" staff api POST "experts/$Z/assignments" "{\"case\":\"${CASE[PA]}\",\"role\":\"reviewer\"}"
allowed 303 "staff: POST /audits/<CB>/assignments (form)" staff form "/${REC[CB]}/assignments" "expert=$Z"
check "staff: the form assigned Z to CB" [ "$(sql "SELECT count(*) FROM assignments WHERE expert_id = '$Z' AND case_id = '${CASE[CB]}'")" = 1 ]
move CB "$EVAL" admin quick

# Projects: the whole chain for PA (staff), every branch tried by the others.
move PA '{"to":"applied","application_date":"2024-02-20"}' staff
attempt PA '{"to":"rejected","rejected_date":"2024-02-25"}'
# The district approval: refused to everyone but A's district (distb, of
# another district, does not see PA: 404), which may not give a staff
# reason, and makes it itself.
DAPP='{"to":"district_approved","district_approved_date":"2024-03-01"}'
attempt PA "$DAPP"
refused 403 "dista: POST /api/projects/<PA>/transitions to district_approved with a reason (staff only)" \
	dista api POST "${REC[PA]}/transitions" '{"to":"district_approved","district_approved_date":"2024-03-01","reason":"先行审核"}'
refused 403 "dista: POST /api/projects/<PA>/transitions to rejected (not the district's move)" \
	dista api POST "${REC[PA]}/transitions" '{"to":"rejected","rejected_date":"2024-02-25"}'
allowed 200 "dista: POST /api/projects/<PA>/transitions to district_approved (its own district)" \
	dista api POST "${REC[PA]}/transitions" "$DAPP"
check "dista: <PA> is now district_approved" [ "$(jq -r '.state // empty' <<<"$BODY")" = district_approved ]
check "dista: the approval is in PA's history as the district user's" \
	[ "$(sql "SELECT u.name FROM audit_log l JOIN users u ON u.id = l.user_id WHERE l.object = 'project:$PRJ_A' AND l.action = 'transition' AND l.detail LIKE '%district_approved%'")" = dista ]
attempt PA '{"to":"rejected","rejected_date":"2024-03-05"}'
move PA '{"to":"reviewed","review_date":"2024-03-10"}' staff
attempt PA '{"to":"rejected","rejected_date":"2024-03-15"}'
move PA '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}' staff
move PA '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-03-31"}' staff

# Change requests and decisions (API and form).
# The project's own enterprise (enta, enta2) files one, with its reason;
# staff too; no one else.
CHG='{"description":"设备到货推迟","new_end_date":"2025-04-30"}'
CHG_E='{"description":"设备到货推迟","new_end_date":"2025-04-30","reason":"供货商延期交货"}'
for r in anon $NONSTAFF $AREA; do
	[ "$r" = enta ] && continue
	refused "$(rwant "$r" PA)" "$r: POST /api/projects/<PA>/changes" "$r" api POST "${REC[PA]}/changes" "$CHG_E"
	refused "$(rwant "$r" PA)" "$r: POST /projects/<PA>/changes (form)" "$r" form "/${REC[PA]}/changes" description=设备到货推迟 reason=延期
done
refused 422 "enta: POST /api/projects/<PA>/changes without a reason" enta api POST "${REC[PA]}/changes" "$CHG"
allowed 201 "enta: POST /api/projects/<PA>/changes (its own project)" enta api POST "${REC[PA]}/changes" "$CHG_E"
CID0=$(jq -r '[.changes[] | select(.state == "pending")][0].id' <<<"$BODY")
[[ $CID0 =~ ^[0-9]+$ ]] || bail "no change request id: $BODY"
for r in anon $NONSTAFF; do
	refused "$(rwant "$r" PA)" "$r: POST /api/projects/<PA>/changes/<CID0> rejected (the enterprise's)" "$r" api POST "${REC[PA]}/changes/$CID0" '{"decision":"rejected"}'
done
allowed 200 "staff: POST /api/projects/<PA>/changes/<CID0> rejected (the enterprise's)" staff api POST "${REC[PA]}/changes/$CID0" '{"decision":"rejected"}'
allowed 303 "enta: POST /projects/<PA>/changes (form, its own project)" enta form "/${REC[PA]}/changes" description=设备到货推迟 reason=供货商延期交货
CID1=$(sql "SELECT id FROM project_changes WHERE project_id = '$PRJ_A' AND state = 'pending'")
[[ $CID1 =~ ^[0-9]+$ ]] || bail "enta's form made no change request"
allowed 303 "staff: POST /projects/<PA>/changes (form) decision rejected (the enterprise's)" staff form "/${REC[PA]}/changes" "change_id=$CID1" decision=rejected
allowed 201 "staff: POST /api/projects/<PA>/changes" staff api POST "${REC[PA]}/changes" "$CHG"
CID=$(jq -r '[.changes[] | select(.state == "pending")][0].id' <<<"$BODY")
[[ $CID =~ ^[0-9]+$ ]] || bail "no change request id: $BODY"
for r in anon $NONSTAFF $AREA; do
	refused "$(rwant "$r" PA)" "$r: POST /api/projects/<PA>/changes/<CID> approved" "$r" api POST "${REC[PA]}/changes/$CID" '{"decision":"approved"}'
	refused "$(rwant "$r" PA)" "$r: POST /projects/<PA>/changes (form) decision" "$r" form "/${REC[PA]}/changes" "change_id=$CID" decision=approved
done
allowed 200 "staff: POST /api/projects/<PA>/changes/<CID> approved" staff api POST "${REC[PA]}/changes/$CID" '{"decision":"approved"}'
allowed 303 "staff: POST /projects/<PA>/changes (form) a new request" staff form "/${REC[PA]}/changes" description=供货再次推迟
CID2=$(sql "SELECT id FROM project_changes WHERE project_id = '$PRJ_A' AND state = 'pending'")
[[ $CID2 =~ ^[0-9]+$ ]] || bail "the form made no change request"
allowed 303 "admin: POST /projects/<PA>/changes (form) decision rejected" admin form "/${REC[PA]}/changes" "change_id=$CID2" decision=rejected
check "admin: the form decided the request" [ "$(sql "SELECT state FROM project_changes WHERE id = $CID2")" = rejected ]

move PA '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-06-01"}' staff
move PA '{"to":"evaluated","evaluation_date":"2024-11-01","energy_saved":120.5,"energy_saved_unit":"吨标准煤/年","consumption_cut":3000,"consumption_cut_unit":"吨水/年","pollution_cut":1.2,"pollution_cut_unit":"吨COD/年","efficiency_gain":8,"efficiency_gain_unit":"%"}' staff
attempt PA '{"to":"accepted","accepted_date":"2024-11-20"}'
move PA '{"to":"acceptance_failed","accepted_date":"2024-11-20","acceptance_note":"节能量未达标"}' staff
move PA '{"to":"accepted","accepted_date":"2024-12-05"}' staff
move PA '{"to":"completed","final_paid_fen":30000000,"final_paid_date":"2024-12-10"}' staff
move PB '{"to":"applied","application_date":"2024-02-20"}' admin quick
refused "403|404" "dista: POST /api/projects/<PB>/transitions to district_approved (another district's)" \
	dista api POST "${REC[PB]}/transitions" '{"to":"district_approved","district_approved_date":"2024-02-25"}'
refused "403|404" "dista: POST /projects/<PB>/transitions (form) to district_approved (another district's)" \
	dista form "/${REC[PB]}/transitions" to=district_approved district_approved_date=2024-02-25
refused 403 "auth: POST /projects/<PA>/transitions (form) to rejected (reads only)" \
	auth form "/${REC[PA]}/transitions" to=rejected rejected_date=2024-03-05
allowed 303 "distb: POST /projects/<PB>/transitions (form) to district_approved (its own district)" \
	distb form "/${REC[PB]}/transitions" to=district_approved district_approved_date=2024-02-25
check "distb: the form moved <PB> to district_approved" [ "$(sql "SELECT state FROM projects WHERE id = '$PRJ_B'")" = district_approved ]
move PB '{"to":"rejected","rejected_date":"2024-03-01"}' admin quick

# ---- deadlines: PATCH /api/deadlines/YEAR and the form -----------------------------------
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: PATCH /api/deadlines/2024" "$r" api PATCH deadlines/2024 '{"audit_report":"2024-06-15"}'
	refused $w "$r: POST /deadlines?year=2024 (form)" "$r" form "/deadlines?year=2024" audit_report=2024-06-15
done
allowed 200 "staff: PATCH /api/deadlines/2024" staff api PATCH deadlines/2024 '{"audit_report":"2024-06-15"}'
allowed 303 "admin: POST /deadlines?year=2024 (form)" admin form "/deadlines?year=2024" audit_filing=2024-03-10
check "admin: the form set the deadline" [ "$(sql "SELECT date FROM deadlines WHERE year = 2024 AND item = 'audit_filing'")" = 2024-03-10 ]

# ---- agency years: POST /api/agencies/ID/years, PATCH .../years/YEAR, their forms -----------
# The agency itself or staff apply; only staff select (selection.h). Staff
# apply for a new agency K: H must keep taking audits of any year below.
as admin api POST agencies '{"name":"矩阵丙咨询","year":2024}'
K=$(id)
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	[ "$r" = agg ] || refused $w "$r: POST /api/agencies/<G>/years" "$r" api POST "agencies/$G/years" '{"year":2026}'
	[ "$r" = agh ] || refused $w "$r: POST /api/agencies/<H>/years" "$r" api POST "agencies/$H/years" '{"year":2026}'
	[ "$r" = agg ] || refused $w "$r: POST /agencies/<G>/years (form)" "$r" form "/agencies/$G/years" year=2027
	refused $w "$r: POST /agencies/selection?year=2026 (form, apply for G)" "$r" form "/agencies/selection?year=2026" "agency_id=$G" action=apply
done
allowed 201 "agg: POST /api/agencies/<G>/years (its own)" agg api POST "agencies/$G/years" '{"year":2026}'
allowed 303 "agg: POST /agencies/<G>/years (form, its own)" agg form "/agencies/$G/years" year=2027
allowed 201 "staff: POST /api/agencies/<K>/years" staff api POST "agencies/$K/years" '{"year":2026}'
allowed 303 "admin: POST /agencies/selection?year=2028 (form, apply for K)" admin form "/agencies/selection?year=2028" "agency_id=$K" action=apply
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: PATCH /api/agencies/<G>/years/2026" "$r" api PATCH "agencies/$G/years/2026" '{"status":"入选"}'
	refused $w "$r: POST /agencies/selection?year=2026 (form, select G)" "$r" form "/agencies/selection?year=2026" "agency_id=$G" action=decide status=入选
done
allowed 200 "staff: PATCH /api/agencies/<G>/years/2026" staff api PATCH "agencies/$G/years/2026" '{"status":"入选"}'
allowed 303 "admin: POST /agencies/selection?year=2026 (form, select K)" admin form "/agencies/selection?year=2026" "agency_id=$K" action=decide status=入选
check "the form selected K for 2026" [ "$(sql "SELECT status FROM agency_years WHERE agency_id = '$K' AND year = 2026")" = 入选 ]

# ---- typical units: POST/DELETE /api/projects/ID/typical and the form ----------------------
# PA is completed (accepted), so only the role decides.
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: POST /api/projects/<PA>/typical" "$r" api POST "projects/$PRJ_A/typical" '{"reason":"示范"}'
	refused $w "$r: POST /typical?year=2024 (form, choose PA)" "$r" form "/typical?year=2024" "project_id=$PRJ_A" action=choose reason=示范
done
allowed 200 "staff: POST /api/projects/<PA>/typical" staff api POST "projects/$PRJ_A/typical" '{"reason":"示范"}'
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: DELETE /api/projects/<PA>/typical" "$r" api DELETE "projects/$PRJ_A/typical"
	refused $w "$r: POST /typical?year=2024 (form, withdraw PA)" "$r" form "/typical?year=2024" "project_id=$PRJ_A" action=withdraw
done
allowed 200 "admin: DELETE /api/projects/<PA>/typical" admin api DELETE "projects/$PRJ_A/typical"
allowed 303 "staff: POST /typical?year=2024 (form, choose PA)" staff form "/typical?year=2024" "project_id=$PRJ_A" action=choose reason=示范
check "staff: the form chose PA" [ "$(sql "SELECT reason FROM typical_units WHERE project_id = '$PRJ_A'")" = 示范 ]

# ---- standards editions: the staff page's form ----------------------------------------------
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: POST /admin/editions (form)" "$r" form /admin/editions "edition=GB 18466-2001" status=superseded "replaced_by=GB 18466-2005"
done
allowed 303 "staff: POST /admin/editions (form)" staff form /admin/editions "edition=GB 18466-2001" status=superseded "replaced_by=GB 18466-2005"
check "staff: the form set the edition" [ "$(sql "SELECT status || ' ' || replaced_by FROM standard_editions WHERE number = 'GB 18466' AND year = 2001")" = "superseded GB 18466-2005" ]

# ---- the other HTML forms: create, update, link -------------------------------------------
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	refused $w "$r: POST /agencies (form, create)" "$r" form /agencies name=表单咨询 year=2024
	refused "$(rwant "$r" EA)" "$r: POST /enterprises/<EA> (form, update)" "$r" form "/${REC[EA]}" contact=表单改动
	refused "$(rwant "$r" TRN)" "$r: POST /trainings/<TRN> (form, update)" "$r" form "/${REC[TRN]}" location=表单改动
done
allowed 303 "staff: POST /agencies (form, create)" staff form /agencies name=表单咨询 year=2024
allowed 303 "staff: POST /enterprises/<EA> (form, update)" staff form "/${REC[EA]}" contact=表单改动
check "staff: the form updated <EA>" [ "$(sql "SELECT contact FROM enterprises WHERE id = '$EA'")" = 表单改动 ]

# /X/ID/links: a document of the caller's own to a case. A refusal on a
# case the caller may not see answers like the record page: 404 (or 422).
for r in $NONSTAFF; do
	for k in CA CB; do
		w=$(attach_want "$r" $k 303)
		[ "$w" = 422/bad_case ] && w="404|422"
		if [ "$w" = 303 ]; then
			allowed 303 "$r: POST /audits/<$k>/links (form) its own document" "$r" form "/${REC[$k]}/links" "document=${DOC[$r]}" role=registration_form
		else
			refused "$w" "$r: POST /audits/<$k>/links (form) its own document" "$r" form "/${REC[$k]}/links" "document=${DOC[$r]}" role=registration_form
		fi
	done
done
refused 401 "anon: POST /audits/<CA>/links (form)" anon form "/${REC[CA]}/links" "document=$PUB" role=registration_form
refused 403 "enta: POST /audits/<CA>/links (form) the public document (not theirs)" enta form "/${REC[CA]}/links" "document=$PUB" role=registration_form
refused 404 "enta: POST /audits/<CA>/links (form) B's document (unreadable)" enta form "/${REC[CA]}/links" "document=$ENTB_PRIV" role=registration_form
allowed 303 "staff: POST /audits/<CA>/links (form) the public document" staff form "/${REC[CA]}/links" "document=$PUB" role=registration_form
check "staff: the form linked the document" [ "$(sql "SELECT role FROM document_cases WHERE doc_id = '$PUB' AND case_id = '${CASE[CA]}'")" = registration_form ]

# ---- reads inside records and reports follow the same visibility ----------------------
# A second audit of A's enterprise, by the other agency: each agency sees
# its own client's audit in the enterprise record, not the other's, and no
# agency or expert sees the enterprise's projects.
as admin api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2025,\"agency_id\":\"$H\"}"
AUD_A2=$(id)
ents_cases() { # ROLE: "audit ids | project ids" of enterprise A's record as ROLE sees it
	send "$1" api GET "enterprises/$EA"
	[ "$CODE" = 200 ] || { echo "$CODE"; return; }
	jq -r '([.audits[].id] | sort | join(",")) + "|" + ([.projects[].id] | sort | join(","))' <<<"$BODY"
}
ALL_OF_A="$(sql "SELECT group_concat(id) FROM (SELECT id FROM audits WHERE enterprise_id = '$EA' ORDER BY id)")|$(sql "SELECT group_concat(id) FROM (SELECT id FROM projects WHERE enterprise_id = '$EA' ORDER BY id)")"
check "the enterprise has cases of both agencies and a project" \
	bash -c '[[ $1 == *$2*"|"* && $1 == *$3*"|"* && ${1#*|} == *$4* ]]' _ "$ALL_OF_A" "$AUD_A" "$AUD_A2" "$PRJ_A"
check "enta: enterprise A lists all its audits and projects" [ "$(ents_cases enta)" = "$ALL_OF_A" ]
check "agg: enterprise A lists only the audit agency G runs" [ "$(ents_cases agg)" = "$AUD_A|" ]
check "agh: enterprise A lists only the audit agency H runs" [ "$(ents_cases agh)" = "$AUD_A2|" ]
check "expx: enterprise A lists only the assigned audit" [ "$(ents_cases expx)" = "$AUD_A|" ]
check "staff: enterprise A lists every case" [ "$(ents_cases staff)" = "$ALL_OF_A" ]
for r in anon $NONSTAFF $AREA staff; do
	w=403; [ "$r" = anon ] && w=401; [ "$r" = staff ] && w=200
	for p in /api/reports/quarterly?year=2024 /api/reports/scoreboard?year=2024 /reports/quarterly?year=2024 /reports/scoreboard?year=2024; do
		# an authority reads its sector's quarterly report, not the scoreboard
		[ "$r" = auth ] && { w=403; [[ $p == *quarterly* ]] && w=200; }
		[ "$r" = anon ] && a=() || a=(-H "Authorization: Bearer ${TOK[$r]}")
		hcall "${a[@]}" "$BASE$p"
		# An anonymous browser is sent to sign in (303); the API answers 401.
		v=$w; [ "$r" = anon ] && [[ $p != /api/* ]] && v=303
		check "$r: GET $p -> $v" [ "$CODE" = "$v" ]
	done
done
hcall "$BASE/api/typical-units?year=2024"
check "anon: GET /api/typical-units -> 200 (public)" [ "$CODE" = 200 ]

# ---- self-service: filings, reviews (records-selfserve.c) --------------------------------
# A new audit of A (agency G), expert X assigned, and one of B (agency H).
as admin api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2026,\"agency_id\":\"$G\"}"
AUD_S=$(id)
as admin api POST audits "{\"enterprise_id\":\"$EB\",\"year\":2026,\"agency_id\":\"$H\"}"
AUD_SB=$(id)
as admin api POST "experts/$X/assignments" "{\"case\":\"audit:$AUD_S\",\"role\":\"reviewer\"}"
[ "$CODE" = 200 ] || bail "assign X to the new audit: $CODE $BODY"
REC[CS]="audits/$AUD_S" REC[CSB]="audits/$AUD_SB"
SEES[agg]+=" CS" SEES[agh]+=" CSB" SEES[enta]+=" CS" SEES[entb]+=" CSB" SEES[expx]+=" CS"
SEES[dista]+=" CS" SEES[distb]+=" CSB" SEES[auth]+=" CS"
# sswant ROLE KEY: a self-service write ROLE may not make on KEY: 401
# anonymous, 404 when it cannot see the case, 403 when it can.
ssw() { [ "$1" = anon ] && { echo 401; return; }; if sees "$1" "$2"; then echo 403; else echo 404; fi; }
FIL='{"contract_date":"2026-01-10","registration_date":"2026-01-20"}'
for r in anon $NONSTAFF $AREA staff admin; do
	[ "$r" = enta ] && continue
	refused "$(ssw "$r" CS)" "$r: POST /api/audits/<CS>/filings" "$r" api POST "${REC[CS]}/filings" "$FIL"
	refused "$(ssw "$r" CS)" "$r: POST /audits/<CS>/filings (form)" "$r" form "/${REC[CS]}/filings" contract_date=2026-01-10 registration_date=2026-01-20
done
allowed 201 "enta: POST /api/audits/<CS>/filings (its own audit)" enta api POST "${REC[CS]}/filings" "$FIL"
FID=$(jq -r '.filings[0].id' <<<"$BODY")
[[ $FID =~ ^[0-9]+$ ]] || bail "no filing id: $BODY"
allowed 303 "entb: POST /audits/<CSB>/filings (form, its own audit)" entb form "/${REC[CSB]}/filings" contract_date=2026-01-10 registration_date=2026-01-20
FIDB=$(sql "SELECT id FROM audit_filings WHERE audit_id = '$AUD_SB'")
[[ $FIDB =~ ^[0-9]+$ ]] || bail "entb's form made no filing"
for r in anon $NONSTAFF $AREA; do
	refused "$(ssw "$r" CS)" "$r: POST /api/audits/<CS>/filings/<FID> confirmed" "$r" api POST "${REC[CS]}/filings/$FID" '{"decision":"confirmed"}'
	refused "$(ssw "$r" CSB)" "$r: POST /audits/<CSB>/filings (form) decision" "$r" form "/${REC[CSB]}/filings" "filing_id=$FIDB" decision=returned reason=有误
done
allowed 200 "staff: POST /api/audits/<CS>/filings/<FID> confirmed" staff api POST "${REC[CS]}/filings/$FID" '{"decision":"confirmed"}'
check "staff: the confirmed filing moved <CS> to filed" [ "$(sql "SELECT state FROM audits WHERE id = '$AUD_S'")" = filed ]
allowed 303 "admin: POST /audits/<CSB>/filings (form) decision returned" admin form "/${REC[CSB]}/filings" "filing_id=$FIDB" decision=returned reason=合同日期有误
check "admin: the form returned B's filing" [ "$(sql "SELECT state FROM audit_filings WHERE id = $FIDB")" = returned ]
as staff api POST "${REC[CS]}/transitions" '{"to":"submitted","report_date":"2026-05-20"}'
[ "$CODE" = 200 ] || bail "submit the new audit: $CODE $BODY"

REVW='{"opinion":"报告完整。","grade":"良好","score":85}'
for r in anon $NONSTAFF $AREA staff admin; do
	[ "$r" = expx ] && continue
	refused "$(ssw "$r" CS)" "$r: POST /api/audits/<CS>/reviews" "$r" api POST "${REC[CS]}/reviews" "$REVW"
	refused "$(ssw "$r" CS)" "$r: POST /audits/<CS>/reviews (form)" "$r" form "/${REC[CS]}/reviews" opinion=报告完整 grade=良好 score=85
done
allowed 200 "expx: POST /api/audits/<CS>/reviews (assigned)" expx api POST "${REC[CS]}/reviews" "$REVW"
allowed 303 "expx: POST /audits/<CS>/reviews (form, assigned)" expx form "/${REC[CS]}/reviews" opinion=报告完整，建议合格 grade=合格 score=75
for r in anon $NONSTAFF $AREA; do
	refused "$(ssw "$r" CS)" "$r: POST /api/audits/<CS>/reviews/<X> (return)" "$r" api POST "${REC[CS]}/reviews/$X" '{"reason":"请补充"}'
	refused "$(ssw "$r" CS)" "$r: POST /audits/<CS>/reviews (form, return)" "$r" form "/${REC[CS]}/reviews" "expert_id=$X" reason=请补充
done
allowed 200 "staff: POST /api/audits/<CS>/reviews/<X> (return)" staff api POST "${REC[CS]}/reviews/$X" '{"reason":"请补充节水依据"}'
allowed 303 "expx: POST /audits/<CS>/reviews (form, answering the return)" expx form "/${REC[CS]}/reviews" opinion=依据见附表 grade=合格 score=75
GRADE='{"evaluated_date":"2026-06-20","grade":"合格","score":75}'
for r in anon $NONSTAFF $AREA; do
	refused "$(ssw "$r" CS)" "$r: POST /api/audits/<CS>/reviews/confirm" "$r" api POST "${REC[CS]}/reviews/confirm" "$GRADE"
	refused "$(ssw "$r" CS)" "$r: POST /audits/<CS>/reviews (form, confirm)" "$r" form "/${REC[CS]}/reviews" confirm=1 evaluated_date=2026-06-20 grade=合格 score=75
done
allowed 303 "admin: POST /audits/<CS>/reviews (form, confirm)" admin form "/${REC[CS]}/reviews" confirm=1 evaluated_date=2026-06-20 grade=合格 score=75
check "admin: the form confirmed the grade" [ "$(sql "SELECT state || grade FROM audits WHERE id = '$AUD_S'")" = evaluated合格 ]
for r in anon $NONSTAFF $AREA; do
	w=403; [ "$r" = anon ] && w=401
	[ "$r" = anon ] && a=() || a=(-H "Authorization: Bearer ${TOK[$r]}")
	hcall "${a[@]}" "$BASE/api/pending"
	check "$r: GET /api/pending -> $w" [ "$CODE" = "$w" ]
done
hcall -H "Authorization: Bearer ${TOK[staff]}" "$BASE/api/pending"
check "staff: GET /api/pending -> 200" [ "$CODE" = 200 ]

wait_idle
check "fsck passes after the matrix" fsck_clean
