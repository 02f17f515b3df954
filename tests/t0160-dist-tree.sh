#!/usr/bin/env bash
# t0160-dist-tree.sh: what make distcheck relies on (README, "Debian
# package"). The release tarball holds every file of the repository that the
# build, the tests or the operator's scripts use: `make distdir` into a
# temporary folder lists the same files as `git ls-files`, save the few named
# below that only a clone needs (skipped outside a git checkout, as in the
# tarball's own check). And a test that writes into a read-only source tree
# fails: tests/lib.sh's src_untouched, run at the end of every end-to-end
# test, reports a file written, made or removed there, and passes an
# untouched tree. No instance: nothing is started.
. "$(dirname "$0")/lib.sh"

W=$(mktemp -d /tmp/portal-dist.XXXXXX)
trap 'chmod -R u+w "$W" 2>/dev/null; rm -rf "$W"; echo "1..$T_N"' EXIT

# ---- the tarball's files against the repository's ------------------------
# Only a clone needs these: CI's entry point, git's own file, and the
# placeholders of the source-tree data folders (./portal up makes them).
CLONE_ONLY='^(\.ci/run|\.gitignore|index/\.gitkeep|uploads/\.gitkeep)$'
# (The tarball is unpacked inside the clone's folder: git must find the
# clone at the tree's top, not above it.)
if [ "$(git -C "$TOP" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$TOP" && pwd -P)" ] && [ -f "$BUILD/Makefile" ]; then
	D=$W/qingjie-portal
	if make -s -C "$BUILD" distdir distdir="$D" top_distdir="$D" >"$W/distdir.log" 2>&1; then
		ok "make distdir copies the tree"
		(cd "$D" && find . -type f | sed 's#^\./##' | sort) >"$W/dist"
		git -C "$TOP" ls-files | grep -vE "$CLONE_ONLY" | sort >"$W/git"
		missing=$(comm -23 "$W/git" "$W/dist")
		[ -z "$missing" ] || sed 's/^/# not in the tarball: /' <<<"$missing"
		check "every file of the repository is in the tarball (save $CLONE_ONLY)" [ -z "$missing" ]
		check "the browser scripts and their package list are in it" \
			test -f "$D/tests/browser/package.json" -a -f "$D/tests/browser/harness.mjs"
		check "no npm packages, crash inputs or package build output in it" \
			test ! -e "$D/tests/browser/node_modules" -a ! -e "$D/tests/fuzz/crashes" -a ! -e "$D/debian/qingjie-portal"
	else
		sed 's/^/# /' "$W/distdir.log" | tail -n 20
		not_ok "make distdir copies the tree"
	fi
else
	ok "# SKIP not a git checkout (the tarball's own check): nothing to compare"
fi

# ---- a write into a read-only source tree is reported --------------------
# lib.sh once more, for a source tree of our own made read-only as make
# distcheck makes the tarball's (chmod a-w), with a writable build folder
# inside it as distcheck's _build.
mkdir -p "$W/src/doc" "$W/src/_build"
echo x >"$W/src/doc/a.txt"
# Made a while ago, as an unpacked tarball is (lib.sh allows for the
# file system's coarse clock by a margin of seconds).
find "$W/src" -exec touch -d '1 minute ago' {} +
chmod -R a-w "$W/src/doc" && chmod a-w "$W/src"
src_check() { # WHAT-TO-DO: lib.sh's verdict on the tree after it, as its TAP line
	(
		PORTAL_SRCDIR=$W/src PORTAL_BUILDDIR=$W/src/_build
		. "$(dirname "$0")/lib.sh"
		eval "$1"
		src_untouched
	) 2>&1 | grep -E '^(not )?ok '
}
check "an untouched read-only tree passes" \
	bash -c '[[ $1 == "ok 1 - nothing written into the read-only source tree" ]]' _ "$(src_check ':')"
check "a build folder left writable inside it may be written" \
	bash -c '[[ $1 == "ok 1 - "* ]]' _ "$(src_check 'echo y >"$TOP/_build/out"')"
check "a file written into it fails the test" \
	bash -c '[[ $1 == "not ok 1 - "* ]]' _ "$(src_check 'echo y >>"$TOP/doc/a.txt"')"
check "a file made in it fails the test" \
	bash -c '[[ $1 == "not ok 1 - "* ]]' _ "$(src_check 'echo y >"$TOP/new.txt"')"
check "a file removed from it fails the test" \
	bash -c '[[ $1 == "not ok 1 - "* ]]' _ "$(src_check 'rm -f "$TOP/new.txt"')"
src_untouched
