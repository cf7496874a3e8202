# init creates the database and a private key file, is idempotent, and the
# database path follows --db, then $HOMEWARD_DB, then ./homeward.db.
. "$TESTS/t/lib.sh"

expect_status 0 hw init --db a.db
# The schema's version is the number of the last migration.
last=$(ls "$TESTS/../src/store/migrations/sqlite" | sort | tail -1 | sed 's/^0*\([0-9]*\)-.*/\1/')
expect_in out "schema version $last"
expect_in out "a.db.key: created"
[ -f a.db.key ] || fail "no key file"
mode=$(stat -c %a a.db.key)
expect_eq "$mode" 600 "key file mode"

# Again: nothing new, the same key.
cp a.db.key key.before
expect_status 0 hw init --db a.db
expect_not_in out "created"
cmp -s a.db.key key.before || fail "init replaced the key"

# Default path and $HOMEWARD_DB.
expect_status 0 hw init
[ -f homeward.db ] && [ -f homeward.db.key ] || fail "default ./homeward.db not made"
HOMEWARD_DB=env.db expect_status 0 hw init
[ -f env.db ] || fail "\$HOMEWARD_DB ignored"
expect_status 0 hw stats --db env.db
HOMEWARD_DB=env.db expect_status 0 hw stats
expect_in out "persons"

# Commands other than init refuse a database that does not exist.
expect_status 1 hw stats --db nowhere.db
expect_in err "database 'nowhere.db' does not exist"
[ ! -f nowhere.db ] || fail "stats created a database"

# A lost key file for a database that has one is an error, not a new key.
rm a.db.key
expect_status 1 hw init --db a.db
expect_in err "key file 'a.db.key' is missing"
[ ! -f a.db.key ] || fail "init made a new key for an existing database"

# The wrong key is refused.
cp env.db.key a.db.key
hw gen --people 10 --seed 1 --out p.csv >/dev/null 2>&1
expect_status 1 hw import registrants p.csv --db a.db
expect_in err "is not the key of this database"

# A key file readable by others is refused.
cp key.before a.db.key
chmod 644 a.db.key
expect_status 1 hw import registrants p.csv --db a.db
expect_in err "readable by others"
