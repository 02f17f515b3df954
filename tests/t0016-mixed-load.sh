#!/usr/bin/env bash
# t0016-mixed-load.sh: mixed load. For LOAD_SECONDS (default 30) several
# clients run at once: searches (JSON API and HTML page, Chinese words,
# standard numbers, field queries, filters, and malformed queries that must
# get a 4xx), uploads of distinct documents (corpus text and HTML with a
# unique token added, and generated text), re-uploads of the same bytes,
# and fetches of document pages, records, text and files; `./portal
# reload` comes in the middle. Afterwards: no 5xx and no connection error
# at all, none dropped by a reload; every upload answered 2xx is in the database, downloads
# byte-identical (sha256), is indexed exactly once and found by its token;
# searches answered in every slice of the run; the workers' and the
# indexer's resident memory did not grow by more than RSS_GROWTH_KB
# (20 MB) between a sample after warm-up and the last; fsck is clean.
# Figures (requests, latencies, RSS over time, load average) are printed
# as TAP comments. `make load-long` runs it for 5 minutes with more
# clients. Knobs: LOAD_SECONDS, LOAD_SEARCH_CLIENTS (3), LOAD_UPLOAD_CLIENTS
# (2), LOAD_UPLOAD_PAUSE (0.3 s), LOAD_SAMPLE_SECONDS, LOAD_WARM_SECONDS,
# RSS_GROWTH_KB, LOAD_DRAIN_SECONDS, LOAD_RELOADS (1), LOAD_WRK
# (connections of an extra search client, wrk, when it is installed: not
# in the suite).
# Covers fcgi-master.c (reload under load), cgi-bin/search.c,
# cgi-bin/upload.c, store.c, docs.c, portal-indexer.c, search.c, xap.cc.
. "$(dirname "$0")/lib.sh"

LOAD=${LOAD_SECONDS:-30}
SEARCHERS=${LOAD_SEARCH_CLIENTS:-3}
UPLOADERS=${LOAD_UPLOAD_CLIENTS:-2}
PAUSE=${LOAD_UPLOAD_PAUSE:-0.3}		# seconds between one client's uploads
SAMPLE=${LOAD_SAMPLE_SECONDS:-$(( LOAD >= 120 ? 10 : 3 ))}
WARM=${LOAD_WARM_SECONDS:-$(( LOAD >= 120 ? 30 : LOAD / 6 ))}
GROWTH=${RSS_GROWTH_KB:-20480}
# Under --enable-asan a process's RSS also holds what it freed, up to ASan's
# quarantine (256 MB), so growth says nothing there: LeakSanitizer checks
# every program at its exit instead (lib.sh).
[ -n "${PORTAL_SANITIZERS:-}" ] && [ -z "${RSS_GROWTH_KB:-}" ] && GROWTH=$((GROWTH + 262144))
DRAIN=${LOAD_DRAIN_SECONDS:-$(( 300 + LOAD * 2 ))}
RELOADS=${LOAD_RELOADS:-1}	# ./portal reload this many times, evenly spread
WRK=${LOAD_WRK:-0}	# connections of an extra wrk search client (0: none; wrk is optional)

start_instance
RUN=$PORTAL_DATA/index/run
DB=$PORTAL_DATA/index/portal.db
L=$PORTAL_DATA/load
mkdir -p "$L/up"
CLIENTS=""
# The clients and the sampler are this test's own children: stop them
# (by pid) before the instance goes.
trap 'for p in $CLIENTS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; stop_instance' EXIT

now_ms() { local t=${EPOCHREALTIME/./}; echo $(( t / 1000 )); }
enc() { jq -rn --arg v "$1" '$v|@uri'; }

