# homeward incident: declared from CAP alerts (1.0 to 1.2, Alert, Update,
# Cancel, Exercise), circles, GeoJSON and countries; the roster equals what
# `homeward query` counts for the same area; areas widened and narrowed
# keep statuses; messages applied once; bad input refused with exit 2;
# an Atom and an RSS feed of CAP messages polled from a local HTTP server.
. "$TESTS/t/lib.sh"

CAP="$TESTS/data/cap"
hw gen --people 5000 --seed 5 --nationality IN --out p.csv
hw init --db t.db >/dev/null
hw import registrants p.csv --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE >/dev/null
hw mission add --db t.db --code EMB-JP --name "Embassy in Tokyo" --countries JP >/dev/null

show() { hw incident show --db t.db "$1" --json > show.json; }
sj() { jq -r "$1" show.json; }

# Done-when: the roster of a CAP alert is exactly what query counts, for
# alerts of every shape (polygons with trailing spaces, several infos and
# areas, an empty polygon, a circle of radius 0, a CAP 1.1 prefixed
# alert with a -00:00 offset, CAP 1.0).
for f in kathmandu-quake dubai-flood-exercise tokyo-typhoon paris-unrest-cap10; do
	want=$(hw query --db t.db --cap "$CAP/$f.xml" --count)
	[ "$want" -gt 0 ] || fail "$f: nobody inside its area: the test data is wrong"
	id=$(hw incident create --db t.db --cap "$CAP/$f.xml")
	show "$id"
	expect_eq "$(sj .affected)" "$want" "$f: roster size"
	expect_eq "$(sj .by_status.unknown)" "$want" "$f: all unknown"
	expect_eq "$(sqlite3 t.db "SELECT reason || ',' || joined FROM roster_change WHERE incident_id = $id")" "declared,$want" "$f: one roster change"
	expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster WHERE incident_id = $id AND change_id = (SELECT id FROM roster_change WHERE incident_id = $id)")" "$want" "$f: every entry names it"
	expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster_event WHERE incident_id = $id")" 0 "$f: joining is not a status change"
	eval "ID_$(echo "$f" | tr '-' '_')=$id"
done
show "$ID_kathmandu_quake"
expect_eq "$(sj .title)" "M7.8 earthquake near Kathmandu" "title from the headline"
expect_eq "$(sj .type)" earthquake "type from the event"
expect_eq "$(sj .severity)" Severe "severity"
expect_eq "$(sj .exercise)" false "an actual alert"
expect_eq "$(sj '.cap.sent')" "2026-04-25T06:11:00Z" "sent, normalised to UTC"
expect_eq "$(sj '[.missions[].code] | join(",")')" EMB-NP "missions concerned"
show "$ID_dubai_flood_exercise"
expect_eq "$(sj .exercise)" true "status Exercise"
expect_eq "$(sj .title)" "Flash Flood" "title from the event"
expect_eq "$(sj .type)" storm "flood is storm"
expect_eq "$(sj '.cap.sent')" "2026-03-10T06:00:00Z" "-00:00 is UTC"
expect_eq "$(sj '[.missions[].code] | join(",")')" EMB-AE "missions concerned"
show "$ID_tokyo_typhoon"
expect_eq "$(sj .severity)" Extreme "the highest severity of the infos"
expect_eq "$(sj .type)" storm "typhoon is storm"
show "$ID_paris_unrest_cap10"
expect_eq "$(sj .type)" unrest "unrest"

# A message applied twice, an update of nothing, an alert by geocodes.
expect_status 2 hw incident create --db t.db --cap "$CAP/kathmandu-quake.xml"
expect_in err "was applied to incident $ID_kathmandu_quake already"
expect_status 2 hw incident create --db t.db --cap "$CAP/kathmandu-orphan-update.xml"
expect_in err "no incident was declared or updated by 'seismo@dmg.gov.np,NP-DMG-2026-0042"
expect_status 2 hw incident create --db t.db --cap "$CAP/geocode-only.xml"
expect_in err "the alert has no polygon or circle (geocodes are not supported"

