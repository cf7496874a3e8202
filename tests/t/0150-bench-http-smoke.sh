# bench http, smoke: a tiny run end to end (scratch registry, in-process
# server, sign-in, wrk on persons and area counts, nginx on a file) must
# print every figure, with no error and nothing from the sanitizers. The
# speeds themselves are not checked here: `homeward bench http` is run by
# hand at its default settings for that.
. "$TESTS/t/lib.sh"

# Refusals first; they need neither wrk nor nginx.
expect_status 2 hw bench http --duration 0
expect_in err "option '--duration': 0 is out of range"
expect_status 2 hw bench http --connections 1 --threads 2
expect_in err "fewer than --threads"
expect_status 2 hw bench http --people 0
expect_in err "option '--people'"

# Root installs wrk and nginx when missing; anyone else is told to.
if [ "$(id -u)" != 0 ]; then
	if ! command -v wrk >/dev/null ||
	   ! { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }; then
		echo "skipped: wrk or nginx is missing ('make deps' installs them)"
		exit 0
	fi
fi

expect_status 0 hw bench http --people 2000 --duration 1 --connections 8 --threads 2 --json
jq -e '.people == 2000 and .duration_s == 1 and .connections == 8
       and .person_rps > 0 and .query_rps > 0 and .nginx_rps > 0
       and .person_p50_ms > 0 and .person_p99_ms >= .person_p50_ms
       and .query_p99_ms >= .query_p50_ms and .nginx_p99_ms >= .nginx_p50_ms
       and .person_vs_nginx > 0 and .query_vs_nginx > 0
       and .response_bytes > 0' out >/dev/null ||
	{ cat out err; fail "bench http --json lacks a figure"; }
[ "$(wc -l <out)" -eq 1 ] || fail "bench http --json printed more than one line"
expect_not_in err "Sanitizer"
expect_not_in err "runtime error"
