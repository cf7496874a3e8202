# bench crisis, smoke: a tiny run end to end (scratch registry, incident
# over the countries holding a fifth of it, webhook and e-mail outbox,
# dispatch to nginx and smtp-sink, check-ins through the in-process server
# under wrk) must print every figure, with the roster's size as the geo
# engine counts it, every acknowledged check-in recorded, and nothing from
# the sanitizers. The speeds are not checked here: `homeward bench crisis`
# is run by hand at its default settings for that.
. "$TESTS/t/lib.sh"

# Refusals first; they need none of the tools.
expect_status 2 hw bench crisis --people 10
expect_in err "option '--people': 10 is out of range"
expect_status 2 hw bench crisis --people 1000 --affected 2000
expect_in err "option '--affected': 2000 is more than --people 1000"
expect_status 2 hw bench crisis --dispatch-seconds 0
expect_in err "option '--dispatch-seconds'"
expect_status 2 hw bench crisis --connections 1 --threads 2
expect_in err "fewer than --threads"

# smtp-sink comes with Postfix, which only 'make deps' installs (with its
# daemon stopped and disabled); root installs wrk and nginx when missing.
if ! command -v smtp-sink >/dev/null && [ ! -x /usr/sbin/smtp-sink ]; then
	echo "skipped: smtp-sink is missing ('make deps' installs Postfix)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	if ! command -v wrk >/dev/null ||
	   ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then
		echo "skipped: wrk or nginx is missing ('make deps' installs them)"
		exit 0
	fi
fi

expect_status 0 hw bench crisis --people 2000 --affected 300 --dispatch-seconds 10 \
	--duration 1 --connections 8 --threads 2 --json
jq -e '.people == 2000 and .roster > 200 and .roster < 400
       and (.countries | test("^[A-Z]{2}(,[A-Z]{2})*$"))
       and .roster_s > 0 and .enqueue_per_s > 0 and .enqueued == .roster
       and .webhook_per_s > 0 and .webhooks_sent == .enqueued
       and .webhook_dead == 0
       and .smtp_per_s > 0 and .emails_sent == .email_enqueued
       and .emails_received >= .emails_sent and .email_dead == 0
       and .checkin_rps > 0 and .checkin_p99_ms >= .checkin_p50_ms
       and .checkins > 0 and .checkins_recorded > .checkins
       and (.goals_met | type) == "boolean"' out >/dev/null ||
	{ cat out err; fail "bench crisis --json lacks a figure"; }
[ "$(wc -l <out)" -eq 1 ] || fail "bench crisis --json printed more than one line"
expect_not_in err "Sanitizer"
expect_not_in err "runtime error"

# The roster is exactly who `homeward query` finds in those countries: a
# registry generated the same way gives the same count.
countries=$(jq -r .countries out)
roster=$(jq -r .roster out)
hw gen --people 2000 --seed 1 --nationality CN --out p.csv
hw init --db q.db >/dev/null
hw import registrants p.csv --db q.db >/dev/null
expect_eq "$(hw query --db q.db --country "$countries" --count)" "$roster" \
	"query --country $countries --count"
