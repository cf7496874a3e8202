# The crash test: check-ins under load from many concurrent connections
# (wrk), the server killed with SIGKILL in the middle, restarted, and every
# check-in it had acknowledged with 200 is there with its status: a check-in
# is answered only once its batch has committed (checkin.c). Then, when the
# outbox's dispatcher is built in, the same for notification: messages
# sent to a local webhook sink across a kill, none sent twice.
. "$TESTS/t/lib.sh"
. "$TESTS/t/crisis-lib.sh"
REL=${HOMEWARD_REL:-$HOMEWARD}

command -v wrk >/dev/null || fail "wrk is missing: run 'make deps'"
"$REL" init --db t.db >/dev/null
"$REL" gen --people 4000 --nationality FR --seed 7 --out people.csv >/dev/null
"$REL" import registrants --db t.db people.csv >/dev/null
echo "hq1-password-1" | hw user add --db t.db --login hq1 --role hq --password-stdin >/dev/null
INC=$("$REL" incident create --db t.db --country US,DE,GB,SA,AE --title "Crash test")
sqlite3 t.db "INSERT INTO checkin_token (token, incident_id, person_id, created_at)
	SELECT printf('tok%019d', person_id), incident_id, person_id, '2026-01-01T00:00:00Z'
	FROM roster WHERE incident_id = $INC"
sqlite3 t.db "SELECT token FROM checkin_token WHERE incident_id = $INC" > tokens.txt
entries=$(wc -l < tokens.txt)
[ "$entries" -gt 1000 ] || fail "the roster is too small: $entries"

# Each wrk thread posts answers for tokens in turn and logs every answer
# acknowledged with 200 (the confirmation page names the link and the
# answer) to acks.THREAD, a line at a time, so that the log survives
# whatever happens to the server.
cat > load.lua <<'EOF'
local n = 0
setup = function(thread)
	n = n + 1
	thread:set("tid", n)
end
local tokens, statuses, labels = {}, { "safe", "needs-help", "wants-evacuation" }, {
	["I&#39;m safe"] = "safe", ["I need help"] = "needs-help",
	["I need to leave"] = "wants-evacuation" }
local log, i
init = function(args)
	for line in io.lines("tokens.txt") do tokens[#tokens + 1] = line end
	log = io.open("acks." .. tid, "w")
	log:setvbuf("line")
	i = tid * 7919
end
request = function()
	i = i + 1
	return wrk.format("POST", "/c/" .. tokens[i % #tokens + 1],
		{ ["Content-Type"] = "application/x-www-form-urlencoded" },
		"lang=en&status=" .. statuses[i % 3 + 1])
end
response = function(status, headers, body)
	if status == 200 then
		local token = body:match('href="/c/([%w_%-]+)%?')
		local label = body:match("We have recorded your answer: <strong>(.-)</strong>")
		log:write(token, " ", labels[label] or "?", "\n")
	end
end
EOF

serve_start --db t.db --quiet
wrk -t2 -c32 -d30s -s load.lua "$BASE/" > wrk.out 2>&1 &
WRK=$!
# Kill the server once it has acknowledged a good number of check-ins.
i=0
until [ "$(cat acks.* 2>/dev/null | wc -l)" -ge 1500 ]; do
	i=$((i + 1)); [ $i -lt 300 ] || { cat wrk.out serve.err; fail "too few check-ins acknowledged"; }
	sleep 0.1
done
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
sleep 0.3
kill -INT $WRK 2>/dev/null || true
wait $WRK 2>/dev/null || true
cat acks.* > acks.txt
acked=$(wc -l < acks.txt)
! grep -q ' ?$' acks.txt || fail "an acknowledgement without its answer: $(grep ' ?$' acks.txt | head -1)"
mv serve.err serve-killed.err
mv serve.out serve-killed.out

# Restart: everything acknowledged is there. Each acknowledged answer of a
# link needs an event of its own (a link may have been answered several
# times, with the same answer too).
serve_start --db t.db --quiet
sqlite3 t.db "SELECT t.token || ' ' || e.status FROM roster_event e JOIN checkin_token t
	ON t.incident_id = e.incident_id AND t.person_id = e.person_id
	WHERE e.incident_id = $INC AND e.source = 'checkin'" > events.txt
awk 'FNR == NR { have[$1 " " $2]++; next } { want[$1 " " $2]++ }
	END { bad = 0
	      for (k in want) if (want[k] > have[k] && bad++ < 10)
		      print "lost: " k " acknowledged " want[k] ", recorded " have[k] + 0
	      exit bad > 0 }' events.txt acks.txt || fail "acknowledged check-ins were lost"
recorded=$(wc -l < events.txt)
[ "$recorded" -ge "$acked" ] || fail "$acked acknowledged, $recorded recorded"
expect_eq "$(sqlite3 t.db 'PRAGMA integrity_check')" ok "integrity after the kill"
hw audit verify --db t.db >/dev/null || fail "the audit chain is broken after the kill"
# And the server takes check-ins again.
form POST "/c/$(head -1 tokens.txt)" 'status=safe&lang=en'
expect_eq "$STATUS" 200 "a check-in after the restart"
echo "crash test: $acked check-ins acknowledged before the kill, $recorded recorded"

# The CSV export, many pages of it, holds the whole roster.
sign_in hq1 hq1-password-1
curl -s -o roster.csv -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/incidents/$INC/roster.csv"
expect_eq "$(($(wc -l < roster.csv) - 1))" "$entries" "CSV rows"

# ---- Notification across a kill ----
# The same kill, with serve's dispatcher sending a webhook message to
# each person on the roster to a slow local receiver: after the restart
# every message is sent, and none went twice, except those in flight at
# the kill (at most one per connection), which carry the same
# Idempotency-Key so that the receiver drops them (outbox.h).
if ! hw notify --help >/dev/null 2>&1 || [ ! -f "$TESTS/tools/http-sink.py" ]; then
	echo "SKIPPED: the outbox's dispatcher is not built in; messages not checked"
	echo ok
	exit 0
fi
serve_stop
mv serve.out serve-restarted.out
mv serve.err serve-restarted.err
python3 "$TESTS/tools/http-sink.py" hook --port-file hook.port --delay-ms 10 2>hook.err &
SINK=$!
# serve_start sets its own EXIT trap: start_server sets ours back after it.
cleanup() { kill $SINK 2>/dev/null || true; serve_stop; }
start_server() { serve_start "$@"; trap cleanup EXIT; }
trap cleanup EXIT
i=0
until [ -s hook.port ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat hook.err; fail "the webhook sink did not start"; }
	sleep 0.1
done
export HOMEWARD_WEBHOOK_URL="http://127.0.0.1:$(cat hook.port)/hook"
export HOMEWARD_WEBHOOK_CONNECTIONS=4 HOMEWARD_LEASE=2
hw notify --db t.db --incident "$INC" --channels webhook >notify.out 2>&1
total=$(sqlite3 t.db "SELECT count(*) FROM message WHERE incident_id = $INC AND channel = 'webhook'")
[ "$total" -eq "$entries" ] || fail "$total webhook messages for $entries persons"
rm -f acks.*
start_server --db t.db --quiet
wrk -t2 -c32 -d30s -s load.lua "$BASE/" > wrk.out 2>&1 &
WRK=$!
i=0
until [ "$(grep -c '^ok' hook/sink.log 2>/dev/null || true)" -ge 100 ] &&
      [ "$(cat acks.* 2>/dev/null | wc -l)" -ge 500 ]; do
	i=$((i + 1)); [ $i -lt 300 ] || { cat wrk.out serve.err; fail "no messages sent"; }
	sleep 0.1
done
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
kill -INT $WRK 2>/dev/null || true
wait $WRK 2>/dev/null || true
before=$(grep -c '^ok' hook/sink.log)
[ "$before" -lt "$total" ] || fail "every message was sent before the kill: nothing to check"
cat acks.* > acks.txt
mv serve.err serve-killed2.err
mv serve.out serve-killed2.out
start_server --db t.db --quiet
i=0
until [ "$(sqlite3 t.db "SELECT count(*) FROM message WHERE incident_id = $INC AND state = 'sent'")" -eq "$total" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || fail "not every message was sent after the restart"
	sleep 0.1
done
keys=$(grep '^ok' hook/sink.log | awk '{print $3}' | sort -u | wc -l)
expect_eq "$keys" "$total" "distinct messages received"
dups=$(($(grep -c '^ok' hook/sink.log) - keys))
[ "$dups" -le 4 ] || fail "$dups messages went twice (4 connections: at most 4 in flight at the kill)"
sqlite3 t.db "SELECT t.token || ' ' || e.status FROM roster_event e JOIN checkin_token t
	ON t.incident_id = e.incident_id AND t.person_id = e.person_id
	WHERE e.incident_id = $INC AND e.source = 'checkin'" > events.txt
awk 'FNR == NR { have[$1 " " $2]++; next } { want[$1 " " $2]++ }
	END { bad = 0
	      for (k in want) if (want[k] > have[k] && bad++ < 10)
		      print "lost: " k " acknowledged " want[k] ", recorded " have[k] + 0
	      exit bad > 0 }' events.txt acks.txt || fail "acknowledged check-ins were lost in the second kill"
echo "crash test: $before of $total messages sent before the kill, $dups sent again after it"
cleanup
echo ok
