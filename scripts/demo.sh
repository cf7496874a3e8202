#!/bin/sh
# make demo: a demo database with a generated population, and its summary.
# Until the server exists, this is what "running the product" shows.
set -eu
cd "$(dirname "$0")/.."

DIR=build/demo
PEOPLE=${DEMO_PEOPLE:-200000}
DB=$DIR/homeward.db
mkdir -p "$DIR"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key" "$DIR/people.csv"

echo "== generating $PEOPLE registrants (nationality CN, seed 1)"
./homeward gen --people "$PEOPLE" --seed 1 --nationality CN --out "$DIR/people.csv"
echo "== creating $DB"
./homeward init --db "$DB"
echo "== importing"
./homeward import registrants "$DIR/people.csv" --db "$DB"
echo "== adding missions"
./homeward mission add --db "$DB" --code EMB-US --name "Embassy in Washington" --countries US --city Washington
./homeward mission add --db "$DB" --code EMB-JP --name "Embassy in Tokyo" --countries JP --city Tokyo
./homeward mission add --db "$DB" --code EMB-AU --name "Embassy in Canberra" --countries AU,NZ --city Canberra
./homeward mission add --db "$DB" --code EMB-DZ --name "Embassy in Algiers" --countries DZ,TN --city Algiers
./homeward mission add --db "$DB" --code EMB-AE --name "Embassy in Abu Dhabi" --countries AE,OM,QA,BH --city "Abu Dhabi"
echo "== summary"
./homeward stats --db "$DB" | head -24
echo "  ..."
./homeward stats --db "$DB" | sed -n '/^by mission:/,$p'
cat <<EOT

The demo database is $DB (key file $DB.key).
Try:
  ./homeward stats --db $DB --json
  ./homeward mission list --db $DB
  ./homeward query --db $DB --circle 35.68,139.69,50          # within 50 km of Tokyo, today
  ./homeward query --db $DB --mission EMB-AE --ids | head
  ./homeward export registrants --db $DB --country DZ | head
  ./homeward export registrants --db $DB --country JP --format geojson | head -c 600
  ./homeward help
EOT
