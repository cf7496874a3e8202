# Check-ins: the /c/TOKEN page in a real HTTP client (languages, escaping,
# bad links, a closed incident), form answers recorded durably with their
# history and audit entry, bad form values refused with the form again;
# SMS replies in several languages through the gateway's hook (secret,
# duplicates, unknown text kept as a note); officers recording calls.
. "$TESTS/t/lib.sh"
. "$TESTS/t/crisis-lib.sh"

crisis_fixture 'Quake <script>alert(1)</script> & aftershocks'
HOMEWARD_SMS_SECRET=s3cret-hook serve_start --db t.db
T1=$(tok T-1) T2=$(tok T-2) T3=$(tok T-3) T4=$(tok T-4) T5=$(tok T-5)
P1=$(pid T-1) P4=$(pid T-4) P6=$(pid T-6)

# ---- The page ----
expect_http 200 GET "/c/$T1"
expect_in body '<html lang="fr" dir="ltr">'
expect_in body 'Je suis en sécurité'
expect_in body 'J&#39;ai besoin d&#39;aide'
expect_in body 'Quake &lt;script&gt;alert(1)&lt;/script&gt; &amp; aftershocks'
expect_not_in body '<script>alert'
expect_in body 'name="status" value="safe"'
expect_in body 'name="status" value="needs-help"'
expect_in body 'name="status" value="wants-evacuation"'
expect_in body 'name="party_size"'
expect_in body '<script src="/assets/checkin.js"></script>'
# The person's language, or the one asked for, or the browser's, or English.
expect_http 200 GET "/c/$T2"
expect_in body 'lang="zh"'
expect_in body '我很安全'
expect_http 200 GET "/c/$T3"
expect_in body '<html lang="ar" dir="rtl">'
expect_in body 'أنا بأمان'
expect_http 200 GET "/c/$T4"
expect_in body 'Estoy a salvo'
expect_http 200 GET "/c/$T1?lang=ar"
expect_in body 'dir="rtl"'
expect_http 200 GET "/c/$T1?lang=xx"
expect_in body 'lang="fr"'
expect_http 200 GET "/c/$T5"
expect_in body 'lang="en"'
expect_in body "I&#39;m safe"
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Accept-Language: es-MX,es;q=0.9' "$BASE/c/$T5")
expect_eq "$STATUS" 200 "Accept-Language"
expect_in body 'lang="es"'
# Security headers: no inline script or style can run.
curl -s -D headers -o /dev/null "$BASE/c/$T1"
expect_in headers "Content-Security-Policy: default-src 'self'"
expect_in headers 'Content-Type: text/html; charset=utf-8'
# The page's files.
expect_http 200 GET /assets/checkin.css
expect_in body 'button.safe'
expect_http 200 GET /assets/checkin.js
expect_in body 'geolocation'
expect_http 404 GET /assets/nope.css
expect_http 404 GET /assets/checkin.txt
# Bad links: unknown, malformed, too short.
expect_http 404 GET /c/tok9999999999999999999
expect_in body 'not valid'
expect_http 404 GET "/c/tok000000000000000000%3C"
expect_http 404 GET /c/short
# JSON for apps.
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Accept: application/json' "$BASE/c/$T1")
expect_eq "$STATUS" 200 "JSON page"
expect_eq "$(jqb .incident.id)" "$INC" "JSON incident"
expect_eq "$(jqb .status)" unknown "JSON status"

# ---- Answers from the page ----
form POST "/c/$T1" 'status=safe&party_size=3&note=At+the+hotel%2C+all+fine&lat=27.71&lon=85.32&lang=fr'
expect_eq "$STATUS" 200 "check-in"
expect_in body 'Merci.'
expect_in body 'Je suis en sécurité'
expect_eq "$(status_of T-1)" safe "status after the check-in"
expect_eq "$(sqlite3 t.db "SELECT party_size || '|' || note || '|' || lat || '|' || lon FROM roster WHERE person_id = $P1")" \
	"3|At the hotel, all fine|27.71|85.32" "the answer's details"
expect_eq "$(sqlite3 t.db "SELECT source || '|' || actor FROM roster_event WHERE person_id = $P1 ORDER BY id DESC LIMIT 1")" \
	"checkin|checkin:tok000" "the history"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'roster-checkin' AND object = 'person:$P1'")" 1 "audited"
