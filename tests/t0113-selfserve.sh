#!/usr/bin/env bash
# t0113-selfserve.sh: enterprise self-service and expert review (issue 17,
# records-selfserve.c), through nginx. An enterprise files its audit's
# contract and registration dates; the filing is pending until staff
# confirm it (the audit's move to filed, with the same late mark as when
# staff record the dates) or return it with a reason; it cannot file on
# another enterprise's audit. An enterprise files a change request (with
# its reason) on its own project, staff approve it. An expert assigned to
# an audit records an opinion, a proposed grade and a score, one per
# expert and case, editable until staff confirm the grade; an expert not
# assigned cannot, and no one but staff sets the grade. A conflict of
# interest still stops a review. Every action is in the case's history,
# and staff's home page lists what waits for them.
. "$(dirname "$0")/lib.sh"
start_instance
gates_off

api() {	# METHOD PATH [JSON] [TOKEN]
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
must() { [ "$CODE" = "$1" ] || bail "$2: $CODE $BODY"; }
step() { jq -r --arg i "$2" ".timeline[] | select(.item == \$i) | .$3" <<<"$1"; }
ctl() { "$TOP/portal" ctl "$@"; }
DB=$PORTAL_DATA/index/portal.db
# check, with the answer shown when it fails
check() {
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; echo "#   got $CODE: $(head -c 300 <<<"$BODY" | tr '\n' ' ')"; fi
}
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }

api POST agencies '{"name":"自助咨询","year":2025}'; G=$(id)
mk_ent() { api POST enterprises "{\"name\":\"$1\",\"credit_code\":\"$2\",\"sector\":\"services\",\"industry\":\"医疗机构\",\"district\":\"朝阳区\"}"; id; }
EA=$(mk_ent 自助甲医院 91110105MA01A00012)
EB=$(mk_ent 自助乙医院 91110108MA01B00028)
api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2025,\"agency_id\":\"$G\"}"; CA=$(id)
api POST audits "{\"enterprise_id\":\"$EB\",\"year\":2025,\"agency_id\":\"$G\"}"; CB=$(id)
api POST audits "{\"enterprise_id\":\"$EB\",\"year\":2024,\"agency_id\":\"$G\"}"; CB0=$(id)
api POST experts '{"name":"评审甲","user_name":"expx"}'; X=$(id)
api POST experts '{"name":"评审乙","user_name":"expy"}'; Y=$(id)
api POST "experts/$X/assignments" "{\"case\":\"audit:$CA\",\"role\":\"reviewer\"}"; must 200 "assign X"
api POST "experts/$X/assignments" "{\"case\":\"audit:$CB0\",\"role\":\"reviewer\"}"; must 200 "assign X to CB0"
api POST projects "{\"enterprise_id\":\"$EA\",\"year\":2025,\"name\":\"自助余热回收\",\"round\":\"spring\",\"investment_fen\":500000000,\"reason\":\"测试\"}"; PA=$(id)
api POST "experts/$Y/assignments" "{\"case\":\"project:$PA\",\"role\":\"reviewer\"}"; must 200 "assign Y to PA"
for u in enta:enterprise:$EA entb:enterprise:$EB agg:agency:$G expx:expert: expy:expert: staff:staff:; do
	IFS=: read -r n role party <<<"$u"
	case $role in
	enterprise) ctl user add "$n" --role enterprise --enterprise "$party" >/dev/null ;;
	agency) ctl user add "$n" --role agency --agency "$party" >/dev/null ;;
	*) ctl user add "$n" --role "$role" >/dev/null ;;
	esac
done
ENTA=$(ctl token create enta); ENTB=$(ctl token create entb); AGG=$(ctl token create agg)
EXPX=$(ctl token create expx); EXPY=$(ctl token create expy); STAFF=$(ctl token create staff)

# ---- an enterprise files its dates; staff confirm --------------------------------
LATE='{"contract_date":"2025-01-25","registration_date":"2025-03-10"}'
api POST "audits/$CA/filings" "$LATE" "$ENTB"
check "another enterprise cannot file on A's audit (404, as if missing)" [ "$CODE" = 404 ]
api POST "audits/$CA/filings" "$LATE" "$AGG"
check "the audit's agency cannot file for it (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/filings" "$LATE" "$STAFF"
check "staff do not file (they record the move itself): 403" [ "$CODE" = 403 ]
api POST "audits/$CA/filings" '{"contract_date":"2025-03-10","registration_date":"2025-01-25"}' "$ENTA"
check "dates out of order are refused (422 date_order)" [ "$CODE/$(jq -r .error.code <<<"$BODY")" = 422/date_order ]
api POST "audits/$CA/filings" "$LATE" "$ENTA"
check "enterprise A files on its own audit (201)" [ "$CODE" = 201 ]
check "the filing is pending, the audit still listed" \
	[ "$(jq -r '.state + "/" + .filings[0].state' <<<"$BODY")" = listed/pending ]
