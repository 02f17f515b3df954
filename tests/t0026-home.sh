#!/usr/bin/env bash
# t0026-home.sh: the home page and header menu of each role, on the demo
# year. For anonymous visitors, an enterprise, an agency, an expert and
# staff (and, for the menu and the home page's links, the demo's district
# and industry authority): the home page shows that role's own items (its cases by name, not
# other people's), the header menu lists exactly the areas the role may
# open and each of them answers 2xx to that role; a restricted document
# and case of another enterprise never appear on a home page but staff's.
# Staff's indexing queue lists a failed document with its reason; retrying
# it (POST /api/documents/ID/retry, the home page's form) queues it again,
# is logged, and is refused to other roles (403), to anonymous callers
# (401) and to a session without its CSRF token (403). The upload form
# preselects the case of ?case=. Covers home.c, ui-shared.c (menu),
# records-ui.c (breadcrumbs), cases.c (retry), docs.c and jobs.c
# (docs_retry, jobs_requeue), upload.c (case=), nginx.conf.in (/ and
# retry go to cases.fcgi).
. "$(dirname "$0")/lib.sh"
PORTAL_DEMO=1
start_instance
DB=$PORTAL_DATA/index/portal.db
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
CTL() { "$TOP/portal" ctl "$@"; }
wait_for() {
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}

# ---- the demo's parties, and a user for each role -----------------------------
ent_id() { sql "SELECT id FROM enterprises WHERE name = '$1'"; }
KANGNING=$(ent_id 北京康宁医院)		# services, agency 绿源, expert 王建国
HUACAI=$(ent_id 北京华彩印务有限公司)	# industry, listed, no agency: overdue
LVYUAN=$(sql "SELECT id FROM agencies WHERE name = '北京绿源清洁生产咨询有限公司'")
A_OWN=$(sql "SELECT id FROM audits WHERE enterprise_id = '$KANGNING'")
P_OWN=$(sql "SELECT id FROM projects WHERE enterprise_id = '$KANGNING'")
A_OTHER=$(sql "SELECT id FROM audits WHERE enterprise_id = '$HUACAI'")
[ -n "$KANGNING" ] && [ -n "$HUACAI" ] && [ -n "$LVYUAN" ] && [ -n "$A_OWN" ] && [ -n "$P_OWN" ] &&
	[ -n "$A_OTHER" ] || bail "the demo year is not as this test expects"
EXPERT=$(sql "SELECT expert_id FROM assignments WHERE case_id = 'audit:$A_OWN' LIMIT 1")

CTL user add 职员甲 --role staff >/dev/null
CTL user add 康宁用户 --role enterprise --enterprise "$KANGNING" >/dev/null
CTL user add 华彩用户 --role enterprise --enterprise "$HUACAI" >/dev/null
CTL user add 绿源用户 --role agency --agency "$LVYUAN" >/dev/null
CTL user add 专家甲 --role expert >/dev/null
echo 'a long password' | CTL user passwd 职员甲 >/dev/null
T_staff=$(CTL token create 职员甲)
T_enterprise=$(CTL token create 康宁用户)
T_other=$(CTL token create 华彩用户)
T_agency=$(CTL token create 绿源用户)
T_expert=$(CTL token create 专家甲)
T_district=$(CTL token create 延庆区发改委)
T_authority=$(CTL token create 市经济和信息化局)
call -H "Authorization: Bearer $ADMIN" -X PATCH -H 'Content-Type: application/json' \
	-d '{"user_name":"专家甲"}' "$BASE/api/experts/$EXPERT"
check "the expert record gets its portal user ($CODE)" [ "$CODE" = 200 ]

# as ROLE CURL-ARGS...: call as anonymous, staff, enterprise, other, agency or expert.
as() {
	local role=$1 tok; shift
	tok=T_$role
	if [ "$role" = anonymous ]; then call "$@"; else call -H "Authorization: Bearer ${!tok}" "$@"; fi
}

