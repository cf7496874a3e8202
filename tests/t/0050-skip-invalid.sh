# --skip-invalid: the valid rows of a file with bad rows are written; the bad
# ones go, byte for byte, to FILE.rejects.csv (with the file's header) and
# their reasons to FILE.rejects.txt; the fixed rejects file completes the
# import; a clean run leaves no rejects files and removes stale ones.
. "$TESTS/t/lib.sh"

hw gen --people 2000 --seed 6 --nationality PH --today 2026-11-27 --out good.csv >/dev/null
hw gen --people 300 --seed 4 --nationality FR --today 2026-11-27 --out first.csv >/dev/null
hw init --db t.db >/dev/null
hw import registrants first.csv --db t.db >/dev/null
expect_eq "$(counts t.db)" "300 300" "counts after the first import"

# The rows altered are lines 10, 20, ..., 100: plain rows of 21 fields.
head -101 good.csv | grep -q '"' && fail "good.csv has quotes in its first 100 rows"
expect_eq "$(head -101 good.csv | awk -F, 'NF != 21' | wc -l)" 0 "rows of 21 fields"

# For line 60, a party it cannot join: an earlier open or overlapping stay in
# another country (not on the file's first party row, see 0040).
pick=$(awk -F, '
	NR == 60 { for (k = 3; k < 60; k++) {
		split(row[k], f, ",")
		if (f[20] != "" && f[20] != first && f[20] != $20 && f[12] != $12 &&
		    (f[16] == "" || $17 == "" || f[16] <= $17) &&
		    ($16 == "" || f[17] == "" || $16 <= f[17])) {
			print f[20], f[12]; exit
		}
	} }
	NR == 2 { first = $20 }
	{ row[NR] = $0 }' good.csv)
party=${pick% *}
pcountry=${pick#* }
[ -n "$party" ] || fail "no party for line 60 to conflict with"
plast=$(awk -F, -v p="$party" 'NR < 60 && $20 == p { n = NR } END { print n }' good.csv)
row5=$(sed -n 5p good.csv)
id5=${row5%%,*}

# s.csv: good.csv with ten bad rows of different kinds. want.rejects.csv
# gets the header and the bad rows exactly as they are written to s.csv.
# Line 80 becomes two physical lines (a quoted line break in the city,
# which the CSV allows and a registrant does not), and line 90
# ends in CRLF, so later physical line numbers are one more than in good.csv.
ROW5=$row5 awk -F, -v OFS=, -v party="$party" '
	NR == 1 { print > "want.rejects.csv" }
	NR == 10 { $2 = "Dela\"Cruz" }               # malformed CSV
	NR == 20 { $14 = "91.5" }                    # latitude out of range
	NR == 30 { $7 = "XX" }                       # unknown nationality
	NR == 40 { $9 = "0612345678" }               # not E.164
	NR == 50 { sub(/,[^,]*,[^,]*$/, "") }        # too few fields
	NR == 60 { $20 = party }                     # party in two countries
	NR == 70 { $0 = ENVIRON["ROW5"]; $2 = "Different" } # person disagrees
	NR == 80 { $13 = "\"Makati\nCity\"" }      # a line break in a name
	NR == 90 { $5 = "Q"; printf "%s\r\n", $0; printf "%s\r\n", $0 > "want.rejects.csv"; next }
	NR == 100 { $21 = "medical;flying" }         # unknown need
	NR == 5 { print > "want.rejects.csv" }       # the person of line 70
	{ print }
	NR % 10 == 0 && NR <= 100 { print > "want.rejects.csv" }' good.csv > s.csv
expect_eq "$(grep -c . want.rejects.csv)" 13 "lines of want.rejects.csv (header, 11 rows, one of 2 lines)"

# Without --skip-invalid: refused, every problem listed, no rejects files.
expect_status 2 hw import registrants s.csv --db t.db
expect_eq "$(grep -c '^s\.csv:[0-9]' err)" 10 "problems listed"
expect_in err "refused: 10 of 2000 rows have problems"
[ ! -e s.csv.rejects.csv ] && [ ! -e s.csv.rejects.txt ] || fail "rejects written without --skip-invalid"
expect_eq "$(counts t.db)" "300 300" "counts after the refused import"

# With it: the 1989 valid rows are written, exit status 0. Line 5 is valid
# but set aside too: its person's other row (line 70) is not, and a person
# is imported whole.
expect_status 0 hw import registrants s.csv --db t.db --skip-invalid
expect_in out "imported 1989 of 2000 rows from s.csv"
expect_in out "1989 new persons, 0 updated; 11 rows rejected, see s.csv.rejects.csv and s.csv.rejects.txt"
expect_eq "$(counts t.db)" "2289 2289" "counts after --skip-invalid"
expect_eq "$(grep -c '^s\.csv:[0-9]' err)" 11 "problems listed"

# The rejects: the header and the bad rows, byte for byte.
cmp s.csv.rejects.csv want.rejects.csv || {
	diff s.csv.rejects.csv want.rejects.csv | head; fail "rejects file differs"; }
# The reasons: one line per bad row, in order, with file, line, column.
expect_eq "$(wc -l < s.csv.rejects.txt)" 11 "lines of s.csv.rejects.txt"
n=0
while IFS='|' read -r where reason <&3; do
	n=$((n + 1))
	line=$(sed -n "${n}p" s.csv.rejects.txt)
	case $line in
	"$where"*"$reason"*) ;;
	*) fail "reason $n: got '$line', expected '$where...$reason...'" ;;
	esac
