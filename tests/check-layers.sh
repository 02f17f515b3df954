#!/usr/bin/env bash
# check-layers.sh: the tree's layers hold (doc/architecture.md, "Layers").
# src/ is layered in the order data moves: core, store, web, text, facts,
# search, records. A file may include headers of its own layer and of the
# layers before it, never of a later one nor of the programs above them
# (src/cmd, cgi-bin); and no group of files includes itself in a circle
# (a module is a .c with its .h). One TAP line per rule, with every
# offending include named. Reads the sources only; writes nothing.
set -u
TOP=${PORTAL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$TOP" || exit 1
LAYERS=(core store web text facts search records)
declare -A RANK
for i in "${!LAYERS[@]}"; do RANK[${LAYERS[$i]}]=$i; done

# where HEADER FROM-DIR: the path an #include "HEADER" in FROM-DIR reaches
# (its own folder first, then the layers, then cgi-bin), or nothing.
where() {
	local d
	for d in "$2" "${LAYERS[@]/#/src/}" cgi-bin src/cmd; do
		[ -f "$d/$1" ] && { echo "$d/$1"; return; }
	done
}
# rank PATH: the layer's rank of a path under src/LAYER, 100 above them.
rank() {
	local l=${1#src/}
	l=${l%%/*}
	case $1 in src/*) [ -n "${RANK[$l]+x}" ] && { echo "${RANK[$l]}"; return; } ;; esac
	echo 100
}

upward=() edges=()
while IFS= read -r f; do
	dir=${f%/*}
	r=$(rank "$f")
	while IFS= read -r h; do
		to=$(where "$h" "$dir")
		[ -n "$to" ] || continue	# a system or generated header
		[ "$(rank "$to")" -gt "$r" ] && upward+=("$f includes $to")
		from_mod=${f%.*} to_mod=${to%.*}
		[ "$from_mod" != "$to_mod" ] && edges+=("$from_mod $to_mod")
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find src cgi-bin -name '*.[ch]' -o -name '*.cc' | sort)

n=1
if [ ${#upward[@]} -eq 0 ]; then
	echo "ok $n - no file of src/ includes a header of a later layer or of a program"
else
	echo "not ok $n - ${#upward[@]} includes reach up a layer:"
	printf '#   %s\n' "${upward[@]}"
fi
n=$((n + 1))
loops=$(printf '%s\n' "${edges[@]}" | tsort 2>&1 >/dev/null)
if [ -z "$loops" ]; then
	echo "ok $n - no circle among the modules of src/ and cgi-bin/"
else
	echo "not ok $n - modules include each other in a circle:"
	sed 's/^/#   /' <<<"$loops"
fi
echo "1..$n"