check "the pending filing already shows it is 10 days late" [ "$(jq -r '.filings[0].late_days' <<<"$BODY")" = 10 ]
check "the filer is named, not numbered" [ "$(jq -r '.filings[0].filed_by' <<<"$BODY")" = enta ]
FID=$(jq -r '.filings[0].id' <<<"$BODY")
api POST "audits/$CA/filings" "$LATE" "$ENTA"
check "a second filing while one is pending: 409 pending_filing" [ "$CODE/$(jq -r .error.code <<<"$BODY")" = 409/pending_filing ]
api GET pending "" "$STAFF"
check "staff's pending list holds the filing" [ "$(jq -r '.filings[0].audit' <<<"$BODY")" = "$CA" ]
api GET pending "" "$ENTA"
check "the pending list is staff's (403 for the enterprise)" [ "$CODE" = 403 ]
call -H "Authorization: Bearer $STAFF" "$BASE/"
check "staff's home page lists it under 待确认事项" bash -c '[[ $1 == *待确认事项* && $1 == *自助甲医院\ 2025年审核* ]]' _ "$BODY"
api POST "audits/$CA/filings/$FID" '{"decision":"confirmed"}' "$ENTA"
check "the enterprise cannot confirm its own filing (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/filings/$FID" '{"decision":"returned"}' "$STAFF"
check "a return needs a reason (422)" [ "$CODE" = 422 ]
api POST "audits/$CA/filings/$FID" '{"decision":"returned","reason":"合同日期有误"}' "$STAFF"
check "staff return it with a reason (200)" [ "$(jq -r '"\(.filings[0].state)/\(.filings[0].reason)/\(.state)"' <<<"$BODY")" = "returned/合同日期有误/listed" ]
api POST "audits/$CA/filings" "$LATE" "$ENTA"
FID=$(jq -r '.filings[-1].id' <<<"$BODY")
check "the enterprise files again after the return (201)" [ "$CODE" = 201 ]
api POST "audits/$CA/filings/$FID" '{"decision":"confirmed"}' "$STAFF"
check "staff confirm it (200): the audit is filed with the filed dates" \
	[ "$CODE $(jq -r '.state + " " + .contract_date + " " + .registration_date' <<<"$BODY")" = "200 filed 2025-01-25 2025-03-10" ]
check "the confirmed filing is marked late by 10 days, as a staff move is" \
	[ "$(step "$BODY" audit_filing status)/$(step "$BODY" audit_filing days)" = late/10 ]
api POST "audits/$CB/transitions" "{\"to\":\"filed\",${LATE#\{}" "$STAFF"
check "(staff recording the same dates on B's audit give the same mark)" \
	[ "$(step "$BODY" audit_filing status_label)" = "逾期 10 天完成" ]
api GET "audits/$CA" "" "$ENTA"
check "A's audit reads 逾期 10 天完成 too" [ "$(step "$BODY" audit_filing status_label)" = "逾期 10 天完成" ]
check "the history names filer and confirmer" \
	[ "$(jq -r '[.history[] | select(.action | startswith("filing")) | .user + ":" + .action] | join(",")' <<<"$BODY")" = "enta:filing,staff:filing_return,enta:filing,staff:filing_confirm" ]
api POST "audits/$CA/filings/$FID" '{"decision":"confirmed"}' "$STAFF"
check "a filing is decided once (409)" [ "$CODE" = 409 ]

# ---- change requests: the enterprise files, staff decide ---------------------------
for m in '{"to":"applied","application_date":"2025-02-20"}' '{"to":"district_approved","district_approved_date":"2025-03-01"}' \
	'{"to":"reviewed","review_date":"2025-03-10"}' '{"to":"approved","approved_date":"2025-04-01","subsidy_fen":100000000}' \
	'{"to":"implementing","start_date":"2025-05-01","planned_end_date":"2026-03-31"}'; do
	api POST "projects/$PA/transitions" "$m"; must 200 "move PA $m"
done
CHG='{"description":"设备到货推迟","new_end_date":"2026-04-30"}'
api POST "projects/$PA/changes" "$CHG" "$ENTA"
check "an enterprise's change request needs its reason (422)" [ "$CODE" = 422 ]
api POST "projects/$PA/changes" "$CHG" "$ENTB"
check "another enterprise cannot file on A's project (404)" [ "$CODE" = 404 ]
api POST "projects/$PA/changes" "${CHG%\}},\"reason\":\"供货商延期交货\"}" "$ENTA"
check "enterprise A files a change request on its own project (201)" [ "$CODE" = 201 ]
check "pending, with its reason and who filed it" \
	[ "$(jq -r '.changes[0] | .state + "/" + .reason + "/" + .requested_by' <<<"$BODY")" = "pending/供货商延期交货/enta" ]
