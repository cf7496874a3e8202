# Presences over HTTP: add, change, delete, and the geo queries follow at
# once; bad values are refused naming the field, with nothing written;
# who may touch a presence is decided by its person's visibility.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw gen --people 400 --seed 3 --nationality IN --out p.csv
hw import registrants p.csv --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-FR --name "Embassy in Paris" --countries FR >/dev/null
echo 'officer password 1' | hw user add --db t.db --login np.off --role officer --mission EMB-NP --password-stdin >/dev/null
echo 'officer password 2' | hw user add --db t.db --login fr.off --role officer --mission EMB-FR --password-stdin >/dev/null
echo 'hq password 12345' | hw user add --db t.db --login hq1 --role hq --password-stdin >/dev/null
echo 'auditor password 1' | hw user add --db t.db --login aud1 --role auditor --password-stdin >/dev/null
echo 'citizen password 1' | hw user add --db t.db --login cit1 --role citizen --password-stdin >/dev/null

# P: a person in the UAE (nowhere near Nepal), with one presence; C: the
# citizen's own person, someone else entirely.
P=$(sqlite3 t.db "SELECT min(person_id) FROM presence WHERE country = 'AE' AND person_id IN (SELECT person_id FROM presence GROUP BY person_id HAVING count(*) = 1)")
C=$(sqlite3 t.db "SELECT max(person_id) FROM presence WHERE country = 'AE' AND person_id IN (SELECT id FROM person WHERE party_id IS NULL OR party_id NOT IN (SELECT party_id FROM person WHERE id = $P AND party_id IS NOT NULL))")
[ -n "$P" ] && [ -n "$C" ] && [ "$P" != "$C" ] || fail "no test persons ($P, $C)"
sqlite3 t.db "UPDATE app_user SET person_id = $C WHERE login = 'cit1'"
ORG=$(sqlite3 t.db "SELECT min(id) FROM organisation")
today=$(date -u +%Y-%m-%d)

serve_start --db t.db
sign_in hq1 'hq password 12345'

KTM="circle=27.7172,85.324,20"
PKR="circle=28.2096,83.9856,20"
# count QUERY: the count of a query as hq.
count() {
	expect_http 200 GET "/api/v1/query?$1"
	jqb .count
}
ktm0=$(count "$KTM")
ktm_any0=$(count "$KTM&on=any")
pkr_any0=$(count "$PKR&on=any")

# ---- Add: a person in Kathmandu is counted at once ----
expect_http 201 POST "/api/v1/persons/$P/presences" \
	"{\"country\":\"np\",\"city\":\"Kathmandu\",\"lat\":27.7172,\"lon\":85.324,\"arrival\":\"2020-01-01\",\"purpose\":\"Tourism\",\"organisation_id\":$ORG}"
PR=$(jqb .id)
expect_eq "$(jqb .person_id)" "$P" "person"
expect_eq "$(jqb .seq)" 1 "seq (imports count from 0)"
expect_eq "$(jqb .country)" NP "country in upper case"
expect_eq "$(jqb .purpose)" tourism "purpose normalised"
expect_eq "$(jqb .lat)" 27.7172 "lat"
expect_eq "$(jqb .departure)" null "departure"
expect_eq "$(count "$KTM")" $((ktm0 + 1)) "counted in Kathmandu"
expect_http 200 GET "/api/v1/query?$KTM&format=ids"
expect_eq "$(jqb "[.ids[] | select(. == $P)] | length")" 1 "P among the ids"
expect_eq "$(count "$KTM&organisation=$ORG&nationality=IN")" 1 "organisation and nationality filters"
# The database agrees: the CLI, loading from it, counts the same.
expect_eq "$(hw query --db t.db --circle 27.7172,85.324,20)" $((ktm0 + 1)) "the CLI agrees"
expect_eq "$(sqlite3 t.db "SELECT country || ' ' || city || ' ' || lat || ' ' || seq FROM presence WHERE id = $PR")" "NP Kathmandu 27.7172 1" "stored"

