# The incidents API: declaring from CAP (as a string), circles, countries
# and GeoJSON, with rosters equal to `homeward query`; CAP Update and
# Cancel; widening and narrowing; officers inside their jurisdiction;
# counts cut to the officer's jurisdiction; paging; errors with their
# fields; people arriving inside an open incident's area joining it.
. "$TESTS/t/lib.sh"

CAP="$TESTS/data/cap"
hw gen --people 5000 --seed 5 --nationality IN --out p.csv
hw init --db t.db >/dev/null
hw import registrants p.csv --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE >/dev/null
adduser() { echo "$1-password-1" | hw user add --db t.db --login "$1" --role "$2" ${3:+--mission "$3"} --password-stdin >/dev/null; }
adduser hq1 hq
adduser off-np officer EMB-NP
adduser head-np mission-head EMB-NP
adduser off-ae officer EMB-AE
adduser aud auditor
serve_start --db t.db

sign_in hq1 hq1-password-1; HQ=$TOKEN
sign_in off-np off-np-password-1; OFF=$TOKEN
sign_in off-ae off-ae-password-1; OFF_AE=$TOKEN
sign_in aud aud-password-1; AUD=$TOKEN
TOKEN=$HQ

cap_body() { jq -n --rawfile cap "$1" '{cap: $cap}'; }
q() { hw query --db t.db "$@" --count; }

# ---- Declaring ----
expect_http 201 POST /api/v1/incidents "$(cap_body "$CAP/kathmandu-quake.xml")"
K=$(jqb .id)
expect_eq "$(jqb .affected)" "$(q --cap "$CAP/kathmandu-quake.xml")" "CAP roster"
expect_eq "$(jqb .title),$(jqb .type),$(jqb .severity),$(jqb .status)" \
	"M7.8 earthquake near Kathmandu,earthquake,Severe,open" "from the alert"
expect_eq "$(jqb '.by_status.unknown')" "$(jqb .affected)" "all unknown"
expect_eq "$(jqb '[.missions[].code] | join(",")')" EMB-NP "missions"
expect_http 201 POST /api/v1/incidents '{"title":"Dubai","type":"storm","exercise":true,"circle":"25.2048,55.2708,30"}'
D=$(jqb .id)
expect_eq "$(jqb .affected)" "$(q --circle 25.2048,55.2708,30)" "circle roster"
expect_eq "$(jqb .exercise)" true "exercise"
expect_http 201 POST /api/v1/incidents '{"title":"Both","countries":["NP","AE"]}'
B=$(jqb .id)
expect_eq "$(jqb .affected)" "$(q --country NP,AE)" "countries roster"
expect_eq "$(jqb '[.missions[].code] | join(",")')" "EMB-AE,EMB-NP" "missions of both"
echo '{"type":"Polygon","coordinates":[[[55.0,24.9],[55.6,24.9],[55.6,25.4],[55.0,25.4],[55.0,24.9]]]}' > poly.json
expect_http 201 POST /api/v1/incidents "$(jq -c '{title: "Poly", geojson: .}' poly.json)"
expect_eq "$(jqb .affected)" "$(q --polygon poly.json)" "GeoJSON roster"
expect_eq "$(jqb .area.type)" Polygon "the area as stored"