CID=$(jq -r '.changes[0].id' <<<"$BODY")
api POST "projects/$PA/changes/$CID" '{"decision":"approved"}' "$ENTA"
check "the enterprise cannot approve it (403)" [ "$CODE" = 403 ]
api POST "projects/$PA/changes/$CID" '{"decision":"approved"}' "$STAFF"
check "staff approve it: the planned end moves" [ "$CODE $(jq -r .planned_end_date <<<"$BODY")" = "200 2026-04-30" ]

# ---- expert reviews ----------------------------------------------------------------
api POST "audits/$CA/transitions" '{"to":"submitted","report_date":"2025-05-20"}'; must 200 "submit CA"
REV='{"opinion":"审核报告数据完整，方案可行。","grade":"良好","score":85}'
api POST "audits/$CA/reviews" "$REV" "$EXPY"
check "an expert not assigned cannot review (404)" [ "$CODE" = 404 ]
api POST "audits/$CA/reviews" "$REV" "$ENTA"
check "the enterprise cannot review (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/reviews" "$REV" "$STAFF"
check "staff do not write opinions (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/reviews" '{"opinion":"好","grade":"良好","score":95}' "$EXPX"
check "a proposed grade must match its score (422 grade_score)" [ "$CODE/$(jq -r .error.code <<<"$BODY")" = 422/grade_score ]
api POST "audits/$CA/reviews" "$REV" "$EXPX"
check "the assigned expert records an opinion (200)" [ "$CODE $(jq -r '.reviews | length' <<<"$BODY")" = "200 1" ]
api POST "audits/$CA/reviews" '{"opinion":"补充意见：节水方案需细化。","grade":"合格","score":78}' "$EXPX"
check "and edits it: still one opinion, now 合格 78" \
	[ "$(jq -r '.reviews | length, .[0].grade, .[0].score' <<<"$BODY" | paste -sd/)" = "1/合格/78" ]
check "the audit's own grade is untouched" [ "$(jq -r .grade <<<"$BODY")" = null ]
api GET "audits/$CA" "" "$ENTA"
check "the enterprise does not see the experts' proposals" [ "$(jq -r 'has("reviews")' <<<"$BODY")" = false ]
check "nor in the case's history" [ "$(jq -r '[.history[] | select(.action | startswith("review"))] | length' <<<"$BODY")" = 0 ]
api POST "experts/$Y/assignments" "{\"case\":\"audit:$CA\",\"role\":\"reviewer\"}"; must 200 "assign Y to CA"
api GET "audits/$CA" "" "$EXPY"
check "another expert on the case reads neither X's opinion nor its history entry" \
	[ "$(jq -r '(.reviews | length), ([.history[] | select(.action | startswith("review"))] | length)' <<<"$BODY" | paste -sd/)" = 0/0 ]
api PATCH "audits/$CA" '{"grade":"优秀","score":95}' "$EXPX"
check "the expert cannot set the grade by PATCH (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/transitions" '{"to":"evaluated","evaluated_date":"2025-06-20","grade":"优秀","score":95}' "$EXPX"
check "nor by the evaluation move (403)" [ "$CODE" = 403 ]
CONFIRM='{"evaluated_date":"2025-06-20","grade":"合格","score":78}'
api POST "audits/$CA/reviews/confirm" "$CONFIRM" "$EXPX"
check "nor by confirming (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/reviews/confirm" "$CONFIRM" "$ENTA"
check "nor can the enterprise (403)" [ "$CODE" = 403 ]
check "the grade is still unset" [ "$(sql "SELECT ifnull(grade, 'none') FROM audits WHERE id = '$CA'")" = none ]
api GET pending "" "$STAFF"
check "staff's pending list holds the review with its proposal" [ "$(jq -r '.reviews[0].proposals' <<<"$BODY")" = "评审甲：合格 78" ]
api POST "audits/$CA/reviews/$X" '{"reason":"自己退回"}' "$EXPX"
check "the expert cannot return (or so reopen) an opinion itself (403)" [ "$CODE" = 403 ]
api POST "audits/$CA/reviews/$X" '{"reason":"请说明节水量依据"}' "$STAFF"
check "staff return the opinion with a reason" [ "$(jq -r '.reviews[0].state' <<<"$BODY")" = returned ]
api POST "audits/$CA/reviews/confirm" "$CONFIRM" "$STAFF"
check "no grade is confirmed without a pending opinion (409)" [ "$CODE" = 409 ]
api POST "audits/$CA/reviews" '{"opinion":"节水量依据见附表三。","grade":"合格","score":78}' "$EXPX"
check "the expert answers: pending again" [ "$(jq -r '.reviews[0].state' <<<"$BODY")" = pending ]
api POST "audits/$CA/reviews/confirm" '{"evaluated_date":"2025-06-20","grade":"优秀","score":78}' "$STAFF"
check "staff's grade follows the score too (422)" [ "$CODE" = 422 ]
api POST "audits/$CA/reviews/confirm" "$CONFIRM" "$STAFF"
check "staff confirm the grade: the audit is evaluated 合格 78" \
	[ "$CODE $(jq -r '.state + " " + .grade + " " + (.score | tostring)' <<<"$BODY")" = "200 evaluated 合格 78" ]