# A restricted document of 华彩 in its case, and one of 康宁 in its own.
printf '华彩内部材料：印刷车间VOCs治理方案，密级：内部。\n' >"$PORTAL_DATA/secret.txt"
upload "$T_other" "$PORTAL_DATA/secret.txt" -F "title=华彩机密治理方案" -F "case=audit:$A_OTHER" -F doc_type=other
check "华彩 uploads a restricted document to its own case ($CODE)" [ "$CODE" = 202 ]
SECRET=$(jq -r .id <<<"$BODY")
printf '康宁医院咨询合同：清洁生产审核咨询服务合同。\n' >"$PORTAL_DATA/contract.txt"
upload "$T_enterprise" "$PORTAL_DATA/contract.txt" -F "title=康宁咨询合同" -F "case=audit:$A_OWN" -F doc_type=other
OWN_DOC=$(jq -r .id <<<"$BODY")
call -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
	-d "{\"case\":\"audit:$A_OWN\",\"role\":\"contract\"}" "$BASE/api/documents/$OWN_DOC/cases"
# Public standards and guidelines with a sector, and a restricted one.
printf '医疗机构节水技术指南\n所属行业：医疗机构\n医院用水定额与节水措施。\n' >"$PORTAL_DATA/guide.txt"
upload "$ADMIN" "$PORTAL_DATA/guide.txt" -F visibility=public -F doc_type=guideline -F "title=医疗机构节水技术指南"
GUIDE=$(jq -r .id <<<"$BODY")
printf '内部标准草案\n所属行业：医疗机构\n尚未公开。\n' >"$PORTAL_DATA/draft.txt"
upload "$ADMIN" "$PORTAL_DATA/draft.txt" -F doc_type=standard -F "title=未公开的标准草案"
DRAFT=$(jq -r .id <<<"$BODY")
for d in "$SECRET" "$OWN_DOC" "$GUIDE" "$DRAFT"; do wait_indexed "$d" >/dev/null; done

# ---- the header menu: exactly the allowed areas, each 2xx --------------------
menu_of() { grep -o '<nav class="menu".*</details></nav>' | grep -o 'href="[^"]*"' | sed 's/^href="//; s/"$//' | paste -sd' '; }
declare -A WANT=(
	[anonymous]="/ /search /typical-units"
	[staff]="/ /audits /projects /enterprises /agencies /experts /reports /overdue /deadlines /typical-units /upload /account/alerts /admin/users /admin/audit-log"
	[enterprise]="/ /audits /projects /enterprises /overdue /deadlines /typical-units /upload /account/alerts"
	[agency]="/ /audits /enterprises /agencies /overdue /deadlines /typical-units /upload /account/alerts"
	[expert]="/ /audits /projects /experts /typical-units /upload /account/alerts"
	[district]="/ /audits /projects /enterprises /overdue /deadlines /typical-units /upload /account/alerts"
	[authority]="/ /audits /projects /enterprises /reports /overdue /deadlines /typical-units /account/alerts"
)
declare -A HOME
for role in anonymous staff enterprise agency expert district authority; do
	as "$role" "$BASE/"
	HOME[$role]=$BODY
	check "$role: the home page answers 200 ($CODE)" [ "$CODE" = 200 ]
	check "$role: the home page has the big labelled search box" bash -c \
		'grep -qF "class=\"big-search\"" <<<"$1" && grep -qF "<label for=\"q\">" <<<"$1" && grep -qF "id=\"q\"" <<<"$1"' _ "$BODY"
	got=$(menu_of <<<"$BODY")
	check "$role: the menu lists exactly its areas ($got)" [ "$got" = "${WANT[$role]}" ]
	bad=
	for href in $got; do
		as "$role" -o /dev/null "$BASE$href"
		case $CODE in 2??) ;; *) bad+=" $href:$CODE" ;; esac
	done
	check "$role: every menu link answers 2xx to $role${bad:+ (not:$bad)}" [ -z "$bad" ]
	check "$role: 首页 is marked as the current page" grep -qF '<a href="/" aria-current="page">首页</a>' <<<"${HOME[$role]}"
done
# Every link of every home page leads somewhere its reader may go.
for role in anonymous staff enterprise agency expert district authority; do
	bad=
	n=0
	for href in $(grep -o 'href="/[^"]*"' <<<"${HOME[$role]}" | sed 's/^href="//; s/"$//; s/&amp;/\&/g' | sort -u); do
		as "$role" -o /dev/null "$BASE$href"
		n=$((n + 1))
		case $CODE in 2??) ;; *) bad+=" $href:$CODE" ;; esac
	done
	check "$role: all $n links of the home page answer 2xx${bad:+ (not:$bad)}" [ -z "$bad" ]
done
as staff "$BASE/audits"
check "the menu marks the area of a list page" grep -qF '<a href="/audits" aria-current="page">审核</a>' <<<"$BODY"

