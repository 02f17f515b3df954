#!/usr/bin/env bash
# t0102-links-reports.sh: documents and cases, and report figures, through
# real nginx: linking at upload (case field) and afterwards with a role;
# the checklist of required documents, present and missing; suggested
# links from a credit code or an enterprise name in a document's text;
# search restricted to a case; the quarterly report (JSON and CSV), the
# agency scoreboard and typical units, each figure recomputed here from
# the records the API returns. Covers records-link.c, report.c.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
move() { api POST "$1/transitions" "$2"; [ "$CODE" = 200 ] || bail "move $1 $2: $CODE $BODY"; }

# ---- a small year: three sectors ---------------------------------------------
api POST agencies '{"name":"绿源咨询","year":2024}'; G1=$(id)
api POST agencies '{"name":"清源咨询","year":2024}'; G2=$(id)
api POST experts '{"name":"张工"}'; X=$(id)
mk_ent() { api POST enterprises "{\"name\":\"$1\",\"credit_code\":\"$2\",\"sector\":\"$3\",\"industry\":\"$4\",\"district\":\"$5\"}"; id; }
E1=$(mk_ent 北京朝阳仁和医院 91110105MA01A00012 services 医疗机构 朝阳区)
E2=$(mk_ent 北京海淀化工有限公司 91110108MA01B00028 industry 化工 海淀区)
E3=$(mk_ent 通州绿牧奶牛养殖合作社 93110112MA01C0003M agriculture 奶牛养殖 通州区)
E4=$(mk_ent 昌平美味餐饮有限公司 91110114MA01D0004K services 餐饮 昌平区)
audit() { # ENT AGENCY STAGE [GRADE SCORE]
	api POST audits "{\"enterprise_id\":\"$1\",\"year\":2024,\"agency_id\":\"$2\"}"; local a; a=$(id)
	[ "$3" = listed ] && { echo "$a"; return; }
	move "audits/$a" '{"to":"filed","contract_date":"2024-01-20","registration_date":"2024-02-10"}'
	[ "$3" = filed ] && { echo "$a"; return; }
	move "audits/$a" '{"to":"submitted","report_date":"2024-05-10"}'
	[ "$3" = submitted ] && { echo "$a"; return; }
	api POST "experts/$X/assignments" "{\"case\":\"audit:$a\"}"
	move "audits/$a" "{\"to\":\"evaluated\",\"evaluated_date\":\"$6\",\"grade\":\"$4\",\"score\":$5}"
	echo "$a"
}
A1=$(audit "$E1" "$G1" evaluated 优秀 93 2024-06-20)
A2=$(audit "$E2" "$G1" evaluated 良好 84 2024-07-05)
A3=$(audit "$E3" "$G2" evaluated 合格 70 2024-06-25)
A4=$(audit "$E4" "$G2" filed)
api POST projects "{\"enterprise_id\":\"$E2\",\"year\":2024,\"name\":\"余热回收改造\",\"round\":\"spring\",\"investment_fen\":300000000}"; P1=$(id)
move "projects/$P1" '{"to":"applied","application_date":"2024-02-20"}'
move "projects/$P1" '{"to":"district_approved","district_approved_date":"2024-03-01"}'
api POST "experts/$X/assignments" "{\"case\":\"project:$P1\"}"
move "projects/$P1" '{"to":"reviewed","review_date":"2024-03-10"}'
move "projects/$P1" '{"to":"approved","approved_date":"2024-04-01","subsidy_fen":100000000}'
move "projects/$P1" '{"to":"implementing","start_date":"2024-05-01","planned_end_date":"2025-03-31"}'
move "projects/$P1" '{"to":"first_paid","first_paid_fen":70000000,"first_paid_date":"2024-07-15"}'
api POST projects "{\"enterprise_id\":\"$E3\",\"year\":2024,\"name\":\"粪污资源化\",\"round\":\"autumn\"}"; P2=$(id)
move "projects/$P2" '{"to":"applied","application_date":"2024-08-20"}'

