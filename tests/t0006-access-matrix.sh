#!/usr/bin/env bash
# t0006-access-matrix.sh: for each role (anonymous, two enterprises, an
# agency, an expert, a district, a sector authority, staff, admin) the
# documents it may and may not see. (The district's and the authority's
# documents come through cases: t0120-area-roles.sh; here, none of these
# uploads belongs to a case, so they see the public one alone.)
# For every forbidden document: a search for a word unique to it finds
# nothing, a search for a word all documents share neither counts it in the
# total or a facet nor shows its title or snippet, "similar documents"
# never offers it, and its record, file, text and page answer 404.
# Covers auth.c (groups), docs.c (docs_may_read, access groups), index.c
# (access terms), xap.cc (filter inside the query), search.c, cgi-bin/search.c.
. "$(dirname "$0")/lib.sh"
start_instance

ctl() { "$TOP/portal" ctl "$@"; }
ctl user add e1 --role enterprise --enterprise E1
ctl user add e1b --role enterprise --enterprise E1
ctl user add e2 --role enterprise --enterprise E2
ctl user add ag1 --role agency --agency A1
ctl user add x1 --role expert
ctl user add s1 --role staff
ctl user add d1 --role district --district 朝阳区
ctl user add au1 --role authority --sector services
declare -A TOK=([admin]=$ADMIN)
for u in e1 e1b e2 ag1 x1 s1 d1 au1; do TOK[$u]=$(ctl token create "$u"); done

# Each document: uploader, visibility, a word only it contains, and a
# paragraph they all share (so shared searches and similarity reach them all).
SHARED='清洁生产审核共同段落：企业开展能源审计，实施节能降耗方案，削减污染物排放总量。'
declare -A DOC WORD
add() { # KEY UPLOADER VISIBILITY UNIQUE-WORD
	printf '%s\n%s 专属内容：%s。\n' "$SHARED" "$1" "$4" >"$PORTAL_DATA/$1.txt"
	upload "${TOK[$2]}" "$PORTAL_DATA/$1.txt" -F "visibility=$3" -F doc_type=audit_report
	[ "$CODE" = 202 ] || bail "upload $1: $CODE $BODY"
	DOC[$1]=$(jq -r .id <<<"$BODY")
	WORD[$1]=$4
}
add pub admin public 琥珀色冷凝水
add e1doc e1 restricted 翡翠色滤芯
add e1mate e1b restricted 玛瑙色阀门
add e2doc e2 restricted 珊瑚色管道
add agdoc ag1 restricted 象牙色烟囱
add staffdoc s1 restricted 紫檀色锅炉
for k in "${!DOC[@]}"; do
	[ "$(wait_indexed "${DOC[$k]}")" = indexed ] || bail "$k not indexed"
done

ALL="pub e1doc e1mate e2doc agdoc staffdoc"
declare -A SEES=(
	[anon]="pub"
	[e1]="pub e1doc e1mate"
	[e1b]="pub e1doc e1mate"
	[e2]="pub e2doc"
	[ag1]="pub agdoc"
	[x1]="pub"
	[d1]="pub"
	[au1]="pub"
	[s1]="$ALL"
	[admin]="$ALL"
)

as() { # ROLE CURL-ARGS...: call as that role
	local role=$1; shift
	if [ "$role" = anon ]; then call "$@"; else call -H "Authorization: Bearer ${TOK[$role]}" "$@"; fi
}

for role in anon e1 e1b e2 ag1 x1 d1 au1 s1 admin; do
	sees=" ${SEES[$role]} "
	n=$(wc -w <<<"${SEES[$role]}")
	as "$role" -G --data-urlencode "q=能源审计 节能降耗" --data per_page=100 "$BASE/api/search"
	check "$role: the shared search counts exactly the $n it may see" \
		[ "$(jq '[.total, (.results|length), ([.facets.doc_type[]]|add // 0)]|map(tostring)|join(" ")' -r <<<"$BODY")" = "$n $n $n" ]
	SHARED_BODY=$BODY
	as "$role" -G --data-urlencode "q=能源审计" "$BASE/search"
	SHARED_HTML=$BODY
	for k in $ALL; do
		id=${DOC[$k]}
		if [[ $sees == *" $k "* ]]; then
			as "$role" -G --data-urlencode "q=${WORD[$k]}" "$BASE/api/search"
			check "$role sees $k: its unique word finds it" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$id" ]
			as "$role" "$BASE/api/documents/$id/file"
			check "$role sees $k: download answers 200" [ "$CODE" = 200 ]
			continue
		fi
		as "$role" -G --data-urlencode "q=${WORD[$k]}" "$BASE/api/search"
		check "$role may not see $k: its unique word finds nothing, counts nothing" \
			[ "$(jq -c '[.total, .facets.doc_type, .facets.year]' <<<"$BODY")" = '[0,{},{}]' ]
		check "$role may not see $k: not in the shared results, title or snippet" \
			bash -c '! grep -qF -e "$1" -e "$2" <<<"$3$4"' _ "$id" "${WORD[$k]}" "$SHARED_BODY" "$SHARED_HTML"
		for path in "" /file /text /similar; do
			as "$role" "$BASE/api/documents/$id$path"
			[ "$CODE" = 404 ] || { not_ok "$role may not see $k: /api/documents/ID$path answered $CODE"; continue 2; }
		done
		as "$role" "$BASE/documents/$id"
		check "$role may not see $k: record, file, text, similar and page all answer 404" [ "$CODE" = 404 ]
		as "$role" "$BASE/api/documents/${DOC[pub]}/similar"
		check "$role may not see $k: similar documents of a public one leave it out" \
			bash -c '! grep -qF "$1" <<<"$2"' _ "$id" "$BODY"
	done
done

# Viewing a restricted document leaves a trace in the audit log.
sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT count(*) FROM audit_log WHERE action='download' AND object='document:${DOC[e1doc]}'" >"$PORTAL_DATA/n"
check "downloads of restricted documents are in the audit log" [ "$(cat "$PORTAL_DATA/n")" -ge 1 ]
