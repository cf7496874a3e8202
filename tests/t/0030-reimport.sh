# Re-importing the same external_id updates the person; its presences are
# replaced by the file's rows, and nobody is duplicated.
. "$TESTS/t/lib.sh"

hw gen --people 500 --seed 3 --nationality PH --today 2026-11-27 --out p.csv
hw init --db t.db >/dev/null
hw import registrants p.csv --db t.db >/dev/null
expect_eq "$(counts t.db)" "500 500" "after first import"
expect_status 0 hw import registrants p.csv --db t.db
expect_in out "0 new persons, 500 updated"
expect_eq "$(counts t.db)" "500 500" "after re-import"
hw export registrants --db t.db > e.csv
cmp p.csv e.csv || fail "re-import changed the export"

# Change one person's family name and city; give another a second presence.
id=$(sed -n 2p p.csv | cut -d, -f1)
id2=$(sed -n 3p p.csv | cut -d, -f1)
head -1 p.csv > upd.csv
sed -n 2p p.csv | awk -F, 'BEGIN{OFS=","} {$2="Renamed"; print}' >> upd.csv
sed -n 3p p.csv >> upd.csv
row3=$(sed -n 3p p.csv)
echo "$row3" | awk -F, 'BEGIN{OFS=","} {$16="2030-01-01"; $17="2030-02-01"; print}' >> upd.csv
expect_status 0 hw import registrants upd.csv --db t.db
expect_in out "0 new persons, 2 updated"
expect_eq "$(counts t.db)" "500 501" "after update"
hw export registrants --db t.db > e2.csv
grep -q "^$id,Renamed," e2.csv || fail "family name not updated"
n=$(grep -c "^$id2," e2.csv)
expect_eq "$n" 2 "presences of $id2"
