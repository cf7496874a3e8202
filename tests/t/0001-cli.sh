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
