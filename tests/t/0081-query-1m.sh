# Done-when of the geo engine: on a generated population of 1,000,000,
# `homeward query --count` agrees with a brute-force count for circles,
# polygons and countries. The release build does the heavy lifting here;
# 0080 runs the same paths under the sanitizers on a smaller population.
. "$TESTS/t/lib.sh"
H=$HOMEWARD_REL

"$H" gen --people 1000000 --seed 7 --nationality CN --today 2026-11-27 --out p.csv
"$H" init --db t.db >/dev/null
"$H" import registrants p.csv --db t.db >/dev/null

cat > anti.geojson <<'EOT'
{"type":"MultiPolygon","coordinates":[
 [[[170,-25],[180,-25],[180,-10],[170,-10],[170,-25]]],
 [[[-180,-25],[-170,-25],[-170,-10],[-180,-10],[-180,-25]]]]}
EOT
cat > uncut.geojson <<'EOT'
{"type":"Polygon","coordinates":[[[170,-25],[190,-25],[190,-10],[170,-10],[170,-25]]]}
EOT
cat > holes.geojson <<'EOT'
{"type":"Polygon","coordinates":[[[100,0],[145,0],[145,45],[100,45],[100,0]],
 [[120,20],[130,20],[130,35],[120,35],[120,20]]]}
EOT
cat > east.xml <<'EOT'
<cap:alert xmlns:cap="urn:oasis:names:tc:emergency:cap:1.1">
 <cap:identifier>X</cap:identifier><cap:sender>s</cap:sender>
 <cap:sent>2026-11-27T00:00:00-00:00</cap:sent><cap:status>Actual</cap:status>
 <cap:msgType>Alert</cap:msgType><cap:scope>Public</cap:scope>
 <cap:info><cap:category>Geo</cap:category><cap:event>Quake</cap:event>
  <cap:urgency>Immediate</cap:urgency><cap:severity>Extreme</cap:severity>
  <cap:certainty>Observed</cap:certainty>
  <cap:area><cap:areaDesc>Kanto</cap:areaDesc>
   <cap:polygon>34.8,138.5 36.5,138.5 36.8,140.9 34.8,140.5 34.8,138.5</cap:polygon>
   <cap:circle>37.5,127.0 120</cap:circle>
  </cap:area></cap:info></cap:alert>
EOT
n=0
while IFS='|' read -r area; do
	n=$((n + 1))
	# shellcheck disable=SC2086
	q=$("$H" query --db t.db $area --any-day)
	# shellcheck disable=SC2086
	b=$("$H" test-query-brute --db t.db $area --any-day)
	expect_eq "$q" "$b" "query $n ($area)"
done <<'EOT'
--circle 35.6762,139.6503,10
--circle 35.6762,139.6503,50
--circle 40.7128,-74.0060,200
--circle 51.5072,-0.1276,500
--circle -33.8688,151.2093,2000
--circle -17.7134,178.0650,800
--circle 89,0,2500
--circle 0,0,20015
--country US
--country RU
--country FR,DE,IT
--country SG
--polygon anti.geojson
--polygon uncut.geojson
--polygon holes.geojson
--cap east.xml
--country JP --circle 37.5,127.0,300
EOT
# And on a date, with a nationality filter.
expect_eq "$("$H" query --db t.db --country AU --on 2026-12-01)" \
	"$("$H" test-query-brute --db t.db --country AU --on 2026-12-01)" "on a date"
