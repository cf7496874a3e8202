#!/bin/sh
# make demo: a demo database with a generated population, its missions and
# demo users, then the server on it in the foreground (^C stops it).
#
# The database is built once and reused while DEMO_PEOPLE stays the same
# (DEMO_REBUILD=1 builds it again); users already there are kept, so
# running `make demo` twice works. The server listens on HOMEWARD_LISTEN
# (default 127.0.0.1:8080). With CI set, nothing blocks: the server starts
# on a free port, answers /healthz, a sign-in and a query, and stops.
set -eu
cd "$(dirname "$0")/.."

DIR=build/demo
PEOPLE=${DEMO_PEOPLE:-200000}
DB=$DIR/homeward.db
STAMP=$DIR/built
if [ -n "${CI:-}" ]; then
	LISTEN=${HOMEWARD_LISTEN:-127.0.0.1:0}
else
	LISTEN=${HOMEWARD_LISTEN:-127.0.0.1:8080}
fi
mkdir -p "$DIR"

# The demo users: login, role, mission, password. Fixed passwords, since
# this is a demo on a generated population listening on loopback; never
# use them for anything else.
USERS="hq.desk hq - demo-hq-2024
officer.tokyo officer EMB-JP demo-officer-2024
head.tokyo mission-head EMB-JP demo-head-2024
auditor auditor - demo-auditor-2024"

build_db() {
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key" "$DIR/people.csv" "$STAMP"
	echo "== generating $PEOPLE registrants (nationality CN, seed 1)"
	./homeward gen --people "$PEOPLE" --seed 1 --nationality CN --out "$DIR/people.csv"
	echo "== creating $DB"
	./homeward init --db "$DB"
	echo "== importing"
	./homeward import registrants "$DIR/people.csv" --db "$DB"
	rm -f "$DIR/people.csv"
	echo "== adding missions"
	./homeward mission add --db "$DB" --code EMB-US --name "Embassy in Washington" --countries US --city Washington
	./homeward mission add --db "$DB" --code EMB-JP --name "Embassy in Tokyo" --countries JP --city Tokyo
	./homeward mission add --db "$DB" --code EMB-AU --name "Embassy in Canberra" --countries AU,NZ --city Canberra
	./homeward mission add --db "$DB" --code EMB-DZ --name "Embassy in Algiers" --countries DZ,TN --city Algiers
	./homeward mission add --db "$DB" --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE,OM,QA,BH --city "Abu Dhabi"
	# Written last: a build cut short is built again next time.
	echo "people=$PEOPLE" >"$STAMP"
}

if [ -z "${DEMO_REBUILD:-}" ] && [ -f "$DB" ] && [ -f "$STAMP" ] &&
   [ "$(cat "$STAMP")" = "people=$PEOPLE" ]; then
	echo "== reusing $DB ($PEOPLE registrants; DEMO_REBUILD=1 builds it again)"
	./homeward init --db "$DB" >/dev/null   # migrates it if this build is newer
else
	build_db
fi

echo "== demo users"
existing=$(./homeward user list --db "$DB" | awk 'NR > 1 { print $1 }')
echo "$USERS" | while read -r login role mission password; do
	if echo "$existing" | grep -qx "$login"; then
		echo "user $login is there already"
		continue
	fi
	if [ "$mission" = "-" ]; then
		echo "$password" | ./homeward user add --db "$DB" --login "$login" --role "$role" --password-stdin
	else
		echo "$password" | ./homeward user add --db "$DB" --login "$login" --role "$role" --mission "$mission" --password-stdin
	fi
done

echo "== summary"
./homeward stats --db "$DB" | head -24
echo "  ..."
./homeward stats --db "$DB" | sed -n '/^by mission:/,$p'

# ---- CI: start, check, stop; nothing waits for a person ----
if [ -n "${CI:-}" ]; then
	out=$DIR/serve.out
	./homeward serve --db "$DB" --listen "$LISTEN" --quiet >"$out" 2>"$DIR/serve.err" &
	pid=$!
	trap 'kill $pid 2>/dev/null || true' EXIT
	i=0
	while ! grep -q "listening on" "$out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 $pid 2>/dev/null; then
			cat "$DIR/serve.err" >&2
			echo "demo: the server did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	base=$(sed -n 's/.*listening on \(https\{0,1\}:\/\/[^ ]*\)\/ .*/\1/p' "$out")
	curl -fsS "$base/healthz" >/dev/null || { echo "demo: $base/healthz does not answer" >&2; exit 1; }
	token=$(curl -fsS -X POST "$base/api/v1/session" \
		-H 'Content-Type: application/json' \
		-d '{"login":"hq.desk","password":"demo-hq-2024"}' | jq -r .token) ||
		{ echo "demo: signing in as hq.desk failed" >&2; exit 1; }
	count=$(curl -fsS -H "Authorization: Bearer $token" \
		"$base/api/v1/query?country=JP&format=count" | jq -r .count) ||
		{ echo "demo: the query failed" >&2; exit 1; }
	echo "== CI: $count persons in Japan today, as hq.desk sees it"
	kill $pid
	wait $pid || true
	trap - EXIT
	echo "== CI: the server started on $base, answered /healthz, a sign-in and a query, and stopped"
	exit 0
fi

# ---- the server, in the foreground ----
host=${LISTEN%:*}
port=${LISTEN##*:}
base="http://$host:$port"
cat <<EOT

The demo database is $DB (key file $DB.key).

Demo users (passwords for this demo only):
  login            role          mission   password
  hq.desk          hq            -         demo-hq-2024
  officer.tokyo    officer       EMB-JP    demo-officer-2024
  head.tokyo       mission-head  EMB-JP    demo-head-2024
  auditor          auditor       -         demo-auditor-2024

The server will listen on $base/ (set HOMEWARD_LISTEN=ADDRESS:PORT
for another). Sign in and ask, from another terminal:

  TOKEN=\$(curl -s -X POST $base/api/v1/session \\
    -H 'Content-Type: application/json' \\
    -d '{"login":"hq.desk","password":"demo-hq-2024"}' | jq -r .token)
  curl -s -H "Authorization: Bearer \$TOKEN" \\
    '$base/api/v1/query?country=JP&format=count'

  curl -s $base/healthz
  curl -s $base/api/openapi.json | jq '.paths | keys'

The command line works on the same database meanwhile:
  ./homeward stats --db $DB --json
  ./homeward query --db $DB --circle 35.68,139.69,50          # within 50 km of Tokyo, today
  ./homeward export registrants --db $DB --country JP --format geojson | head -c 600
  ./homeward help

Press Ctrl-C to stop the server.
EOT
# The trap keeps this shell alive through ^C (the server gets it too and
# stops cleanly), so that it can say so.
trap ':' INT TERM
rc=0
./homeward serve --db "$DB" --listen "$LISTEN" || rc=$?
trap - INT TERM
if [ $rc -ne 0 ]; then
	echo "demo: the server stopped with status $rc (if $LISTEN is taken, set HOMEWARD_LISTEN, e.g. HOMEWARD_LISTEN=127.0.0.1:8081 make demo)" >&2
	exit $rc
fi
echo "demo: server stopped"