# ---- Bad input, with the field named ----
expect_http 422 POST /api/v1/incidents '{"title":"None"}'
expect_eq "$(jqb .error.field)" area "no area"
expect_http 422 POST /api/v1/incidents '{"title":"Two","circle":"1,2,3","countries":["NP"]}'
expect_eq "$(jqb .error.field)" countries "two areas"
expect_http 422 POST /api/v1/incidents '{"circle":"27.7,85.3,10"}'
expect_eq "$(jqb .error.field)" title "no title"
expect_http 422 POST /api/v1/incidents '{"title":"T","circle":"27.7,85.3,-1"}'
expect_eq "$(jqb .error.field)" circle "bad circle"
expect_http 422 POST /api/v1/incidents '{"title":"T","countries":["XX"]}'
expect_eq "$(jqb .error.field)" countries "bad country"
expect_http 422 POST /api/v1/incidents '{"title":"T","type":"volcano","circle":"27.7,85.3,10"}'
expect_eq "$(jqb .error.field)" type "bad type"
expect_http 422 POST /api/v1/incidents '{"cap":"<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\"><identifier>x</identifier></alert>"}'
expect_eq "$(jqb .error.field)" cap "bad CAP"
expect_in body "alert/sender is missing"
expect_http 422 POST /api/v1/incidents '{"title":"T","geojson":{"type":"Point","coordinates":[1,2]}}'
expect_eq "$(jqb .error.field)" geojson "a point"
expect_http 409 POST /api/v1/incidents "$(cap_body "$CAP/kathmandu-quake.xml")"
expect_in body "applied to incident $K already"
expect_http 422 POST /api/v1/incidents "$(cap_body "$CAP/kathmandu-orphan-update.xml")"
expect_in body "NP-DMG-2026-0042"

# ---- Changing: statuses survive narrowing and widening ----
p1=$(sqlite3 t.db "SELECT min(person_id) FROM roster WHERE incident_id = $K")
sqlite3 t.db "UPDATE roster SET status = 'safe' WHERE incident_id = $K AND person_id = $p1"
expect_http 200 PATCH /api/v1/incidents/$K '{"circle":"27.7172,85.324,3","title":"Quake (valley centre)"}'
expect_eq "$(jqb .affected)" "$(q --circle 27.7172,85.324,3)" "narrowed"
expect_eq "$(jqb .title)" "Quake (valley centre)" "title"
expect_http 200 POST /api/v1/incidents "$(cap_body "$CAP/kathmandu-quake-update.xml")"
expect_eq "$(jqb .id)" "$K" "the Update applies to its incident"
expect_eq "$(jqb .affected)" "$(q --cap "$CAP/kathmandu-quake-update.xml")" "widened"
expect_eq "$(sqlite3 t.db "SELECT status || in_area FROM roster WHERE incident_id = $K AND person_id = $p1")" safe1 "status kept"
expect_http 422 PATCH /api/v1/incidents/$K '{}'
expect_http 404 PATCH /api/v1/incidents/99999 '{"title":"x"}'

# ---- Officers ----
TOKEN=$OFF
expect_http 403 POST /api/v1/incidents '{"title":"AE","countries":["AE"]}'
expect_eq "$(jqb .error.field)" countries "officer, a country outside"
expect_http 403 POST /api/v1/incidents '{"title":"Dubai","circle":"25.2048,55.2708,30"}'
expect_in body "outside your mission's jurisdiction (AE:"
expect_http 201 POST /api/v1/incidents '{"title":"Valley","circle":"27.7172,85.324,10"}'
O=$(jqb .id)
expect_eq "$(jqb .affected)" "$(q --circle 27.7172,85.324,10)" "officer's roster"
expect_http 200 GET "/api/v1/incidents?limit=1000"
jq -r '.items[].id' body > ids
grep -qx "$K" ids || fail "the officer does not see the NP incident"
grep -qx "$B" ids || fail "the officer does not see the NP+AE incident"
! grep -qx "$D" ids || fail "the officer sees the AE incident"
expect_http 404 GET /api/v1/incidents/$D
expect_http 200 GET /api/v1/incidents/$B
expect_eq "$(jqb .affected)" "$(q --country NP)" "counts cut to the jurisdiction"
expect_http 403 PATCH /api/v1/incidents/$B '{"title":"Mine"}'
expect_http 403 POST /api/v1/incidents/$B/close
expect_http 200 PATCH /api/v1/incidents/$O '{"circle":"27.7172,85.324,5"}'
expect_http 403 PATCH /api/v1/incidents/$O '{"countries":["AE"]}'
TOKEN=$OFF_AE
expect_http 200 GET /api/v1/incidents/$B
expect_eq "$(jqb .affected)" "$(q --country AE)" "AE officer's counts"
expect_http 404 GET /api/v1/incidents/$K
TOKEN=$AUD
expect_http 200 GET /api/v1/incidents/$B
expect_eq "$(jqb .affected)" "$(q --country NP,AE)" "auditor sees all"
expect_http 403 POST /api/v1/incidents '{"title":"A","countries":["NP"]}'

