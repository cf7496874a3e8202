# homeward notify and POST /api/v1/incidents/ID/notify: who gets which
# message on which channel, in which language; notifying twice (or again
# after a kill) adds nothing; an exercise's messages are suppressed; SMS
# texts fit their segments; the API's counts, scope and listing.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
# Seven persons in Nepal, one in France. Languages: en, fr, es-419 (es),
# ar, zh-CN (zh), de (no template: English), none (English).
cat > r.csv <<'EOF'
external_id,family_name,given_name,native_name,sex,date_of_birth,nationality,passport_no,phone,email,language,country,city,lat,lon,arrival,departure,purpose,organisation,party_id,needs
P-EN,Smith,Anna,,F,1980-01-01,IN,,+9779841000001,anna@example.org,en,NP,Kathmandu,27.7172,85.324,,,,,,
P-FR,Dupont,Jean,,M,1975-05-05,IN,,+9779841000002,jean@example.org,fr,NP,Kathmandu,27.7172,85.324,,,,,,
P-ES,Garcia,Lucia,,F,1990-02-02,IN,,+9779841000003,lucia@example.org,es-419,NP,Pokhara,28.2096,83.9856,,,,,,
P-AR,Haddad,Omar,عمر حداد,M,1985-03-03,IN,,+9779841000004,omar@example.org,ar,NP,Kathmandu,27.7172,85.324,,,,,,
P-ZH,Wang,Li,王丽,F,1995-04-04,IN,,+9779841000005,,zh-CN,NP,Kathmandu,27.7172,85.324,,,,,,
P-DE,Muller,Hans,,M,1970-06-06,IN,,,hans@example.org,de,NP,Kathmandu,27.7172,85.324,,,,,,
P-NONE,Kumar,Ravi,,M,1988-07-07,IN,,,,,NP,Kathmandu,27.7172,85.324,,,,,,
P-FAR,Martin,Claire,,F,1992-08-08,IN,,+33612345678,claire@example.org,fr,FR,Paris,48.8566,2.3522,,,,,,
EOF
hw import registrants r.csv --db t.db >/dev/null
INC=$(hw incident create --db t.db --country NP --title "Earthquake in Nepal" --type earthquake)
q() { sqlite3 t.db "$1"; }
pid() { q "SELECT id FROM person WHERE external_id = '$1'"; }

# ---- Bad input ----
expect_status 2 hw notify --db t.db
expect_in err "--incident"
expect_status 2 hw notify --db t.db --incident 999
expect_in err "no incident 999"
expect_status 2 hw notify --db t.db --incident "$INC" --template nosuch
expect_in err "template: there is no template 'nosuch'"
expect_status 2 hw notify --db t.db --incident "$INC" --channels email,fax
expect_in err "'fax' is not a channel"
expect_status 2 hw notify --db t.db --incident "$INC" --base-url ftp://x
expect_in err "base-url"
expect_eq "$(q 'SELECT count(*) FROM message')" 0 "nothing written by refused calls"

# ---- Enqueue: counts per channel ----
expect_status 0 hw notify --db t.db --incident "$INC" --base-url https://homeward.example/
expect_in out "7 persons; queued 5 email, 5 sms, 0 webhook; 0 already queued; 4 without an address"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $INC AND state = 'queued'")" 10 "queued rows"
# Nobody outside the area (P-FAR in France).
expect_eq "$(q "SELECT count(*) FROM message WHERE person_id = $(pid P-FAR)")" 0 "messages outside the area"
# Addresses: the person's e-mail and phone.
expect_eq "$(q "SELECT recipient FROM message WHERE person_id = $(pid P-EN) AND channel = 'email'")" \
	anna@example.org "e-mail recipient"
expect_eq "$(q "SELECT recipient FROM message WHERE person_id = $(pid P-EN) AND channel = 'sms'")" \
	+9779841000001 "SMS recipient"
# The link is BASE_URL/c/TOKEN with the person's check-in token.
tok=$(q "SELECT token FROM checkin_token WHERE incident_id = $INC AND person_id = $(pid P-EN)")
[ ${#tok} -eq 22 ] || fail "no check-in token for P-EN: '$tok'"
q "SELECT body FROM message WHERE person_id = $(pid P-EN) AND channel = 'email'" > mail.txt
expect_in mail.txt "https://homeward.example/c/$tok"
q "SELECT body FROM message WHERE person_id = $(pid P-EN) AND channel = 'sms'" > sms.txt
expect_in sms.txt "https://homeward.example/c/$tok"
expect_eq "$(q "SELECT subject FROM message WHERE person_id = $(pid P-EN) AND channel = 'email'")" \
	"Please check in now: Earthquake in Nepal" "English subject"
# Persons without any address get no token (nothing to carry it).
expect_eq "$(q "SELECT count(*) FROM checkin_token WHERE person_id = $(pid P-NONE)")" 0 "token without a message"
# The audit log has the decision.
hw audit list --db t.db --limit 1 > audit.txt
expect_in audit.txt "notify"
expect_in audit.txt "incident:$INC"

# ---- Templates per language, with the fallback ----
lang() { q "SELECT language FROM message WHERE person_id = $(pid "$1") LIMIT 1"; }
expect_eq "$(lang P-EN)" en "P-EN's language"
expect_eq "$(lang P-FR)" fr "P-FR's language"
expect_eq "$(lang P-ES)" es "es-419 -> es"
expect_eq "$(lang P-AR)" ar "P-AR's language"
expect_eq "$(lang P-ZH)" zh "zh-CN -> zh"
expect_eq "$(lang P-DE)" en "de falls back to English"
body() { q "SELECT coalesce(subject, '') || ' ' || body FROM message WHERE person_id = $(pid "$1") AND channel = '$2'" > body.txt; }
body P-FR email; expect_in body.txt "Donnez-nous de vos nouvelles : Earthquake in Nepal"; expect_in body.txt "Bonjour Jean Dupont,"
body P-ES email; expect_in body.txt "Díganos cómo se encuentra"; expect_in body.txt "Hola, Lucia Garcia:"
# Arabic and Chinese use the name in the person's own script.
body P-AR email; expect_in body.txt "طمئنونا عليكم"; expect_in body.txt "عمر حداد"
body P-ZH sms; expect_in body.txt "您是否平安"
body P-DE email; expect_in body.txt "Dear Hans Muller,"

# ---- Idempotency: again adds nothing ----
expect_status 0 hw notify --db t.db --incident "$INC" --base-url https://homeward.example
expect_in out "queued 0 email, 0 sms, 0 webhook; 10 already queued"
expect_eq "$(q 'SELECT count(*) FROM message')" 10 "rows after a second notify"
# A new channel adds only its own messages; the link stays the same.
expect_status 0 hw notify --db t.db --incident "$INC" --channels sms,webhook --base-url https://homeward.example
expect_in out "queued 0 email, 0 sms, 7 webhook; 5 already queued"
q "SELECT body FROM message WHERE person_id = $(pid P-EN) AND channel = 'webhook'" > hook.json
expect_eq "$(jq -r .link hook.json)" "https://homeward.example/c/$tok" "webhook link"
expect_eq "$(jq -r .person.external_id hook.json)" P-EN "webhook person"
expect_eq "$(jq -r .incident.id hook.json)" "$INC" "webhook incident"
expect_eq "$(q "SELECT body FROM message WHERE person_id = $(pid P-ZH) AND channel = 'webhook'" | jq -r .person.name)" 王丽 "webhook name in Chinese"
expect_eq "$(q "SELECT count(*) FROM checkin_token WHERE incident_id = $INC")" 7 "one token per person"

# ---- Killed in the middle, then run again: no duplicates ----
hw init --db big.db >/dev/null
qb() { sqlite3 big.db "$1"; }
"$HOMEWARD_REL" gen --people 20000 --seed 7 --nationality US --out big.csv >/dev/null
"$HOMEWARD_REL" import registrants big.csv --db big.db >/dev/null
BIG=$(hw incident create --db big.db --country MX --title "Storm" --type storm)
nbig=$(qb "SELECT count(*) FROM roster WHERE incident_id = $BIG AND in_area = 1")
[ "$nbig" -gt 1000 ] || fail "the big roster is small: $nbig"
"$HOMEWARD" notify --db big.db --incident "$BIG" --channels webhook >/dev/null 2>&1 &
kpid=$!
sleep 0.05
kill -9 $kpid 2>/dev/null || true
wait $kpid 2>/dev/null || true
got=$(qb "SELECT count(*) FROM message WHERE incident_id = $BIG")
[ "$got" = 0 ] || [ "$got" = "$nbig" ] || fail "a killed notify left $got of $nbig rows"
expect_status 0 hw notify --db big.db --incident "$BIG" --channels webhook --json
expect_eq "$(qb "SELECT count(*) FROM message WHERE incident_id = $BIG")" "$nbig" "rows after the rerun"
expect_eq "$(jq -r '.webhook + .existing' out)" "$nbig" "new + existing after the rerun"
expect_eq "$(qb "SELECT count(*) FROM (SELECT person_id FROM message WHERE incident_id = $BIG GROUP BY person_id HAVING count(*) > 1)")" 0 "duplicates"
# A roster this large is rendered by a second thread: each message still
# has its own person's link and external id, and rows are in person order.
expect_eq "$(qb "SELECT count(*) FROM message m JOIN checkin_token t ON t.incident_id = m.incident_id AND t.person_id = m.person_id JOIN person p ON p.id = m.person_id WHERE m.incident_id = $BIG AND m.body LIKE '%/c/' || t.token || '\"%' AND m.recipient = p.external_id")" "$nbig" "messages with their own person's link"
expect_eq "$(qb "SELECT count(*) FROM message a JOIN message b ON b.id = a.id + 1 WHERE a.incident_id = $BIG AND b.incident_id = $BIG AND b.person_id < a.person_id")" 0 "rows out of person order"

# ---- Exercise: suppressed, never to real contacts ----
EX=$(hw incident create --db t.db --country NP --title "Drill" --exercise)
expect_status 0 hw notify --db t.db --incident "$EX"
expect_in out "exercise: the 10 new messages are suppressed, never sent"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $EX AND state <> 'suppressed'")" 0 "unsuppressed exercise messages"
# The drill goes on: its persons count as notified.
expect_eq "$(q "SELECT count(*) FROM roster WHERE incident_id = $EX AND status = 'notified'")" 6 "notified in the exercise"
# A dispatcher never claims them.
# (Nothing listens there: the other incidents' webhooks die at once.)
hw dispatch --db t.db --once --webhook-url http://127.0.0.1:9/none --poll-ms 50 --attempts 1 >/dev/null 2>&1 || true
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $EX AND state <> 'suppressed'")" 0 "exercise after dispatch"

# ---- SMS segments: long instructions are cut, never the link ----
LONG=$(printf 'Stay indoors away from windows and wait for instructions. %.0s' $(seq 1 20))
SEG=$(hw incident create --db t.db --country NP --title "Aftershock")
expect_status 0 hw notify --db t.db --incident "$SEG" --channels sms --instructions "$LONG"
etok=$(q "SELECT token FROM checkin_token WHERE incident_id = $SEG AND person_id = $(pid P-EN)")
q "SELECT body FROM message WHERE incident_id = $SEG AND person_id = $(pid P-EN)" > sms.txt
expect_in sms.txt "/c/$etok"
expect_in sms.txt "..."
# GSM-7: 3 segments hold 459 septets (this text has no extension characters).
n=$(q "SELECT length(body) FROM message WHERE incident_id = $SEG AND person_id = $(pid P-EN)")
[ "$n" -le 459 ] && [ "$n" -gt 400 ] || fail "English SMS of $n characters"
# UCS-2 (Chinese): 3 segments hold 201 units.
n=$(q "SELECT length(body) FROM message WHERE incident_id = $SEG AND person_id = $(pid P-ZH)")
[ "$n" -le 201 ] || fail "Chinese SMS of $n characters"
q "SELECT body FROM message WHERE incident_id = $SEG AND person_id = $(pid P-ZH)" > sms.txt
expect_in sms.txt "/c/"
# One segment: still the link.
S1=$(hw incident create --db t.db --country NP --title "A very long incident title that goes on and on about the earthquake")
expect_status 0 hw notify --db t.db --incident "$S1" --channels sms --sms-segments 1 --instructions "$LONG"
n=$(q "SELECT max(length(body)) FROM message WHERE incident_id = $S1 AND language IN ('en', 'fr', 'es')")
[ "$n" -le 160 ] || fail "one-segment SMS of $n characters"
n=$(q "SELECT count(*) FROM message WHERE incident_id = $S1 AND body NOT LIKE '%/c/%'")
expect_eq "$n" 0 "one-segment SMS without their link"

# ---- A closed incident is not notified ----
CL=$(hw incident create --db t.db --country NP --title "Closed")
hw incident close --db t.db "$CL" >/dev/null
expect_status 2 hw notify --db t.db --incident "$CL"
expect_in err "is closed"

# ---- The API ----
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-FR --name "Embassy in Paris" --countries FR >/dev/null
adduser() { echo "$1-password-1" | hw user add --db t.db --login "$1" --role "$2" ${3:+--mission "$3"} --password-stdin >/dev/null; }
adduser hq1 hq
adduser off-np officer EMB-NP
adduser off-fr officer EMB-FR
adduser aud auditor
API=$(hw incident create --db t.db --country NP --title "Floods")
HOMEWARD_BASE_URL=https://hw.example serve_start --db t.db
sign_in off-fr off-fr-password-1
expect_http 404 POST "/api/v1/incidents/$API/notify" '{"template":"alert"}'
expect_http 404 GET "/api/v1/incidents/$API/messages"
sign_in aud aud-password-1
expect_http 403 POST "/api/v1/incidents/$API/notify" '{"template":"alert"}'
sign_in off-np off-np-password-1
expect_http 422 POST "/api/v1/incidents/$API/notify" '{"template":"nosuch"}'
expect_eq "$(jqb .error.field)" template "bad template's field"
expect_http 422 POST "/api/v1/incidents/$API/notify" '{"channels":["pigeon"]}'
expect_eq "$(jqb .error.field)" channels "bad channel's field"
expect_http 422 POST "/api/v1/incidents/$API/notify" '{"colour":"red"}'
expect_http 202 POST "/api/v1/incidents/$API/notify" '{"template":"alert","channels":["email"]}'
expect_eq "$(jqb .queued.email)" 5 "API: e-mails queued"
expect_eq "$(jqb .persons)" 7 "API: persons"
expect_eq "$(jqb .no_address)" 2 "API: without an e-mail"
expect_http 202 POST "/api/v1/incidents/$API/notify" '{"channels":["email"]}'
expect_eq "$(jqb .total)" 0 "API: again"
expect_eq "$(jqb .existing)" 5 "API: existing"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $API AND body LIKE '%https://hw.example/c/%'")" 5 "server's base URL"
expect_http 200 GET "/api/v1/incidents/$API/messages?limit=2"
expect_eq "$(jqb '.items | length')" 2 "a page of 2"
expect_eq "$(jqb .counts.queued)" 5 "count queued"
expect_eq "$(jqb '.items[0].channel')" email "item channel"
expect_eq "$(jqb '.items[0].state')" queued "item state"
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/incidents/$API/messages?limit=100&after=$after"
expect_eq "$(jqb '.items | length')" 3 "the rest"
expect_eq "$(jqb .next_after)" null "last page"
expect_http 200 GET "/api/v1/incidents/$API/messages?state=sent"
expect_eq "$(jqb '.items | length')" 0 "none sent"
expect_http 400 GET "/api/v1/incidents/$API/messages?state=lost"
expect_http 400 GET "/api/v1/incidents/$API/messages?channel=fax"
sign_in aud aud-password-1
expect_http 200 GET "/api/v1/incidents/$API/messages?state=queued&channel=email"
expect_eq "$(jqb '.items | length')" 5 "auditor reads"
expect_in serve.err "" # the server ran
! grep -q "ERROR: AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }
echo ok
