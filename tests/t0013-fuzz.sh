#!/usr/bin/env bash
# t0013-fuzz.sh: a short, bounded libFuzzer run of every fuzz target
# (multipart parser, query/URL decoding and escaping, HTML to text, the
# OOXML/ODF XML walker), with AddressSanitizer and UBSan. Any crash fails
# the test and leaves its input in tests/fuzz/crashes/ of the build
# directory (turn it into a
# regression test). FUZZ_SECONDS (default 8) per target; `make fuzz-long`
# runs each for 10 minutes. Covers http-multipart.c, url.c, html.c,
# extract-html.c, encoding.c, extract-office.c, extract-zip.c.
set -u
TOP=${PORTAL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${PORTAL_BUILDDIR:-$TOP}	# config.h, and what the test writes
SECONDS_EACH=${FUZZ_SECONDS:-8}
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }
command -v clang >/dev/null || { echo "Bail out! clang is missing (apt-get install clang)"; exit 1; }
WORK=$(mktemp -d /tmp/portal-fuzz.XXXXXX)
trap 'rm -rf "$WORK"; echo "1..$n"' EXIT
mkdir -p "$BUILD/tests/fuzz/crashes"

declare -A SRC=(
	[multipart]="src/core/log.c src/core/buf.c src/web/http-multipart.c"
	[query]="src/core/log.c src/core/buf.c src/core/arena.c src/core/url.c src/web/html.c"
	[html-text]="src/core/log.c src/core/buf.c src/core/arena.c src/core/utf8.c src/core/url.c src/text/encoding.c src/text/extract-html.c"
	[office-xml]="src/core/log.c src/core/buf.c src/core/utf8.c src/text/encoding.c src/text/extract-zip.c src/text/extract-office.c"
)
LIBS="$(pkg-config --libs uchardet libzip expat)"
for t in multipart query html-text office-xml; do
	src=()
	for f in ${SRC[$t]}; do src+=("$TOP/$f"); done
	if ! clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(for l in core store web text facts search records; do printf -- "-I%s " "$TOP/src/$l"; done) -I"$BUILD" -I"$TOP" "${src[@]}" \
		"$TOP/tests/fuzz/fuzz-$t.c" $LIBS -o "$WORK/fuzz-$t" 2>"$WORK/$t.build"; then
		not_ok "fuzz-$t builds"; sed 's/^/# /' "$WORK/$t.build" | head -20
		continue
	fi
	mkdir -p "$WORK/corpus-$t"
	if (cd "$WORK" && ASAN_OPTIONS=detect_leaks=1 "./fuzz-$t" -max_total_time="$SECONDS_EACH" \
		-rss_limit_mb=2048 -artifact_prefix="$BUILD/tests/fuzz/crashes/$t-" "corpus-$t" \
		>"$WORK/$t.log" 2>&1); then
		ok "fuzz-$t: no crash in ${SECONDS_EACH}s ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$WORK/$t.log" | grep -o '[0-9]*$' || grep -oE '#[0-9]+' "$WORK/$t.log" | tail -n1) runs)"
	else
		not_ok "fuzz-$t found a crash"; tail -n 30 "$WORK/$t.log" | sed 's/^/# /'
	fi
done
