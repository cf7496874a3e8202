# Settings: one table behind flags, the environment and a settings file;
# `homeward config` shows each value and where it came from, hides secrets;
# bad values are refused naming the place; docs/configuration.md lists the
# table as `config --reference` prints it.
. "$TESTS/t/lib.sh"

expect_status 0 hw config
expect_in out "SETTING"
expect_in out "threads              0                                default"
expect_in out "checkin-sync         full                             default"

cat >h.conf <<'CONF'
# a deployment's settings
threads = 8
listen = "0.0.0.0:9000"

smtp-password = not-to-be-seen
checkin-sync = normal
CONF
HOMEWARD_THREADS=4 expect_status 0 hw config --config h.conf --session-minutes 60
expect_in out "threads              4                                environment HOMEWARD_THREADS"
expect_in out "listen               0.0.0.0:9000                     file h.conf:3"
expect_in out "session-minutes      60                               flag --session-minutes"
expect_in out "checkin-sync         normal                           file h.conf:6"
expect_in out "smtp-password        (set, hidden)                    file h.conf:5"
expect_not_in out "not-to-be-seen"
HOMEWARD_SMTP_PASSWORD=env-secret expect_status 0 hw config
expect_in out "(set, hidden)                    environment HOMEWARD_SMTP_PASSWORD"
expect_not_in out "env-secret"

# Refused, naming where and why, before anything runs.
printf 'threads = 8\nthread = 2\n' >bad.conf
expect_status 2 hw config --config bad.conf
expect_in err "cannot read settings 'bad.conf': line 2: 'thread' is not a setting"
printf 'listen 127.0.0.1:1\n' >bad.conf
expect_status 2 hw serve --config bad.conf
expect_in err "line 1: no '='"
expect_status 2 hw config --config no-such.conf
expect_in err "no-such.conf"
HOMEWARD_CHECKIN_SYNC=fast expect_status 2 hw config
expect_in err "HOMEWARD_CHECKIN_SYNC: 'fast' is not one of full,normal"
expect_status 2 hw serve --threads 999
expect_in err "homeward serve: --threads: '999' is not a whole number from 0 to 256"
expect_status 2 hw dispatch --lease 1
expect_in err "homeward dispatch: --lease: '1' is not a whole number from 2 to 86400"
# An empty value is no value: the server says what it needs.
expect_status 2 hw serve --listen ""
expect_in err "listen: give ADDRESS:PORT"
# A setting is a flag only of the commands that read it.
expect_status 2 hw import --threads 2 registrants x.csv
expect_in err "unknown option '--threads'"

# A command's help lists the settings it reads, from the same table.
expect_status 0 hw serve --help
expect_in out "--checkin-sync MODE"
expect_in out "\$HOMEWARD_CHECKIN_SYNC, default full"
expect_status 0 hw dispatch --help
expect_in out "\$HOMEWARD_POLL_MS, default 500"

# The server takes its settings from the file too.
hw init --db t.db >/dev/null
printf 'listen = 127.0.0.1:0\nquiet = true\n' >serve.conf
# The binary itself in the background, not the hw function: $! must be
# the server's own pid, or the kill below would leave it running.
"$HOMEWARD" serve --db t.db --config serve.conf >serve.out 2>serve.err &
pid=$!
i=0
while ! grep -q 'listening on' serve.out 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 100 ] || { kill $pid; fail "serve did not start"; }
	sleep 0.1
done
kill $pid; wait $pid || true
expect_in serve.out "listening on http://127.0.0.1:"

# docs/configuration.md lists exactly the table.
expect_status 0 hw config --reference
sed -n '/<!-- settings:begin -->/,/<!-- settings:end -->/p' "$TESTS/../docs/configuration.md" |
	sed '1d;$d' >doc.md
diff -u doc.md out >diff.txt || { cat diff.txt; fail "docs/configuration.md differs from 'homeward config --reference'"; }
