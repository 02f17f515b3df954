#!/usr/bin/env bash
# t0012-identifiers.sh: what the indexer learns from the text and how
# people look it up. Real standards from the corpus are classified as
# standards with a confidence and carry their own number as metadata; a
# standard number typed in any spelling (GB18466, gb 18466, GB 18466—2005,
# ＧＢ　１８４６６－２００５) finds that standard first; a written programme
# sample gets its credit code, enterprise and sector; an uploader's type
# wins and is recorded as such. Covers portal-indexer.c (learn), meta.c,
# classify.c, normalize.c, index.c (XN/XK terms), search.c (rewrite).
. "$(dirname "$0")/lib.sh"
start_instance

mkdir -p "$PORTAL_DATA/in"
for p in d0358_ d0361_ d0362_ d0356_ d0001_ d0096_; do cp "$(corpus_file $p)" "$PORTAL_DATA/in/"; done
P002=$(ls "$CORPUS"/programme/p002_*.pdf | head -n1)
cp "$P002" "$PORTAL_DATA/in/"
"$TOP/portal" ctl import --public "$PORTAL_DATA/in" >/dev/null 2>&1

id_of() { sqlite3 "$PORTAL_DATA/index/portal.db" "SELECT id FROM documents WHERE filename LIKE '$1%'"; }
STD=$(id_of d0361_)
call "$BASE/api/documents/$STD"
check "a real standard is classified as a standard" [ "$(jq -r .doc_type <<<"$BODY")" = standard ]
check "with a confidence above 0.5, by the classifier" \
	quiet jq -e ".doc_type_confidence > 0.5 and .doc_type_source == \"classifier\"" <<<"$BODY"
check "its own number is its first standard_no" [ "$(jq -r '.metadata.standard_no[0]' <<<"$BODY")" = "GB 18466-2005" ]
check "its title comes from the text" grep -qF 医疗机构水污染物排放标准 <<<"$(jq -r .title <<<"$BODY")"
call "$BASE/api/documents/$(id_of d0001_)"
check "a law is not called a standard" [ "$(jq -r .doc_type <<<"$BODY")" != standard ]

for spelling in 'GB18466' 'gb 18466' 'GB 18466-2005' 'GB 18466—2005' 'ＧＢ　１８４６６－２００５' 'GB 18466 排放标准'; do
	call -G --data-urlencode "q=$spelling" "$BASE/api/search"
	check "'$spelling' finds GB 18466-2005 first" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$STD" ]
done
call -G --data-urlencode "q=GB 18466-1999" "$BASE/api/search"
check "another edition's year does not match it" [ "$(jq -r '.total' <<<"$BODY")" = 0 ]
call -G --data-urlencode "q=GB 13271" "$BASE/api/search"
check "GB 13271 finds the boiler standard first" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$(id_of d0358_)" ]

ACC=$(id_of p002_)
call "$BASE/api/documents/$ACC"
check "a programme sample: its credit code is in the metadata" \
	[ "$(jq -r '.metadata.credit_code[0]' <<<"$BODY")" = 911101174993792663 ]
check "its enterprise" grep -qF 北京平谷佳讯电路科技有限公司 <<<"$(jq -r '.metadata.enterprise[]' <<<"$BODY")"
check "its kind: an acceptance report" [ "$(jq -r .doc_type <<<"$BODY")" = acceptance_report ]
call -G --data-urlencode "q=911101174993792663" "$BASE/api/search"
check "searching the credit code finds it" [ "$(jq -r '.results[0].id' <<<"$BODY")" = "$ACC" ]
call "$BASE/documents/$ACC"
check "the document page shows the metadata" grep -qF 911101174993792663 <<<"$BODY"

printf '这是一份上传者自己标明类型的简短文字。\n' >"$PORTAL_DATA/typed.txt"
upload "$ADMIN" "$PORTAL_DATA/typed.txt" -F doc_type=feasibility_study -F visibility=public
TYPED=$(jq -r .id <<<"$BODY")
wait_indexed "$TYPED" >/dev/null
call "$BASE/api/documents/$TYPED"
check "an uploader's type wins and is recorded as the uploader's" \
	[ "$(jq -r '.doc_type + " " + .doc_type_source' <<<"$BODY")" = "feasibility_study uploader" ]