# ---- links -----------------------------------------------------------------
printf '北京海淀化工有限公司清洁生产审核报告\n统一社会信用代码：91110108MA01B00028\n本报告总结了审核过程。\n' >"$PORTAL_DATA/report.txt"
upload "$ADMIN" "$PORTAL_DATA/report.txt" -F "case=audit:$A2" -F doc_type=audit_report
D1=$(id)
check "upload with a case field answers 202" [ "$CODE" = 202 ]
wait_indexed "$D1" >/dev/null
api GET "audits/$A2"
check "checklist after evaluation: contract, registration form, report, evaluation required" \
	[ "$(jq -c '[.checklist.required[].role]' <<<"$BODY")" = '["contract","registration_form","audit_report","evaluation"]' ]
check "a link made at upload has no role yet, so the report is missing" \
	[ "$(jq -c '.checklist.missing' <<<"$BODY")" = '["contract","registration_form","audit_report","evaluation"]' ]
api POST "documents/$D1/cases" "{\"case\":\"audit:$A2\",\"role\":\"audit_report\"}"
check "linking afterwards sets the role" [ "$CODE $(jq -c .cases <<<"$BODY")" = "200 [{\"case\":\"audit:$A2\",\"role\":\"audit_report\"}]" ]
api GET "audits/$A2"
check "checklist: the report is present" [ "$(jq -c '[.checklist.required[] | select(.role=="audit_report") | .present, .documents[0]]' <<<"$BODY")" = "[true,\"$D1\"]" ]
check "checklist: contract, registration form and evaluation missing" \
	[ "$(jq -c '.checklist.missing' <<<"$BODY")" = '["contract","registration_form","evaluation"]' ]
check "the case lists its document" [ "$(jq -r '.documents[0].id' <<<"$BODY")" = "$D1" ]
api POST "documents/$D1/cases" "{\"case\":\"audit:$A2\",\"role\":\"poem\"}"
check "an unknown role is refused (422)" [ "$CODE" = 422 ]
api POST "documents/$D1/cases" '{"case":"audit:nosuch","role":"audit_report"}'
check "a missing case is refused (422)" [ "$CODE" = 422 ]
api POST "documents/$D1/cases" '{"case":"training:x"}'
check "a case of another kind is refused (422)" [ "$CODE" = 422 ]
api GET "projects/$P1"
check "project checklist at first payment: application, feasibility, equipment, progress" \
	[ "$(jq -c '.checklist.missing' <<<"$BODY")" = '["application_report","feasibility_study","equipment_approval","progress_report"]' ]
api GET "audits/$A4"
check "audit just filed needs contract and registration form" [ "$(jq -c '.checklist.missing' <<<"$BODY")" = '["contract","registration_form"]' ]

# Suggestions: a document naming the enterprise (by credit code, and by name).
printf '项目申请报告\n申请单位：北京海淀化工有限公司\n统一社会信用代码 91110108MA01B00028\n' >"$PORTAL_DATA/app.txt"
upload "$ADMIN" "$PORTAL_DATA/app.txt" -F doc_type=project_application; D2=$(id)
printf '通州绿牧奶牛养殖合作社 粪污资源化利用项目申请\n' >"$PORTAL_DATA/app2.txt"
upload "$ADMIN" "$PORTAL_DATA/app2.txt" -F doc_type=project_application; D3=$(id)
wait_indexed "$D2" >/dev/null; wait_indexed "$D3" >/dev/null
api GET "documents/$D2/suggested-cases"
check "a credit code in the text suggests the enterprise's cases" \
	[ "$(jq -c '[.suggestions[].case] | sort' <<<"$BODY")" = "$(jq -nc --arg a "audit:$A2" --arg p "project:$P1" '[$a,$p]|sort')" ]
check "the suggestion proposes the role from the document type" \
	[ "$(jq -r ".suggestions[] | select(.case==\"project:$P1\") | .role" <<<"$BODY")" = application_report ]
check "the reason names the credit code" grep -qF 91110108MA01B00028 <<<"$(jq -r '.suggestions[0].reason' <<<"$BODY")"
api GET "documents/$D3/suggested-cases"
check "an enterprise name in the text suggests its cases" grep -qxF "project:$P2" <<<"$(jq -r '.suggestions[].case' <<<"$BODY")"
api GET "projects/$P1"
check "the case page proposes the unlinked document" grep -qxF "$D2" <<<"$(jq -r '.suggested_documents[].id' <<<"$BODY")"
api POST "documents/$D2/cases" "{\"case\":\"project:$P1\",\"role\":\"application_report\"}"
api GET "documents/$D2/suggested-cases"
check "a confirmed suggestion is no longer proposed" bash -c '! grep -qxF "$1" <<<"$(jq -r ".suggestions[].case" <<<"$2")"' _ "project:$P1" "$BODY"

# Search restricted to a case (the link made afterwards is indexed again).
for _ in $(seq 50); do
	[ "$(search_ids "" "$ADMIN" "case=project:$P1")" = "$D2" ] && break
	sleep 0.2
done
check "search case=project:ID finds the document linked afterwards" [ "$(search_ids "" "$ADMIN" "case=project:$P1")" = "$D2" ]
check "search case=audit:ID finds the document linked at upload" [ "$(search_ids "" "$ADMIN" "case=audit:$A2")" = "$D1" ]

# An enterprise user may link its own documents to its own cases only.
"$TOP/portal" ctl user add chem --role enterprise --enterprise "$E2" >/dev/null
CHEM=$("$TOP/portal" ctl token create chem)
printf '北京海淀化工有限公司 进度报告 第一季度\n' >"$PORTAL_DATA/prog.txt"
upload "$CHEM" "$PORTAL_DATA/prog.txt"; D4=$(id)
api POST "documents/$D4/cases" "{\"case\":\"project:$P1\",\"role\":\"progress_report\"}" "$CHEM"
check "an enterprise links its own document to its own case" [ "$CODE" = 200 ]
api POST "documents/$D4/cases" "{\"case\":\"audit:$A1\",\"role\":\"audit_report\"}" "$CHEM"
check "…but not to another enterprise's case" [ "$CODE" = 422 ]
api GET "documents/$D1/cases" "" "$CHEM"
check "a document of the enterprise's own case is readable by it" [ "$CODE" = 200 ]
printf '与该企业无关的内部文件。\n' >"$PORTAL_DATA/other.txt"
upload "$ADMIN" "$PORTAL_DATA/other.txt"; D5=$(id)
api GET "documents/$D5/cases" "" "$CHEM"
check "a document the caller may not read answers 404" [ "$CODE" = 404 ]
api DELETE "documents/$D4/cases/project:$P1"
check "unlink answers 200 with no cases left" [ "$CODE $(jq -c .cases <<<"$BODY")" = "200 []" ]

# ---- reports, recomputed here from the records ---------------------------------
api GET "audits?year=2024&per_page=100"; AUDITS=$(jq -c .results <<<"$BODY")
api GET "enterprises?per_page=100"; ENTS=$(jq -c .results <<<"$BODY")
api GET "projects?year=2024&per_page=100"; PROJECTS=$(jq -c .results <<<"$BODY")
for q in 2 3; do
	END=$(jq -nr --argjson q $q '["", "2024-03-31","2024-06-30","2024-09-30","2024-12-31"][$q]')
	api GET "reports/quarterly?year=2024&quarter=$q"
	for s in industry services agriculture; do
		want=$(jq -nc --argjson a "$AUDITS" --argjson e "$ENTS" --arg s $s --arg pe "$END" '
			[$e[] | select(.sector==$s) | .id] as $ids
			| [$a[] | select(.enterprise_id as $x | $ids | index($x))] as $aud
			| [($aud|length),
			   ([$aud[] | select(.registration_date != null and .registration_date <= $pe)] | length),
			   ([$aud[] | select(.report_date != null and .report_date <= $pe)] | length),
			   ([$aud[] | select(.evaluated_date != null and .evaluated_date <= $pe)] | length),
			   ([$aud[] | select(.evaluated_date != null and .evaluated_date <= $pe and .grade=="优秀")] | length)]')
		got=$(jq -c --arg s $s '.sectors[] | select(.sector==$s) | .audits | [.listed,.started,.submitted,.evaluated,.grades["优秀"]]' <<<"$BODY")
		check "Q$q $s: audits listed/started/submitted/evaluated/优秀 match the records ($want)" [ "$got" = "$want" ]
		want=$(jq -nc --argjson p "$PROJECTS" --argjson e "$ENTS" --arg s $s --arg pe "$END" '
			[$e[] | select(.sector==$s) | .id] as $ids
			| [$p[] | select(.enterprise_id as $x | $ids | index($x))] as $ps
			| [([$ps[] | select(.approved_date != null and .approved_date <= $pe) | .subsidy_fen] | add // 0),
			   ([$ps[] | select(.first_paid_date != null and .first_paid_date <= $pe) | .first_paid_fen] | add // 0)]')
		got=$(jq -c --arg s $s '.sectors[] | select(.sector==$s) | .funds | [.approved_fen,.paid_fen]' <<<"$BODY")
		check "Q$q $s: funds approved and paid match the records ($want)" [ "$got" = "$want" ]
	done
done
api GET "reports/quarterly?year=2024&quarter=3"
check "Q3 stages: the industry project is at first payment, the agriculture one applied" \
	[ "$(jq -c '[.sectors[] | .projects.by_stage | to_entries[] | select(.value>0) | .key]' <<<"$BODY")" = '["first_paid","applied"]' ]
check "totals add up over the sectors" \
	[ "$(jq '[.sectors[].audits.evaluated] | add' <<<"$BODY")" = "$(jq .total.audits.evaluated <<<"$BODY")" ]
call -H "Authorization: Bearer $ADMIN" "$BASE/api/reports/quarterly?year=2024&quarter=3&format=csv"
check "CSV: evaluated audits in industry" grep -qx $'industry,audits,evaluated,1,工业,审核,已评估\r' "$PORTAL_DATA/body"
check "CSV: funds paid in total" grep -qx $'total,funds,paid_fen,70000000,合计,资金,已拨付（元）\r' "$PORTAL_DATA/body"
call -H "Authorization: Bearer $ADMIN" "$BASE/reports/quarterly?year=2024&quarter=3"
check "HTML quarterly report has SVG charts" bash -c 'grep -q "<svg" <<<"$1" && grep -q "服务业" <<<"$1"' _ "$BODY"

api GET "reports/scoreboard?year=2024"
want=$(jq -nc --argjson a "$AUDITS" --arg g "$G1" '[$a[] | select(.agency_id==$g and .state=="evaluated") | .score] | (add/length*10|round/10)')
check "scoreboard: 绿源 ranks first with the mean of its grades ($want)" \
	[ "$(jq -c '[.results[0].agency_id, .results[0].mean_score, .results[0].evaluated]' <<<"$BODY")" = "[\"$G1\",$want,2]" ]
check "scoreboard: 清源 has one 合格 and an unevaluated audit" \
	[ "$(jq -c '.results[1] | [.audits, .grades["合格"]]' <<<"$BODY")" = '[2,1]' ]
call "$BASE/api/typical-units?year=2024"
check "typical units are public; an audit graded 优秀 alone makes none (t0121)" [ "$CODE $(jq -c '[.results[].enterprise]' <<<"$BODY")" = '200 []' ]