check "the opinion is confirmed, by staff" [ "$(jq -r '.reviews[0] | .state + "/" + .confirmed_by' <<<"$BODY")" = confirmed/staff ]
api POST "audits/$CA/reviews" "$REV" "$EXPX"
check "after confirmation the opinion no longer changes (409)" [ "$CODE/$(jq -r .error.code <<<"$BODY")" = 409/confirmed ]
check "the history holds the review and the confirmation" \
	[ "$(jq -r '[.history[] | select(.action == "review" or .action == "grade_confirm" or .action == "review_return") | .action] | join(",")' <<<"$(curl -s -H "Authorization: Bearer $STAFF" "$BASE/api/audits/$CA")")" = "review,review,review_return,review,grade_confirm" ]

# A conflict of interest recorded since the assignment still stops a review.
sql "UPDATE experts SET conflict_enterprises = '$EB' WHERE id = '$X'"
api POST "audits/$CB0/reviews" "$REV" "$EXPX"
check "an expert linked to the case's enterprise cannot review it (409)" [ "$CODE/$(jq -r .error.code <<<"$BODY")" = 409/conflict_of_interest ]

# ---- the pages' forms (bearer: no CSRF field) ---------------------------------------
api POST audits "{\"enterprise_id\":\"$EA\",\"year\":2026,\"agency_id\":\"$G\"}"; CA2=$(id)
call -H "Authorization: Bearer $ENTA" "$BASE/audits/$CA2"
check "A's audit page offers 填报 to the enterprise" bash -c '[[ $1 == *提交填报* ]]' _ "$BODY"
call -H "Authorization: Bearer $AGG" "$BASE/audits/$CA2"
check "not to its agency" bash -c '[[ $1 != *提交填报* ]]' _ "$BODY"
call -H "Authorization: Bearer $ENTA" --data-urlencode contract_date=2026-01-10 --data-urlencode registration_date=2026-01-20 "$BASE/audits/$CA2/filings"
check "the 填报 form files (303)" [ "$CODE" = 303 ]
call -H "Authorization: Bearer $STAFF" "$BASE/audits/$CA2"
check "staff's page shows it with 确认 and 退回" bash -c '[[ $1 == *2026-01-20* && $1 == *">确认</button>"* && $1 == *">退回</button>"* ]]' _ "$BODY"
F2=$(sql "SELECT id FROM audit_filings WHERE audit_id = '$CA2'")
call -H "Authorization: Bearer $STAFF" --data-urlencode "filing_id=$F2" --data-urlencode decision=confirmed "$BASE/audits/$CA2/filings"
check "the 确认 form confirms (303; filed)" [ "$CODE $(sql "SELECT state FROM audits WHERE id = '$CA2'")" = "303 filed" ]
call -H "Authorization: Bearer $ENTA" "$BASE/projects/$PA"
check "A's project page offers 申请变更 to the enterprise" bash -c '[[ $1 == *申请变更* && $1 == *变更理由* ]]' _ "$BODY"
api POST "experts/$X/assignments" "{\"case\":\"audit:$CA2\",\"role\":\"reviewer\"}" ; must 200 "assign X to CA2"
call -H "Authorization: Bearer $EXPX" "$BASE/audits/$CA2"
check "the assigned expert's page offers 评审意见" bash -c '[[ $1 == *填写评审意见* ]]' _ "$BODY"
call -H "Authorization: Bearer $EXPX" --data-urlencode opinion=资料齐全 --data-urlencode grade=优秀 --data-urlencode score=92 "$BASE/audits/$CA2/reviews"
check "the 评审意见 form saves it (303)" [ "$CODE $(sql "SELECT grade || score FROM expert_reviews WHERE case_id = 'audit:$CA2'")" = "303 优秀92" ]
call -H "Authorization: Bearer $STAFF" "$BASE/audits/$CA2"
check "staff's page shows the proposal (the confirm form waits for the report)" bash -c '[[ $1 == *评审甲* && $1 == *资料齐全* && $1 != *确认评估等级* ]]' _ "$BODY"

check "fsck passes" fsck_clean
