# lib.sh: shared setup for the end-to-end tests (tNNNN-*.sh).
#
# Each test sources this file, calls start_instance to get a private portal
# (./portal up with a temp PORTAL_DATA on a free port, real nginx, real
# FastCGI programs, real SQLite and Xapian), talks HTTP to it with curl, and
# reports TAP: one "ok N - ..." or "not ok N - ..." line per check, the plan
# at the end. The instance is stopped and removed on exit; on failure its
# logs are printed first.
set -u

# TOP: the source tree (scripts, templates, static files); BUILD: where the
# programs were built (the same tree, or a VPATH build directory: make check
# exports both). Tests write only to their instance's temp directory and to
# BUILD, never to TOP (make distcheck checks from a read-only tree).
TOP=${PORTAL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${PORTAL_BUILDDIR:-$TOP}
CORPUS=${PORTAL_CORPUS:-$TOP/../shared/corpus}
T_N=0
T_FAIL=0

# A source tree without write permission, as make distcheck leaves the
# tarball's (chmod -R a-w), must stay as it is. Root ignores the permission,
# so each test checks at its end that it changed nothing there
# (src_untouched); the folders left writable inside it (distcheck's _build
# and _inst) are the build's, not the source's.
SRC_STAMP=
if [ "$BUILD" != "$TOP" ] && [ -z "$(find "$TOP" -maxdepth 0 -perm -u+w)" ]; then
	SRC_STAMP=$(mktemp /tmp/portal-srcstamp.XXXXXX)
	# A few seconds early: file times follow the kernel's coarse clock,
	# so a write just after this could carry the stamp's very time.
	touch -d '3 seconds ago' "$SRC_STAMP"
fi

# A test that reads documents of the labelled corpus (it calls corpus_file
# or names $CORPUS) is skipped, saying why, when there is no corpus; under
# ./portal test (PORTAL_CORPUS_REQUIRED=1) it fails instead.
if [ ! -d "$CORPUS/docs" ] && grep -qE 'corpus_file|\$CORPUS' "$0" 2>/dev/null; then
	if [ "${PORTAL_CORPUS_REQUIRED:-}" = 1 ]; then
		echo "Bail out! the test corpus is not at $CORPUS (set PORTAL_CORPUS, or ./configure --with-corpus=DIR)"
		exit 1
	fi
	echo "1..0 # SKIP needs the labelled test corpus, not found at $CORPUS (set PORTAL_CORPUS, or ./configure --with-corpus=DIR)"
	exit 0
fi

ok() { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $1"; }
# check DESCRIPTION COMMAND...: one TAP line from a command's exit status.
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
bail() { echo "Bail out! $*"; exit 1; }

# A port nothing listens on, below the kernel's range for outgoing
# connections' local ports (a port in use as one cannot be bound either, yet
# a connect test calls it free).
free_port() {
	local p lo=20000 hi
	read -r hi _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || hi=32768
	[ "$hi" -gt $((lo + 1000)) ] || { lo=10000; hi=20000; }
	for _ in $(seq 50); do
		p=$((lo + RANDOM % (hi - lo)))
		(echo >/dev/tcp/127.0.0.1/$p) 2>/dev/null || { echo $p; return; }
	done
	bail "no free port"
}

# sanitizer_env: under --enable-asan (make check exports PORTAL_SANITIZERS)
# every program of the instance, portalctl included, writes any
# AddressSanitizer, UBSan or LeakSanitizer report to a file of its own in the
# log directory (sanitizer.PID); stop_instance fails the test on any report.
# Harmless in a normal build. PORTAL_ASAN_OPTIONS adds options.
sanitizer_env() {
	local d=$PORTAL_DATA/index/log
	mkdir -p "$d"
	export ASAN_OPTIONS="log_path=$d/sanitizer:detect_leaks=1${PORTAL_ASAN_OPTIONS:+:$PORTAL_ASAN_OPTIONS}"
	export UBSAN_OPTIONS="log_path=$d/sanitizer:print_stacktrace=1"
	export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0"
}

# sanitizer_wait: after ./portal down, until no program of this instance
# runs any more (a worker that LeakSanitizer checks at its exit can outlive
# its master by a few seconds), at most 30 s. Only under sanitizers.
sanitizer_wait() {
	local p left
	[ -n "${PORTAL_SANITIZERS:-}" ] || return 0
	for _ in $(seq 300); do
		left=0
		for p in $(pgrep -f "^$BUILD/(cgi-bin/[a-z]+\.fcgi|src/cmd/portal)"); do
			tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qxF "PORTAL_DATA=$PORTAL_DATA" && { left=1; break; }
		done
		[ $left = 0 ] && return 0
		sleep 0.1
	done
}

# sanitizer_check: one check, after the instance is down (workers report
# leaks as they exit): no sanitizer report in the log directory, neither in
# a report file nor in a program's log (a report written to stderr).
sanitizer_check() {
	local d=${PORTAL_DATA:-}/index/log f bad=()
	[ -d "$d" ] || return 0
	for f in "$d"/sanitizer.* "$d"/*.log; do
		[ -f "$f" ] || continue
		case $f in
		*/sanitizer.*) [ -s "$f" ] && bad+=("$f") ;;
		*) grep -qE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$f" && bad+=("$f") ;;
		esac
	done
	if [ ${#bad[@]} -gt 0 ]; then
		for f in "${bad[@]}"; do
			echo "# --- sanitizer report in $f"
			grep -E -A 40 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$f" | head -n 80 | sed 's/^/# /'
		done
		not_ok "no sanitizer report in the instance's logs (${#bad[@]} with one)"
	elif [ -n "${PORTAL_SANITIZERS:-}" ]; then
		ok "no sanitizer report in the instance's logs"
	fi
}

# src_untouched: one check when the source tree is read-only (SRC_STAMP):
# nothing in it was written, made or removed since the test began.
src_untouched() {
	local changed
	[ -n "$SRC_STAMP" ] || return 0
	changed=$(find "$TOP" -type d -perm -u+w -prune -o -newer "$SRC_STAMP" -print 2>/dev/null | head -n 20)
	rm -f "$SRC_STAMP"
	SRC_STAMP=
	if [ -n "$changed" ]; then
		sed 's/^/# changed in the source tree: /' <<<"$changed"
		not_ok "nothing written into the read-only source tree $TOP"
	else
		ok "nothing written into the read-only source tree"
	fi
}

stop_instance() {
	if [ "$T_FAIL" != 0 ] && [ -d "${PORTAL_DATA:-}/index/log" ]; then
		for f in "$PORTAL_DATA"/index/log/*.log; do echo "# --- $f"; tail -n 30 "$f" | sed 's/^/# /'; done
	fi
	"$TOP/portal" down >/dev/null 2>&1 || true
	sanitizer_wait
	sanitizer_check
	[ -n "${PORTAL_DATA:-}" ] && rm -rf "$PORTAL_DATA"
	src_untouched
	echo "1..$T_N"
}

# start_instance: sets PORTAL_DATA, PORTAL_PORT, BASE and ADMIN (a bearer
# token of the admin user that ./portal up creates).
start_instance() {
	PORTAL_DATA=$(mktemp -d /tmp/portal-test.XXXXXX)
	PORTAL_PORT=$(free_port)
	PORTAL_NO_BUILD=1
	PORTAL_DEMO=${PORTAL_DEMO:-0}	# tests count documents: start empty unless asked
	export PORTAL_DATA PORTAL_PORT PORTAL_NO_BUILD PORTAL_DEMO
	sanitizer_env
	trap stop_instance EXIT
	# Another program may take the port between the check and nginx's
	# bind: then try another one.
	local try
	for try in 1 2 3; do
		"$TOP/portal" up >"$PORTAL_DATA/up.log" 2>&1 && break
		grep -q 'Address already in use' "$PORTAL_DATA/up.log" && [ $try -lt 3 ] ||
			{ cat "$PORTAL_DATA/up.log"; bail "portal up failed"; }
		PORTAL_PORT=$(free_port)
	done
	BASE=http://127.0.0.1:$PORTAL_PORT
	ADMIN=$("$TOP/portal" ctl token create admin) || bail "no admin token"
}

corpus_file() { # NAME-PREFIX [docs|programme]: the corpus document whose name starts so
	local f
	f=$(ls "$CORPUS/${2:-docs}/$1"* 2>/dev/null | head -n 1)
	[ -n "$f" ] || bail "corpus file $1* not found under $CORPUS (set PORTAL_CORPUS)"
	echo "$f"
}

# call CURL-ARGS...: run curl against the instance; sets CODE (HTTP status)
# and BODY (the response body).
call() {
	CODE=$(curl -s -o "$PORTAL_DATA/body" -w '%{http_code}' "$@")
	BODY=$(tr -d "\0" <"$PORTAL_DATA/body")
}

# upload TOKEN FILE [curl -F args...]: POST /api/documents; sets CODE, BODY.
upload() {
	local token=$1 file=$2; shift 2
	call -H "Authorization: Bearer $token" -F "file=@$file" "$@" "$BASE/api/documents"
}

# sign_in JAR NAME PASSWORD: as a browser signs in: the form first (its
# token and the qp_login cookie), then the POST; the session cookie ends up
# in JAR. Sets CODE and BODY of the POST (303 on success).
sign_in() {
	local jar=$1 token
	call -c "$jar" "$BASE/login"
	token=$(grep -o 'name="csrf" value="[^"]*"' <<<"$BODY" | head -n1 | sed 's/.*value="//; s/"$//')
	call -c "$jar" -b "$jar" --data-urlencode "name=$2" --data-urlencode "password=$3" \
		--data-urlencode "csrf=$token" "$BASE/login"
}

# json FILTER: jq -r over stdin.
# need_browser: Debian's chromium and the npm packages of tests/browser
# (playwright-core, axe-core) are there, installing the npm packages when a
# dependency is missing; bails otherwise. Sets CHROMIUM and BROWSER_DIR.
need_browser() {
	CHROMIUM=${PORTAL_CHROMIUM:-/usr/bin/chromium}
	BROWSER_DIR=$TOP/tests/browser
	command -v node >/dev/null || bail "node not found: install nodejs (./portal test does)"
	[ -x "$CHROMIUM" ] || bail "$CHROMIUM not found: install chromium (./portal test does)"
	local dep missing=
	browser_deps() {
		missing=
		for dep in $(jq -r '.dependencies | keys[]' "$BROWSER_DIR/package.json"); do
			[ -f "$BROWSER_DIR/node_modules/$dep/package.json" ] || missing=1
		done
	}
	browser_deps
	[ -z "$missing" ] && return 0
	# A VPATH build (make distcheck): the scripts and their npm packages
	# go to the build directory, the source tree stays as it is (node
	# finds packages beside the script, not through NODE_PATH).
	if [ "$BUILD" != "$TOP" ]; then
		mkdir -p "$BUILD/tests/browser"
		cp "$TOP"/tests/browser/*.mjs "$TOP"/tests/browser/package*.json "$BUILD/tests/browser/" ||
			bail "cannot copy tests/browser to $BUILD"
		chmod u+w "$BUILD"/tests/browser/*	# copies of a read-only tree's files
		BROWSER_DIR=$BUILD/tests/browser
		browser_deps
		[ -z "$missing" ] && return 0
		# Packages installed elsewhere (./portal distcheck names the
		# working tree's): linked, not fetched again.
		if [ -n "${PORTAL_NODE_MODULES:-}" ] && [ ! -e "$BROWSER_DIR/node_modules" ]; then
			ln -s "$PORTAL_NODE_MODULES" "$BROWSER_DIR/node_modules" ||
				bail "cannot link $PORTAL_NODE_MODULES into $BROWSER_DIR"
			browser_deps
			[ -z "$missing" ] && return 0
		fi
	fi
	command -v npm >/dev/null || bail "npm not found: install npm (./portal test does)"
	(cd "$BROWSER_DIR" && npm install --no-audit --no-fund --silent) ||
		bail "npm install in $BROWSER_DIR failed"
}

# gates_off: turn off every document gate of case moves (as staff), for
# tests about other rules that move cases without linking documents.
# t0106-gates.sh tests the gates themselves.
gates_off() {
	local body
	body=$(curl -s -H "Authorization: Bearer $ADMIN" "$BASE/api/gates" |
		jq -c '[.gates[].gate | {(.): false}] | add')
	[ -n "$body" ] && [ "$body" != null ] || bail "gates_off: no gates listed"
	curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $ADMIN" \
		-H 'Content-Type: application/json' --data-binary "$body" "$BASE/api/gates" |
		grep -qx 200 || bail "gates_off: PATCH /api/gates refused"
}

json() { jq -r "$1"; }

# wait_indexed ID [TOKEN]: poll until the document leaves "pending"; prints its status.
wait_indexed() {
	local s
	for _ in $(seq 300); do
		s=$(curl -s -H "Authorization: Bearer ${2:-$ADMIN}" "$BASE/api/documents/$1" | jq -r .status)
		[ "$s" != pending ] && { echo "$s"; return; }
		sleep 0.1
	done
	echo pending
}

# wait_previews ID: a PDF read in the quick lane is indexed from its text
# first; its page images follow in a job of its own. Wait until that job has
# put the document again ("reindexed ID" in the indexer's log, after its
# images' folder is made); prints yes, or no after 30 s.
wait_previews() {
	for _ in $(seq 300); do
		if [ -d "$PORTAL_DATA/index/preview/$1" ] &&
			grep -q "reindexed $1\$" "$PORTAL_DATA/index/log/indexer.log" 2>/dev/null; then
			echo yes
			return
		fi
		sleep 0.1
	done
	echo no
}

# search_ids QUERY [TOKEN] [EXTRA-PARAMS]: the ids of the hits, one per line.
search_ids() {
	local auth=()
	[ -n "${2:-}" ] && auth=(-H "Authorization: Bearer $2")
	curl -s "${auth[@]}" -G --data-urlencode "q=$1" --data "per_page=100${3:+&$3}" "$BASE/api/search" |
		jq -r '.results[].id'
}

# indexer_pid: the pid of the indexer at work: the worker that the master
# in index/run/indexer.pid started (src/supervise.c), once it has the
# database open (its zygote, a child too, never has); nothing when none
# does.
indexer_pid() {
	local m p
	m=$(cat "$PORTAL_DATA/index/run/indexer.pid" 2>/dev/null) || return 0
	for p in $(pgrep -P "$m" -x portal-indexer); do
		ls -l "/proc/$p/fd" 2>/dev/null | grep -q '/index/portal\.db$' && { echo "$p"; return 0; }
	done
	return 0
}

# quiet COMMAND...: run it without output (for check).
quiet() { "$@" >/dev/null 2>&1; }

# fsck_clean: portalctl fsck passes; on failure its report goes to the log.
fsck_clean() {
	local out
	out=$("$TOP/portal" ctl fsck 2>&1) && return 0
	sed 's/^/# fsck: /' <<<"$out"
	return 1
}

# has LINE: stdin contains exactly this line.
has() { grep -qxF -- "$1"; }
