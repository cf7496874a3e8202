# The crisis loop end to end, through the real server: an incident is
# declared, its roster equals the geo query's count, the alert goes out by
# e-mail to a real SMTP server, the link in the captured e-mail opens the
# check-in page, "I'm safe" is recorded, and the board shows it.
. "$TESTS/t/lib.sh"

PY=python3
$PY -c 'import aiosmtpd' 2>/dev/null || PY=/usr/bin/python3
$PY -c 'import aiosmtpd' 2>/dev/null || fail "python3-aiosmtpd is missing: run scripts/install-deps.sh"
"$PY" "$TESTS/tools/smtp-sink.py" mail --port-file mail.port 2>mail.err &
SINK=$!
cleanup() { kill "$SINK" 2>/dev/null || true; serve_stop; }
i=0
while [ ! -s mail.port ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat mail.err; fail "the SMTP sink did not start"; }
	sleep 0.1
done

hw init --db t.db >/dev/null
hw gen --people 3000 --seed 5 --nationality IN --out p.csv >/dev/null
hw import registrants p.csv --db t.db >/dev/null
echo "hq-password-1" | hw user add --db t.db --login hq1 --role hq --password-stdin >/dev/null
affected=$(hw query --db t.db --circle 27.7172,85.324,40 --count)
[ "$affected" -gt 0 ] || fail "nobody around Kathmandu in the generated population"

# The check-in links point at this server; it dispatches by SMTP itself.
port=$(cat mail.port)
HOMEWARD_SMTP_URL="smtp://127.0.0.1:$port" HOMEWARD_POLL_MS=50 \
HOMEWARD_BASE_URL=http://127.0.0.1:0 serve_start --db t.db
trap cleanup EXIT
sign_in hq1 hq-password-1

expect_http 201 POST /api/v1/incidents '{"title":"Earthquake near Kathmandu","type":"earthquake","circle":"27.7172,85.324,40"}'
inc=$(jqb .id)
expect_http 200 GET /api/v1/incidents/$inc
expect_eq "$(jqb .affected)" "$affected" "roster size against homeward query --count"

expect_http 202 POST /api/v1/incidents/$inc/notify '{"template":"alert","channels":["email"]}'
emails=$(sqlite3 t.db "SELECT count(DISTINCT r.person_id) FROM roster r JOIN contact c ON c.person_id = r.person_id AND c.kind = 'email' WHERE r.incident_id = $inc")
[ "$emails" -gt 0 ] || fail "nobody on the roster has an e-mail address"

# The command line works beside the running server (its bulk mode keeps
# the WAL when other connections are open), and enqueues nothing twice.
expect_status 0 hw notify --db t.db --incident $inc --template alert --channels email
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM message WHERE incident_id = $inc")" "$emails" "messages after a second notify"

# Wait for the e-mails to reach the SMTP server.
i=0
while [ "$(find mail -name '*.eml' | wc -l)" -lt "$emails" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "only $(find mail -name '*.eml' | wc -l) of $emails e-mails arrived"
	sleep 0.1
done
sleep 0.5
expect_eq "$(find mail -name '*.eml' | wc -l | tr -d ' ')" "$emails" "e-mails received (each once)"

# The first e-mail's link: the server's address and /c/TOKEN.
mailfile=$(find mail -name '*.eml' | sort | head -1)
link=$(grep -o 'http://127\.0\.0\.1:0/c/[A-Za-z0-9_-]*' "$mailfile" | head -1)
[ -n "$link" ] || { cat "$mailfile"; fail "no check-in link in the e-mail"; }
token=${link##*/c/}
to=$(sed -n 's/^X-Sink-Rcpt-To: *//p' "$mailfile" | head -1 | tr -d '\r<>')
person=$(sqlite3 t.db "SELECT person_id FROM contact WHERE kind = 'email' AND value = '$to' LIMIT 1")
[ -n "$person" ] || fail "the recipient '$to' is nobody's address"
expect_eq "$(sqlite3 t.db "SELECT person_id FROM checkin_token WHERE token = '$token'")" "$person" "the link belongs to the recipient"

# The page, then "I'm safe" as the page's form sends it.
STATUS=$(curl -s -o page.html -w '%{http_code}' "$BASE/c/$token")
expect_eq "$STATUS" 200 "check-in page"
expect_in page.html "Earthquake near Kathmandu"
expect_in page.html 'value="safe"'
STATUS=$(curl -s -o done.html -w '%{http_code}' --data 'status=safe&party_size=2&note=at+the+hotel' "$BASE/c/$token")
expect_eq "$STATUS" 200 "answer recorded"
expect_eq "$(sqlite3 t.db "SELECT status FROM roster WHERE incident_id = $inc AND person_id = $person")" safe "roster status"
expect_eq "$(sqlite3 t.db "SELECT source FROM roster_event WHERE incident_id = $inc AND person_id = $person ORDER BY id DESC LIMIT 1")" checkin "source of the change"

# The board shows it.
expect_http 200 GET /api/v1/incidents/$inc/board
expect_eq "$(jqb .counts.safe)" 1 "safe on the board"
expect_eq "$(jqb .total)" "$affected" "board total"
expect_eq "$(jqb .accounted)" 1 "accounted on the board"
echo ok
