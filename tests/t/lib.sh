# Shared helpers for the black-box tests. Each test is a POSIX sh script run
# in an empty scratch directory; $HOMEWARD is the binary under test.
set -eu
hw() { "$HOMEWARD" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_status N CMD...: run CMD, fail unless it exits with status N.
# Its stdout and stderr are kept in ./out and ./err.
expect_status() {
	want=$1; shift
	set +e
	"$@" >out 2>err
	got=$?
	set -e
	[ "$got" -eq "$want" ] || {
		echo "--- stdout"; head -20 out; echo "--- stderr"; head -20 err
		fail "'$*' exited $got, expected $want"
	}
}

# expect_in FILE TEXT: FILE contains TEXT (fixed string).
expect_in() {
	grep -qF -- "$2" "$1" || { echo "--- $1"; head -20 "$1"; fail "'$1' lacks '$2'"; }
}

# expect_not_in FILE TEXT
expect_not_in() {
	! grep -qF -- "$2" "$1" || fail "'$1' has '$2'"
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# The persons and presences of a database, as "persons presences".
counts() {
	hw stats --db "$1" --json | sed -E 's/^\{"persons":([0-9]+),"presences":([0-9]+),.*/\1 \2/'
}

# ---- HTTP ----

# serve_start [ARGS...]: start `homeward serve` on a free loopback port
# with ARGS (--db...), wait until it listens; $BASE is its URL. The server
# is stopped when the test exits.
serve_start() {
	"$HOMEWARD" serve --listen 127.0.0.1:0 "$@" >serve.out 2>serve.err &
	SERVER_PID=$!
	trap serve_stop EXIT
	i=0
	while ! grep -q "listening on" serve.out 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 600 ] || { cat serve.err; fail "the server did not start"; }
		kill -0 $SERVER_PID 2>/dev/null || { cat serve.err; fail "the server died"; }
		sleep 0.1
	done
	BASE=$(sed -n 's/.*listening on \(https\{0,1\}:\/\/[^ ]*\)\/ .*/\1/p' serve.out)
}

serve_stop() {
	if [ -n "${SERVER_PID:-}" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}

# call METHOD PATH [BODY]: call the server as $TOKEN (Bearer; none if
# empty), with BODY as application/json (set CT for another type). The
# response body is left in ./body, the status in $STATUS.
call() {
	if [ $# -ge 3 ]; then
		STATUS=$(printf '%s' "$3" | curl -s -o body -w '%{http_code}' -X "$1" \
			${TOKEN:+-H "Authorization: Bearer $TOKEN"} \
			-H "Content-Type: ${CT:-application/json}" --data-binary @- "$BASE$2")
	else
		STATUS=$(curl -s -o body -w '%{http_code}' -X "$1" \
			${TOKEN:+-H "Authorization: Bearer $TOKEN"} "$BASE$2")
	fi
}

# expect_http N METHOD PATH [BODY]: call, fail unless the status is N.
expect_http() {
	_want=$1; shift
	call "$@"
	[ "$STATUS" = "$_want" ] || { echo "--- body"; head -c 2000 body; echo; fail "$1 $2 gave $STATUS, expected $_want"; }
}

# sign_in LOGIN PASSWORD: TOKEN gets a session token for LOGIN.
sign_in() {
	TOKEN=
	expect_http 201 POST /api/v1/session "{\"login\":\"$1\",\"password\":\"$2\"}"
	TOKEN=$(jq -r .token body)
}

# jqb FILTER: FILTER applied to the last response body, raw output.
jqb() { jq -r "$1" body; }
