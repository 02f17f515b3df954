#!/usr/bin/env bash
# t0106-gates.sh: the checklist is a gate. Moving a case into a state needs
# the documents the checklist requires from that state on (an audit is
# filed with its contract and registration form, submitted with its
# report); without them the move is refused (409, naming what is missing)
# unless staff give a reason, which the history keeps. Staff may turn a
# gate off (PATCH /api/gates), and only staff: every role is tried. Covers
# records-link.c (gates), records-move.c (gate), cases.c (/api/gates).
. "$(dirname "$0")/lib.sh"
start_instance

api() {
	local args=(-X "$1" -H "Authorization: Bearer ${4:-$ADMIN}")
	[ -n "${3:-}" ] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
	call "${args[@]}" "$BASE/api/$2"
}
id() { jq -r .id <<<"$BODY"; }
msg() { jq -r .error.message <<<"$BODY"; }

api POST agencies '{"name":"闸门咨询","year":2025}'; G=$(id)
api POST enterprises '{"name":"闸门医院","credit_code":"91110105MA01A00012","sector":"services","industry":"医疗机构","district":"朝阳区"}'; E=$(id)
api POST audits "{\"enterprise_id\":\"$E\",\"year\":2025,\"agency_id\":\"$G\"}"; A=$(id)
FILE='{"to":"filed","contract_date":"2025-01-20","registration_date":"2025-02-10"}'

api GET gates
check "the gates are listed with Chinese labels" \
	[ "$(jq -r '.gates[] | select(.gate == "audit:filed:contract") | .label + .state_label + (.required | tostring)' <<<"$BODY")" = "咨询合同已备案true" ]

api POST "audits/$A/transitions" "$FILE"
check "filing without the contract and registration form is refused (409)" [ "$CODE" = 409 ]
check "the refusal names both documents" bash -c 'grep -qF 咨询合同 <<<"$1" && grep -qF 备案登记表 <<<"$1"' _ "$(msg)"
check "the code says documents are missing" [ "$(jq -r .error.code <<<"$BODY")" = missing_documents ]
api GET "audits/$A"
check "the refused move changed nothing" [ "$(jq -r .state <<<"$BODY")" = listed ]

printf '咨询合同\n' >"$PORTAL_DATA/contract.txt"
upload "$ADMIN" "$PORTAL_DATA/contract.txt"
api POST "documents/$(id)/cases" "{\"case\":\"audit:$A\",\"role\":\"contract\"}"
api POST "audits/$A/transitions" "$FILE"
check "with only the contract linked it is still refused" [ "$CODE" = 409 ]
check "and only the registration form is named" bash -c '! grep -qF 咨询合同 <<<"$1" && grep -qF 备案登记表 <<<"$1"' _ "$(msg)"
printf '备案登记表\n' >"$PORTAL_DATA/reg.txt"
upload "$ADMIN" "$PORTAL_DATA/reg.txt"
api POST "documents/$(id)/cases" "{\"case\":\"audit:$A\",\"role\":\"registration_form\"}"
api POST "audits/$A/transitions" "$FILE"
check "with both documents linked the audit is filed" [ "$CODE/$(jq -r .state <<<"$BODY")" = 200/filed ]

api POST "audits/$A/transitions" '{"to":"submitted","report_date":"2025-05-20","reason":""}'
check "an empty reason is refused (422)" [ "$CODE" = 422 ]
api POST "audits/$A/transitions" '{"to":"submitted","report_date":"2025-05-20","reason":"报告纸本已交，电子版补传"}'
check "staff move without the report when they give a reason" [ "$CODE/$(jq -r .state <<<"$BODY")" = 200/submitted ]
check "the history keeps the reason" \
	[ "$(jq -r '.history[-1].changes.reason' <<<"$BODY")" = 报告纸本已交，电子版补传 ]

# Only staff set gates: every role is tried.
"$TOP/portal" ctl user add 闸门医院用户 --role enterprise --enterprise "$E" >/dev/null
"$TOP/portal" ctl user add 闸门咨询用户 --role agency --agency "$G" >/dev/null
"$TOP/portal" ctl user add 闸门专家 --role expert >/dev/null
"$TOP/portal" ctl user add 闸门职员 --role staff >/dev/null
OFF='{"audit:evaluated:evaluation":false}'
for who in 闸门医院用户 闸门咨询用户 闸门专家; do
	T=$("$TOP/portal" ctl token create "$who")
	api PATCH gates "$OFF" "$T"
	check "$who may not change gates (403)" [ "$CODE" = 403 ]
done
call -X PATCH -H 'Content-Type: application/json' --data-binary "$OFF" "$BASE/api/gates"
check "anonymous may not change gates (401)" [ "$CODE" = 401 ]
api GET gates
check "the refused changes left the gate on" \
	[ "$(jq -r '.gates[] | select(.gate == "audit:evaluated:evaluation") | .required' <<<"$BODY")" = true ]
api PATCH gates '{"audit:evaluated:nonsense":false}'
check "an unknown gate is refused (422)" [ "$CODE" = 422 ]
api PATCH gates "$OFF" "$("$TOP/portal" ctl token create 闸门职员)"
check "staff turn a gate off" [ "$CODE/$(jq -r '.gates[] | select(.gate == "audit:evaluated:evaluation") | .required' <<<"$BODY")" = 200/false ]

api POST experts '{"name":"闸门评审"}'; X=$(id)
api POST "experts/$X/assignments" "{\"case\":\"audit:$A\"}"
api POST "audits/$A/transitions" '{"to":"evaluated","evaluated_date":"2025-06-20","grade":"良好","score":85}'
check "with the gate off the audit is evaluated without an evaluation document" [ "$CODE/$(jq -r .state <<<"$BODY")" = 200/evaluated ]
