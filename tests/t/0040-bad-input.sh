# Bad input to `homeward import registrants`: every case is a copy of a
# valid generated file of 10,000 rows with ONE row altered (or the header, or
# the whole file). Each must be refused with exit status 2 and a message that
# names the file, the line, the column and the reason, and must leave the
# database exactly as it was (counts and the bytes of an export).
. "$TESTS/t/lib.sh"

hw gen --people 10000 --seed 5 --nationality IN --today 2026-11-27 --out good.csv >/dev/null
hw gen --people 1000 --seed 4 --nationality FR --today 2026-11-27 --out first.csv >/dev/null
hw init --db t.db >/dev/null
hw import registrants first.csv --db t.db >/dev/null
want_counts=$(counts t.db)
expect_eq "$want_counts" "1000 1000" "counts after the first import"
want_export=$(hw export registrants --db t.db | cksum)
want_indexes=$(sqlite3 t.db "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY 1")

# The row the cases alter. It must be a plain row (no quoted fields, so that
# splitting on commas finds its 21 fields), and the rows around it too.
L=5000
sed -n "$((L - 1)),$((L + 1))p" good.csv | grep -q '"' && fail "good.csv: line $L is not a plain row; pick another"
expect_eq "$(sed -n "${L}p" good.csv | awk -F, '{ print NF }')" 21 "fields of line $L"
header=$(head -1 good.csv)

# name N: the name of column N of the header.
name() { printf '%s\n' "$header" | cut -d, -f"$1"; }

# set_field N VALUE [LINE]: bad.csv is good.csv with field N of line LINE
# (default $L) set to VALUE (taken byte for byte, from the environment).
set_field() {
	V=$2 awk -F, -v OFS=, -v n="$1" -v l="${3:-$L}" \
		'NR == l { $n = ENVIRON["V"] } { print }' good.csv > bad.csv
}

# set_line TEXT [LINE]: bad.csv is good.csv with line LINE replaced by TEXT.
set_line() {
	T=$1 awk -v l="${2:-$L}" 'NR == l { print ENVIRON["T"]; next } { print }' \
		good.csv > bad.csv
}

# The database is as it was before the case.
unchanged() {
	expect_eq "$(counts t.db)" "$want_counts" "counts after case '$label'"
	expect_eq "$(hw export registrants --db t.db | cksum)" "$want_export" \
		"export after case '$label'"
	[ ! -e bad.csv.rejects.csv ] && [ ! -e bad.csv.rejects.txt ] ||
		fail "case '$label': rejects files written without --skip-invalid"
}

# refused_row WHERE REASON: importing bad.csv is refused with status 2 and
# exactly one problem listed, a line with WHERE (FILE:LINE:COLUMN: ...) and
# REASON; the summary counts 1 bad row of 10,000; nothing changed.
refused_row() {
	expect_status 2 hw import registrants bad.csv --db t.db
	grep -F -- "$1" err | grep -qF -- "$2" ||
		{ cat err; fail "case '$label': no line with '$1' and '$2'"; }
	expect_eq "$(grep -c '^bad\.csv:[0-9]' err)" 1 "problems listed for case '$label'"
	expect_in err "homeward import: import of 'bad.csv' refused: 1 of 10000 rows has problems; nothing was written"
	expect_not_in out "imported"
	unchanged
}

# refused_file WHAT...: importing bad.csv is refused with status 2 and a
# message containing each WHAT; nothing changed.
refused_file() {
	expect_status 2 hw import registrants bad.csv --db t.db
	for what; do
		expect_in err "$what"
	done
	unchanged
}

# ---------------------------------------------------------------------------
# Done when: a CSV with one bad row among 10,000 (latitude 91.5 on line
# 5000) is refused with exit status 2 and a message naming its line and
# column, and the database's counts are unchanged.
label="one bad row among 10,000"
set_field 14 91.5
expect_eq "$(grep -c . bad.csv)" 10001 "lines of bad.csv"
expect_eq "$(diff good.csv bad.csv | grep -c '^>')" 1 "rows altered"
refused_row "bad.csv:5000:14: column 'lat': " "'91.5' is out of range (-90 to 90)"

# ---------------------------------------------------------------------------
# One field of line $L replaced. Each line of the table: the column number,
# the value put there, the reason expected in the message
# "bad.csv:5000:COLUMN: column 'NAME': REASON".
while IFS='|' read -r col value reason <&3; do
	label="$(name "$col")='$value'"
	set_field "$col" "$value"
	refused_row "bad.csv:$L:$col: column '$(name "$col")': " "$reason"