# Statuses survive narrowing and widening: mark two persons, narrow the
# area to a small circle, widen it back with the CAP Update.
K=$ID_kathmandu_quake
sqlite3 t.db "SELECT person_id FROM roster WHERE incident_id = $K ORDER BY person_id" > before
p1=$(head -1 before)
sqlite3 t.db "UPDATE roster SET status = 'safe' WHERE incident_id = $K AND person_id = $p1"
small=$(hw query --db t.db --circle 27.7172,85.324,3 --count)
hw incident update --db t.db "$K" --circle 27.7172,85.324,3 > out
expect_in out "incident $K: $small in the area"
show "$K"
expect_eq "$(sj .affected)" "$small" "narrowed"
p_out=$(sqlite3 t.db "SELECT person_id FROM roster WHERE incident_id = $K AND in_area = 0 LIMIT 1")
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster WHERE incident_id = $K")" "$(wc -l < before)" "nobody removed"
upd=$(hw query --db t.db --cap "$CAP/kathmandu-quake-update.xml" --count)
[ "$upd" -gt "$(wc -l < before)" ] || fail "the update does not widen the area"
expect_eq "$(hw incident create --db t.db --cap "$CAP/kathmandu-quake-update.xml")" "$K" "an Update applies to the incident it references"
show "$K"
expect_eq "$(sj .affected)" "$upd" "widened by the CAP Update"
expect_eq "$(sj .severity)" Extreme "severity from the update"
expect_eq "$(sqlite3 t.db "SELECT status || in_area FROM roster WHERE incident_id = $K AND person_id = $p1")" safe1 "status kept"
expect_eq "$(sqlite3 t.db "SELECT group_concat(reason || ':' || joined || '/' || rejoined || '/' || left_area, ' ') FROM (SELECT * FROM roster_change WHERE incident_id = $K ORDER BY id)")" \
	"declared:$(wc -l < before)/0/0 area changed:0/0/$(($(wc -l < before) - small)) CAP update:$((upd - $(wc -l < before)))/$(($(wc -l < before) - small))/0" "roster changes with their counts"
expect_eq "$(sqlite3 t.db "SELECT c.reason FROM roster r JOIN roster_change c ON c.id = r.change_id WHERE r.incident_id = $K AND r.person_id = $p_out")" "CAP update" "the change that brought a person back"
expect_eq "$(sj '[.cap_messages[].msg_type] | join(",")')" "Alert,Update" "messages applied"

# Cancel: the incident is cancelled and can no longer change.
expect_eq "$(hw incident create --db t.db --cap "$CAP/kathmandu-quake-cancel.xml")" "$K" "Cancel"
show "$K"
expect_eq "$(sj .status)" cancelled "status"
expect_status 2 hw incident update --db t.db "$K" --title "Again"
expect_in err "incident $K is cancelled"

# Areas given directly: circle, countries, GeoJSON.
cat > valley.geojson <<'EOT'
{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
 "coordinates": [[[55.0, 24.9], [55.6, 24.9], [55.6, 25.4], [55.0, 25.4], [55.0, 24.9]]]}}
EOT
for a in "--circle 25.2048,55.2708,40" "--country NP,BT" "--polygon valley.geojson"; do
	# shellcheck disable=SC2086
	want=$(hw query --db t.db $a --count)
	# shellcheck disable=SC2086
	id=$(hw incident create --db t.db $a --title "Test $a" --type conflict --exercise)
	show "$id"
	expect_eq "$(sj .affected)" "$want" "roster of $a"
	expect_eq "$(sj .type),$(sj .exercise)" "conflict,true" "type and exercise of $a"
done
expect_eq "$(sj .area_kind)" geojson "area kind"
# A country area concerns the missions of its countries, people or not.
hw incident create --db t.db --country JP --title "Japan" > id
show "$(cat id)"
expect_eq "$(sj '[.missions[].code] | join(",")')" EMB-JP "missions of a country area"