done 3<<EOF
s.csv:5: |line 70 of the same person '$id5' has a problem, and a person is imported whole
s.csv:10:2: |a quote inside an unquoted field
s.csv:20:14: column 'lat': |'91.5' is out of range (-90 to 90)
s.csv:30:7: column 'nationality': |'XX' is not an ISO 3166-1 alpha-2 country code
s.csv:40:9: column 'phone': |'0612345678' is not an E.164 phone number
s.csv:50: |the row has 19 fields but the header has 21
s.csv:60:20: column 'party_id': |party '$party' is in '$pcountry' at the same time (line $plast)
s.csv:70:2: column 'family_name': |'Different' differs from line 5 of the same person '$id5'
s.csv:80:13: column 'city': |contains a control character (U+000A) at byte 7
s.csv:91:5: column 'sex': |'Q' is not a sex
s.csv:101:21: column 'needs': |'flying' is not a known need
EOF

# The written rows are exactly the valid ones: the export of this import
# holds every row of good.csv except the ten and line 5.
hw init --db only.db >/dev/null
hw import registrants s.csv --db only.db --skip-invalid >/dev/null 2>&1
hw export registrants --db only.db > only.csv
awk 'NR == 1 || !(NR == 5 || NR % 10 == 0 && NR <= 100)' good.csv > want-only.csv
cmp only.csv want-only.csv || { diff only.csv want-only.csv | head; fail "written rows differ from the valid ones"; }
# Running it again replaces the rejects files rather than adding to them.
cmp s.csv.rejects.csv want.rejects.csv || fail "rejects file differs after a second run"
expect_eq "$(wc -l < s.csv.rejects.txt)" 11 "lines of s.csv.rejects.txt after a second run"

# The clerk fixes the rejects file (here: puts back the rows as they were in
# good.csv) and imports it: the registry now holds all of good.csv.
head -1 s.csv.rejects.csv > fixed.csv
awk 'NR == 5 || NR % 10 == 0 && NR <= 100' good.csv >> fixed.csv
expect_status 0 hw import registrants fixed.csv --db t.db --skip-invalid
expect_in out "imported 11 of 11 rows from fixed.csv"
expect_in out "11 new persons, 0 updated"
expect_not_in out "rejected"
[ ! -e fixed.csv.rejects.csv ] && [ ! -e fixed.csv.rejects.txt ] || fail "rejects files for a clean file"
expect_eq "$(counts t.db)" "2300 2300" "counts after importing the fixed rejects"
hw init --db ref.db >/dev/null
hw import registrants first.csv --db ref.db >/dev/null
hw import registrants good.csv --db ref.db >/dev/null
hw export registrants --db ref.db | sort > ref.csv
hw export registrants --db t.db | sort > got.csv
cmp got.csv ref.csv || { diff got.csv ref.csv | head; fail "registry differs from first.csv + good.csv"; }

# A clean file with --skip-invalid: no rejects files, and stale ones from an
# earlier run are removed.
cp good.csv clean.csv
cp s.csv.rejects.csv clean.csv.rejects.csv
cp s.csv.rejects.txt clean.csv.rejects.txt
hw init --db clean.db >/dev/null
expect_status 0 hw import registrants clean.csv --db clean.db --skip-invalid
expect_in out "imported 2000 of 2000 rows from clean.csv"
expect_not_in out "rejected"
[ ! -s err ] || { cat err; fail "stderr of a clean import"; }
[ ! -e clean.csv.rejects.csv ] || fail "stale clean.csv.rejects.csv left"
[ ! -e clean.csv.rejects.txt ] || fail "stale clean.csv.rejects.txt left"
expect_eq "$(counts clean.db)" "2000 2000" "counts of the clean import"

# A person is imported whole: one bad row of a person with two sets aside
# both, and the corrected rejects bring back both stays.
hw init --db whole.db >/dev/null
hdr=$(head -1 good.csv)
cat > two.csv <<EOT
$hdr
P1,Doe,Ann,,F,1980-01-01,FR,,,,,DE,Berlin,52.52,13.405,2026-01-01,2026-02-01,tourism,,,
P2,Doe,Bob,,M,1980-01-01,FR,,,,,DE,Berlin,52.52,13.405,2026-01-01,2026-02-01,tourism,,,
P1,Doe,Ann,,F,1980-01-01,FR,,,,,IT,Rome,91.5,12.5,2026-03-01,2026-03-10,tourism,,,
EOT
expect_status 0 hw import registrants two.csv --db whole.db --skip-invalid
expect_in out "imported 1 of 3 rows"
expect_eq "$(counts whole.db)" "1 1" "counts with P1 set aside"
expect_eq "$(tail -n +2 two.csv.rejects.csv | cut -d, -f1 | tr '\n' ' ')" "P1 P1 " "rejected rows"
expect_in two.csv.rejects.txt "two.csv:2: line 4 of the same person 'P1' has a problem"
expect_in two.csv.rejects.txt "two.csv:4:14: column 'lat'"
sed 's/,91\.5,/,41.9,/' two.csv.rejects.csv > fixed.csv
expect_status 0 hw import registrants fixed.csv --db whole.db
expect_eq "$(counts whole.db)" "2 3" "counts after the corrected rejects"
