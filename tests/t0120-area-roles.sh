#!/usr/bin/env bash
# t0120-area-roles.sh: the two roles tied to an area (issue 17): a district
# (区发改委, one district as the enterprises' records name it) and a sector's
# authority (行业主管部门, one sector). Four enterprises, one per district
# (朝阳区, 海淀区) and sector (services, industry), each with an audit holding
# a restricted document, and two projects awaiting the district approval.
# For each area user: the records it lists and opens, what search finds and
# counts (a restricted document of another district or sector: no hit, no
# title or snippet, not in the total or a facet; its record and file 404),
# its own overdue list; the district approval by its own district only; the
# authority's quarterly report and bulletin cut to its sector; the home
# pages; users made by portalctl and /api/users with their area.
# Covers auth.c (roles, groups d:/s:), docs.c (docs_access_groups), the
# records' scopes (records-*.c), records-move.c (workflow_may_move),
# report.c (report_quarterly_may_read), bulletin-ui.c, home.c, users-ui.c,
# portalctl.c, db.c (migration 12).
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

ctl() { "$TOP/portal" ctl "$@"; }
api() { # TOKEN METHOD PATH [JSON]: sets CODE and BODY
	local tok=$1 m=$2 p=$3
	if [ $# -ge 4 ]; then
		call -H "Authorization: Bearer $tok" -X "$m" -H 'Content-Type: application/json' --data-binary "$4" "$BASE/api/$p"
	else
		call -H "Authorization: Bearer $tok" -X "$m" "$BASE/api/$p"
	fi
}
id() { jq -r .id <<<"$BODY"; }

# ---- users ---------------------------------------------------------------------------
check "portalctl: a district user needs a known district" bash -c '! "$1/portal" ctl user add bad --role district --district 火星区 2>/dev/null' _ "$TOP"
check "portalctl: an authority needs a sector" bash -c '! "$1/portal" ctl user add bad --role authority 2>/dev/null' _ "$TOP"
ctl user add dcy --role district --district 朝阳区 || bail "district user"
ctl user add dhd --role district --district 海淀区 || bail "district user"
ctl user add asv --role authority --sector services || bail "authority user"
ctl user add aid --role authority --sector industry || bail "authority user"
declare -A TOK
for u in dcy dhd asv aid; do TOK[$u]=$(ctl token create "$u") || bail "token $u"; done

api "$ADMIN" POST users '{"name":"丰台区发改委","role":"district","district":"丰台区"}'
check "POST /api/users: a district user with its district -> 201" [ "$CODE" = 201 ]
api "$ADMIN" POST users '{"name":"某区","role":"district","district":"浦东新区"}'
check "POST /api/users: an unknown district -> 400 bad_district" [ "$CODE $(jq -r .error.code <<<"$BODY")" = "400 bad_district" ]
api "$ADMIN" POST users '{"name":"农业农村局","role":"authority","sector":"农业"}'
check "POST /api/users: an authority by its sector's Chinese name -> 201" [ "$CODE" = 201 ]
call -H "Authorization: Bearer $ADMIN" --data-urlencode action=create --data-urlencode name=通州区发改委 \
	--data-urlencode role=district --data-urlencode district=通州区 --data-urlencode sector= "$BASE/admin/users"
check "POST /admin/users (the page's form): a district user, its one-time password shown" \
	bash -c '[ "$1" = 200 ] && grep -q "一次性密码" <<<"$2"' _ "$CODE" "$BODY"
call -H "Authorization: Bearer $ADMIN" "$BASE/admin/users"
check "GET /admin/users: the form offers the districts and the sectors by name" \
	bash -c 'grep -q "<option value=\"朝阳区\">朝阳区</option>" <<<"$1" && grep -q "<option value=\"industry\">工业</option>" <<<"$1"' _ "$BODY"
api "$ADMIN" GET users
check "GET /api/users: the form's district user is 通州区's" \
	[ "$(jq -r '.users[] | select(.name == "通州区发改委") | .role + "/" + .organisation' <<<"$BODY")" = "district/通州区" ]
check "GET /api/users: the area users read 区发改委 and 行业主管部门 with their area" \
	[ "$(jq -r '[.users[] | select(.name == "丰台区发改委" or .name == "农业农村局") | .role_label + "/" + .organisation] | sort | join(",")' <<<"$BODY")" = "区发改委/丰台区,行业主管部门/农业" ]

# ---- records -------------------------------------------------------------------------
# E<district><sector>: c = 朝阳区, h = 海淀区; s = services, i = industry
mk_ent() { # KEY NAME CREDIT SECTOR INDUSTRY DISTRICT
	api "$ADMIN" POST enterprises "{\"name\":\"$2\",\"credit_code\":\"$3\",\"sector\":\"$4\",\"industry\":\"$5\",\"district\":\"$6\"}"
	[ "$CODE" = 201 ] || bail "enterprise $2: $CODE $BODY"
	ENT[$1]=$(id) NAME[$1]=$2
}
declare -A ENT NAME AUD DOC WORD
mk_ent cs 朝阳示范医院 91110105MA01A00012 services 医疗机构 朝阳区
mk_ent hs 海淀示范餐饮 91110108MA01B00028 services 餐饮 海淀区
mk_ent ci 朝阳示范化工 91110106MA01E0005U industry 化工 朝阳区
mk_ent hi 海淀示范印刷 91110114MA01D0004K industry 印刷 海淀区
SHARED='区县与行业范围测试共同段落：企业开展清洁生产审核，实施节能降耗方案。'
declare -A UNIQUE=([cs]=琥珀色冷凝水 [hs]=翡翠色滤芯 [ci]=珊瑚色管道 [hi]=象牙色烟囱)
for k in cs hs ci hi; do
	api "$ADMIN" POST audits "{\"enterprise_id\":\"${ENT[$k]}\",\"year\":2024}"
	[ "$CODE" = 201 ] || bail "audit $k: $CODE $BODY"
	AUD[$k]=$(id)
	printf '%s\n%s 专属内容：%s。\n' "$SHARED" "${NAME[$k]}" "${UNIQUE[$k]}" >"$PORTAL_DATA/$k.txt"
	upload "$ADMIN" "$PORTAL_DATA/$k.txt" -F doc_type=audit_report -F "case=audit:${AUD[$k]}"
	[ "$CODE" = 202 ] || bail "upload $k: $CODE $BODY"
	DOC[$k]=$(id)
done
for k in cs hs ci hi; do [ "$(wait_indexed "${DOC[$k]}")" = indexed ] || bail "$k not indexed"; done
declare -A PRJ
for k in cs hs; do
	api "$ADMIN" POST projects "{\"enterprise_id\":\"${ENT[$k]}\",\"year\":2024,\"name\":\"${NAME[$k]}节能改造\",\"round\":\"spring\",\"investment_fen\":100000000,\"reason\":\"范围测试\"}"
	[ "$CODE" = 201 ] || bail "project $k: $CODE $BODY"
	PRJ[$k]=$(id)
	api "$ADMIN" POST "projects/${PRJ[$k]}/transitions" '{"to":"applied","application_date":"2024-02-20"}'
	[ "$CODE" = 200 ] || bail "apply $k: $CODE $BODY"
done
# the documents of a case carry its district and sector once linked (the
# indexer has them again after the link's reindexing)
sleep 0.5
for k in cs hs ci hi; do [ "$(wait_indexed "${DOC[$k]}")" = indexed ] || bail "$k not indexed"; done

# Each area user's share: c* for 朝阳区, h* for 海淀区, *s services, *i industry.
declare -A MINE=([dcy]="cs ci" [dhd]="hs hi" [asv]="cs hs" [aid]="ci hi")
declare -A MYPRJ=([dcy]="cs" [dhd]="hs" [asv]="cs hs" [aid]="")
ids_of() { jq -r '[.results[].id] | sort | join(",")' <<<"$BODY"; }
want_ids() { # KIND KEYS...: the sorted ids of those keys
	local -n map=$1; shift
	local k; for k in "$@"; do echo "${map[$k]}"; done | sort | paste -sd, -
}

for u in dcy dhd asv aid; do
	mine=" ${MINE[$u]} "
	api "${TOK[$u]}" GET "enterprises?per_page=100"
	check "$u: lists exactly its enterprises" [ "$(ids_of)" = "$(want_ids ENT ${MINE[$u]})" ]
	api "${TOK[$u]}" GET "audits?per_page=100"
	check "$u: lists exactly its audits" [ "$(ids_of)" = "$(want_ids AUD ${MINE[$u]})" ]
	api "${TOK[$u]}" GET "projects?per_page=100"
	check "$u: lists exactly its projects" [ "$(ids_of)" = "$(want_ids PRJ ${MYPRJ[$u]})" ]

	# search: the shared paragraph counts only its documents
	n=$(wc -w <<<"${MINE[$u]}")
	call -H "Authorization: Bearer ${TOK[$u]}" -G --data-urlencode "q=区县与行业范围测试" --data per_page=100 "$BASE/api/search"
	check "$u: the shared search counts exactly its $n documents (total, hits, facets)" \
		[ "$(jq -r '[.total, (.results|length), ([.facets.doc_type[]]|add // 0)]|map(tostring)|join(" ")' <<<"$BODY")" = "$n $n $n" ]
	SHARED_BODY=$BODY
	call -H "Authorization: Bearer ${TOK[$u]}" -G --data-urlencode "q=区县与行业范围测试" "$BASE/search"
	SHARED_HTML=$BODY
	for k in cs hs ci hi; do
		id=${DOC[$k]}
		if [[ $mine == *" $k "* ]]; then
			call -H "Authorization: Bearer ${TOK[$u]}" -G --data-urlencode "q=${UNIQUE[$k]}" "$BASE/api/search"
			check "$u sees $k's restricted document: its unique word finds it" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$id" ]
			call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/api/documents/$id/file"
			check "$u sees $k's restricted document: download 200" [ "$CODE" = 200 ]
			call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/api/audits/${AUD[$k]}"
			check "$u opens $k's audit (200)" [ "$CODE" = 200 ]
			continue
		fi
		call -H "Authorization: Bearer ${TOK[$u]}" -G --data-urlencode "q=${UNIQUE[$k]}" "$BASE/api/search"
		check "$u may not see $k's document: its unique word finds and counts nothing" \
			[ "$(jq -c '[.total, .facets.doc_type, .facets.sector, .facets.year]' <<<"$BODY")" = '[0,{},{},{}]' ]
		check "$u may not see $k's document: not among the shared hits, titles or snippets" \
			bash -c '! grep -qF -e "$1" -e "$2" <<<"$3$4"' _ "$id" "${UNIQUE[$k]}" "$SHARED_BODY" "$SHARED_HTML"
		codes=
		for path in "" /file /text; do
			call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/api/documents/$id$path"
			codes="$codes$CODE "
		done
		call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/documents/$id"
		codes="$codes$CODE"
		check "$u may not see $k's document: record, file, text and page 404 ($codes)" [ "$codes" = "404 404 404 404" ]
		call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/api/audits/${AUD[$k]}"
		check "$u may not open $k's audit (404)" [ "$CODE" = 404 ]
	done
done

# ---- overdue: each district's own list -------------------------------------------------
api "$ADMIN" GET "overdue?year=2024&as_of=2024-12-31"
ALL_OVER=$BODY
for u in dcy dhd; do
	d=$([ $u = dcy ] && echo 朝阳区 || echo 海淀区)
	api "${TOK[$u]}" GET "overdue?year=2024&as_of=2024-12-31"
	check "$u: /api/overdue holds exactly its district's overdue cases" \
		[ "$(jq -r '[.items[].case] | sort | join(",")' <<<"$BODY")" = "$(jq -r --arg d "$d" '[.items[] | select(.district == $d) | .case] | sort | join(",")' <<<"$ALL_OVER")" ]
	check "$u: its overdue list is not empty and names no other district" \
		bash -c '[ "$(jq "[.items[]] | length" <<<"$1")" -gt 0 ] && [ "$(jq -r --arg d "$2" "[.items[] | select(.district != \$d)] | length" <<<"$1")" = 0 ]' _ "$BODY" "$d"
done

# ---- the district approval: its own district's project only ---------------------------
DAPP='{"to":"district_approved","district_approved_date":"2024-03-01"}'
api "${TOK[dhd]}" POST "projects/${PRJ[cs]}/transitions" "$DAPP"
check "dhd: approving 朝阳区's project -> 404 (not its district)" [ "$CODE" = 404 ]
api "${TOK[asv]}" POST "projects/${PRJ[cs]}/transitions" "$DAPP"
check "asv: an authority approving its sector's project -> 403" [ "$CODE" = 403 ]
api "${TOK[dcy]}" POST "audits/${AUD[cs]}/transitions" '{"to":"filed","contract_date":"2024-02-01","registration_date":"2024-02-10"}'
check "dcy: filing its district's audit -> 403 (only the approval is the district's)" [ "$CODE" = 403 ]
api "$ADMIN" GET "projects/${PRJ[cs]}"
check "the refusals left 朝阳区's project applied" [ "$(jq -r .state <<<"$BODY")" = applied ]
api "${TOK[dcy]}" POST "projects/${PRJ[cs]}/transitions" "$DAPP"
check "dcy: approving its own district's project -> 200, district_approved" [ "$CODE $(jq -r .state <<<"$BODY")" = "200 district_approved" ]
call -H "Authorization: Bearer ${TOK[dhd]}" "$BASE/projects/${PRJ[hs]}"
check "dhd: its project's page offers the district approval form" grep -q 'name="to" value="district_approved"' <<<"$BODY"
check "dhd: …without the staff's reason field" bash -c '! grep -q "name=\"reason\"" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer ${TOK[asv]}" "$BASE/projects/${PRJ[hs]}"
check "asv: the same page offers an authority no move, edit or link form" \
	bash -c '[ "$2" = 200 ] && ! grep -qF "action=\"/projects/" <<<"$1"' _ "$BODY" "$CODE"

# ---- the authority's quarterly report and bulletin -------------------------------------
api "${TOK[asv]}" GET "reports/quarterly?year=2024&quarter=4"
check "asv: /api/reports/quarterly holds its sector alone" [ "$CODE $(jq -r '[.sectors[].sector] | join(",")' <<<"$BODY")" = "200 services" ]
check "asv: its total is its sector's (2 audits listed, 2 projects)" \
	[ "$(jq -r '[.total.audits.listed, .total.projects.total] | map(tostring) | join(" ")' <<<"$BODY")" = "2 2" ]
api "${TOK[aid]}" GET "reports/quarterly?year=2024&quarter=4&format=csv"
check "aid: the quarterly CSV has no services row" bash -c '[ "$2" = 200 ] && grep -q "^industry," <<<"$1" && ! grep -q "^services," <<<"$1"' _ "$BODY" "$CODE"
api "${TOK[dcy]}" GET "reports/quarterly?year=2024&quarter=4"
check "dcy: a district reads no quarterly report (403)" [ "$CODE" = 403 ]
api "${TOK[asv]}" GET "reports/scoreboard?year=2024"
check "asv: the scoreboard stays staff's (403)" [ "$CODE" = 403 ]
call -H "Authorization: Bearer ${TOK[asv]}" "$BASE/reports/bulletin?year=2024&quarter=4"
BUL=$BODY
check "asv: the bulletin answers 200, titled for 服务业" bash -c '[ "$1" = 200 ] && grep -q "<h1>2024 年第四季度清洁生产工作通报（服务业）</h1>" <<<"$2"' _ "$CODE" "$BUL"
check "asv: the bulletin has no 工业, 农业 or 合计 section" bash -c '! grep -qE "<h2>(工业|农业|合计)</h2>" <<<"$1"' _ "$BUL"
check "asv: the bulletin's late items name its sector's enterprises, no other" \
	bash -c 'grep -qF "$2" <<<"$1" && ! grep -qF -e "$3" -e "$4" <<<"$1"' _ "$BUL" "${NAME[cs]}" "${NAME[ci]}" "${NAME[hi]}"
call -H "Authorization: Bearer ${TOK[aid]}" "$BASE/reports/quarterly?year=2024&quarter=4"
check "aid: the quarterly page is titled for 工业, with no 服务业 or 合计 charts" \
	bash -c '[ "$1" = 200 ] && grep -q "季度进展报表（工业）</h1>" <<<"$2" && ! grep -qE "<h2>(服务业|农业|合计)</h2>" <<<"$2"' _ "$CODE" "$BODY"
call -H "Authorization: Bearer ${TOK[dcy]}" "$BASE/reports/bulletin?year=2024&quarter=4"
check "dcy: the bulletin is not a district's (403)" [ "$CODE" = 403 ]
call -H "Authorization: Bearer ${TOK[asv]}" -F "file=@$PORTAL_DATA/cs.txt" "$BASE/api/documents"
check "asv: an authority uploads nothing (403)" [ "$CODE" = 403 ]

# ---- home pages ------------------------------------------------------------------------
call -H "Authorization: Bearer ${TOK[dhd]}" "$BASE/"
check "dhd home: its project awaiting approval, by name" grep -qF "${NAME[hs]}节能改造" <<<"$BODY"
check "dhd home: no other district's project or enterprise" bash -c '! grep -qF -e "$2" -e "$3" <<<"$1"' _ "$BODY" "${NAME[cs]}" "${NAME[ci]}"
check "dhd home: headed 待区级审核的项目 and 海淀区的审核和项目" bash -c 'grep -q "待区级审核的项目" <<<"$1" && grep -q "海淀区的审核和项目" <<<"$1"' _ "$BODY"
call -H "Authorization: Bearer ${TOK[aid]}" "$BASE/"
check "aid home: links its sector's bulletin" grep -q 'href="/reports/bulletin?year=2024&amp;quarter=4"' <<<"$BODY"
check "aid home: one sector column (工业), no 服务业" bash -c 'grep -q "<h3>工业</h3>" <<<"$1" && ! grep -q "<h3>服务业</h3>" <<<"$1"' _ "$BODY"
for u in dcy dhd asv aid; do
	call -H "Authorization: Bearer ${TOK[$u]}" "$BASE/"
	check "$u home: 200 with exactly one <h1>" bash -c '[ "$1" = 200 ] && [ "$(grep -o "<h1[ >]" <<<"$2" | wc -l)" = 1 ]' _ "$CODE" "$BODY"
done

check "fsck passes" fsck_clean
