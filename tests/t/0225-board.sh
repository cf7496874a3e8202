# The accountability board: counts per status consistent with the roster
# rows, per place and over time; the paged roster; the CSV export (RFC
# 4180 quoting, formula-safe, audited); the officers' call lists; the live
# event stream (an event arrives after a check-in, Last-Event-ID resumes);
# and each officer seeing only their jurisdiction.
. "$TESTS/t/lib.sh"
. "$TESTS/t/crisis-lib.sh"

crisis_fixture "Earthquake"
hw mission add --db t.db --code EMB-DE --name "Embassy in Berlin" --countries DE >/dev/null
echo "off-de-password-1" | hw user add --db t.db --login off-de --role officer --mission EMB-DE --password-stdin >/dev/null
serve_start --db t.db
P1=$(pid T-1) P2=$(pid T-2) P3=$(pid T-3) P4=$(pid T-4) P5=$(pid T-5)

form POST "/c/$(tok T-1)" 'status=safe&note=%3DHYPERLINK(%22http%3A%2F%2Fx%22)'
expect_eq "$STATUS" 200 "check-in T-1"
form POST "/c/$(tok T-2)" 'status=needs-help'
expect_eq "$STATUS" 200 "check-in T-2"
form POST "/c/$(tok T-4)" 'status=wants-evacuation&party_size=2'
expect_eq "$STATUS" 200 "check-in T-4"
sign_in hq1 hq1-password-1; HQ=$TOKEN
expect_http 201 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P5,\"status\":\"missing\"}"

# ---- Counts ----
expect_http 200 GET "/api/v1/incidents/$INC/board"
expect_eq "$(jqb .total)" 5 "total"
for s in unknown notified safe needs-help wants-evacuation evacuated missing injured deceased; do
	want=$(sqlite3 t.db "SELECT count(*) FROM roster WHERE incident_id = $INC AND in_area = 1 AND status = '$s'")
	expect_eq "$(jqb ".counts[\"$s\"]")" "$want" "count of $s"
done
expect_eq "$(jqb .counts.safe)/$(jqb '.counts["needs-help"]')/$(jqb .counts.missing)/$(jqb .counts.unknown)" 1/1/1/1 "counts"
expect_eq "$(jqb .unaccounted)/$(jqb .accounted)" 3/2 "accounted for"
expect_eq "$(jqb '[.places[] | "\(.country) \(.city) \(.total)"] | join(",")')" \
	"FR Lyon 1,FR Paris 1,NP Kathmandu 2,NP Pokhara 1" "per place"
expect_eq "$(jqb '.places[] | select(.city == "Kathmandu") | .counts.safe')" 1 "per place and status"
events=$(sqlite3 t.db "SELECT count(*) FROM roster_event WHERE incident_id = $INC")
expect_eq "$(jqb '[.timeline[].changes] | add')" "$events" "the timeline holds every change"
expect_eq "$(jqb '.timeline[0].at | test("^[0-9-]+T[0-9]{2}:00:00Z$")')" true "hourly buckets"
expect_http 200 GET "/api/v1/incidents/$INC/board?bucket_minutes=5"
expect_eq "$(jqb '[.timeline[].changes] | add')" "$events" "five-minute buckets"
expect_http 400 GET "/api/v1/incidents/$INC/board?bucket_minutes=0"
expect_http 404 GET "/api/v1/incidents/999/board"
sign_in aud aud-password-1
expect_http 200 GET "/api/v1/incidents/$INC/board"
expect_eq "$(jqb .total)" 5 "the auditor sees all"
# Officers: their jurisdiction only; a mission not concerned: no incident.
sign_in off-np off-np-password-1; OFF=$TOKEN
expect_http 200 GET "/api/v1/incidents/$INC/board"
expect_eq "$(jqb .total)/$(jqb .counts.safe)/$(jqb .counts.missing)" 3/1/0 "NP officer's counts"
expect_eq "$(jqb '[.places[].country] | unique | join(",")')" NP "NP officer's places"
expect_eq "$(jqb '[.timeline[].changes] | add')" \
	"$(sqlite3 t.db "SELECT count(*) FROM roster_event e JOIN presence p ON p.person_id = e.person_id WHERE e.incident_id = $INC AND p.country = 'NP'")" \
	"NP officer's timeline"
sign_in off-fr off-fr-password-1
expect_http 200 GET "/api/v1/incidents/$INC/board"
expect_eq "$(jqb .total)" 2 "FR officer's total"
sign_in off-de off-de-password-1
expect_http 404 GET "/api/v1/incidents/$INC/board"
expect_http 404 GET "/api/v1/incidents/$INC/roster"
expect_http 404 GET "/api/v1/incidents/$INC/events?once=1"

# ---- The roster, paged ----
TOKEN=$HQ
expect_http 200 GET "/api/v1/incidents/$INC/roster?limit=2"
expect_eq "$(jqb '.items | length')" 2 "first page"
ids=$(jqb '[.items[].id] | join(",")')
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/incidents/$INC/roster?limit=2&after=$after"
ids="$ids,$(jqb '[.items[].id] | join(",")')"
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/incidents/$INC/roster?limit=2&after=$after"
ids="$ids,$(jqb '[.items[].id] | join(",")')"
expect_eq "$(jqb .next_after)" null "last page"
expect_eq "$ids" "$P1,$P2,$P3,$P4,$P5" "every entry once"
expect_http 200 GET "/api/v1/incidents/$INC/roster?status=wants-evacuation"
expect_eq "$(jqb '.items | length')/$(jqb .items[0].person_id)/$(jqb .items[0].party_size)" 1/$P4/2 "by status"
expect_eq "$(jqb .items[0].family_name)/$(jqb .items[0].phone)/$(jqb .items[0].city)" Garcia/+33612345004/Paris "entry fields"
expect_http 400 GET "/api/v1/incidents/$INC/roster?status=fine"
expect_eq "$(jqb .error.field)" status "bad status named"
TOKEN=$OFF
expect_http 200 GET "/api/v1/incidents/$INC/roster"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$P1,$P2,$P3" "NP officer's roster"