# The page now shows the last answer; a second answer replaces it.
expect_http 200 GET "/c/$T1"
expect_in body 'Votre dernière réponse'
form POST "/c/$T1" 'status=needs-help'
expect_eq "$STATUS" 200 "second check-in"
expect_in body 'Un agent vous contactera'
expect_eq "$(status_of T-1)" needs-help "status after the second check-in"
expect_eq "$(sqlite3 t.db "SELECT party_size FROM roster WHERE person_id = $P1")" 3 "details kept"
form POST "/c/$T4" 'status=wants-evacuation&party_size=&note='
expect_eq "$STATUS" 200 "leave"
expect_in body 'Necesito salir'
expect_eq "$(status_of T-4)" wants-evacuation "status: leave"
# JSON answers.
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Accept: application/json' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data 'status=safe' "$BASE/c/$T2")
expect_eq "$STATUS" 200 "JSON check-in"
expect_eq "$(jqb .recorded)" true "JSON recorded"
expect_eq "$(status_of T-2)" safe "status after the JSON check-in"

# ---- Bad answers: the form again with the reason, nothing written ----
events=$(sqlite3 t.db "SELECT count(*) FROM roster_event")
form POST "/c/$T3" 'status=fine'
expect_eq "$STATUS" 422 "bad status"
expect_in body 'class="error"'
expect_in body 'يرجى اختيار إحدى الإجابات الثلاث'
form POST "/c/$T3" 'lang=en'
expect_eq "$STATUS" 422 "no status"
expect_in body 'Please choose one of the three answers.'
form POST "/c/$T3" 'status=safe&party_size=0&lang=en'
expect_eq "$STATUS" 422 "party of 0"
expect_in body 'from 1 to 999'
form POST "/c/$T3" 'status=safe&party_size=12abc&lang=en'
expect_eq "$STATUS" 422 "party not a number"
expect_in body 'value="12abc"'
form POST "/c/$T3" 'status=safe&lat=95&lon=10&lang=en'
expect_eq "$STATUS" 422 "latitude out of range"
form POST "/c/$T3" 'status=safe&lat=10&lang=en'
expect_eq "$STATUS" 422 "latitude without longitude"
long=$(head -c 1001 /dev/zero | tr '\0' x)
form POST "/c/$T3" "status=safe&note=$long&lang=en"
expect_eq "$STATUS" 422 "note too long"
expect_in body 'at most 1000'
form POST "/c/$T3" 'status=safe&note=%3Cb%3Ebold%3C%2Fb%3E&party_size=x&lang=en'
expect_eq "$STATUS" 422 "note kept escaped"
expect_in body '&lt;b&gt;bold&lt;/b&gt;</textarea>'
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Content-Type: application/json' --data '{"status":"safe"}' "$BASE/c/$T3")
expect_eq "$STATUS" 415 "JSON body"
form POST /c/tok9999999999999999999 'status=safe'
expect_eq "$STATUS" 404 "unknown link"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster_event")" "$events" "nothing written"
expect_eq "$(status_of T-3)" unknown "T-3 unchanged"