# A long headline over several lines makes a title of one line, cut at
# 200 bytes; an empty optional element is no error.
{
	echo "<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>LONG-1</identifier>"
	echo "<sender>x</sender><sent>2026-09-01T09:00:00+09:00</sent><status>Actual</status>"
	echo "<msgType>Alert</msgType><scope>Public</scope><info><category>Met</category>"
	echo "<event>Typhoon</event><urgency>Expected</urgency><severity>Severe</severity>"
	echo "<certainty>Likely</certainty><headline>"
	for i in $(seq 1 30); do echo "  Typhoon warning"; done
	echo "</headline><instruction/><area><areaDesc>Tokyo</areaDesc>"
	echo "<circle>35.68,139.76 30</circle></area></info></alert>"
} > long.xml
id=$(hw incident create --db t.db --cap long.xml)
show "$id"
title=$(sj .title)
[ "${#title}" -le 200 ] || fail "title of ${#title} bytes"
case $title in "Typhoon warning Typhoon warning "*) ;; *) fail "title '$title'" ;; esac

# list, close.
hw incident list --db t.db > list
expect_in list "M7.8 earthquake near Kathmandu"
hw incident list --db t.db --json | jq -e 'length >= 8 and (.[0] | has("affected"))' >/dev/null || fail "list --json"
hw incident close --db t.db "$(cat id)" > out
expect_in out "closed"
expect_status 2 hw incident close --db t.db "$(cat id)"
expect_in err "is closed"
expect_status 2 hw incident show --db t.db 9999
expect_in err "no incident 9999"

# The shared area options: a mission's jurisdiction is its countries of
# today (kept as a country area), with the roster query gives for them.
mid=$(hw incident create --db t.db --mission EMB-JP --title "Typhoon warning for Japan" --exercise)
show "$mid"
expect_eq "$(sj .area_kind)" countries "a mission's area is kept as its countries"
expect_eq "$(sj .affected)" "$(hw query --db t.db --country JP --count)" "the mission's roster"
expect_eq "$(sj '[.missions[].code] | join(",")')" EMB-JP "the mission concerned"
expect_status 2 hw incident create --db t.db --mission EMB-ZZ --title T
expect_in err "incident create: mission 'EMB-ZZ' does not exist"
expect_not_in err "mission: mission"

# Bad input.
expect_status 2 hw incident create --db t.db --title "No area"
expect_in err "give one area"
expect_status 2 hw incident create --db t.db --circle 1,2,3 --country NP --title "Two"
expect_in err "give one area"
expect_status 2 hw incident create --db t.db --circle 27.7,85.3,10
expect_in err "give --title"
expect_status 2 hw incident create --db t.db --circle 27.7,85.3,10 --title T --type volcano
expect_in err "type: 'volcano' is not one of other, earthquake"
expect_status 2 hw incident create --db t.db --circle 97.7,85.3,10 --title T
expect_in err "latitude 97.7 is out of range"
expect_status 2 hw incident create --db t.db --country XX --title T
expect_in err "'XX': not a known ISO 3166-1 alpha-2 code"
printf '<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>' > evil.xml
expect_status 2 hw incident create --db t.db --cap evil.xml
expect_in err "DOCTYPE"
sed 's/<sent>.*<\/sent>/<sent>2026-04-25T11:56:00Z<\/sent>/' "$CAP/kathmandu-quake.xml" > zulu.xml
expect_status 2 hw incident create --db t.db --cap zulu.xml
expect_in err "cap: alert/sent: '2026-04-25T11:56:00Z' is not a CAP time: CAP writes UTC as -00:00"
sed 's/<severity>Severe<\/severity>/<severity>Bad<\/severity>/' "$CAP/tokyo-typhoon.xml" | sed 's/JMA-2026-TY12-001/X-1/' > bad.xml
expect_status 2 hw incident create --db t.db --cap bad.xml
expect_in err "info[0]/severity: 'Bad' is not one of Extreme, Severe, Moderate, Minor or Unknown"
expect_status 2 hw incident update --db t.db abc --title T
expect_in err "'abc' is not an incident id"