# ---- CSV ----
TOKEN=$HQ
STATUS=$(curl -s -D headers -o roster.csv -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/incidents/$INC/roster.csv")
expect_eq "$STATUS" 200 "CSV"
expect_in headers 'Content-Type: text/csv'
expect_eq "$(head -1 roster.csv)" "$(printf 'person_id,family_name,given_name,phone,email,country,city,status,party_size,note,lat,lon,updated_at\r')" "CSV header"
expect_eq "$(wc -l < roster.csv)" 6 "CSV rows"
expect_eq "$(grep -c "$(printf '\r$')" roster.csv)" 6 "CRLF line ends"
expect_in roster.csv '"O""Brien, Jr",Sean'
expect_in roster.csv "'=HYPERLINK(\"\"http://x\"\")"
expect_in roster.csv ",Garcia,Ana,+33612345004,,FR,Paris,wants-evacuation,2,"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'roster-export' AND actor = 'user:hq1' AND object = 'incident:$INC'")" 1 "CSV audited"
python3 - <<'EOF' || fail "the CSV does not parse back"
import csv
rows = list(csv.reader(open("roster.csv", newline="", encoding="utf-8")))
assert len(rows) == 6 and all(len(r) == 13 for r in rows), rows
assert rows[5][1] == 'O"Brien, Jr', rows[5]
EOF
STATUS=$(curl -s -o roster.csv -w '%{http_code}' -H "Authorization: Bearer $OFF" "$BASE/api/v1/incidents/$INC/roster.csv?status=safe")
expect_eq "$STATUS/$(wc -l < roster.csv)" 200/2 "NP officer's CSV of the safe"

# ---- Call lists ----
expect_http 200 GET "/api/v1/incidents/$INC/calls"
expect_eq "$(jqb '[.missions[].mission] | join(",")')" "EMB-FR,EMB-NP" "missions concerned"
expect_eq "$(jqb '.missions[] | select(.mission == "EMB-NP") | .unaccounted')" 2 "NP unaccounted"
expect_eq "$(jqb '.missions[] | select(.mission == "EMB-NP") | [.lists[] | "\(.login):\([.items[].person_id] | join("+"))"] | join(",")')" \
	"off-np:$P2,off-np2:$P3" "NP lists: the one who needs help first, dealt in turn"
expect_eq "$(jqb '.missions[] | select(.mission == "EMB-FR") | [.lists[] | "\(.login):\([.items[].person_id] | join("+"))"] | join(",")')" \
	"off-fr:$P5" "FR list"
TOKEN=$OFF
expect_http 200 GET "/api/v1/incidents/$INC/calls?limit=1"
expect_eq "$(jqb '[.missions[].mission] | join(",")')" EMB-NP "an officer's own mission only"
expect_eq "$(jqb '.missions[0].lists[0].count')/$(jqb '.missions[0].lists[0].items | length')" 1/1 "count and limit"

# ---- Events ----
TOKEN=$HQ
STATUS=$(curl -s -D headers -o events.txt -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $TOKEN" \
	"$BASE/api/v1/incidents/$INC/events?once=1&after=0")
expect_eq "$STATUS" 200 "events, once"
expect_in headers 'Content-Type: text/event-stream'
expect_eq "$(grep -c '^event: status$' events.txt)" "$events" "every event so far"
last=$(grep '^id: ' events.txt | tail -1 | cut -d' ' -f2)
# Live: a stream open before a check-in sees it.
curl -s -N --max-time 8 -H "Authorization: Bearer $TOKEN" \
	"$BASE/api/v1/incidents/$INC/events?max_seconds=5" > live.txt &
CURL=$!
sleep 1
form POST "/c/$(tok T-3)" 'status=safe&lang=en'
expect_eq "$STATUS" 200 "check-in T-3"
i=0
until grep -q "\"person_id\":$P3" live.txt; do
	i=$((i + 1)); [ $i -lt 50 ] || { cat live.txt; fail "no event on the stream"; }
	sleep 0.1
done
expect_in live.txt '"status":"safe","source":"checkin"'
expect_eq "$(grep -c '^event: status$' live.txt)" 1 "only the new event"
wait $CURL || true   # the stream ends after max_seconds
# Resuming after the last event seen.
STATUS=$(curl -s -o events.txt -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $TOKEN" \
	-H "Last-Event-ID: $last" "$BASE/api/v1/incidents/$INC/events?once=1")
expect_eq "$STATUS/$(grep -c '^event: status$' events.txt)" 200/1 "Last-Event-ID"
expect_in events.txt "\"person_id\":$P3"
expect_http 400 GET "/api/v1/incidents/$INC/events?once=2"
# An officer's stream holds only their jurisdiction's events.
TOKEN=$OFF
curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/incidents/$INC/events?once=1&after=0" > events.txt
expect_eq "$(grep -c '^event: status$' events.txt)" \
	"$(sqlite3 t.db "SELECT count(*) FROM roster_event e JOIN presence p ON p.person_id = e.person_id WHERE e.incident_id = $INC AND p.country = 'NP'")" \
	"NP officer's events"
! grep -q "\"person_id\":$P4," events.txt || fail "the NP officer sees an FR event"

serve_stop
! grep -q 'ERROR: AddressSanitizer\|runtime error' serve.err || { cat serve.err; fail "sanitizer report"; }
echo ok