# ---- SMS replies ----
sms() {   # sms SECRET CONTENT-TYPE BODY
	STATUS=$(printf '%s' "$3" | curl -s -o body -w '%{http_code}' -X POST \
		${1:+-H "X-Webhook-Secret: $1"} -H "Content-Type: $2" --data-binary @- \
		"$BASE/api/v1/hooks/sms/inbound")
}
sms "" application/json '{"from":"+9779841000003","text":"SAFE","id":"g0"}'
expect_eq "$STATUS" 401 "SMS without the secret"
sms wrong application/json '{"from":"+9779841000003","text":"SAFE","id":"g0"}'
expect_eq "$STATUS" 401 "SMS with a wrong secret"
sms s3cret-hook application/json '{"from":"+9779841000003","text":"مساعدة","id":"g1"}'
expect_eq "$STATUS" 200 "SMS in Arabic"
expect_eq "$(jqb .status)/$(jqb .entries)" needs-help/1 "SMS read"
expect_eq "$(status_of T-3)" needs-help "status after the Arabic SMS"
expect_eq "$(sqlite3 t.db "SELECT source FROM roster_event WHERE person_id = $(pid T-3) ORDER BY id DESC LIMIT 1")" sms "SMS source"
# The gateway retries: recorded once.
sms s3cret-hook application/json '{"from":"+9779841000003","text":"مساعدة","id":"g1"}'
expect_eq "$STATUS/$(jqb .duplicate)" 200/true "SMS delivered twice"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM roster_event WHERE person_id = $(pid T-3) AND source = 'sms'")" 1 "one event for the retried SMS"
sms s3cret-hook application/x-www-form-urlencoded 'from=%2B33+6+12+34+50+04&text=A+SALVO+4&id=g2'
expect_eq "$STATUS/$(jqb .status)" 200/safe "SMS in Spanish, as a form, number with spaces"
expect_eq "$(status_of T-4)" safe "status after the Spanish SMS"
expect_eq "$(sqlite3 t.db "SELECT party_size FROM roster WHERE person_id = $P4")" 4 "party size from the SMS"
sms s3cret-hook application/json '{"from":"+9779841000002","text":"离开","id":"g3"}'
expect_eq "$(jqb .status)" wants-evacuation "SMS in Chinese"
sms s3cret-hook application/json '{"from":"+33612345005","text":"en sécurité","id":"g4"}'
expect_eq "$(jqb .status)" safe "SMS in French"
sms s3cret-hook application/json '{"from":"+33612345005","text":"Where do we go?","id":"g5"}'
expect_eq "$STATUS/$(jqb .recognised)/$(jqb .entries)" 200/false/1 "unknown text"
expect_eq "$(status_of T-5)" safe "status unchanged by unknown text"
expect_eq "$(sqlite3 t.db "SELECT note FROM roster WHERE person_id = $(pid T-5)")" "Where do we go?" "kept as a note"
sms s3cret-hook application/json '{"from":"+4915112345006","text":"HELP","id":"g6"}'
expect_eq "$STATUS/$(jqb .entries)" 200/0 "a sender on no open roster"
sms s3cret-hook application/json '{"from":"+10000000000","text":"HELP"}'
expect_eq "$STATUS/$(jqb .entries)" 200/0 "an unknown sender"
sms s3cret-hook application/json '{"from":"12345","text":"HELP"}'
expect_eq "$STATUS" 422 "not a phone number"
expect_eq "$(jqb .error.field)" from "the field named"
sms s3cret-hook application/json '{"from":"+33612345005"}'
expect_eq "$STATUS" 422 "no text"
sms s3cret-hook text/plain 'SAFE'
expect_eq "$STATUS" 415 "plain text"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM sms_inbound")" 7 "every delivered SMS kept once"

# ---- Officers' calls ----
sign_in off-np off-np-password-1
expect_http 201 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P1,\"status\":\"injured\",\"note\":\"broken arm, at the hospital\",\"party_size\":2}"
expect_eq "$(jqb .source)" call "call source"
expect_eq "$(status_of T-1)" injured "status after the call"
expect_eq "$(sqlite3 t.db "SELECT source || '|' || actor FROM roster_event WHERE person_id = $P1 ORDER BY id DESC LIMIT 1")" \
	"call|user:off-np" "the call in the history"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'roster-call' AND actor = 'user:off-np'")" 1 "call audited"
# Outside the officer's jurisdiction: as if it did not exist.
expect_http 404 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P4,\"status\":\"safe\"}"
expect_http 422 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P1,\"status\":\"fine\"}"
expect_eq "$(jqb .error.field)" status "bad status named"
expect_http 422 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P1,\"status\":\"safe\",\"party_size\":0}"
expect_eq "$(jqb .error.field)" party_size "bad party size named"
expect_http 422 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P1}"
expect_http 404 POST "/api/v1/incidents/999/checkins" "{\"person_id\":$P1,\"status\":\"safe\"}"
sign_in hq1 hq1-password-1
expect_http 201 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P4,\"status\":\"evacuated\"}"
expect_eq "$(status_of T-4)" evacuated "hq's call"
# Not on the roster (outside the area).
expect_http 404 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P6,\"status\":\"safe\"}"
expect_eq "$(jqb .error.field)" person_id "person not on the roster"
sign_in aud aud-password-1
expect_http 403 POST "/api/v1/incidents/$INC/checkins" "{\"person_id\":$P4,\"status\":\"safe\"}"
TOKEN=

# ---- A closed incident takes no more answers ----
hw incident close --db t.db "$INC" >/dev/null
expect_http 410 GET "/c/$T5"
expect_in body 'closed'
form POST "/c/$T5" 'status=safe'
expect_eq "$STATUS" 410 "check-in on a closed incident"

serve_stop
! grep -q 'ERROR: AddressSanitizer\|runtime error' serve.err || { cat serve.err; fail "sanitizer report"; }
echo ok
