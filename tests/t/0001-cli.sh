# The command table: help, per-command help, unknown commands and options.
. "$TESTS/t/lib.sh"

expect_status 0 hw help
for c in init gen import export stats bench help; do
	expect_in out "  $c "
done
expect_status 0 hw help import
expect_in out "usage: homeward import registrants FILE.csv"
expect_in out "--skip-invalid"
expect_status 0 hw import --help
expect_in out "usage: homeward import registrants"
expect_status 0 hw gen --help
expect_in out "--nationality CC"

expect_status 2 hw frobnicate
expect_in err "unknown command 'frobnicate'"
expect_status 2 hw help frobnicate
expect_status 2 hw stats --no-such-option
expect_in err "unknown option '--no-such-option'"
expect_status 2 hw gen --people
expect_in err "option '--people' needs a value"
expect_status 2 hw gen --people many --out x.csv
expect_in err "'many' is not a whole number"
expect_status 2 hw
expect_status 0 hw version
expect_in out "homeward "

# Help is made from the tables that parse: every command's --help exits 0
# and lists its options with their help, and the settings it reads.
for c in $(hw help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'); do
	expect_status 0 hw "$c" --help
	expect_in out "usage: homeward $c"
done
expect_status 0 hw mission add --help
expect_in out "--countries LIST"
expect_in out "--db PATH"
expect_status 0 hw incident create --help
for o in "--circle LAT,LON,KM" "--polygon FILE" "--cap FILE" "--country CC[,CC...]" "--mission CODE" "--exercise"; do
	expect_in out "$o"
done
expect_status 0 hw incident update --help
sed -n '/^Options:/,/^$/p' out > options.txt
expect_in options.txt "--title TEXT"
expect_not_in options.txt "--exercise"
expect_status 0 hw query --help
expect_in out "--mission CODE"
expect_status 0 hw help query
expect_in out "--mission CODE"
# An option row without its help would print an empty line of help.
for c in "import registrants" "gen" "query" "serve" "dispatch" "notify" "user add" "audit list" "bench geo"; do
	# shellcheck disable=SC2086
	hw $c --help > h.txt
	if grep -qE '^  --[a-z-]+( [^ ]+)? *$' h.txt; then
		fail "'$c --help' has an option without help: $(grep -E '^  --[a-z-]+( [^ ]+)? *$' h.txt | head -1)"
	fi
done