# The person's attributes reach the engine with the presence: needs set
# behind the engine's back are seen after the next write.
sqlite3 t.db "UPDATE person SET needs = 'medical' WHERE id = $P"
expect_http 201 POST "/api/v1/persons/$P/presences" \
	'{"country":"NP","city":"Kathmandu","lat":27.70,"lon":85.30,"arrival":"2021-01-01","departure":"2021-01-05"}'
PR2=$(jqb .id)
expect_eq "$(jqb .seq)" 2 "next seq"
expect_eq "$(count "$KTM&needs=medical&on=2021-01-03")" 1 "needs filter"
expect_eq "$(count "$KTM")" $((ktm0 + 1)) "an old trip is not counted today"

# Listing, paged.
expect_http 200 GET "/api/v1/persons/$P/presences"
expect_eq "$(jqb '.items | length')" 3 "three presences"
expect_eq "$(jqb '[.items[].seq] | join(",")')" "0,1,2" "in order"
expect_eq "$(jqb .next_after)" null "one page"
expect_http 200 GET "/api/v1/persons/$P/presences?limit=2"
expect_eq "$(jqb '.items | length')" 2 "page of two"
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/persons/$P/presences?limit=2&after=$after"
expect_eq "$(jqb '.items[0].id')" "$PR2" "second page"
expect_eq "$(jqb .next_after)" null "last page"

# ---- Change: ending the trip, then moving it ----
expect_http 200 PATCH "/api/v1/presences/$PR" '{"departure":"2020-02-01"}'
expect_eq "$(jqb .departure)" 2020-02-01 "departure set"
expect_eq "$(jqb .city)" Kathmandu "city kept"
expect_eq "$(count "$KTM")" "$ktm0" "gone from today's count"
expect_eq "$(count "$KTM&on=2020-01-15")" "$(hw query --db t.db --circle 27.7172,85.324,20 --on 2020-01-15)" "on the trip's dates"
expect_http 200 PATCH "/api/v1/presences/$PR" '{"city":"Pokhara","lat":28.2096,"lon":83.9856,"departure":null}'
expect_eq "$(jqb .departure)" null "departure cleared"
expect_eq "$(count "$PKR&on=any")" $((pkr_any0 + 1)) "moved to Pokhara"
expect_eq "$(count "$KTM&on=any")" $((ktm_any0 + 1)) "one trip left in Kathmandu"
expect_eq "$(count "$PKR")" "$(hw query --db t.db --circle 28.2096,83.9856,20)" "the CLI agrees after the move"
expect_http 200 PATCH "/api/v1/presences/$PR" '{"lat":null,"lon":null}'
expect_eq "$(count "$PKR&on=any")" "$pkr_any0" "no point, not in the engine"
expect_http 200 PATCH "/api/v1/presences/$PR" '{"lat":28.2096,"lon":83.9856}'
expect_eq "$(count "$PKR&on=any")" $((pkr_any0 + 1)) "a point again"

# ---- Refusals: 422 naming the field, nothing written ----
rows=$(sqlite3 t.db "SELECT count(*) || ' ' || max(updated_at) FROM presence")
audits=$(sqlite3 t.db "SELECT count(*) FROM audit")
refuse() {
	expect_http 422 "$1" "$2" "$3"
	expect_eq "$(jqb .error.field)" "$4" "field of $1 $2 $3"
}
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","lat":48.8566,"lon":2.3522}' lat
expect_in body "is not in 'NP'"
expect_in body "the point is in 'FR'"
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","arrival":"2026-05-02","departure":"2026-05-01"}' departure
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","organisation_id":999999}' organisation_id
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","lat":27.7}' lon
refuse POST "/api/v1/persons/$P/presences" '{"country":"XX"}' country
refuse POST "/api/v1/persons/$P/presences" '{"country":"NPL"}' country
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","purpose":"holiday"}' purpose
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","lat":95,"lon":85}' lat
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","arrival":"2026-02-30"}' arrival
refuse POST "/api/v1/persons/$P/presences" '{"city":"Kathmandu"}' country
refuse POST "/api/v1/persons/$P/presences" '{"country":"NP","colour":"red"}' colour
refuse PATCH "/api/v1/presences/$PR" '{"departure":"2019-01-01"}' departure
refuse PATCH "/api/v1/presences/$PR" '{"country":"IN"}' lat
refuse PATCH "/api/v1/presences/$PR" '{"country":null}' country
refuse PATCH "/api/v1/presences/$PR" '{"lon":null}' lon
expect_eq "$(sqlite3 t.db "SELECT count(*) || ' ' || max(updated_at) FROM presence")" "$rows" "nothing written"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit")" "$audits" "nothing audited"
expect_eq "$(count "$PKR&on=any")" $((pkr_any0 + 1)) "the engine unchanged"
expect_http 404 POST "/api/v1/persons/99999999/presences" '{"country":"NP"}'
expect_http 404 PATCH "/api/v1/presences/99999999" '{"city":"X"}'
expect_http 404 DELETE "/api/v1/presences/99999999"

