# The audit log: writes and sensitive reads add entries to a hash chain,
# and `audit verify` finds an altered entry and a removed one.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw gen --people 200 --seed 9 --out p.csv
expect_status 0 hw audit verify --db t.db
expect_in out "audit log intact: 0 entries"

hw import registrants p.csv --db t.db >/dev/null
hw export registrants --db t.db >e.csv
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw query --db t.db --any-day --country FR --csv >q.csv
# Counting is not a read of sensitive fields: no entry.
hw query --db t.db --any-day --country FR --count >/dev/null

expect_status 0 hw audit list --db t.db
expect_eq "$(wc -l <out | tr -d ' ')" 4 "audit entries"
rows=$(($(wc -l <e.csv) - 1))
grep -q "^1	.*	import	p.csv	200 rows, 200 new persons, 0 updated, 0 rejected	$" out ||
	fail "no import entry: $(cat out)"
grep -q "^2	.*	export	registrants	$rows rows	$" out || fail "no export entry"
grep -q "^3	.*	mission-add	EMB-NP	" out || fail "no mission-add entry"
grep -q "^4	.*	query-export	" out || fail "no query-export entry"
expect_in out "	cli:"
expect_status 0 hw audit list --db t.db --limit 1
expect_eq "$(cut -f1 out)" 4 "latest entry"

expect_status 0 hw audit verify --db t.db
expect_in out "audit log intact: 4 entries, head "
head=$(hw audit head --db t.db)
expect_eq "$(echo "$head" | cut -d' ' -f1)" 4 "head id"
expect_in out "$(echo "$head" | cut -d' ' -f2)"

# A failed write leaves no entry: the entry rolls back with it.
expect_status 2 hw mission add --db t.db --code EMB-NP --name Again --countries NP
expect_status 0 hw audit verify --db t.db
expect_in out "4 entries"

# An altered entry is named.
cp t.db orig.db
sqlite3 t.db "UPDATE audit SET detail = 'x' WHERE id = 2"
expect_status 1 hw audit verify --db t.db
expect_in out "entry 2"
expect_in out "altered"

# An overwritten hash is found too.
cp orig.db t.db
sqlite3 t.db "UPDATE audit SET hash = '$(printf '%064d' 1)' WHERE id = 2"
expect_status 1 hw audit verify --db t.db
expect_in out "entry 2"

# A removed entry is named by the entry after it.
cp orig.db t.db
sqlite3 t.db "DELETE FROM audit WHERE id = 2"
expect_status 1 hw audit verify --db t.db
expect_in out "entry 3 follows entry 1: entry 2 was removed"

cp orig.db t.db
sqlite3 t.db "DELETE FROM audit WHERE id = 1"
expect_status 1 hw audit verify --db t.db
expect_in out "entry 1 before it was removed"

expect_status 2 hw audit frob
expect_in err "unknown subcommand 'frob'"
expect_status 2 hw audit list --db t.db --limit 0