# Every write is audited, and the chain holds.
hw audit list --db t.db --limit 100 > audit
expect_in audit "incident-create	incident:$K"
expect_in audit "incident-update	incident:$K"
expect_in audit "incident-cancel	incident:$K"
expect_in audit "incident-close"
hw audit verify --db t.db > /dev/null

# ---- Polling a feed ----
mkdir www
cp "$CAP"/*.xml "$CAP"/feed.atom "$CAP"/feed.rss www/
(cd www && exec python3 -u -m http.server 0 --bind 127.0.0.1) > http.out 2>&1 &
HTTP_PID=$!
trap 'kill $HTTP_PID 2>/dev/null || true' EXIT
i=0
while ! grep -q "Serving HTTP" http.out; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "the feed server did not start"; sleep 0.1
done
PORT=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' http.out)
FEED="http://127.0.0.1:$PORT"
hw init --db f.db >/dev/null
hw import registrants p.csv --db f.db >/dev/null

# The feed lists the Update before its Alert: they are applied in the
# order they were sent.
hw incident poll --db f.db --feed "$FEED/feed.atom" > out
expect_in out "3 messages read"
expect_eq "$(grep -c '^applied' out)" 3 "applied"
hw incident list --db f.db --json > l.json
expect_eq "$(jq length l.json)" 2 "an incident per alert"
expect_eq "$(jq -r '.[0].affected' l.json)" "$(hw query --db f.db --cap "$CAP/kathmandu-quake-update.xml" --count)" "the update's area"
# Polling again changes nothing.
hw incident poll --db f.db --feed "$FEED/feed.atom" > out
expect_eq "$(grep -c '^skipped' out)" 3 "skipped the second time"
expect_eq "$(hw incident list --db f.db --json | jq length)" 2 "no new incident"
hw incident poll --db f.db --feed "$FEED/feed.rss" > out
expect_eq "$(grep -c '^applied' out)" 2 "RSS: a link and an enclosure"
expect_eq "$(hw incident list --db f.db --json | jq '[.[] | select(.exercise)] | length')" 1 "the exercise"
# A feed that is not one, and a server that is not there.
expect_status 2 hw incident poll --db f.db --feed "$FEED/tokyo-typhoon.xml"
expect_in err "not an Atom feed"
expect_status 1 hw incident poll --db f.db --feed "$FEED/missing.atom"
expect_in err "HTTP status 404"
expect_status 2 hw incident poll --db f.db --feed "file:///etc/passwd"
expect_in err "not an http:// or https:// URL"

# Registrants imported inside an open incident's area join its roster,
# as those arriving through the API do: one roster change for them all.
KF=$(hw incident list --db f.db --json | jq -r '.[0].id')
before=$(hw incident list --db f.db --json | jq -r '.[0].affected')
hw gen --people 3000 --seed 6 --nationality IN --out p2.csv
hw import registrants p2.csv --db f.db > out
after=$(hw incident list --db f.db --json | jq -r '.[0].affected')
expect_eq "$after" "$(hw query --db f.db --cap "$CAP/kathmandu-quake-update.xml" --count)" "the roster after the import is what query counts"
[ "$after" -gt "$before" ] || fail "nobody imported inside the area: the test data is wrong"
expect_in out "joined the roster of open incidents"
expect_eq "$(sqlite3 f.db "SELECT joined FROM roster_change WHERE incident_id = $KF AND reason = 'imported'")" $((after - before)) "one roster change 'imported'"
# Importing the same file again joins nobody.
hw import registrants p2.csv --db f.db > out
expect_eq "$(sqlite3 f.db "SELECT count(*) FROM roster_change WHERE reason = 'imported'")" "$(sqlite3 f.db "SELECT count(DISTINCT incident_id) FROM roster_change WHERE reason = 'imported'")" "no second change"
echo ok