done 3<<'EOF'
15|-180.5|'-180.5' is out of range (-180 to 180)
14|-90.000001|'-90.000001' is out of range (-90 to 90)
14|NaN|'NaN' is not a decimal number
15|nan|'nan' is not a decimal number
14|inf|'inf' is not a decimal number
14|1e1|'1e1' is not a decimal number
14|"48,8566"|'48,8566' is not a decimal number (use a point as decimal separator
14||lat is missing (lat and lon go together)
15||lon is missing (lat and lon go together)
6|2023-02-29|'2023-02-29' is not a real date
16|2024-13-01|'2024-13-01' is not a real date
17|2024-04-31|'2024-04-31' is not a real date
16|19/11/2026|'19/11/2026' is not a date (YYYY-MM-DD
6|2099-01-01|'2099-01-01' is in the future
6|1899-12-31|'1899-12-31' is before 1900
17|2026-11-18|'2026-11-18' is before the arrival date 2026-11-19
9|+33 6 12|'+33 6 12' is not an E.164 phone number (+ then 8 to 15 digits)
9|0612345678|'0612345678' is not an E.164 phone number
9|+999123456789|'+999123456789' does not start with a known country calling code
9|+44 (0)20 7946 0000|has a trunk prefix '(0)'
12|ZZ|'ZZ' is not an ISO 3166-1 alpha-2 country code
7|XX|'XX' is not an ISO 3166-1 alpha-2 country code
7|IND|'IND' is not an ISO 3166-1 alpha-2 country code
21|wheelchair;flying|'flying' is not a known need (known: wheelchair, reduced-mobility,
18|holiday|'holiday' is not a purpose (one of resident, work, study, tourism, business, family, transit, other)
1||a value is required
7||a value is required
12||a value is required
1|IN 5000|'IN 5000' is not an identifier
20|party/1|'party/1' is not an identifier
5|Q|'Q' is not a sex (F, M or X)
8|AB12|'AB12' is not a passport number
10|jaspreet@localhost|'jaspreet@localhost' is not an email address
11|xx|'xx' is not an ISO 639-1 language code
11|hi-ZZ|'hi-ZZ' has a region that is not a country code
EOF

# Both names empty: reported on family_name.
label="no name"
awk -F, -v OFS=, -v l=$L 'NR == l { $2 = ""; $3 = "" } { print }' good.csv > bad.csv
refused_row "bad.csv:$L:2: column 'family_name': " "family_name or given_name is required"

# A point in the wrong country: Paris with country DE. Reported on lat, with
# the country the point is in.
label="Paris in DE"
awk -F, -v OFS=, -v l=$L 'NR == l { $12 = "DE"; $14 = "48.8566"; $15 = "2.3522" } { print }' \
	good.csv > bad.csv
refused_row "bad.csv:$L:14: column 'lat': " \
	"point (48.8566, 2.3522) is not in 'DE' (nearest border more than 30 km away; the point is in 'FR')"

# The same in the middle of the ocean: no country to suggest.
label="ocean in DE"
awk -F, -v OFS=, -v l=$L 'NR == l { $12 = "DE"; $14 = "0"; $15 = "-30" } { print }' \
	good.csv > bad.csv
refused_row "bad.csv:$L:14: column 'lat': " "point (0, -30) is not in 'DE' (nearest border more than 30 km away)"

# ---------------------------------------------------------------------------
# Text that is not UTF-8, or has control characters. The byte offset is
# within the (trimmed) field.
label="byte 0xFF"
set_field 2 "$(printf 'Si\377ngh')"
refused_row "bad.csv:$L:2: column 'family_name': " "has bytes that are not UTF-8 text at byte 3 (save the file as UTF-8)"
label="Latin-1 city"
set_field 13 "$(printf 'S\351oul')"
refused_row "bad.csv:$L:13: column 'city': " "has bytes that are not UTF-8 text at byte 2"
label="overlong UTF-8"
set_field 3 "$(printf 'A\300\257')"
refused_row "bad.csv:$L:3: column 'given_name': " "has bytes that are not UTF-8 text at byte 2"
label="UTF-16 surrogate"
set_field 4 "$(printf '\355\240\200x')"
refused_row "bad.csv:$L:4: column 'native_name': " "has bytes that are not UTF-8 text at byte 1"
label="truncated UTF-8"
set_field 4 "$(printf 'ab\340\244')"
refused_row "bad.csv:$L:4: column 'native_name': " "has bytes that are not UTF-8 text at byte 3"
label="control character"
set_field 13 "$(printf 'Sing\001apore')"
refused_row "bad.csv:$L:13: column 'city': " "contains a control character (U+0001) at byte 5"

# ---------------------------------------------------------------------------
# Malformed CSV. The reader names line and field number (not the column
# name: the record could not be split into fields).
label="stray quote"
set_field 2 'Si"ngh'
refused_row "bad.csv:$L:2: " "a quote inside an unquoted field"
label="text after a closing quote"
set_field 3 '"Jas"preet'
refused_row "bad.csv:$L:3: " "characters after the closing quote of a quoted field"
# A quote never closed: this file has no quote after line 5022, so the quoted
# field runs to the end of the file. Every row after it is still checked.
label="unterminated quote"
set_field 2 '"Singh' 6000
refused_row "bad.csv:6000:2: " "a quoted field is never closed"

# Wrong number of fields.
label="too few fields"
set_line "$(sed -n "${L}p" good.csv | sed 's/,[^,]*,[^,]*$//')"
refused_row "bad.csv:$L: " "the row has 19 fields but the header has 21"
label="too many fields"
set_line "$(sed -n "${L}p" good.csv),extra"
refused_row "bad.csv:$L: " "the row has 22 fields but the header has 21"
label="unquoted decimal comma"
set_field 14 "1,311128"
refused_row "bad.csv:$L: " "the row has 22 fields but the header has 21"

# ---------------------------------------------------------------------------
# The header: problems are reported on line 1 and refuse the file at once.
# Each line of the table: a sed expression for line 1, then what the
# message must contain.
while IFS='|' read -r expr col reason <&3; do
	label="header: $expr"
	sed "1$expr" good.csv > bad.csv
	refused_file "cannot import 'bad.csv': line 1 (the header): " "$col" "$reason"
	expect_eq "$(wc -l < err)" 1 "lines of stderr for case '$label'"
done 3<<'EOF'
s/,needs$//|column 'needs' is missing|column 'needs' is missing
s/^external_id,//|column 'external_id' is missing|column 'external_id' is missing
s/,city,/,town,/|column 13: |'town' is not a registrant column
s/$/,extra/|column 22: |'extra' is not a registrant column
s/,lat,/,Lat,/|column 14: |'Lat' is not a registrant column (names are lower case: 'lat')
s/,lat,/,lon,/|column 15: |'lon' appears twice (also column 14)
s/,lat,/,,/|column 14: |a column has no name
EOF

# ---------------------------------------------------------------------------
# Checks across rows: the later row is the one reported.

# A person's rows must agree: line $L becomes a second stay of the person of
# line 2 under another family name.
label="person's rows disagree"
l2=$(sed -n 2p good.csv)
id2=$(printf '%s\n' "$l2" | cut -d, -f1)
set_line "$(printf '%s\n' "$l2" | awk -F, -v OFS=, '{ $2 = "Different"; $16 = "2027-03-01"; $17 = "2027-03-10"; print }')"
refused_row "bad.csv:$L:2: column 'family_name': " "'Different' differs from line 2 of the same person '$id2'"
# And on another person column, e.g. the date of birth.
label="person's date of birth disagrees"
set_line "$(printf '%s\n' "$l2" | awk -F, -v OFS=, '{ $6 = "1982-05-13"; print }')"
refused_row "bad.csv:$L:6: column 'date_of_birth': " "'1982-05-13' differs from line 2 of the same person '$id2'"

# A party in two countries at the same time: line $L (SG, from 2026-11-19)
# joins the party of line 3, resident in QA since 2020 with no end date. The
# message names the party, its other country and its latest row there.
label="party in two countries (line 3)"
p3=$(sed -n 3p good.csv | cut -d, -f20)
c3=$(sed -n 3p good.csv | cut -d, -f12)
[ -n "$p3" ] && [ "$c3" != "$(sed -n "${L}p" good.csv | cut -d, -f12)" ] &&
	[ -z "$(sed -n 3p good.csv | cut -d, -f17)" ] || fail "line 3 of good.csv is not an open-ended stay of a party elsewhere"
last=$(awk -F, -v p="$p3" -v l=$L 'NR < l && $20 == p { n = NR } END { print n }' good.csv)
set_field 20 "$p3"
refused_row "bad.csv:$L:20: column 'party_id': " \
	"party '$p3' is in '$c3' at the same time (line $last); a party travels together"

# ---------------------------------------------------------------------------
# More than 100 bad rows: the first 100 are listed, in file order, then a
# summary says how many there are.
label="150 bad rows"
awk -F, -v OFS=, 'NR >= 101 && NR <= 250 { $7 = "XX" } { print }' good.csv > bad.csv
expect_status 2 hw import registrants bad.csv --db t.db
expect_eq "$(grep -c '^bad\.csv:[0-9]*:7: column .nationality.: .XX. is not' err)" 100 "problems listed"
expect_eq "$(wc -l < err)" 101 "lines of stderr"
expect_eq "$(head -1 err | cut -d: -f2)" 101 "first line listed"
expect_eq "$(sed -n 100p err | cut -d: -f2)" 200 "last line listed"
expect_in err "import of 'bad.csv' refused: 150 of 10000 rows have problems"
unchanged

# Problems of different kinds on several rows are all found, not only the first.
label="three kinds"
awk -F, -v OFS=, 'NR == 10 { $2 = "A\"B" } NR == 20 { $15 = "200" } NR == 30 { $1 = "" } { print }' \
	good.csv > bad.csv
expect_status 2 hw import registrants bad.csv --db t.db
expect_in err "bad.csv:10:2: a quote inside"
expect_in err "bad.csv:20:15: column 'lon': '200' is out of range"
expect_in err "bad.csv:30:1: column 'external_id': a value is required"
expect_in err "refused: 3 of 10000 rows have problems"
unchanged

# A bad row in a file with CRLF line ends is reported on the same line.
label="CRLF with a bad row"
set_field 7 XX
sed 's/$/\r/' bad.csv > crlf-bad.csv
mv crlf-bad.csv bad.csv
refused_row "bad.csv:$L:7: column 'nationality': " "'XX' is not an ISO 3166-1 alpha-2 country code"

# ---------------------------------------------------------------------------
# Whole files.
label="empty file"
: > bad.csv
refused_file "cannot import 'bad.csv': the file is empty (a header row is required)"
label="blank lines only"
printf '\n\r\n\n' > bad.csv
refused_file "cannot import 'bad.csv': the file is empty"
label="missing file"
rm -f bad.csv
refused_file "cannot open 'bad.csv': No such file or directory"
label="directory"
mkdir bad.csv
refused_file "cannot import 'bad.csv': not a file"
rmdir bad.csv
label="header only"
head -1 good.csv > bad.csv
expect_status 0 hw import registrants bad.csv --db t.db
expect_in out "imported 0 of 0 rows from bad.csv"
unchanged
label="header only, no line end"
head -1 good.csv | tr -d '\n' > bad.csv
expect_status 0 hw import registrants bad.csv --db t.db
expect_in out "imported 0 of 0 rows"
unchanged

# Nothing above left a trace: the same indexes, an intact database.
expect_eq "$(sqlite3 t.db "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY 1")" \
	"$want_indexes" "indexes after the refused imports"
expect_eq "$(sqlite3 t.db 'PRAGMA integrity_check')" ok "integrity check"

# ---------------------------------------------------------------------------
# Files that must import fine: CRLF line ends, a UTF-8 byte-order mark, both;
# each gives the same registry as good.csv (its export is good.csv).
hw init --db plain.db >/dev/null
hw import registrants good.csv --db plain.db >/dev/null
hw export registrants --db plain.db > plain.csv
cmp -s plain.csv good.csv || fail "export of good.csv differs from it"
sed 's/$/\r/' good.csv > crlf.csv
{ printf '\357\273\277'; cat good.csv; } > bom.csv
{ printf '\357\273\277'; cat crlf.csv; } > bom-crlf.csv
for f in crlf bom bom-crlf; do
	hw init --db $f.db >/dev/null
	expect_status 0 hw import registrants $f.csv --db $f.db
	expect_in out "imported 10000 of 10000 rows from $f.csv"
	hw export registrants --db $f.db > e-$f.csv
	cmp -s e-$f.csv good.csv || { diff e-$f.csv good.csv | head -5; fail "$f.csv does not import as good.csv"; }
done

# Finally the control: the rows the cases altered are otherwise good, and
# good.csv does change this database.
expect_status 0 hw import registrants good.csv --db t.db
expect_eq "$(counts t.db)" "11000 11000" "counts after importing good.csv"

# ---------------------------------------------------------------------------
# Regressions: bugs found by this test and fixed. Each runs in a subshell so
# that all are reported.
hw init --db bug.db >/dev/null
bugs=

# The first row with a party in a file was never checked against: line $L
# joins the party of line 2 (US, 2026-11-18 to 2026-12-02) while in SG from
# 2026-11-19, and the file was accepted.
(
	label="party in two countries (line 2)"
	p2=$(printf '%s\n' "$l2" | cut -d, -f20)
	set_field 20 "$p2"
	expect_status 2 hw import registrants bad.csv --db bug.db
	expect_in err "bad.csv:$L:20: column 'party_id': party '$p2' is in 'US' at the same time (line 2)"
) || bugs="$bugs party-first-row"

# A quote never closed on line $L is closed by the first quote of line 5019
# (the opening quote of a quoted city); the problem was reported only as
# "bad.csv:5019:2: characters after the closing quote": line 5019 with the
# field number on line $L. The message must lead the clerk to line $L.
(
	label="unterminated quote closed by a later line"
	set_field 2 '"Singh'
	expect_status 2 hw import registrants bad.csv --db bug.db
	grep -qE "^bad\.csv:$L:2: |line $L([^0-9]|$)" err || { cat err; fail "line $L not named"; }
) || bugs="$bugs quote-closed-later"

[ -z "$bugs" ] || fail "fixed bugs are back:$bugs"
