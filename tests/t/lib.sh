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
