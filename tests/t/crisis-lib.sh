# The fixture shared by the crisis tests (0220 check-ins, 0225 the board,
# 0230 the crash test): six registrants, five of them in an incident over
# Nepal and France, two missions with an officer each, hq and an auditor,
# and a check-in link per roster entry. Sourced after lib.sh.

# crisis_fixture TITLE: build it in t.db; INC is the incident's id.
crisis_fixture() {
	hw init --db t.db >/dev/null
	cat > people.csv <<'CSV'
external_id,family_name,given_name,native_name,sex,date_of_birth,nationality,passport_no,phone,email,language,country,city,lat,lon,arrival,departure,purpose,organisation,party_id,needs
T-1,Dupont,Marie,,F,1980-01-01,FR,,+9779841000001,marie@example.org,fr,NP,Kathmandu,27.7172,85.324,,,,,,
T-2,Wang,Li,王丽,F,1990-02-02,FR,,+9779841000002,,zh,NP,Pokhara,28.2096,83.9856,,,,,,
T-3,Haddad,Omar,,M,1985-03-03,FR,,+9779841000003,,ar,NP,Kathmandu,27.71,85.32,,,,,,
T-4,Garcia,Ana,,F,1975-04-04,FR,,+33612345004,,es,FR,Paris,48.8566,2.3522,,,,,,
T-5,"O""Brien, Jr",Sean,,M,1970-05-05,FR,,+33612345005,,,FR,Lyon,45.764,4.8357,,,,,,
T-6,Muller,Hans,,M,1960-06-06,FR,,+4915112345006,,en,DE,Berlin,52.52,13.405,,,,,,
CSV
	hw import registrants --db t.db people.csv >/dev/null
	hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
	hw mission add --db t.db --code EMB-FR --name "Embassy in Paris" --countries FR >/dev/null
	_adduser() { echo "$1-password-1" | hw user add --db t.db --login "$1" --role "$2" ${3:+--mission "$3"} --password-stdin >/dev/null; }
	_adduser hq1 hq
	_adduser off-np officer EMB-NP
	_adduser off-np2 officer EMB-NP
	_adduser off-fr officer EMB-FR
	_adduser aud auditor
	INC=$(hw incident create --db t.db --country NP,FR --title "$1" --type earthquake)
	# Links made the way the outbox makes them would be random; these
	# are predictable (22 base64url characters, like the real ones).
	sqlite3 t.db "INSERT INTO checkin_token (token, incident_id, person_id, created_at)
		SELECT printf('tok%019d', person_id), incident_id, person_id, '2026-01-01T00:00:00Z'
		FROM roster WHERE incident_id = $INC"
}

# pid EXTERNAL_ID: the person's id. tok EXTERNAL_ID: their check-in token.
pid() { sqlite3 t.db "SELECT id FROM person WHERE external_id = '$1'"; }
tok() { sqlite3 t.db "SELECT token FROM checkin_token WHERE incident_id = $INC AND person_id = (SELECT id FROM person WHERE external_id = '$1')"; }
# status EXTERNAL_ID: their roster status.
status_of() { sqlite3 t.db "SELECT status FROM roster WHERE incident_id = $INC AND person_id = (SELECT id FROM person WHERE external_id = '$1')"; }

# form METHOD PATH DATA: post a form, as nobody; ./body and $STATUS.
form() {
	_t=${TOKEN:-}; TOKEN=
	CT=application/x-www-form-urlencoded call "$@"
	TOKEN=$_t
}