# ---- Paging and filters ----
TOKEN=$HQ
expect_http 200 "GET" "/api/v1/incidents?limit=2"
expect_eq "$(jqb '.items | length')" 2 "page size"
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/incidents?limit=2&after=$after"
[ "$(jqb '.items[0].id')" -gt "$after" ] || fail "next page"
expect_http 400 GET "/api/v1/incidents?status=gone"

# ---- Joining the roster on arrival ----
before=$(curl -s -H "Authorization: Bearer $HQ" "$BASE/api/v1/incidents/$K" | jq .affected)
expect_http 201 POST /api/v1/persons '{"family_name":"Newcomer","given_name":"Nina","nationality":"IN"}'
P=$(jqb .id)
expect_http 201 POST /api/v1/persons/$P/presences '{"country":"NP","city":"Kathmandu","lat":27.7172,"lon":85.324}'
PR=$(jqb .id)
expect_http 200 GET /api/v1/incidents/$K
expect_eq "$(jqb .affected)" $((before + 1)) "a newcomer inside the area joins"
expect_eq "$(sqlite3 t.db "SELECT status || ',' || in_area FROM roster WHERE incident_id = $K AND person_id = $P")" "unknown,1" "roster entry"
expect_eq "$(sqlite3 t.db "SELECT c.reason || ',' || c.joined || ',' || c.actor FROM roster r JOIN roster_change c ON c.id = r.change_id WHERE r.incident_id = $K AND r.person_id = $P")" "arrived,1,user:hq1" "the change that brought the newcomer in"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster_event WHERE incident_id = $K AND person_id = $P")" "0" "joining is not a status change"
expect_eq "$(q --cap "$CAP/kathmandu-quake-update.xml")" "$(jqb .affected)" "still what query counts"
# Moving into the Dubai area joins that incident too; a past trip does not.
d0=$(curl -s -H "Authorization: Bearer $HQ" "$BASE/api/v1/incidents/$D" | jq .affected)
expect_http 200 PATCH /api/v1/presences/$PR '{"country":"AE","city":"Dubai","lat":25.2048,"lon":55.2708}'
expect_http 200 GET /api/v1/incidents/$D
expect_eq "$(jqb .affected)" $((d0 + 1)) "moved into the Dubai area"
expect_http 201 POST /api/v1/persons '{"family_name":"Past","given_name":"Paul","nationality":"IN"}'
P2=$(jqb .id)
expect_http 201 POST /api/v1/persons/$P2/presences '{"country":"AE","city":"Dubai","lat":25.2,"lon":55.27,"arrival":"2020-01-01","departure":"2020-01-10"}'
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster WHERE person_id = $P2")" 0 "a past trip joins nothing"

# ---- Cancel and close ----
expect_http 200 POST /api/v1/incidents "$(cap_body "$CAP/kathmandu-quake-cancel.xml")"
expect_eq "$(jqb .status)" cancelled "cancelled"
expect_http 409 PATCH /api/v1/incidents/$K '{"title":"x"}'
expect_http 200 POST /api/v1/incidents/$D/close
expect_eq "$(jqb .status)" closed "closed"
[ "$(jqb .closed_at)" != null ] || fail "closed_at"
expect_http 409 POST /api/v1/incidents/$D/close
# A closed incident takes nobody in.
expect_http 201 POST /api/v1/persons/$P2/presences '{"country":"AE","city":"Dubai","lat":25.21,"lon":55.27}'
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster WHERE incident_id = $D AND person_id = $P2")" 0 "closed incident"

# Audited, chain intact, no sanitizer report.
hw audit list --db t.db --limit 200 > audit
expect_in audit "incident-create	incident:$K"
expect_in audit "incident-update	incident:$K"
expect_in audit "incident-cancel	incident:$K"
expect_in audit "incident-close	incident:$D"
hw audit verify --db t.db >/dev/null
serve_stop
! grep -E "AddressSanitizer|runtime error" serve.err || fail "sanitizer report"
echo ok
