# homeward dispatch (and serve's dispatchers) against a real SMTP server
# (aiosmtpd) and local HTTP sinks standing for the SMS gateway and a
# webhook receiver: every message sent exactly once, SMTP sessions
# reused, retries with backoff, dead letters, refusals, delivery
# receipts, the rate limit, escalation, and a dispatcher killed or
# stopped in the middle.
. "$TESTS/t/lib.sh"

PY=python3
$PY -c 'import aiosmtpd' 2>/dev/null || PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || fail "python3-aiosmtpd is missing: run scripts/install-deps.sh"
TOOLS="$TESTS/tools"

SINKS=""
cleanup() {
	for p in $SINKS; do kill "$p" 2>/dev/null || true; done
	serve_stop
}
trap cleanup EXIT

# sink NAME smtp|http [ARGS...]: start a sink writing into ./NAME; its
# port goes to the variable NAME_PORT.
sink() {
	_name=$1 _kind=$2
	shift 2
	rm -rf "$_name" "$_name.port"
	$PY "$TOOLS/$_kind-sink.py" "$_name" --port-file "$_name.port" "$@" 2>"$_name.err" &
	SINKS="$SINKS $!"
	_i=0
	while [ ! -s "$_name.port" ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || { cat "$_name.err"; fail "the $_name sink did not start"; }
		sleep 0.1
	done
	eval "${_name}_PORT=\$(cat $_name.port)"
}
files() { find "$1" -name "$2" | wc -l | tr -d ' '; }
# wait_sent N: until the webhook sink has accepted N messages.
wait_sent() {
	_i=0
	while [ "$(grep -c '^ok' hook/sink.log 2>/dev/null || true)" -lt "$1" ]; do
		_i=$((_i + 1)); [ $_i -lt 200 ] || fail "nothing reached the sink"
		sleep 0.05
	done
}
q() { sqlite3 t.db "$1"; }
pid() { q "SELECT id FROM person WHERE external_id = '$1'"; }
now() { date +%s.%N; }

hw init --db t.db >/dev/null
cat > r.csv <<'EOF'
external_id,family_name,given_name,native_name,sex,date_of_birth,nationality,passport_no,phone,email,language,country,city,lat,lon,arrival,departure,purpose,organisation,party_id,needs
P-EN,Smith,Anna,,F,1980-01-01,IN,,+9779841000001,anna@example.org,en,NP,Kathmandu,27.7172,85.324,,,,,,
P-FR,Dupont,Jean,,M,1975-05-05,IN,,+9779841000002,jean@example.org,fr,NP,Kathmandu,27.7172,85.324,,,,,,
P-ES,Garcia,Lucia,,F,1990-02-02,IN,,+9779841000003,lucia@example.org,es,NP,Pokhara,28.2096,83.9856,,,,,,
P-AR,Haddad,Omar,عمر حداد,M,1985-03-03,IN,,+9779841000004,omar@example.org,ar,NP,Kathmandu,27.7172,85.324,,,,,,
P-ZH,Wang,Li,王丽,F,1995-04-04,IN,,+9779841000005,,zh,NP,Kathmandu,27.7172,85.324,,,,,,
P-DE,Muller,Hans,,M,1970-06-06,IN,,,hans@example.org,de,NP,Kathmandu,27.7172,85.324,,,,,,
P-NONE,Kumar,Ravi,,M,1988-07-07,IN,,,,,NP,Kathmandu,27.7172,85.324,,,,,,
EOF
hw import registrants r.csv --db t.db >/dev/null
# Emergency contacts: Anna's by e-mail, Hans's by phone only.
q "INSERT INTO emergency_contact (person_id, name, relation, phone, email, created_at) VALUES
   ($(pid P-EN), 'Bob Smith', 'brother', NULL, 'bob@example.org', '2026-01-01T00:00:00Z'),
   ($(pid P-DE), 'Greta Muller', 'wife', '+491511234567', NULL, '2026-01-01T00:00:00Z')"

sink mail smtp
sink sms http --token gw-token
sink hook http
SMTP="--smtp-url smtp://127.0.0.1:$mail_PORT"
SMS="--sms-url http://127.0.0.1:$sms_PORT/send --sms-token gw-token"
HOOK="--webhook-url http://127.0.0.1:$hook_PORT/hook"

# ---- Everything once, on every channel ----
INC=$(hw incident create --db t.db --country NP --title "Earthquake in Nepal")
expect_status 0 hw notify --db t.db --incident "$INC" --channels email,sms,webhook
expect_in out "queued 5 email, 5 sms, 7 webhook"
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS $HOOK --email-connections 1 --escalate-after 0
expect_in out "dispatched 17 messages"
expect_in out "0 retries, 0 dead"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $INC AND state = 'sent' AND sent_at IS NOT NULL")" 17 "sent rows"
expect_eq "$(q "SELECT count(*) FROM message WHERE claimed_by IS NOT NULL")" 0 "claims left"
expect_eq "$(files mail '*.eml')" 5 "e-mails received"
expect_eq "$(files sms '*.json')" 5 "SMS received"
expect_eq "$(files hook '*.json')" 7 "webhooks received"
# One SMTP session carried all five (one connection allowed).
expect_eq "$(grep -c '^connect' mail/sink.log)" 1 "SMTP sessions"
# Each e-mail is its message: the Message-ID recorded as provider id,
# the subject encoded and decoded back, the link in the body.
for f in mail/*.eml; do
	$PY - "$f" > mail.txt <<'PYEOF'
import email, email.header, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
print(m["Message-ID"]); print(m["To"]); print(subj)
print(m.get_content_type(), m.get_content_charset())
print(m.get_payload(decode=True).decode("utf-8"))
PYEOF
	mid=$(sed -n 1p mail.txt)
	id=$(q "SELECT id FROM message WHERE provider_id = '$mid' AND channel = 'email'")
	[ -n "$id" ] || fail "no message has Message-ID $mid"
	expect_eq "$(sed -n 2p mail.txt)" "<$(q "SELECT recipient FROM message WHERE id = $id")>" "To of $mid"
	expect_eq "$(sed -n 3p mail.txt)" "$(q "SELECT subject FROM message WHERE id = $id")" "Subject of $mid"
	expect_eq "$(sed -n 4p mail.txt)" "text/plain utf-8" "content type of $mid"
	tok=$(q "SELECT t.token FROM checkin_token t JOIN message m ON m.incident_id = t.incident_id AND m.person_id = t.person_id WHERE m.id = $id")
	expect_in mail.txt "/c/$tok"
done
grep -q '^Subject: =?UTF-8?B?' mail/*.eml || fail "no encoded subject"
expect_eq "$(grep -h '^Message-ID' mail/*.eml | sort -u | wc -l | tr -d ' ')" 5 "distinct Message-IDs"
# The gateway got JSON with the token, the number and the text, and its
# ids were recorded.
for f in sms/*.json; do
	gid=$(jq -r .id "$f")
	id=$(q "SELECT id FROM message WHERE provider_id = '$gid' AND channel = 'sms'")
	[ -n "$id" ] || fail "gateway id $gid not recorded"
	expect_eq "$(jq -r .headers.Authorization "$f")" "Bearer gw-token" "gateway auth"
	expect_eq "$(jq -r .headers.\"Idempotency-Key\" "$f")" "hw-$id-$INC-$(q "SELECT person_id FROM message WHERE id = $id")" "idempotency key"
	expect_eq "$(jq -r '.body | fromjson | .to' "$f")" "$(q "SELECT recipient FROM message WHERE id = $id")" "SMS to"
	expect_eq "$(jq -r '.body | fromjson | .text' "$f")" "$(q "SELECT body FROM message WHERE id = $id")" "SMS text"
done
expect_eq "$(jq -r '.body | fromjson | .person.external_id' hook/*.json | sort | tr '\n' ' ')" \
	"P-AR P-DE P-EN P-ES P-FR P-NONE P-ZH " "webhook persons"
jq -r '.body | fromjson | .message_id' hook/*.json | grep -qx '[0-9]*' || fail "webhook without message_id"
# Everyone reached is notified on the roster; P-NONE only had the webhook,
# which is not a way to reach a person... but counts as sent to them.
expect_eq "$(q "SELECT count(*) FROM roster WHERE incident_id = $INC AND status = 'notified'")" 7 "notified"
expect_eq "$(q "SELECT count(*) FROM roster_event WHERE incident_id = $INC AND status = 'notified'")" 7 "one event each"
# Again: nothing more goes out.
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS $HOOK --escalate-after 0
expect_in out "dispatched 0 messages"
expect_eq "$(files mail '*.eml') $(files sms '*.json') $(files hook '*.json')" "5 5 7" "after a second dispatch"

# ---- Retries with backoff, then success ----
sink sms http --fail-first 3
SMS="--sms-url http://127.0.0.1:$sms_PORT/send"
R=$(hw incident create --db t.db --country NP --title "Aftershock")
hw notify --db t.db --incident "$R" --channels sms >/dev/null
t0=$(now)
expect_status 0 hw dispatch --db t.db --once $SMS --sms-connections 1 --backoff-ms 400 --escalate-after 0
t1=$(now)
expect_in out "dispatched 5 messages"
expect_in out "3 retries, 0 dead"
expect_in err "attempt 1 of 6: sms: HTTP 503"
expect_eq "$(grep -c '^fail 503' sms/sink.log) $(grep -c '^ok' sms/sink.log)" "3 5" "gateway log"
expect_eq "$(q "SELECT sum(attempts) FROM message WHERE incident_id = $R")" 8 "attempts"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $R AND state = 'sent' AND last_error IS NULL")" 5 "sent after retries"
# The delays: 200-400 ms after a first failure, 400-800 after a second,
# 800-1600 after a third; the run waited at least the shortest.
$PY -c "import sys; sys.exit(0 if $t1 - $t0 >= 0.2 else 1)" || fail "retries came too soon: $t0 .. $t1"
grep -o 'next in [0-9.]* s' err | while read -r _ _ d _; do
	$PY -c "import sys; sys.exit(0 if 0.2 <= $d <= 1.6 else 1)" || fail "a backoff of $d s"
done

# ---- Dead letters: after the last attempt, and refusals at once ----
sink sms http --fail-first 1000
D=$(hw incident create --db t.db --country NP --title "Outage")
hw notify --db t.db --incident "$D" --channels sms >/dev/null
expect_status 0 hw dispatch --db t.db --once --sms-url "http://127.0.0.1:$sms_PORT/send" --attempts 3 --backoff-ms 50 --escalate-after 0
expect_in out "dispatched 0 messages"
expect_in out ", 5 dead"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $D AND state = 'dead' AND attempts = 3 AND last_error LIKE '%HTTP 503%'")" 5 "dead after 3 attempts"
expect_eq "$(grep -c '^fail 503' sms/sink.log)" 15 "attempts seen by the gateway"
sink sms http --status 422
D2=$(hw incident create --db t.db --country NP --title "Refused")
hw notify --db t.db --incident "$D2" --channels sms >/dev/null
expect_status 0 hw dispatch --db t.db --once --sms-url "http://127.0.0.1:$sms_PORT/send" --escalate-after 0
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $D2 AND state = 'dead' AND attempts = 1 AND last_error LIKE '%HTTP 422%'")" 5 "refused: dead at once"
# SMTP: a refused mailbox is dead, the others go.
sink mail smtp --refuse anna@
D3=$(hw incident create --db t.db --country NP --title "Refused mailbox")
hw notify --db t.db --incident "$D3" --channels email >/dev/null
expect_status 0 hw dispatch --db t.db --once --smtp-url "smtp://127.0.0.1:$mail_PORT" --escalate-after 0
expect_eq "$(q "SELECT state FROM message WHERE incident_id = $D3 AND recipient = 'anna@example.org'")" dead "refused mailbox"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $D3 AND state = 'sent'")" 4 "other mailboxes"
expect_eq "$(files mail '*.eml')" 4 "e-mails through"

# ---- The rate limit ----
sink hook http
RL=$(hw incident create --db t.db --country NP --title "Rate")
hw notify --db t.db --incident "$RL" --channels webhook >/dev/null
t0=$(now)
expect_status 0 hw dispatch --db t.db --once --webhook-url "http://127.0.0.1:$hook_PORT/hook" --webhook-rate 4 --escalate-after 0
t1=$(now)
expect_in out "dispatched 7 messages"
# Four at once (a second's worth), then one every 250 ms: 750 ms at least.
$PY -c "import sys; sys.exit(0 if $t1 - $t0 >= 0.7 else 1)" || fail "7 messages at 4/s took $t0 .. $t1"

# ---- Delivery receipts through the server ----
SMSINC=$INC
gid=$(q "SELECT provider_id FROM message WHERE incident_id = $SMSINC AND channel = 'sms' LIMIT 1")
mid=$(q "SELECT id FROM message WHERE provider_id = '$gid'")
HOMEWARD_RECEIPT_SECRET=s3cret-s3cret serve_start --db t.db
trap cleanup EXIT
expect_http 401 POST /api/v1/hooks/sms/receipt "{\"id\":\"$gid\",\"status\":\"delivered\"}"
rcpt() { STATUS=$(printf '%s' "$2" | curl -s -o body -w '%{http_code}' -X POST -H "X-Homeward-Secret: $1" \
	-H "Content-Type: ${CT:-application/json}" --data-binary @- "$BASE/api/v1/hooks/sms/receipt"); }
rcpt wrong-secret "{\"id\":\"$gid\",\"status\":\"delivered\"}"
expect_eq "$STATUS" 401 "receipt with a wrong secret"
rcpt s3cret-s3cret '{"id":"gw-nosuch","status":"delivered"}'
expect_eq "$STATUS" 404 "receipt for an unknown id"
rcpt s3cret-s3cret "{\"id\":\"$gid\",\"status\":\"lost\"}"
expect_eq "$STATUS" 422 "receipt with a bad status"
rcpt s3cret-s3cret "{\"status\":\"delivered\"}"
expect_eq "$STATUS" 422 "receipt without an id"
rcpt s3cret-s3cret "{\"id\":\"$gid\",\"status\":\"delivered\"}"
expect_eq "$STATUS" 200 "receipt"
expect_eq "$(jqb .message_id)" "$mid" "receipt's message"
expect_eq "$(q "SELECT state FROM message WHERE id = $mid")" delivered "delivered"
[ -n "$(q "SELECT delivered_at FROM message WHERE id = $mid")" ] || fail "no delivered_at"
# As a form, and a failure report.
gid2=$(q "SELECT provider_id FROM message WHERE incident_id = $SMSINC AND channel = 'sms' AND state = 'sent' LIMIT 1")
CT=application/x-www-form-urlencoded rcpt s3cret-s3cret "id=$gid2&status=undelivered&error=absent+subscriber"
expect_eq "$STATUS" 200 "form receipt"
expect_eq "$(q "SELECT state || ' ' || last_error FROM message WHERE provider_id = '$gid2'")" "dead absent subscriber" "undelivered"
hw audit list --db t.db --limit 5 > audit.txt
expect_in audit.txt "sms-receipt"
serve_stop

# ---- serve runs the dispatchers ----
sink hook http
adduser() { echo "$1-password-1" | hw user add --db t.db --login "$1" --role "$2" --password-stdin >/dev/null; }
adduser hq1 hq
SV=$(hw incident create --db t.db --country NP --title "Served")
HOMEWARD_WEBHOOK_URL="http://127.0.0.1:$hook_PORT/hook" HOMEWARD_POLL_MS=100 HOMEWARD_ESCALATE_AFTER=0 \
	serve_start --db t.db
trap cleanup EXIT
sign_in hq1 hq1-password-1
expect_http 202 POST "/api/v1/incidents/$SV/notify" '{"channels":["webhook"]}'
expect_eq "$(jqb .queued.webhook)" 7 "webhooks queued through the API"
i=0
while [ "$(files hook '*.json')" -lt 7 ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "serve did not send the webhooks"
	sleep 0.1
done
i=0
while [ "$(q "SELECT count(*) FROM message WHERE incident_id = $SV AND state = 'sent'")" -lt 7 ]; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "serve did not record the sends"
	sleep 0.1
done
expect_http 200 GET "/api/v1/incidents/$SV/messages?state=sent"
expect_eq "$(jqb '.counts.sent')" 7 "sent through serve"
serve_stop
expect_eq "$(files hook '*.json')" 7 "webhooks after serve stopped"
! grep -q "AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }

# ---- Escalation: next channel, emergency contacts, the call list ----
sink mail smtp
sink sms http
SMTP="--smtp-url smtp://127.0.0.1:$mail_PORT"
SMS="--sms-url http://127.0.0.1:$sms_PORT/send"
ES=$(hw incident create --db t.db --country NP --title "Landslide")
hw notify --db t.db --incident "$ES" --channels email >/dev/null
stage() { q "SELECT stage FROM escalation WHERE incident_id = $ES AND person_id = $(pid "$1")"; }
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS --escalate-after 1
expect_in out "dispatched 5 messages"
expect_eq "$(stage P-EN)" contacted "P-EN after the alert"
expect_eq "$(stage P-ZH)" "" "P-ZH (no e-mail) not reached"
# Jean answers: his ladder stops.
q "UPDATE roster SET status = 'safe' WHERE incident_id = $ES AND person_id = $(pid P-FR)"
sleep 1.2
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS --escalate-after 1
# Those with a phone get the alert by SMS; Hans (no phone) goes to his
# emergency contact at once.
expect_eq "$(stage P-EN)" next-channel "P-EN, second stage"
expect_eq "$(stage P-AR)" next-channel "P-AR, second stage"
expect_eq "$(stage P-DE)" kin "P-DE, straight to kin"
expect_eq "$(stage P-FR)" contacted "P-FR answered"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $ES AND channel = 'sms' AND kin_id = 0 AND state = 'sent'")" 3 "SMS of the second stage"
expect_eq "$(q "SELECT recipient || ' ' || state FROM message WHERE incident_id = $ES AND kin_id <> 0")" "+491511234567 sent" "Hans's kin by SMS"
grep -l "Hans Muller" sms/*.json >/dev/null || fail "the kin SMS does not name Hans"
sleep 1.2
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS --escalate-after 1
expect_eq "$(stage P-EN)" kin "P-EN, third stage"
expect_eq "$(stage P-AR)" call-list "P-AR (no emergency contact)"
expect_eq "$(stage P-DE)" call-list "P-DE, after kin"
grep -l "We are trying to reach Anna Smith" mail/*.eml >/dev/null || fail "no e-mail to Anna's brother"
grep -l "To: <bob@example.org>" mail/*.eml >/dev/null || fail "not to bob@example.org"
sleep 1.2
expect_status 0 hw dispatch --db t.db --once $SMTP $SMS --escalate-after 1
expect_eq "$(stage P-EN)" call-list "P-EN at the end"
expect_eq "$(q "SELECT count(*) FROM escalation WHERE incident_id = $ES AND stage = 'call-list' AND call_list_at IS NOT NULL")" 4 "on the call list"
expect_eq "$(stage P-FR)" contacted "P-FR stays where the answer stopped it"
# Nothing is sent twice along the way.
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $ES")" "$(q "SELECT count(DISTINCT person_id || channel || kin_id || template) FROM message WHERE incident_id = $ES")" "distinct messages"

# ---- A dispatcher killed in the middle: at most the message in flight again ----
sink hook http --delay-ms 150
K=$(hw incident create --db t.db --country NP --title "Killed")
hw notify --db t.db --incident "$K" --channels webhook >/dev/null
"$HOMEWARD" dispatch --db t.db --webhook-url "http://127.0.0.1:$hook_PORT/hook" --webhook-connections 1 --lease 2 --escalate-after 0 >kill.out 2>kill.err &
dpid=$!
wait_sent 1
kill -9 $dpid
wait $dpid 2>/dev/null || true
sent_before=$(grep -c '^ok' hook/sink.log)
[ "$sent_before" -ge 1 ] && [ "$sent_before" -lt 7 ] || fail "killed after $sent_before of 7"
sleep 2.1
expect_status 0 hw dispatch --db t.db --once --webhook-url "http://127.0.0.1:$hook_PORT/hook" --escalate-after 0
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $K AND state = 'sent'")" 7 "all sent after the crash"
keys=$(grep '^ok' hook/sink.log | awk '{print $3}' | sort -u | wc -l | tr -d ' ')
expect_eq "$keys" 7 "distinct messages received"
dups=$(($(grep -c '^ok' hook/sink.log) - keys))
[ "$dups" -le 1 ] || fail "$dups messages went twice (one connection: at most one in flight)"

# ---- Stopped with SIGTERM: in flight finished, the rest given back ----
sink hook http --delay-ms 150
T=$(hw incident create --db t.db --country NP --title "Stopped")
hw notify --db t.db --incident "$T" --channels webhook >/dev/null
"$HOMEWARD" dispatch --db t.db --webhook-url "http://127.0.0.1:$hook_PORT/hook" --webhook-connections 1 --escalate-after 0 >term.out 2>term.err &
dpid=$!
wait_sent 1
kill -TERM $dpid
wait $dpid || fail "dispatch did not stop cleanly: $(cat term.err)"
expect_in term.out "dispatched"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $T AND (state = 'sending' OR claimed_by IS NOT NULL)")" 0 "claims after SIGTERM"
expect_eq "$(q "SELECT count(*) FROM message WHERE incident_id = $T AND state = 'sent'")" "$(grep -c '^ok' hook/sink.log)" "recorded = received"
expect_status 0 hw dispatch --db t.db --once --webhook-url "http://127.0.0.1:$hook_PORT/hook" --escalate-after 0
expect_eq "$(grep -c '^ok' hook/sink.log)" 7 "each once after the restart"
expect_eq "$(grep '^ok' hook/sink.log | awk '{print $3}' | sort -u | wc -l | tr -d ' ')" 7 "distinct after the restart"

# ---- Settings are checked ----
expect_status 2 hw dispatch --db t.db --once
expect_in err "no channel has anywhere to send"
expect_status 2 hw dispatch --db t.db --once --smtp-url http://x
expect_in err "smtp-url"
expect_status 2 hw dispatch --db t.db --once --webhook-url http://x --attempts 0
expect_in err "--attempts: '0' is not a whole number from 1 to 100"
expect_status 2 hw dispatch --db t.db --once --webhook-url http://x --sms-format xml
expect_in err "sms-format"
echo ok
