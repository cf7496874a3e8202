#!/bin/sh
# Check the include graph of src/ against the wing order in src/LAYERS:
#   - every project header is included by its path ("geo/geo.h");
#   - no file includes a header of a wing listed after its own;
#   - no backend-specific SQL or backend library call (PRAGMA, sqlite3_*,
#     libpq's PQ*) outside src/store/, but in src/bench/, whose baselines
#     are other engines driven directly (the SQLite R*Tree, PostGIS);
#   - no cycle among modules (a module is a .c file or header without its
#     extension, and a private header X_int.h belongs to module X:
#     crisis/checkin.c and crisis/checkin.h are one module), even within one
#     wing; tsort(1) finds the loops. core/homeward.h, the prelude every
#     file includes first, is not a module: it only gathers core/err.h,
#     core/strbuf.h and core/banned.h.
# Prints each problem as FILE:LINE: reason and exits 1 if there is one.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/src"
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT

find . -name '*.[ch]' | sed 's|^\./||' | sort |
xargs awk -v layers=LAYERS -v edges="$edges" '
BEGIN {
	n = 0
	while ((getline line < layers) > 0) {
		sub(/#.*/, "", line); gsub(/[ \t]/, "", line)
		if (line != "") rank[line] = ++n
	}
	top = n + 1
	bad = 0
}
function wing_of(path,    i) {
	i = index(path, "/")
	return i ? substr(path, 1, i - 1) : ""
}
function rank_of(path,    w) {
	w = wing_of(path)
	if (w == "") return top          # src/main.c: the application
	return (w in rank) ? rank[w] : -1
}
function module_of(path) {
	sub(/\.[ch]$/, "", path)
	sub(/_int$/, "", path)
	return path
}
FNR == 1 {
	if (rank_of(FILENAME) < 0) {
		printf "%s: wing \"%s\" is not listed in src/LAYERS\n", FILENAME, wing_of(FILENAME)
		bad = 1
	}
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	h = $0
	sub(/^[^"]*"/, "", h); sub(/".*/, "", h)
	if (h !~ /\//) {
		printf "%s:%d: \"%s\" is not included by its path (wing/name.h)\n", FILENAME, FNR, h
		bad = 1
		next
	}
	if (wing_of(h) == "gen" && h ~ /^gen\/builtin_data/) next
	r = rank_of(h)
	if (r < 0) {
		printf "%s:%d: \"%s\" is in no wing of src/LAYERS\n", FILENAME, FNR, h
		bad = 1
	} else if (r > rank_of(FILENAME)) {
		printf "%s:%d: \"%s\" is in wing %s, above %s in src/LAYERS\n", \
		    FILENAME, FNR, h, wing_of(h), (wing_of(FILENAME) == "" ? "main" : wing_of(FILENAME))
		bad = 1
	}
	a = module_of(FILENAME); b = module_of(h)
	if (a != b && b != "core/homeward" && a != "core/homeward") print a, b > edges
}
END { exit bad }
' || status=1

backend=$(grep -rnE '\bPRAGMA\b|\bsqlite3_[a-z_]+\(|<sqlite3\.h>|<libpq-fe\.h>|\bPQ[a-z]+\(' \
	--include='*.[ch]' . | sed 's|^\./||' | grep -v '^store/' | grep -v '^bench/' || true)
if [ -n "$backend" ]; then
	echo "$backend" | sed 's/$/  <- backend-specific: belongs in src\/store\//'
	status=1
fi

# tsort reports each loop as "tsort: FILE: input contains a loop:" and
# then its members, one a line.
loops=$(tsort "$edges" 2>&1 >/dev/null | awk '
	/input contains a loop/ { if (m != "") print "include cycle: " m; m = ""; next }
	{ sub(/^tsort: /, ""); m = (m == "" ? $0 : m " -> " $0) }
	END { if (m != "") print "include cycle: " m }' || true)
if [ -n "$loops" ]; then
	echo "$loops"
	status=1
fi
if [ "${status:-0}" != 0 ]; then
	echo "check-layers: the include graph goes against src/LAYERS (see above)" >&2
	exit 1
fi
echo "check-layers: $(wc -l <"$edges") includes between modules follow src/LAYERS, no cycles"