# ---- seed documents, so searches and fetches have something to find ----
SOURCES=()
for f in "$CORPUS"/docs/*.txt "$CORPUS"/docs/*.html "$CORPUS"/programme/*.txt "$CORPUS"/programme/*.html; do
	[ -f "$f" ] && SOURCES+=("$f")
done
[ ${#SOURCES[@]} -ge 20 ] || bail "too few text and HTML files under $CORPUS"
: >"$L/seeds"
for f in $(ls "$CORPUS"/programme/p00[1-9]_* | head -n 8) $(corpus_file d0030) $(corpus_file d0011) \
	$(corpus_file d0019) $(corpus_file d0006); do
	upload "$ADMIN" "$f" -F visibility=public
	[ "$CODE" = 202 ] || bail "seed upload of $f answered $CODE: $BODY"
	jq -r .id <<<"$BODY" >>"$L/seeds"
done
for id in $(cat "$L/seeds"); do wait_indexed "$id" >/dev/null; done
SEEDS=$(wc -l <"$L/seeds")

# ---- the queries: "ok" ones answer 200, "bad" ones must answer 4xx ------
{
	for q in 节能 清洁生产 污染防治 节约能源 环境保护 水污染 审核报告 医疗机构 奶牛养殖 印刷业 \
		"清洁生产 审核" "GB/T 2589-2008" "gb/t2589-2008" "HJ 469-2009" "GB 8978-1996" "GB17167-2006" \
		"title:条例" "type:standard" "type:guideline 清洁生产" "year:2005..2020" \
		"standard:GB/T 2589-2008" '"清洁生产审核"' "节能 NOT 条例" "title:指南 OR title:办法" \
		'"节水 改造' "sector:industry" ""; do
		echo "ok q=$(enc "$q")"
	done
	echo "ok q=$(enc 清洁生产)&type=standard"
	echo "ok q=$(enc 节能)&sort=date&per_page=5"
	echo "ok q=$(enc 条例)&page=2&per_page=3"
	echo "ok sector=industry"
	echo "bad q=%ZZ"
	echo "bad q=x&bogus=1"
	echo "bad per_page=0"
	echo "bad page=abc"
	echo "bad sort=sideways"
	echo "bad sector=mars"
	echo "bad q=%FF%FE"
	echo "bad q=$(head -c 1100 /dev/zero | tr '\0' a)"
} >"$L/queries"
mapfile -t QUERIES <"$L/queries"

# ---- clients -----------------------------------------------------------
# Each writes one line per request to its own log:
#   END-MS KIND HTTP-CODE SECONDS CURL-EXIT
searcher() { # N
	local n=0 e kind qs path auth r rc
	while [ "$(now_ms)" -lt "$END_MS" ]; do
		e=${QUERIES[$(( (n * 7 + $1 * 5) % ${#QUERIES[@]} ))]}
		kind=${e%% *}; qs=${e#* }
		if [ $(( (n + $1) % 2 )) = 0 ]; then path=/api/search; kind=j$kind; else path=/search; kind=h$kind; fi
		auth=()
		[ $(( n % 3 )) = 0 ] && auth=(-H "Authorization: Bearer $ADMIN")
		r=$(curl -s -o /dev/null -m 60 -w '%{http_code} %{time_total}' "${auth[@]}" "$BASE$path?$qs"); rc=$?
		echo "$(now_ms) $kind $r $rc" >>"$L/log.s$1"
		n=$((n + 1))
	done
}

make_doc() { # TOKEN N -> path of a new file with the token in its text
	local src=${SOURCES[$(( (RANDOM * 32768 + RANDOM) % ${#SOURCES[@]} ))]} out
	if [ $(( $2 % 4 )) = 3 ]; then
		out=$L/up/$1.txt
		printf '负载测试文档 %s\n第%s份：清洁生产审核，节水改造 %s 吨，节约能源 %s 吨标准煤。\n' \
			"$1" "$2" "$RANDOM" "$RANDOM" >"$out"
	else
		out=$L/up/$1_$(basename "$src")
		case $src in
		*.html)
			if grep -qi '</body>' "$src"; then
				sed "s#</[bB][oO][dD][yY]>#<p>load $1</p></body>#" "$src" >"$out"
			else
				{ cat "$src"; printf '<p>load %s</p>\n' "$1"; } >"$out"
			fi ;;
		*) { cat "$src"; printf '\nload %s\n' "$1"; } >"$out" ;;
		esac
	fi
	echo "$out"
}

uploader() { # N
	local n=0 tok f out rc code id prev_id="" prev_f=""
	while [ "$(now_ms)" -lt "$END_MS" ]; do
		n=$((n + 1))
		if [ $(( n % 10 )) = 0 ] && [ -n "$prev_id" ]; then
			# The same bytes again: 200, the existing document.
			out=$(curl -s -m 60 -w '\n%{http_code} %{time_total}' -H "Authorization: Bearer $ADMIN" \
				-F "file=@$prev_f" -F visibility=public "$BASE/api/documents"); rc=$?
			code=$(tail -n 1 <<<"$out")
			echo "$(now_ms) dup $code $rc" >>"$L/log.u$1"
			echo "${code%% *} $prev_id $(head -n 1 <<<"$out" | jq -r '"\(.id) \(.duplicate)"' 2>/dev/null)" >>"$L/dups.$1"
			continue
		fi
		tok=lq$1x$n
		f=$(make_doc "$tok" "$n")
		out=$(curl -s -m 60 -w '\n%{http_code} %{time_total}' -H "Authorization: Bearer $ADMIN" \
			-F "file=@$f" -F visibility=public "$BASE/api/documents"); rc=$?
		code=$(tail -n 1 <<<"$out")
		id=$(head -n 1 <<<"$out" | jq -r '.id // empty' 2>/dev/null)
		echo "$(now_ms) up $code $rc" >>"$L/log.u$1"
		echo "${code%% *} $tok $f ${id:--} $(head -n 1 <<<"$out" | jq -r '.sha256 // "-"' 2>/dev/null)" >>"$L/uploads.$1"
		[ -n "$id" ] && { echo "$id" >>"$L/ids.$1"; prev_id=$id; prev_f=$f; }
		sleep "$PAUSE"
	done
}

fetcher() {
	local n=0 ids id path r rc
	while [ "$(now_ms)" -lt "$END_MS" ]; do
		mapfile -t ids < <(cat "$L/seeds" "$L"/ids.* 2>/dev/null)
		for _ in $(seq 10); do
			id=${ids[$(( RANDOM % ${#ids[@]} ))]}
			case $(( n % 5 )) in
			0) path=/documents/$id ;;
			1) path=/api/documents/$id/file ;;
			2) path=/api/documents/$id/text ;;	# 409 while pending
			3) path=/api/documents/$id ;;
			4) path=/api/documents/$id/similar ;;
			esac
			r=$(curl -s -o /dev/null -m 60 -w '%{http_code} %{time_total}' "$BASE$path"); rc=$?
			echo "$(now_ms) f$(( n % 5 )) $r $rc" >>"$L/log.f"
			n=$((n + 1))
		done
	done
}

# An optional wrk client cycling the well-formed searches at full speed
# (long runs only: wrk is not among the packages the suite may assume).
# Its done() prints: wrk-result REQUESTS NOT-200 5XX CONNECT READ WRITE
# TIMEOUT-ERRORS, then median, p99 and max latency in ms.
wrk_script() {
	echo 'local paths = {'
	grep '^ok ' "$L/queries" | while read -r _ qs; do printf '\t"/api/search?%s", "/search?%s",\n' "$qs" "$qs"; done
	cat <<'LUA'
}
local n = 0
other, five = 0, 0
function request()
	n = n + 1
	return wrk.format("GET", paths[n % #paths + 1])
end
function response(status, headers, body)
	if status ~= 200 then other = other + 1 end
	if status >= 500 then five = five + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
	local o, f = 0, 0
	for _, t in ipairs(threads) do o = o + t:get("other"); f = f + t:get("five") end
	local e = summary.errors
	io.write(string.format("wrk-result %d %d %d %d %d %d %d %.1f %.1f %.1f\n", summary.requests, o, f,
		e.connect, e.read, e.write, e.timeout, latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
}

# Resident memory of the indexer, the search and upload masters and their
# children (the workers), every SAMPLE seconds until $L/stop exists:
#   SECONDS-SINCE-START ROLE PID RSS-KB   and   SECONDS load LOADAVG
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
sample_once() {
	local t m p k
	t=$(( ($(now_ms) - START_MS) / 1000 ))
	p=$(indexer_pid); k=$(rss "$p"); [ -n "$k" ] && echo "$t indexer $p $k"
	for m in search upload; do
		p=$(cat "$RUN/$m.pid"); k=$(rss "$p"); [ -n "$k" ] && echo "$t $m-master $p $k"
		for p in $(pgrep -P "$(cat "$RUN/$m.pid")"); do
			k=$(rss "$p"); [ -n "$k" ] && echo "$t $m-worker $p $k"
		done
	done
	echo "$t load $(cut -d' ' -f1 /proc/loadavg)"
}
sampler() {
	while [ ! -e "$L/stop" ]; do
		sample_once >>"$L/rss"
		sleep "$SAMPLE"
	done
}

START_MS=$(now_ms)
END_MS=$((START_MS + LOAD * 1000))
echo "# load: ${LOAD}s, $SEARCHERS search clients, $UPLOADERS upload clients, 1 fetch client;" \
	"$SEEDS seed documents; load average $(cut -d' ' -f1-3 /proc/loadavg)"
sampler & CLIENTS="$CLIENTS $!"; SAMPLER=$!
for c in $(seq "$SEARCHERS"); do searcher "$c" & CLIENTS="$CLIENTS $!"; done
for c in $(seq "$UPLOADERS"); do uploader "$c" & CLIENTS="$CLIENTS $!"; done
fetcher & CLIENTS="$CLIENTS $!"
if [ "$WRK" -gt 0 ] && ! command -v wrk >/dev/null; then
	echo "# LOAD_WRK=$WRK but wrk is not installed: no wrk client"; WRK=0
fi
if [ "$WRK" -gt 0 ]; then
	wrk_script >"$L/cycle.lua"
	wrk -t1 -c"$WRK" -d"${LOAD}s" --timeout 30s -s "$L/cycle.lua" "$BASE" >"$L/wrk.out" 2>&1 &
	CLIENTS="$CLIENTS $!"
fi

# The reload in the middle of the run (LOAD_RELOADS > 1: that many, evenly
# spread).
reload_rc=0 at=""
for k in $(seq "$RELOADS"); do
	while [ "$(now_ms)" -lt $(( START_MS + LOAD * 1000 * k / (RELOADS + 1) )) ]; do sleep 0.2; done
	[ "$(now_ms)" -lt "$END_MS" ] || break	# a slow machine: no reload after the load
	old_workers=$(for m in search upload; do pgrep -P "$(cat "$RUN/$m.pid")"; done | sort | tr '\n' ' ')
	at="$at $(( ($(now_ms) - START_MS) / 1000 ))s"
	r0=$(now_ms)
	"$TOP/portal" reload >/dev/null 2>&1 || reload_rc=$?
	echo "$r0 $(now_ms)" >>"$L/reloads"
done
echo "# ./portal reload at$at"

for p in $CLIENTS; do [ "$p" = "$SAMPLER" ] || wait "$p"; done
RAN_MS=$(( $(now_ms) - START_MS ))
check "./portal reload succeeded under load ($(wc -w <<<"$at") time(s))" [ -n "$at" -a "$reload_rc" = 0 ]

# ---- what the clients saw ----------------------------------------------
cat "$L"/log.* >"$L/all"
total=$(wc -l <"$L/all")
echo "# $total requests in $((RAN_MS / 1000))s ($(( total * 1000 / (RAN_MS > 0 ? RAN_MS : 1) ))/s):" \
	"$(awk '{ n[$2]++ } END { for (k in n) printf "%s %d, ", k, n[k] }' "$L/all")"
echo "# status codes: $(awk '{ n[$3]++ } END { for (k in n) printf "%s %d, ", k, n[k] }' "$L/all")"
awk '{ print $2, $4 }' "$L/all" | sort -k1,1 -k2,2n | awk '
	{ v[$1, ++n[$1]] = $2 }
	END { for (k in n) printf "# latency %s: median %.3fs, p99 %.3fs, max %.3fs\n", k,
		v[k, int((n[k] + 1) / 2)], v[k, int(n[k] * 0.99 + 0.999)], v[k, n[k]] }' | sort
wrk5=0
if [ "$WRK" -gt 0 ]; then
	set -- $(grep '^wrk-result ' "$L/wrk.out") - - - - - - - - - - -
	rate=-; [ "$2" != - ] && rate=$(( $2 / LOAD ))
	echo "# wrk, $WRK connections: $2 searches ($rate/s), latency median $9 ms, p99 ${10} ms, max ${11} ms"
	check "wrk: every search answered 200 or 5xx, counted below (not 200: $3, 5xx: $4)" \
		[ "$2" != - -a "$3" = "$4" ]
	check "wrk: no socket error (connect $5, read $6, write $7, timeout $8)" [ "$5$6$7$8" = 0000 ]
	[ "$2" = - ] && sed 's/^/# wrk: /' "$L/wrk.out"
	[ "$4" != - ] && wrk5=$4
fi

# 5xx: none at all. Requests dropped by a reload (a retiring worker leaving
# with a request half read: nginx logs "... while reading response header
# from upstream" and answers 502) are counted apart to say what happened;
# fcgi-master.c waits in its own poll() so that cannot happen.
drops=0
while read -r d t rest; do
	case $rest in *"while reading response header from upstream"*) ;; *) continue ;; esac
	e=$(date -d "$d $t" +%s) || continue
	awk -v e="$e" '{ if (e >= int($1 / 1000) - 1 && e <= int($2 / 1000) + 2) f = 1 } END { exit !f }' \
		"$L/reloads" && drops=$((drops + 1))
done < <(grep -F '[error]' "$PORTAL_DATA/index/log/nginx-error.log")
e5=$(awk '$3 ~ /^5/' "$L/all" | wc -l)
e0=$(awk '$3 == "000" || $5 != 0' "$L/all" | wc -l)
check "no 5xx answer ($e5 of $total, wrk $wrk5)" [ "$((e5 + wrk5))" = 0 ]
check "no request dropped by a reload ($drops)" [ "$drops" = 0 ]
[ "$drops" = 0 ] || grep -F 'while reading response header from upstream' "$PORTAL_DATA/index/log/nginx-error.log" |
	head -n 5 | sed 's/^/# nginx: /'
check "no connection error or timeout ($e0 of $total)" [ "$e0" = 0 ]
awk '$3 ~ /^5/ || $3 == "000" || $5 != 0' "$L/all" | head -n 10 | sed 's/^/# failed: /'
# The rest, apart from 5xx (counted above):
nbad=$(awk '$2 ~ /bad$/' "$L/all" | wc -l)
notbad=$(awk '$2 ~ /bad$/ && $3 !~ /^[45]/' "$L/all" | wc -l)
check "every malformed query answered 4xx ($nbad sent, $notbad not 4xx)" [ "$nbad" -gt 0 -a "$notbad" = 0 ]
nok=$(awk '$2 ~ /ok$/' "$L/all" | wc -l)
notok=$(awk '$2 ~ /ok$/ && $3 != 200 && $3 !~ /^5/' "$L/all" | wc -l)
check "every well-formed search answered 200 ($nok sent, $notok not 200)" [ "$nok" -gt 0 -a "$notok" = 0 ]
fx=$(awk '$2 ~ /^f/ && !($3 == 200 || $3 ~ /^5/ || ($2 == "f2" && $3 == 409))' "$L/all" | wc -l)
check "every page, record, text and file fetch answered 200 (or 409 for text still pending): $fx others" [ "$fx" = 0 ]

# Searches answered in every slice of the run (slices of about 10 s, at
# least 3: before, around and after the reload), so none stalled.
SLICES=$(( LOAD / 10 > 3 ? LOAD / 10 : 3 ))
empty=$(awk -v s="$START_MS" -v len="$((LOAD * 1000))" -v k="$SLICES" '
	$2 ~ /ok$/ && $3 == 200 { i = int(($1 - s) * k / len); if (i >= 0 && i < k) got[i] = 1 }
	END { for (i = 0; i < k; i++) if (!(i in got)) printf "%d ", i }' "$L/all")
gap=$(awk '$2 ~ /ok$/ && $3 == 200 { print $1 }' "$L/all" | sort -n | awk -v s="$START_MS" '
	{ if (NR == 1) p = s; if ($1 - p > g) g = $1 - p; p = $1 } END { printf "%.1f", g / 1000 }')
check "searches answered in each of $SLICES slices of the run (empty: ${empty:-none}; longest gap ${gap}s)" [ -z "$empty" ]

# ---- every accepted upload: stored, byte-identical, indexed once, found --
cat "$L"/uploads.* >"$L/uploads" 2>/dev/null
cat "$L"/dups.* >"$L/dups" 2>/dev/null || : >"$L/dups"
sent=$(wc -l <"$L/uploads")
accepted=$(awk '$1 ~ /^2/ && $4 != "-"' "$L/uploads" | wc -l)
up5=$(awk '$1 ~ /^5/' "$L/uploads" | wc -l)	# counted with the 5xx above
check "uploads were sent and all accepted but the 5xx above ($accepted of $sent, $up5 5xx)" \
	[ "$sent" -gt 0 -a "$accepted" = $((sent - up5)) ]
ndup=$(wc -l <"$L/dups")
baddup=0
while read -r code want got isdup; do
	case $code in 5*) continue ;; esac	# counted with the 5xx above
	[ "$code" = 200 ] && [ "$got" = "$want" ] && [ "$isdup" = true ] || baddup=$((baddup + 1))
done <"$L/dups"
check "re-uploads of the same bytes answered 200 with the existing document ($ndup sent, $baddup otherwise)" [ "$baddup" = 0 ]

t0=$(now_ms)
pending=-1
for _ in $(seq $((DRAIN * 2))); do
	pending=$(sqlite3 "$DB" "SELECT count(*) FROM documents WHERE status = 'pending'" 2>/dev/null) || pending=-1
	[ "$pending" = 0 ] && break
	sleep 0.5
done
echo "# the indexer finished its backlog $(( ($(now_ms) - t0) / 1000 ))s after the load ended"
check "nothing is left pending" [ "$pending" = 0 ]

sqlite3 -separator ' ' "$DB" "SELECT id, sha256, status FROM documents" | sort >"$L/db"
rows=$(wc -l <"$L/db")
check "the database has one row per distinct upload, no more ($rows = $SEEDS seeds + $accepted)" [ "$rows" = $((SEEDS + accepted)) ]
missing=0 wrongsha=0 unindexed=0 differ=0 lost=0 twice=0
while read -r code tok f id sha; do
	case $code in 2*) ;; *) continue ;; esac
	local_sha=$(sha256sum "$f" | cut -d' ' -f1)
	row=$(grep -m1 "^$id " "$L/db")
	[ -n "$row" ] || { missing=$((missing + 1)); echo "# not in the database: $id ($tok)"; continue; }
	set -- $row
	[ "$2" = "$local_sha" ] && [ "$sha" = "$local_sha" ] || wrongsha=$((wrongsha + 1))
	[ "$3" = indexed ] || { unindexed=$((unindexed + 1)); echo "# $id ($tok) is $3"; }
	[ "$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/documents/$id/file" | sha256sum | cut -d' ' -f1)" = "$local_sha" ] ||
		{ differ=$((differ + 1)); echo "# $id ($tok) downloads different bytes"; }
	hits=$(search_ids "$tok" "$ADMIN")
	if [ "$hits" != "$id" ]; then
		[ -z "$hits" ] && lost=$((lost + 1)) || twice=$((twice + 1))
		echo "# search for $tok: expected $id, got: $(tr '\n' ' ' <<<"$hits")"
	fi
done <"$L/uploads"
check "every accepted upload is in the database ($missing missing)" [ "$missing" = 0 ]
check "with the sha256 of the bytes sent ($wrongsha otherwise)" [ "$wrongsha" = 0 ]
check "every accepted upload downloads byte-identical ($differ differ)" [ "$differ" = 0 ]
check "every accepted upload is indexed ($unindexed not)" [ "$unindexed" = 0 ]
check "every accepted upload is found by its token ($lost not found)" [ "$lost" = 0 ]
check "and only it, once ($twice otherwise)" [ "$twice" = 0 ]
check "portalctl fsck is clean (index holds each indexed document once)" fsck_clean

# ---- the reload replaced the workers, and none is left over -------------
sleep 1
new_workers=$(for m in search upload; do pgrep -P "$(cat "$RUN/$m.pid")"; done | sort | tr '\n' ' ')
left=0
for p in $old_workers; do grep -qw "$p" <<<"$new_workers" && left=$((left + 1)); done
check "the (last) reload replaced every search and upload worker ($left old ones left)" [ -n "$old_workers" -a "$left" = 0 ]
check "as many workers as before ($(wc -w <<<"$old_workers") -> $(wc -w <<<"$new_workers"))" \
	[ "$(wc -w <<<"$new_workers")" = "$(wc -w <<<"$old_workers")" ]

# ---- memory --------------------------------------------------------------
touch "$L/stop"; wait "$SAMPLER" 2>/dev/null
# One last sample, after the backlog: the indexer has done all its work.
sample_once >>"$L/rss"
echo "# RSS over time (MB; workers by pid; load average):"
awk '
	$2 == "load" { la[$1] = $3; next }
	{ if (!($1 in seen)) { seen[$1] = 1; ts[++nt] = $1 }
	  k = $2 == "indexer" ? "idx" : $2 == "search-master" ? "sm" : $2 == "upload-master" ? "um" : \
	      $2 == "search-worker" ? "s" $3 : "u" $3
	  line[$1] = line[$1] sprintf(" %s=%.1f", k, $4 / 1024) }
	END { for (i = 1; i <= nt; i++) printf "#   t=%ss%s load=%s\n", ts[i], line[ts[i]], (ts[i] in la ? la[ts[i]] : "-") }
' "$L/rss"
# Per process: the first sample at least WARM seconds after it was first
# seen, against its last sample.
# (Processes are told apart by role and pid: pids wrap around quickly on a
# busy machine.)
awk -v warm="$WARM" '
	$2 == "load" { next }
	{ p = $2 " " $3
	  if (!(p in first)) first[p] = $1
	  if (!(p in base) && $1 >= first[p] + warm) { base[p] = $4; bt[p] = $1 }
	  last[p] = $4; lt[p] = $1 }
	END { for (p in base) printf "%s %d %d %d %d\n", p, bt[p], base[p], lt[p], last[p] }
' "$L/rss" | sort >"$L/growth"
while read -r role pid bt base lt last; do
	echo "# $role $pid: ${base} kB at ${bt}s -> ${last} kB at ${lt}s ($(( (last - base) / 1024 )) MB)"
done <"$L/growth"
grew=$(awk -v g="$GROWTH" '$6 > $4 + g { printf "%s %s, ", $1, $2 }' "$L/growth")
covered=$(awk '{ print $1 }' "$L/growth" | sort -u | tr '\n' ' ')
check "memory sampled after warm-up for the indexer and both kinds of workers ($covered)" \
	bash -c 'grep -q indexer <<<"$1" && grep -q search-worker <<<"$1" && grep -q upload-worker <<<"$1"' _ "$covered"
check "no process grew by more than $((GROWTH / 1024)) MB after warm-up (${grew:-none did})" [ -z "$grew" ]
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# What the programs logged that sounds like trouble (for the reader; the
# checks above are the verdict).
for f in "$PORTAL_DATA"/index/log/*.log; do
	case $f in *access.log) continue ;; esac
	n=$(grep -ciE 'error|fail|crit|alert|emerg|abort|signal|died|exit' "$f")
	echo "# $(basename "$f"): $(wc -l <"$f") lines, $n sound like trouble"
	grep -iE 'error|fail|crit|alert|emerg|abort|signal|died|exit' "$f" | head -n 5 | sed 's/^/#   /'
done
