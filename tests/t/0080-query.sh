# homeward query: areas from the command line, GeoJSON and CAP files; the
# outputs; bad geometry refused with exit status 2.
. "$TESTS/t/lib.sh"

hw gen --people 5000 --seed 11 --nationality PH --today 2026-11-27 --out p.csv
hw init --db t.db >/dev/null
hw import registrants p.csv --db t.db >/dev/null

# Outputs agree with each other and with the brute-force scan.
for a in "--circle 25.2,55.3,100" "--country AE" "--country SA,QA,KW" "--circle 1.35,103.8,50 --country MY"; do
	# shellcheck disable=SC2086
	n=$(hw query --db t.db $a --any-day)
	# shellcheck disable=SC2086
	b=$(hw test-query-brute --db t.db $a --any-day)
	expect_eq "$n" "$b" "count for $a"
	[ "$n" -gt 0 ] || fail "nobody in $a"
	# shellcheck disable=SC2086
	hw query --db t.db $a --any-day --ids > ids
	expect_eq "$(wc -l < ids)" "$n" "ids for $a"
	expect_eq "$(sort -u ids | wc -l)" "$n" "distinct ids for $a"
done
hw query --db t.db --country AE --any-day --csv > ae.csv
head -1 ae.csv | grep -q '^external_id,family_name' || fail "csv header"
expect_eq "$(tail -n +2 ae.csv | cut -d, -f1 | sort -u | wc -l)" "$(hw query --db t.db --country AE --any-day)" "csv persons"
hw query --db t.db --country AE --any-day --geojson > ae.geojson
node -e 'const j = JSON.parse(require("fs").readFileSync("ae.geojson")); if (j.type !== "FeatureCollection" || !j.features.length) process.exit(1)'

# Today (the default) is a subset of any day.
today=$(hw query --db t.db --country AE)
all=$(hw query --db t.db --country AE --any-day)
[ "$today" -le "$all" ] || fail "today $today > any day $all"
expect_eq "$(hw query --db t.db --country AE --on 2026-11-27)" "$(hw test-query-brute --db t.db --country AE --on 2026-11-27)" "on a date"

# A GeoJSON polygon (lon, lat) and the same area as a CAP polygon (lat,lon).
cat > gulf.geojson <<'EOT'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Gulf"}, "geometry": {"type": "Polygon",
  "coordinates": [[[50, 23], [57, 23], [57, 27], [50, 27], [50, 23]]]}}]}
EOT
cat > gulf.xml <<'EOT'
<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>TEST-1</identifier><sender>test@example.org</sender>
  <sent>2026-11-27T10:00:00-00:00</sent><status>Exercise</status>
  <msgType>Alert</msgType><scope>Public</scope>
  <info><category>Met</category><event>Sandstorm</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Observed</certainty>
    <area><areaDesc>Gulf</areaDesc>
      <polygon>23,50 23,57 27,57 27,50 23,50</polygon>
    </area>
  </info>
</alert>
EOT
g=$(hw query --db t.db --polygon gulf.geojson --any-day)
c=$(hw query --db t.db --cap gulf.xml --any-day)
expect_eq "$g" "$c" "GeoJSON and CAP of one area"
expect_eq "$g" "$(hw test-query-brute --db t.db --polygon gulf.geojson --any-day)" "polygon against brute force"
[ "$g" -gt 0 ] || fail "nobody in the Gulf polygon"

# Bad geometry: a clear message, exit status 2.
bad() {
	printf '%s' "$2" > bad.geojson
	expect_status 2 hw query --db t.db --polygon bad.geojson
	expect_in err "$3"
}
bad unclosed '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}' "not closed"
bad short '{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}' "at least 4"
bad lat '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}' "91"
bad point '{"type":"Point","coordinates":[0,0]}' "Point"
bad syntax '{"type":"Polygon",' "line 1"
expect_status 2 hw query --db t.db --circle 91,0,10
expect_in err "out of range"
expect_status 2 hw query --db t.db --circle nan,0,10
expect_status 2 hw query --db t.db --circle 10,0,0
expect_in err "not more than 0"
expect_status 2 hw query --db t.db --circle 10,0,20016
expect_in err "half the Earth"
expect_status 2 hw query --db t.db --country ZZ
expect_status 2 hw query --db t.db
expect_in err "no area"
expect_status 2 hw query --db t.db --country AE --count --ids
expect_status 2 hw query --db t.db --country AE --on 2026-02-30
expect_status 2 hw query --db t.db --mission NOPE
expect_in err "mission 'NOPE' does not exist"
hw mission add --db t.db --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE >/dev/null
expect_eq "$(hw query --db t.db --mission EMB-AE --any-day)" "$all" "mission jurisdiction"