# ---- what each home page shows -----------------------------------------------
no_other() { # HTML NAME...: none of the names is on the page
	local html=$1 n; shift
	for n in "$@"; do grep -qF "$n" <<<"$html" && { echo "# found $n"; return 1; }; done
	return 0
}
ALL_ENTS=$(sql "SELECT name FROM enterprises")
names_except() { grep -vxF -f <(printf '%s\n' "$@") <<<"$ALL_ENTS"; }

H=${HOME[anonymous]}
check "anonymous: the newest public guideline of its sector is listed" grep -qF "/documents/$GUIDE\">医疗机构节水技术指南" <<<"$H"
check "anonymous: a restricted standard is not" no_other "$H" 未公开的标准草案 "$DRAFT"
check "anonymous: sector headings and links to search by sector" bash -c \
	'grep -qF "<h3>服务业</h3>" <<<"$1" && grep -qF "/search?type=standard&amp;sector=industry" <<<"$1"' _ "$H"
check "anonymous: a link to the typical units" grep -qF 'href="/typical-units' <<<"$H"
check "anonymous: no case, no restricted document" no_other "$H" 华彩机密治理方案 康宁咨询合同 年审核

H=${HOME[enterprise]}
check "enterprise: its audit by name, linked" grep -qF "<a href=\"/audits/$A_OWN\">北京康宁医院 2025年审核</a>" <<<"$H"
check "enterprise: its project by name" grep -qF "<a href=\"/projects/$P_OWN\">" <<<"$H"
check "enterprise: states in Chinese" bash -c 'grep -qF "状态：<strong>已评估</strong>" <<<"$1" && grep -qF "状态：<strong>实施中</strong>" <<<"$1"' _ "$H"
check "enterprise: the checklist says what is missing" bash -c 'grep -qF "备案登记表（缺少，应已提交）" <<<"$1"' _ "$H"
check "enterprise: its contract counts as present (not missing)" bash -c '! grep -qF "咨询合同（缺少" <<<"$1"' _ "$H"
check "enterprise: the project's next step with its date" grep -qE '下一步：项目按期完工验收，截止 20[0-9]{2}-[0-9]{2}-[0-9]{2}' <<<"$H"
check "enterprise: 上传到本案卷 preselects each case" bash -c \
	'grep -qF "/upload?case=audit%3A$2" <<<"$1" && grep -qF "/upload?case=project%3A$3" <<<"$1"' _ "$H" "$A_OWN" "$P_OWN"
check "enterprise: its industry's standards and guidelines, through search" bash -c \
	'grep -qF "/search?type=standard&amp;industry=%E5%8C%BB%E7%96%97%E6%9C%BA%E6%9E%84" <<<"$1" && grep -qF "/search?type=guideline&amp;sector=services" <<<"$1"' _ "$H"
mapfile -t OTHERS < <(names_except 北京康宁医院)
check "enterprise: no other enterprise's name or case" no_other "$H" "${OTHERS[@]}" 锅炉烟气余热深度回收改造 "$A_OTHER"
check "enterprise: another enterprise's restricted document never appears" no_other "$H" 华彩机密治理方案 "$SECRET"

as enterprise "$BASE/upload?case=audit:$A_OWN"
check "the upload form preselects the case of ?case= ($CODE)" grep -qF "<option value=\"audit:$A_OWN\" selected>" <<<"$BODY"
as other "$BASE/upload?case=audit:$A_OWN"
check "another enterprise's case is neither offered nor selected" bash -c '[ "$1" = 200 ] && ! grep -qF "$3" <<<"$2"' _ "$CODE" "$BODY" "$A_OWN"

H=${HOME[agency]}
mapfile -t CLIENTS < <(sql "SELECT e.name FROM audits a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.agency_id = '$LVYUAN'")
ok_all=1
for n in "${CLIENTS[@]}"; do grep -qF "$n 2025年审核</a>" <<<"$H" || ok_all=0; done
check "agency: each client's audit by name (${#CLIENTS[@]})" [ ${#CLIENTS[@]} -gt 1 -a $ok_all = 1 ]
mapfile -t OTHERS < <(names_except "${CLIENTS[@]}")
check "agency: no other enterprise's audit" no_other "$H" "${OTHERS[@]}" "$A_OTHER"
check "agency: its clients' deadlines and checklists" bash -c \
	'grep -qE "下一步：审核评估完成，截止 20[0-9]{2}-06-30" <<<"$1" && grep -qF "材料清单" <<<"$1" && grep -qF "年度截止日期" <<<"$1"' _ "$H"
check "agency: another enterprise's restricted document never appears" no_other "$H" 华彩机密治理方案 "$SECRET"

H=${HOME[expert]}
mapfile -t ASSIGNED < <(sql "SELECT e.name FROM assignments s JOIN audits a ON 'audit:' || a.id = s.case_id
	JOIN enterprises e ON e.id = a.enterprise_id WHERE s.expert_id = '$EXPERT'")
ok_all=1
for n in "${ASSIGNED[@]}"; do grep -qF "$n 2025年审核</a>" <<<"$H" || ok_all=0; done
check "expert: each assignment by name (${#ASSIGNED[@]}) with its role" [ ${#ASSIGNED[@]} -gt 0 -a $ok_all = 1 ]
check "expert: its role and the case's documents" bash -c \
	'grep -qF "您的角色：评审专家" <<<"$1" && grep -qF "清洁生产审核报告</a>" <<<"$1"' _ "$H"
mapfile -t OTHERS < <(names_except "${ASSIGNED[@]}")
check "expert: no case it is not assigned to" no_other "$H" "${OTHERS[@]}"
check "expert: another enterprise's restricted document never appears" no_other "$H" 华彩机密治理方案 "$SECRET"

H=${HOME[staff]}
check "staff: overdue and due this week, by sector" bash -c \
	'grep -qF "逾期与本周到期" <<<"$1" && grep -qF "<h3>服务业</h3>" <<<"$1" && grep -qF "<h3>工业</h3>" <<<"$1" && grep -qF "<h3>农业</h3>" <<<"$1"' _ "$H"
check "staff: the unfiled audit is listed as overdue, linked" grep -qF "<a href=\"/audits/$A_OTHER\">北京华彩印务有限公司 2025年审核</a>" <<<"$H"
check "staff: the indexing queue and recent uploads" bash -c \
	'grep -qF "id=\"queue\"" <<<"$1" && grep -qE "等待索引 [0-9]+ 份" <<<"$1" && grep -qF "最近上传" <<<"$1" && grep -qF "华彩机密治理方案" <<<"$1"' _ "$H"
check "staff: links to every record area and report" bash -c \
	'for h in /audits /projects /enterprises /agencies /experts /trainings /reports/quarterly /reports/scoreboard /overdue /deadlines /typical-units /upload; do
		grep -qF "href=\"$h\"" <<<"$1" || exit 1; done' _ "$H"

# Due this week: the report's deadline moved to three days from now makes
# the filed audits due this week instead of overdue.
YEAR=$(sql "SELECT max(year) FROM audits")
A_FILED=$(sql "SELECT a.id FROM audits a JOIN enterprises e ON e.id = a.enterprise_id
	WHERE a.state = 'filed' AND e.sector = 'services' LIMIT 1")
call -H "Authorization: Bearer $ADMIN" -X PATCH -H 'Content-Type: application/json' \
	-d "{\"audit_report\":\"$(date +%F -d '+3 days')\",\"audit_evaluation\":\"$(date +%F -d '+30 days')\"}" \
	"$BASE/api/deadlines/$YEAR"
check "staff move the $YEAR report deadline to three days from now ($CODE)" [ "$CODE" = 200 ]
as staff "$BASE/"
check "staff: a filed audit is now due this week, not overdue" bash -c \
	'grep -o "<ul class=\"items soon\">.*" <<<"$1" | grep -qF "/audits/$2\"" &&
	 ! sed "s|</ul>|</ul>\n|g" <<<"$1" | grep -o "<ul class=\"items late\">.*" | grep -qF "/audits/$2\""' _ "$BODY" "$A_FILED"
check "staff: the summary counts it" grep -qE '本周（至 [0-9-]+ 前）到期 [1-9][0-9]* 项' <<<"$BODY"

# ---- breadcrumbs ---------------------------------------------------------------
as enterprise "$BASE/audits/$A_OWN"
check "a record page has breadcrumbs 首页 › 审核 › its name" grep -qF \
	'<nav class="crumbs" aria-label="当前位置"><ol><li><a href="/">首页</a></li><li><a href="/audits">审核</a></li><li aria-current="page">北京康宁医院 2025年审核</li></ol></nav>' <<<"$BODY"

# ---- retrying a failed document ---------------------------------------------
sql "CREATE TRIGGER poison BEFORE UPDATE OF metadata ON documents WHEN NEW.title LIKE '%重试标记%'
     BEGIN SELECT RAISE(ABORT, 'refused by the test until it is retried'); END;"
printf '重试测试：第一次失败的文档。\n' >"$PORTAL_DATA/retry.txt"
upload "$ADMIN" "$PORTAL_DATA/retry.txt" -F "title=重试标记的文档"
RETRY=$(jq -r .id <<<"$BODY")
check "a document the database refuses ends failed" [ "$(wait_indexed "$RETRY")" = failed ]
as staff "$BASE/"
check "staff's home page lists it with its reason and a 重试 form" bash -c \
	'grep -qF "/documents/$2\">重试标记的文档</a></td><td>" <<<"$1" && grep -qF "refused by the test" <<<"$1" &&
	 grep -qF "action=\"/documents/$2/retry\"" <<<"$1"' _ "$BODY" "$RETRY"
for role in enterprise agency expert; do
	as "$role" -X POST "$BASE/api/documents/$RETRY/retry"
	check "$role may not retry (403: $CODE)" [ "$CODE" = 403 ]
done
as anonymous -X POST "$BASE/api/documents/$RETRY/retry"
check "anonymous callers may not retry (401: $CODE)" [ "$CODE" = 401 ]
as anonymous -X POST "$BASE/documents/$RETRY/retry"
check "nor through the form (401: $CODE)" [ "$CODE" = 401 ]
JAR=$PORTAL_DATA/staff.jar
sign_in "$JAR" 职员甲 'a long password'
check "staff signs in ($CODE)" [ "$CODE" = 303 ]
call -b "$JAR" -X POST -d x=1 "$BASE/documents/$RETRY/retry"
check "a session's retry without its CSRF token is refused (403: $CODE)" [ "$CODE" = 403 ]
call -b "$JAR" -X POST -H "Origin: http://evil.example" -d x=1 "$BASE/documents/$RETRY/retry"
check "and from another site (403: $CODE)" [ "$CODE" = 403 ]
check "still failed after the refusals" [ "$(sql "SELECT status FROM documents WHERE id = '$RETRY'")" = failed ]
call -b "$JAR" "$BASE/"
CSRF=$(grep -o 'name="csrf" value="[^"]*"' <<<"$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
sql "DROP TRIGGER poison"
call -b "$JAR" -D "$PORTAL_DATA/h" -X POST --data-urlencode "csrf=$CSRF" "$BASE/documents/$RETRY/retry"
check "the home page's 重试 form queues it and returns to the queue (303: $CODE)" bash -c \
	'[ "$1" = 303 ] && grep -qiF "Location: /#queue" "$2"' _ "$CODE" "$PORTAL_DATA/h"
check "retried, the document is indexed" [ "$(wait_indexed "$RETRY")" = indexed ]
check "the retry is in the audit log with the error it had" [ "$(sql "SELECT count(*) FROM audit_log
	WHERE action = 'retry' AND object = 'document:$RETRY' AND detail LIKE '%refused by the test%'")" = 1 ]
as staff -X POST "$BASE/api/documents/$RETRY/retry"
check "retrying a document that has not failed answers 409 ($CODE)" [ "$CODE" = 409 ]
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nno PDF at all\n' >"$PORTAL_DATA/broken.pdf"
upload "$ADMIN" "$PORTAL_DATA/broken.pdf"
BROKEN=$(jq -r .id <<<"$BODY")
check "a broken PDF ends failed" [ "$(wait_indexed "$BROKEN")" = failed ]
as staff -X POST "$BASE/api/documents/$BROKEN/retry"
check "the API's retry answers 202 with the document pending again ($CODE)" bash -c \
	'[ "$1" = 202 ] && [ "$(jq -r .status <<<"$2")" = pending ] && [ "$(jq -r ".error // empty" <<<"$2")" = "" ]' _ "$CODE" "$BODY"
check "and it fails again, with its reason" [ "$(wait_indexed "$BROKEN")" = failed ]
as staff -X POST "$BASE/api/documents/d0000000000000000000000/retry"
check "retrying a document that does not exist answers 404 ($CODE)" [ "$CODE" = 404 ]
check "portalctl fsck is clean" fsck_clean