# ---- Who may ----
# An officer sees P now that P has a presence in the jurisdiction; an
# officer of another mission does not, and cannot reach its presences.
sign_in np.off 'officer password 1'
expect_http 200 GET "/api/v1/persons/$P/presences"
expect_http 200 PATCH "/api/v1/presences/$PR" '{"city":"Pokhara Lakeside"}'
sign_in fr.off 'officer password 2'
expect_http 404 GET "/api/v1/persons/$P/presences"
expect_http 404 POST "/api/v1/persons/$P/presences" '{"country":"FR"}'
expect_http 404 PATCH "/api/v1/presences/$PR" '{"city":"Paris"}'
expect_http 404 DELETE "/api/v1/presences/$PR"
sign_in aud1 'auditor password 1'
expect_http 200 GET "/api/v1/persons/$P/presences"
expect_http 403 POST "/api/v1/persons/$P/presences" '{"country":"NP"}'
expect_http 403 DELETE "/api/v1/presences/$PR"
# A citizen: its own presences, not someone else's.
sign_in cit1 'citizen password 1'
expect_http 404 GET "/api/v1/persons/$P/presences"
expect_http 404 PATCH "/api/v1/presences/$PR" '{"city":"X"}'
expect_http 201 POST "/api/v1/persons/$C/presences" \
	"{\"country\":\"NP\",\"city\":\"Kathmandu\",\"lat\":27.71,\"lon\":85.31,\"arrival\":\"$today\"}"
CPR=$(jqb .id)
expect_http 200 PATCH "/api/v1/presences/$CPR" "{\"departure\":\"$today\"}"
sign_in hq1 'hq password 12345'
expect_eq "$(count "$KTM")" $((ktm0 + 1)) "the citizen's trip counted"
sign_in cit1 'citizen password 1'
expect_http 204 DELETE "/api/v1/presences/$CPR"

# ---- Delete: gone from the queries at once ----
sign_in hq1 'hq password 12345'
expect_eq "$(count "$KTM")" "$ktm0" "the citizen's trip gone"
expect_http 204 DELETE "/api/v1/presences/$PR"
expect_eq "$(count "$PKR&on=any")" "$pkr_any0" "deleted from Pokhara"
expect_http 204 DELETE "/api/v1/presences/$PR2"
expect_eq "$(count "$KTM&on=any")" "$ktm_any0" "deleted from Kathmandu"
expect_http 404 DELETE "/api/v1/presences/$PR"
expect_http 200 GET "/api/v1/persons/$P/presences"
expect_eq "$(jqb '.items | length')" 1 "one presence left"
expect_eq "$(hw query --db t.db --circle 27.7172,85.324,20 --any-day)" "$ktm_any0" "the CLI agrees after deletes"
# Out of Nepal again: the Nepal officer no longer sees P.
sign_in np.off 'officer password 1'
expect_http 404 GET "/api/v1/persons/$P/presences"

# Every write audited, without locations.
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'presence-create'")" 3 "creations audited"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'presence-update'")" 6 "updates audited"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'presence-delete'")" 3 "deletions audited"
expect_eq "$(sqlite3 t.db "SELECT object FROM audit WHERE action = 'presence-delete' ORDER BY id LIMIT 1")" "presence:$CPR" "audit object"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action LIKE 'presence-%' AND (detail LIKE '%27.7%' OR detail LIKE '%Pokhara%')")" 0 "no locations in the audit log"
hw audit verify --db t.db >/dev/null

serve_stop
! grep -q "ERROR: AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }
