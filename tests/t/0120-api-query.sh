# The geo engine over HTTP: GET/POST /api/v1/query and its aggregates
# answer as `homeward query` does on the same database, officers are cut
# to their mission's jurisdiction whatever area they ask for, and bad
# parameters are refused naming the parameter.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
# Indians abroad: many in Nepal, a few in France.
hw gen --people 3000 --seed 5 --nationality IN --out p.csv
hw import registrants p.csv --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-FR --name "Embassy in Paris" --countries FR >/dev/null
echo 'officer password 1' | hw user add --db t.db --login np.off --role officer --mission EMB-NP --password-stdin >/dev/null
echo 'mission head password' | hw user add --db t.db --login np.head --role mission-head --mission EMB-NP --password-stdin >/dev/null
echo 'hq password 12345' | hw user add --db t.db --login hq1 --role hq --password-stdin >/dev/null
echo 'auditor password 1' | hw user add --db t.db --login aud1 --role auditor --password-stdin >/dev/null
echo 'citizen password 1' | hw user add --db t.db --login cit1 --role citizen --password-stdin >/dev/null

serve_start --db t.db

# Nobody signed in: 401; a citizen: 403.
TOKEN=
expect_http 401 GET "/api/v1/query?country=NP"
sign_in cit1 'citizen password 1'
expect_http 403 GET "/api/v1/query?country=NP"
expect_http 403 GET "/api/v1/query/countries"

# ---- Counts as the CLI gives them ----
sign_in hq1 'hq password 12345'
n=0
while read -r kind value; do
	n=$((n + 1))
	want=$(hw query --db t.db --$kind "$value")
	expect_http 200 GET "/api/v1/query?$kind=$value"
	expect_eq "$(jqb .count)" "$want" "count $n ($kind=$value)"
	want_any=$(hw query --db t.db --$kind "$value" --any-day)
	expect_http 200 GET "/api/v1/query?$kind=$value&on=any"
	expect_eq "$(jqb .count)" "$want_any" "count $n ($kind=$value, any day)"
	want_on=$(hw query --db t.db --$kind "$value" --on 2027-03-01)
	expect_http 200 GET "/api/v1/query?$kind=$value&on=2027-03-01"
	expect_eq "$(jqb .count)" "$want_on" "count $n ($kind=$value on 2027-03-01)"
done <<'EOT'
circle 27.7172,85.324,100
circle 27.7172,85.324,600
circle 25.2048,55.2708,50
circle 48.8566,2.3522,300
circle 0,0,20015
country NP
country FR
country AE,OM,QA
country IN
mission EMB-NP
EOT
np=$(hw query --db t.db --country NP)
fr=$(hw query --db t.db --country FR)
[ "$np" -gt 20 ] || fail "too few people in NP: $np"
[ "$fr" -gt 3 ] || fail "too few people in FR: $fr"

# Ids: sorted, the same persons as `homeward query --ids` (which prints
# external ids in person id order).
hw query --db t.db --circle 27.7172,85.324,600 --ids > cli_ids
expect_http 200 GET "/api/v1/query?circle=27.7172,85.324,600&format=ids"
expect_eq "$(jqb '.ids == (.ids | sort)')" true "ids sorted"
expect_eq "$(jqb .truncated)" false "ids not truncated"
expect_eq "$(jqb '.ids | length')" "$(wc -l < cli_ids | tr -d ' ')" "number of ids"
expect_eq "$(jqb .count)" "$(wc -l < cli_ids | tr -d ' ')" "count with ids"
sqlite3 t.db "SELECT external_id FROM person WHERE id IN ($(jqb '.ids | join(",")')) ORDER BY id" > api_ids
cmp -s cli_ids api_ids || fail "the API's ids are not the CLI's"
expect_http 200 GET "/api/v1/query?circle=27.7172,85.324,600&format=ids&limit=5"
expect_eq "$(jqb '.ids | length')" 5 "limited ids"
expect_eq "$(jqb .truncated)" true "limited ids truncated"
expect_eq "$(jqb '.ids | join(",")')" "$(sqlite3 t.db "SELECT id FROM person WHERE external_id IN ($(head -5 cli_ids | sed "s/.*/'&'/" | paste -sd,)) ORDER BY id" | paste -sd,)" "the first five ids"

# A nationality and a needs filter agree with the CLI's and with SQL.
expect_http 200 GET "/api/v1/query?country=NP&nationality=in&on=any"
expect_eq "$(jqb .count)" "$(hw query --db t.db --country NP --nationality IN --any-day)" "nationality filter"
expect_http 200 GET "/api/v1/query?country=NP&nationality=FR"
expect_eq "$(jqb .count)" 0 "nobody of another nationality"

# ---- GeoJSON: a polygon in the body, and the export ----
# Nepal's box, as a polygon: its count matches the CLI's --polygon.
cat > box.geojson <<'EOT'
{"type":"Polygon","coordinates":[[[80,26.3],[88.3,26.3],[88.3,30.5],[80,30.5],[80,26.3]]]}
EOT
want=$(hw query --db t.db --polygon box.geojson)
expect_http 200 POST "/api/v1/query" "$(cat box.geojson)"
expect_eq "$(jqb .count)" "$want" "POST polygon"
expect_http 200 POST "/api/v1/query?on=any&format=ids" \
	"{\"type\":\"Feature\",\"properties\":{},\"geometry\":$(cat box.geojson)}"
expect_eq "$(jqb .count)" "$(hw query --db t.db --polygon box.geojson --any-day)" "POST feature, any day"

expect_http 200 GET "/api/v1/query?country=FR&format=geojson"
expect_eq "$(jqb .type)" FeatureCollection "geojson type"
expect_eq "$(jqb .count)" "$fr" "geojson count"
expect_eq "$(jqb '[.features[].properties.person_id] | unique | length')" "$fr" "geojson persons"
expect_eq "$(jqb '[.features[] | select(.geometry.type == "Point" and .properties.country == "FR" and (.properties.family_name | length) > 0)] | length')" \
	"$(jqb '.features | length')" "geojson features"
expect_eq "$(jqb '.features[0].properties | has("city") and has("given_name") and has("presence_id")')" true "geojson properties"
expect_not_in body passport
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'query-export' AND actor = 'user:hq1' AND object LIKE '%country=FR%format=geojson%'")" 1 "export audited"
expect_http 200 GET "/api/v1/query?country=NP&format=geojson&limit=3"
expect_eq "$(jqb '[.features[].properties.person_id] | unique | length')" 3 "geojson limited"
expect_eq "$(jqb .truncated)" true "geojson truncated"
# Counting is not an export: no audit entry for it.
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'query-export'")" 2 "only exports audited"

# ---- Aggregates ----
expect_http 200 GET "/api/v1/query/countries?country=NP"
expect_eq "$(jqb '.items | length')" 1 "one country"
expect_eq "$(jqb '.items[0].country')" NP "NP"
expect_eq "$(jqb '.items[0].count')" "$np" "NP by country"
expect_http 200 GET "/api/v1/query/countries"
world=$(jqb '[.items[].count] | add')
expect_eq "$(jqb '[.items[].count] == ([.items[].count] | sort | reverse)')" true "countries sorted by count"
expect_eq "$(jqb '[.items[] | select(.country == "FR")][0].count')" "$fr" "FR in the world list"
expect_http 200 GET "/api/v1/query?circle=0,0,20015"
expect_eq "$world" "$(jqb .count)" "countries sum to the world's count"
expect_http 200 GET "/api/v1/query/cells?country=NP"
expect_eq "$(jqb '[.items[].count] | add')" "$np" "1-degree cells sum to the count"
expect_eq "$(jqb '[.items[] | select(.lat >= 26 and .lat < 31 and .lon >= 80 and .lon < 89)] | length')" "$(jqb '.items | length')" "cells in Nepal"
expect_http 200 GET "/api/v1/query/cells?country=NP&cell=5"
expect_eq "$(jqb '[.items[].count] | add')" "$np" "5-degree cells sum to the count"
expect_http 200 POST "/api/v1/query/countries" "$(cat box.geojson)"
expect_eq "$(jqb '[.items[].count] | add')" "$(hw query --db t.db --polygon box.geojson)" "POST countries"

