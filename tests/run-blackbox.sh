#!/bin/sh
# Run the black-box tests: every tests/t/NNNN-*.sh, each in a scratch
# directory of its own, against the binary named by $HOMEWARD.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${HOMEWARD:=$top/homeward}"
# The release build, for tests that need a large population quickly.
: "${HOMEWARD_REL:=$top/homeward}"
export HOMEWARD HOMEWARD_REL TESTS="$top/tests"
pass=0
fail=0
failed=""
for t in "$top"/tests/t/[0-9][0-9][0-9][0-9]-*.sh; do
	name=$(basename "$t" .sh)
	dir=$(mktemp -d "${TMPDIR:-/tmp}/homeward-t.XXXXXX")
	if (cd "$dir" && sh "$t") >"$dir.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name"
		rm -rf "$dir" "$dir.log"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name (scratch kept in $dir)"
		tail -30 "$dir.log" | sed 's/^/     /'
	fi
done
echo "black-box: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
