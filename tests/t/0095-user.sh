# Users: roles, missions, passwords read from standard input and stored as
# argon2id hashes; a password check as sign-in will do it.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null

echo 'correct horse battery' | expect_status 0 hw user add --db t.db --login ram.k --role officer --mission EMB-NP --password-stdin
expect_in out "user ram.k added"
echo 'another long secret' | expect_status 0 hw user add --db t.db --login hq1 --role hq --password-stdin

# Refusals, each naming the field.
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login ram.k --role hq --password-stdin
expect_in err "login: 'ram.k' is taken"
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login "Bad Login" --role hq --password-stdin
expect_in err "is not a login"
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login x1x --role king --password-stdin
expect_in err "'king' is not one of"
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login off2 --role officer --password-stdin
expect_in err "give --mission CODE"
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login off2 --role officer --mission NOPE --password-stdin
expect_in err "'NOPE' does not exist"
echo 'correct horse battery' | expect_status 2 hw user add --db t.db --login aud --role auditor --mission EMB-NP --password-stdin
expect_in err "has no mission"
echo 'short' | expect_status 2 hw user add --db t.db --login aud --role auditor --password-stdin
expect_in err "password: 10 to"
expect_status 2 hw user add --db t.db --login aud --role auditor
expect_in err "--password-stdin"

expect_status 0 hw user list --db t.db
expect_in out "ram.k"
expect_in out "EMB-NP"
expect_not_in out "correct horse"

# Stored as argon2id, never in clear; checked as sign-in will.
h=$(sqlite3 t.db "SELECT password_hash FROM app_user WHERE login = 'ram.k'")
case $h in '$argon2id$'*) ;; *) fail "not an argon2id hash: $h" ;; esac
! grep -q 'correct horse' t.db || fail "password in clear in the database"
echo 'correct horse battery' | expect_status 0 hw test-login --db t.db --login ram.k --password-stdin
expect_in out accepted
echo 'correct horse batterz' | expect_status 1 hw test-login --db t.db --login ram.k --password-stdin
expect_in out refused
echo 'correct horse battery' | expect_status 1 hw test-login --db t.db --login nobody --password-stdin
expect_in out refused

# Each addition is in the audit log.
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'user-add'")" 2 "audit entries"
expect_status 0 hw audit verify --db t.db