# ---- Bad parameters: 400 (422 for a bad body) naming the field ----
bad() {
	expect_http "$1" "$2" "$3" ${4:+"$4"}
	expect_eq "$(jqb .error.field)" "$5" "field of $2 $3"
}
bad 400 GET "/api/v1/query" "" area
bad 400 GET "/api/v1/query?circle=27,abc,10" "" circle
expect_in body "'circle=27,abc,10'"
bad 400 GET "/api/v1/query?circle=27,85,-1" "" circle
bad 400 GET "/api/v1/query?country=XX" "" country
bad 400 GET "/api/v1/query?country=NP&circle=27,85,10" "" country
expect_in body "not both 'circle' and 'country'"
bad 400 GET "/api/v1/query?mission=EMB-XX" "" mission
bad 400 GET "/api/v1/query?country=NP&format=xml" "" format
bad 400 GET "/api/v1/query?country=NP&on=2026-02-30" "" on
bad 400 GET "/api/v1/query?country=NP&nationality=XX" "" nationality
bad 400 GET "/api/v1/query?country=NP&needs=medical,flying" "" needs
bad 400 GET "/api/v1/query?country=NP&organisation=999999" "" organisation
bad 400 GET "/api/v1/query?country=NP&format=ids&limit=0" "" limit
bad 400 GET "/api/v1/query?country=NP&radius=3" "" radius
bad 400 GET "/api/v1/query/cells?cell=0" "" cell
bad 400 POST "/api/v1/query?circle=27,85,10" "$(cat box.geojson)" circle
bad 422 POST "/api/v1/query" '{"type":"Polygon","coordinates":[[[80,26],[88,26],[88,30],[80,30]]]}' body
expect_in body "closed"
bad 422 POST "/api/v1/query" '{"type":"Point","coordinates":[85,27]}' body

# ---- Scope: an officer sees only the jurisdiction ----
sign_in np.off 'officer password 1'
expect_http 200 GET "/api/v1/query?circle=48.8566,2.3522,300"
expect_eq "$(jqb .count)" 0 "officer of NP around Paris"
expect_http 200 GET "/api/v1/query?country=FR"
expect_eq "$(jqb .count)" 0 "officer of NP in FR"
expect_http 200 GET "/api/v1/query?mission=EMB-FR&format=ids"
expect_eq "$(jqb .count)" 0 "officer of NP over the Paris mission"
expect_eq "$(jqb '.ids | length')" 0 "no ids"
expect_http 200 GET "/api/v1/query?country=NP"
expect_eq "$(jqb .count)" "$np" "officer of NP in NP"
expect_http 200 GET "/api/v1/query?circle=0,0,20015"
expect_eq "$(jqb .count)" "$np" "officer of NP, the whole world"
expect_http 200 POST "/api/v1/query" '{"type":"Polygon","coordinates":[[[-10,40],[10,40],[10,55],[-10,55],[-10,40]]]}'
expect_eq "$(jqb .count)" 0 "officer of NP, a polygon over France"
expect_http 200 GET "/api/v1/query/countries"
expect_eq "$(jqb '[.items[].country] | join(",")')" NP "officer's countries"
expect_eq "$(jqb '.items[0].count')" "$np" "officer's NP count"
expect_http 200 GET "/api/v1/query/cells?circle=48.8566,2.3522,300"
expect_eq "$(jqb '.items | length')" 0 "officer's cells around Paris"
expect_http 200 GET "/api/v1/query?country=FR&format=geojson"
expect_eq "$(jqb '.features | length')" 0 "officer's export of FR"
sign_in np.head 'mission head password'
expect_http 200 GET "/api/v1/query?country=FR"
expect_eq "$(jqb .count)" 0 "mission head of NP in FR"
expect_http 200 GET "/api/v1/query?country=NP"
expect_eq "$(jqb .count)" "$np" "mission head of NP in NP"

# hq and auditors: everything.
sign_in hq1 'hq password 12345'
expect_http 200 GET "/api/v1/query?country=FR"
expect_eq "$(jqb .count)" "$fr" "hq in FR"
sign_in aud1 'auditor password 1'
expect_http 200 GET "/api/v1/query?circle=48.8566,2.3522,300"
expect_eq "$(jqb .count)" "$(hw query --db t.db --circle 48.8566,2.3522,300)" "auditor around Paris"
expect_http 200 GET "/api/v1/query/countries?country=FR"
expect_eq "$(jqb '.items[0].count')" "$fr" "auditor's FR count"

serve_stop
! grep -q "ERROR: AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }
