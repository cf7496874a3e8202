# gen -> import -> export reproduces the generated rows; export -> import
# into a fresh database -> export gives identical bytes; in CSV and GeoJSON.
. "$TESTS/t/lib.sh"

for nat in CN IN PH US FR; do
	hw gen --people 3000 --seed 7 --nationality $nat --today 2026-11-27 --out p-$nat.csv
	lines=$(wc -l < p-$nat.csv)
	expect_eq "$lines" 3001 "rows of $nat"
	hw init --db $nat.db >/dev/null
	expect_status 0 hw import registrants p-$nat.csv --db $nat.db
	expect_in out "imported 3000 of 3000 rows"
	hw export registrants --db $nat.db > e-$nat.csv
	cmp p-$nat.csv e-$nat.csv || { diff p-$nat.csv e-$nat.csv | head; fail "$nat export differs from the generated file"; }
done

# The same seed gives the same file; another seed another file.
hw gen --people 3000 --seed 7 --nationality CN --today 2026-11-27 --out again.csv
cmp -s again.csv p-CN.csv || fail "gen is not deterministic"
hw gen --people 3000 --seed 8 --nationality CN --today 2026-11-27 --out other.csv
! cmp -s other.csv p-CN.csv || fail "seed is ignored"

# Export, import into a fresh database, export again: identical.
hw init --db fresh.db >/dev/null
hw import registrants e-IN.csv --db fresh.db >/dev/null
hw export registrants --db fresh.db > e2.csv
cmp e-IN.csv e2.csv || fail "second export differs"
hw export registrants --db IN.db --format geojson > a.geojson
hw export registrants --db fresh.db --format geojson > b.geojson
cmp a.geojson b.geojson || fail "geojson exports differ"
expect_in a.geojson '"type":"FeatureCollection"'
expect_in a.geojson '"type":"Point","coordinates":['

# --country keeps only that country's rows, header included.
hw export registrants --db IN.db --country ae > ae.csv
head -1 ae.csv | grep -q '^external_id,family_name,' || fail "no header"
n=$(tail -n +2 ae.csv | wc -l)
[ "$n" -gt 100 ] || fail "too few AE rows for IN: $n"
bad=$(tail -n +2 ae.csv | grep -vc ',AE,' || true)
expect_eq "$bad" 0 "rows outside AE"
expect_status 2 hw export registrants --db IN.db --country XX
expect_in err "'XX' is not an ISO 3166-1 alpha-2 country code"
expect_status 2 hw export registrants --db IN.db --format xml
expect_in err "'xml' is not csv or geojson"

# Passport numbers are sealed at rest: not in the database file in clear.
pp=$(sed -n 2p p-CN.csv | cut -d, -f8)
[ -n "$pp" ] || fail "generated row lacks a passport number"
! grep -qF "$pp" CN.db || fail "passport number stored in clear"
want=$(tail -n +2 p-CN.csv | cut -d, -f8 | grep -c . || true)
[ "$want" -gt 2000 ] || fail "too few generated passports: $want"
n=$(sqlite3 CN.db "SELECT count(*) FROM person WHERE passport_enc IS NOT NULL AND typeof(passport_hash) = 'integer'")
expect_eq "$n" "$want" "sealed passports with a lookup hash"

# The bulk load checks no foreign keys while it runs; it must not need to.
fk=$(sqlite3 CN.db "PRAGMA foreign_key_check")
expect_eq "$fk" "" "foreign key violations"
expect_eq "$(sqlite3 CN.db 'PRAGMA journal_mode')" "wal" "journal mode after import"

# Exact lookup by passport number goes through the keyed hash index and
# takes the number in any case and spacing.
id=$(sed -n 2p p-CN.csv | cut -d, -f1)
low=$(printf '%s' "$pp" | tr 'A-Z' 'a-z' | sed 's/^\(...\)/\1 /')
expect_status 0 hw test-passport-lookup --db CN.db "$low"
expect_eq "$(cat out)" "$id" "person found by passport number"
expect_status 0 hw test-passport-lookup --db CN.db ZZ99999999
expect_eq "$(cat out)" "" "nobody has an unknown passport number"
expect_status 2 hw test-passport-lookup --db CN.db "X-1"
expect_in err "'X-1' is not a passport number"
plan=$(sqlite3 CN.db "EXPLAIN QUERY PLAN SELECT id, passport_enc FROM person WHERE passport_hash = 1")
case $plan in *"USING INDEX person_passport_hash"*) ;; *) fail "passport lookup does not use its index: $plan" ;; esac
