#!/usr/bin/env bash
# t0025-indexer-resilience.sh: the indexer never dies on a document, and
# when it dies anyway it runs again. (a) Good documents uploaded among bad
# ones, in one batch: a document whose index entry would have an oversized
# term (an uploader's enterprise id of 300 bytes; a case id of 300 bytes,
# unless the upload refuses it), one whose rows the database refuses (a
# trigger), one the extractor cannot read (a broken PDF), and an indexed
# document whose reindex fails: each bad one ends 'failed' with a reason,
# the reindexed one leaves the search, every good one is indexed and found,
# and the indexer process is the same throughout. (b) kill -9 of the
# indexer's worker during a batch of 30 uploads: its master starts a new
# one within seconds; kill -9 of the master during another 30: the worker
# goes with it and ./portal up starts both; every document ends indexed,
# found once, no job left running; ./portal down leaves no indexer process.
# ("Changed while running: run again" is tests/unit/test-core.c, jobs_*.)
# Covers portal-indexer.c (run_job, give_up, finish_batch), jobs.c,
# supervise.c, xap.cc (term length), portal.
. "$(dirname "$0")/lib.sh"
start_instance
RUN=$PORTAL_DATA/index/run
DB=$PORTAL_DATA/index/portal.db
sql() { sqlite3 -cmd '.timeout 10000' "$DB" "$@"; }
status_of() { sql "SELECT status FROM documents WHERE id = '$1'"; }
error_of() { sql "SELECT coalesce(error, '') FROM documents WHERE id = '$1'"; }
# wait_for SECONDS COMMAND...: until the command succeeds, at most SECONDS.
wait_for() {
	local n=$(($1 * 10)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
nothing_pending() { [ "$(sql "SELECT count(*) FROM documents WHERE status = 'pending'")" = 0 ]; }
is_failed() { [ "$(status_of "$1")" = failed ]; }
not_found() { ! search_ids "$1" "$2" | grep -q .; }

# ---- (a) bad documents among good ones ------------------------------------

has_indexer() { [ -n "$(indexer_pid)" ]; }
wait_for 10 has_indexer
MASTER=$(cat "$RUN/indexer.pid")
WORKER=$(indexer_pid)
check "the indexer runs as a master and a worker ($MASTER, $WORKER)" [ -n "$WORKER" ]

# An indexed document whose next reindex will fail (its uploader's
# enterprise id becomes too long for an access term).
"$TOP/portal" ctl user add 改前企业 --role enterprise --enterprise e-short >/dev/null
CHANGED_TOKEN=$("$TOP/portal" ctl token create 改前企业)
printf '重建失败测试：待重建的文档 rebuildgone。\n' >"$PORTAL_DATA/rebuild.txt"
upload "$CHANGED_TOKEN" "$PORTAL_DATA/rebuild.txt"
REBUILD=$(jq -r .id <<<"$BODY")
check "the document to reindex is indexed first" [ "$(wait_indexed "$REBUILD")" = indexed ]
check "and found by its uploader" has "$REBUILD" < <(search_ids rebuildgone "$CHANGED_TOKEN")

LONG=$(printf 'e%.0s' $(seq 300))
"$TOP/portal" ctl user add 长编号企业 --role enterprise --enterprise "$LONG" >/dev/null
LONG_TOKEN=$("$TOP/portal" ctl token create 长编号企业)
sql "CREATE TRIGGER poison BEFORE UPDATE OF metadata ON documents WHEN NEW.title LIKE '%拒收标记%'
     BEGIN SELECT RAISE(ABORT, 'this row is refused by the test'); END;"

declare -a GOOD=()
good() { # N: upload good document N (public), remember its id
	printf '韧性测试好文档 goodword%s：冷却塔节水改造，第%s份。\n' "$1" "$1" >"$PORTAL_DATA/good$1.txt"
	upload "$ADMIN" "$PORTAL_DATA/good$1.txt" -F visibility=public
	GOOD+=("$(jq -r .id <<<"$BODY")")
}
good 1
printf '长访问组文档：企业编号过长。\n' >"$PORTAL_DATA/longgroup.txt"
upload "$LONG_TOKEN" "$PORTAL_DATA/longgroup.txt"
check "the long-group document is accepted ($CODE)" [ "$CODE" = 202 ]
LONG_GROUP=$(jq -r .id <<<"$BODY")
good 2
printf '长案卷编号文档。\n' >"$PORTAL_DATA/longcase.txt"
upload "$ADMIN" "$PORTAL_DATA/longcase.txt" -F "case=audit:$(printf 'x%.0s' $(seq 300))"
LONG_CASE_CODE=$CODE
LONG_CASE=$(jq -r '.id // empty' <<<"$BODY")
good 3
printf '数据库拒收的文档\n正文。\n' >"$PORTAL_DATA/refused.txt"
upload "$ADMIN" "$PORTAL_DATA/refused.txt" -F "title=拒收标记的文档"
REFUSED=$(jq -r .id <<<"$BODY")
good 4
printf '%%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nthis is no PDF at all\n' >"$PORTAL_DATA/broken.pdf"
upload "$ADMIN" "$PORTAL_DATA/broken.pdf"
BROKEN=$(jq -r .id <<<"$BODY")
good 5
sql "UPDATE users SET enterprise_id = '$LONG' WHERE name = '改前企业';
     INSERT INTO jobs (doc_id, created_at, updated_at) VALUES ('$REBUILD', 0, 0);"
good 6

wait_for 60 nothing_pending
check "an oversized access term fails its document ($(status_of "$LONG_GROUP"))" \
	[ "$(status_of "$LONG_GROUP")" = failed ]
check "with a reason naming the term ($(error_of "$LONG_GROUP" | cut -c1-150))" \
	grep -q 'too long.*XAe:eee' <<<"$(error_of "$LONG_GROUP")"
if [ "$LONG_CASE_CODE" = 202 ]; then
	check "an oversized case term fails its document ($(status_of "$LONG_CASE"))" \
		[ "$(status_of "$LONG_CASE")" = failed ]
	check "with a reason naming the term" grep -q 'too long.*XCaudit:xxx' <<<"$(error_of "$LONG_CASE")"
else
	check "an oversized case id is refused at upload ($LONG_CASE_CODE)" [ "${LONG_CASE_CODE:0:1}" = 4 ]
fi
check "rows the database refuses fail their document ($(status_of "$REFUSED"))" [ "$(status_of "$REFUSED")" = failed ]
check "with the database's reason ($(error_of "$REFUSED"))" grep -q 'refused by the test' <<<"$(error_of "$REFUSED")"
check "a PDF the extractor cannot read fails ($(status_of "$BROKEN"): $(error_of "$BROKEN" | cut -c1-80))" \
	[ "$(status_of "$BROKEN")" = failed -a -n "$(error_of "$BROKEN")" ]
wait_for 20 is_failed "$REBUILD"
check "a failed reindex fails the document ($(status_of "$REBUILD"): $(error_of "$REBUILD" | cut -c1-70))" \
	[ "$(status_of "$REBUILD")" = failed ]
check "and takes its old entry out of the search" not_found rebuildgone "$ADMIN"
for i in 1 2 3 4 5 6; do
	id=${GOOD[$((i - 1))]}
	check "good document $i is indexed ($(status_of "$id"))" [ "$(status_of "$id")" = indexed ]
	check "good document $i is found" has "$id" < <(search_ids "goodword$i")
done
check "the indexer's worker is the one from the start ($WORKER, now $(indexer_pid))" [ "$(indexer_pid)" = "$WORKER" ]
check "its master too" [ "$(cat "$RUN/indexer.pid")" = "$MASTER" ]
check "portalctl fsck is clean (failed documents are not in the index)" fsck_clean
sql "DROP TRIGGER poison"

# ---- (b) kill -9 in the middle of a batch ---------------------------------

ANSWERS=$PORTAL_DATA/answers
: >"$ANSWERS"
uploader() { # ROUND: 30 uploads, one after another
	for i in $(seq 30); do
		local f=$PORTAL_DATA/kill-$1-$i.txt out
		printf '杀进程测试 killtok%sx%s：第%s轮第%s份。\n' "$1" "$i" "$1" "$i" >"$f"
		out=$(curl -s -m 10 -w '\n%{http_code}' -H "Authorization: Bearer $ADMIN" -F "file=@$f" \
			-F visibility=public "$BASE/api/documents") || true
		echo "$(tail -n 1 <<<"$out") killtok$1x$i $(head -n 1 <<<"$out" | jq -r '.id // empty' 2>/dev/null)" >>"$ANSWERS"
	done
}
running_jobs() { [ "$(sql "SELECT count(*) FROM jobs WHERE state = 'running'")" -gt 0 ]; }

uploader 1 &
UP=$!
check "a batch is being indexed (jobs running)" wait_for 30 running_jobs
OLD=$(indexer_pid)
kill -KILL "$OLD"
echo "# killed worker $OLD with $(sql "SELECT count(*) FROM jobs WHERE state = 'running'") jobs running"
new_worker() { local p; p=$(indexer_pid); [ -n "$p" ] && [ "$p" != "$OLD" ]; }
wait_for 10 new_worker
check "within seconds its master starts a new worker ($(indexer_pid))" new_worker
check "the master says how the worker ended" grep -q "worker $OLD killed by signal 9" "$PORTAL_DATA/index/log/indexer.log"
wait "$UP"

uploader 2 &
UP=$!
check "another batch is being indexed" wait_for 30 running_jobs
OLD=$(indexer_pid)
kill -KILL "$(cat "$RUN/indexer.pid")"
gone() { ! kill -0 "$OLD" 2>/dev/null || [ "$(ps -o stat= -p "$OLD" | cut -c1)" = Z ]; }
check "killing the master takes its worker too (no orphan)" wait_for 5 gone
"$TOP/portal" up >/dev/null 2>&1
wait_for 10 has_indexer
check "./portal up starts the indexer again ($(indexer_pid))" has_indexer
wait "$UP"

wait_for 120 nothing_pending
accepted=0 unindexed=0 lost=0 twice=0
while read -r code tok id; do
	[ "$code" = 202 ] || continue
	accepted=$((accepted + 1))
	[ "$(status_of "$id")" = indexed ] || unindexed=$((unindexed + 1))
	n=$(search_ids "$tok" | grep -c .)
	[ "$n" = 1 ] || { [ "$n" = 0 ] && lost=$((lost + 1)) || twice=$((twice + 1)); }
done <"$ANSWERS"
check "all 60 uploads were accepted ($accepted)" [ "$accepted" = 60 ]
check "every one is indexed ($unindexed not)" [ "$unindexed" = 0 ]
check "every one is found ($lost lost)" [ "$lost" = 0 ]
check "none is found twice ($twice)" [ "$twice" = 0 ]
check "no job is left queued or running" \
	[ "$(sql "SELECT count(*) FROM jobs WHERE state IN ('queued','running')")" = 0 ]
check "portalctl fsck is clean after the kills" fsck_clean

LAST=$(indexer_pid)
"$TOP/portal" down >/dev/null 2>&1
check "./portal down stops master and worker ($(cat "$RUN/indexer.pid" 2>/dev/null), $LAST)" \
	bash -c '! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" | cut -c1)" = Z ]' _ "$LAST"
