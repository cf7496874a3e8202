# Missions and their jurisdictions; stats by mission count what lies there.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw gen --people 2000 --seed 4 --nationality IN --today 2026-11-27 --out p.csv
hw import registrants p.csv --db t.db >/dev/null

expect_status 0 hw mission add --db t.db --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE
expect_status 0 hw mission add --db t.db --code EMB-GULF --name "Embassy in Muscat" --countries om,QA --kind embassy --city Muscat
expect_status 0 hw mission add --db t.db --code CG-DXB --name "Consulate General in Dubai" --countries AE --kind consulate-general

expect_status 2 hw mission add --db t.db --code EMB-AE --name Again --countries AE
expect_in err "mission 'EMB-AE' exists already"
expect_status 2 hw mission add --db t.db --code "bad code" --name X --countries AE
expect_in err "is not a mission code"
expect_status 2 hw mission add --db t.db --code EMB-X --name X --countries AE,XX
expect_in err "'XX' is not an ISO 3166-1 alpha-2 country code"
expect_status 2 hw mission add --db t.db --code EMB-X --name X --countries AE,ae
expect_in err "'AE' is given twice"
expect_status 2 hw mission add --db t.db --code EMB-X --name X --countries AE --kind palace
expect_in err "'palace' is not one of"
expect_status 2 hw mission add --db t.db --code EMB-X --name X
expect_in err "at least one country"
expect_status 2 hw mission frob
expect_in err "unknown subcommand 'frob'"

expect_status 0 hw mission list --db t.db
expect_in out "EMB-GULF"
expect_in out "OM,QA"

# By mission: the persons present in its countries, counted from the file.
ae=$(tail -n +2 p.csv | grep -c ',AE,' || true)
gulf=$(tail -n +2 p.csv | grep -Ec ',(OM|QA),' || true)
[ "$ae" -gt 100 ] || fail "too few AE rows: $ae"
hw stats --db t.db --json > s.json
node -e '
const s = JSON.parse(require("fs").readFileSync("s.json", "utf8"));
const m = Object.fromEntries(s.by_mission.map(x => [x.mission, x.persons]));
if (s.missions !== 3) throw new Error("missions " + s.missions);
if (m["EMB-AE"] !== '"$ae"' || m["CG-DXB"] !== '"$ae"') throw new Error("AE " + JSON.stringify(m));
if (m["EMB-GULF"] !== '"$gulf"') throw new Error("GULF " + JSON.stringify(m));
'
