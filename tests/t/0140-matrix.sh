# The role x route matrix: every route called with every role and with no
# session, each cell's expected status read from tests/data/route-matrix.tsv;
# every route of the server must have a row there. Then the rule of
# jurisdiction through every route that lists or searches: an officer of a
# mission covering NP sees nobody whose only presence is in FR.
. "$TESTS/t/lib.sh"

MATRIX="$TESTS/data/route-matrix.tsv"

hw init --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
hw mission add --db t.db --code EMB-FR --name "Embassy in Paris" --countries FR,MC >/dev/null
adduser() { echo "$1-password-1" | hw user add --db t.db --login "$1" --role "$2" ${3:+--mission "$3"} --password-stdin >/dev/null; }
adduser hq1 hq
adduser off-np officer EMB-NP
adduser head-np mission-head EMB-NP
adduser aud auditor
adduser off-fr officer EMB-FR
serve_start --db t.db

sign_in hq1 hq1-password-1; HQ=$TOKEN

# as_hq METHOD PATH [BODY]: a call as hq that must succeed; prints .id.
as_hq() {
	_t=$TOKEN; TOKEN=$HQ
	call "$@"
	TOKEN=$_t
	case "$STATUS" in 2??) ;; *) cat body >&2; fail "fixture: $1 $2 gave $STATUS" ;; esac
	jq -r '.id // empty' body
}

# A person with one presence in NP (Kathmandu) or FR (Paris), with a
# contact and an emergency contact. Prints its id.
new_person() {
	case $1 in
	np) pt='"country":"NP","city":"Kathmandu","lat":27.7172,"lon":85.324' ;;
	fr) pt='"country":"FR","city":"Paris","lat":48.8566,"lon":2.3522' ;;
	esac
	_id=$(as_hq POST /api/v1/persons "{\"family_name\":\"$2\",\"given_name\":\"Test\",\"nationality\":\"IN\",\"passport_no\":\"$3\"}")
	as_hq POST "/api/v1/persons/$_id/presences" "{$pt}" >/dev/null
	echo "$_id"
}
P_NP=$(new_person np Sherpa-Np N1234567)
P_FR=$(new_person fr Dupont-Fr F7654321)
C_NP=$(as_hq POST /api/v1/persons/$P_NP/contacts '{"kind":"phone","value":"+9779841000001"}')
C_FR=$(as_hq POST /api/v1/persons/$P_FR/contacts '{"kind":"phone","value":"+33612345678"}')
E_NP=$(as_hq POST /api/v1/persons/$P_NP/emergency-contacts '{"name":"Kin Np"}')
E_FR=$(as_hq POST /api/v1/persons/$P_FR/emergency-contacts '{"name":"Kin Fr"}')
PR_NP=$(as_hq GET /api/v1/persons/$P_NP/presences >/dev/null; jq -r '.items[0].id' body)
PR_FR=$(as_hq GET /api/v1/persons/$P_FR/presences >/dev/null; jq -r '.items[0].id' body)
PA_FR=$(as_hq POST /api/v1/parties '{"kind":"household"}')
as_hq PATCH /api/v1/persons/$P_FR "{\"party_id\":$PA_FR}" >/dev/null
ORG=$(as_hq POST /api/v1/organisations '{"name":"Matrix Org","kind":"company","country":"NP"}')
U_NP=$(sqlite3 t.db "SELECT id FROM app_user WHERE login = 'off-np'")
U_FR=$(sqlite3 t.db "SELECT id FROM app_user WHERE login = 'off-fr'")
# A crisis: an incident over NP and FR (both missions concerned) and the
# NP person's check-in link.
INC=$(hw incident create --db t.db --country NP,FR --title "Matrix incident")
TOK_NP=tokmatrix0000000000001
sqlite3 t.db "INSERT INTO checkin_token (token, incident_id, person_id, created_at) VALUES ('$TOK_NP', $INC, $P_NP, '2026-01-01T00:00:00Z')"
# Incidents of one mission each (api_incident.c).
INC_NP=$(hw incident create --db t.db --country NP --title "Matrix NP")
INC_FR=$(hw incident create --db t.db --country FR --title "Matrix FR")

# The citizen signs up, lives in NP.
TOKEN=
expect_http 201 POST /api/v1/signup '{"login":"cit1","password":"cit1-password-1","family_name":"Citizen","given_name":"One","nationality":"IN","consent_version":"2026-1"}'
P_CIT=$(jqb .person_id)
sign_in cit1 cit1-password-1; CIT=$TOKEN
call POST /api/v1/persons/$P_CIT/presences '{"country":"NP","city":"Kathmandu","lat":27.7,"lon":85.3}'
expect_eq "$STATUS" 201 "citizen adds its trip"

sign_in off-np off-np-password-1; OFF=$TOKEN
sign_in head-np head-np-password-1; HEAD=$TOKEN
sign_in aud aud-password-1; AUD=$TOKEN

N=0
fresh_citizen() {
	N=$((N + 1))
	TOKEN=
	expect_http 201 POST /api/v1/signup "{\"login\":\"fresh$N\",\"password\":\"fresh-password-$N\",\"family_name\":\"Fresh\",\"given_name\":\"$N\",\"nationality\":\"IN\",\"consent_version\":\"2026-1\"}"
	sign_in "fresh$N" "fresh-password-$N"
}
# The token of a role; with fresh-session, a new sign-in.
token_of() {
	if [ "$2" = fresh-session ]; then
		case $1 in
		none) TOKEN= ;;
		citizen) fresh_citizen ;;
		officer) sign_in off-np off-np-password-1 ;;
		mission-head) sign_in head-np head-np-password-1 ;;
		hq) sign_in hq1 hq1-password-1 ;;
		auditor) sign_in aud aud-password-1 ;;
		esac
		return
	fi
	case $1 in
	none) TOKEN= ;; citizen) TOKEN=$CIT ;; officer) TOKEN=$OFF ;;
	mission-head) TOKEN=$HEAD ;; hq) TOKEN=$HQ ;; auditor) TOKEN=$AUD ;;
	esac
}

# Fill the placeholders of a path or body; fresh objects are made here.
# It runs in a subshell ($(fill ...)): the caller counts N.
fill() {
	s=$1
	s=$(printf '%s' "$s" | sed -e "s/{n}/$N/g" -e "s/{p_np}/$P_NP/g" -e "s/{p_fr}/$P_FR/g" \
		-e "s/{p_cit}/$P_CIT/g" -e "s/{c_np}/$C_NP/g" -e "s/{c_fr}/$C_FR/g" \
		-e "s/{e_np}/$E_NP/g" -e "s/{e_fr}/$E_FR/g" -e "s/{pr_np}/$PR_NP/g" \
		-e "s/{pr_fr}/$PR_FR/g" -e "s/{pa_fr}/$PA_FR/g" -e "s/{org}/$ORG/g" \
		-e "s/{u_np}/$U_NP/g" -e "s/{u_fr}/$U_FR/g" -e "s/{inc}/$INC/g" \
		-e "s/{tok_np}/$TOK_NP/g" -e "s/{asset}/checkin.css/g" \
		-e "s/{inc_np}/$INC_NP/g" -e "s/{inc_fr}/$INC_FR/g")
	case $s in
	*'{fresh_p_np}'*) v=$(new_person np Fresh-$N "") ;;
	*'{fresh_p_fr}'*) v=$(new_person fr Fresh-$N "") ;;
	*'{fresh_c_np}'*) v=$(as_hq POST /api/v1/persons/$P_NP/contacts "{\"kind\":\"email\",\"value\":\"f$N@example.org\"}") ;;
	*'{fresh_c_fr}'*) v=$(as_hq POST /api/v1/persons/$P_FR/contacts "{\"kind\":\"email\",\"value\":\"f$N@example.org\"}") ;;
	*'{fresh_e_np}'*) v=$(as_hq POST /api/v1/persons/$P_NP/emergency-contacts "{\"name\":\"F $N\"}") ;;
	*'{fresh_e_fr}'*) v=$(as_hq POST /api/v1/persons/$P_FR/emergency-contacts "{\"name\":\"F $N\"}") ;;
	*'{fresh_pr_np}'*) v=$(as_hq POST /api/v1/persons/$P_NP/presences '{"country":"NP","city":"Pokhara"}') ;;
	*'{fresh_pr_fr}'*) v=$(as_hq POST /api/v1/persons/$P_FR/presences '{"country":"FR","city":"Nice"}') ;;
	*'{fresh_inc_np}'*) v=$(as_hq POST /api/v1/incidents '{"title":"Fresh","countries":["NP"]}') ;;
	*'{fresh_inc_fr}'*) v=$(as_hq POST /api/v1/incidents '{"title":"Fresh","countries":["FR"]}') ;;
	*'{fresh_org}'*) v=$(as_hq POST /api/v1/organisations "{\"name\":\"Fresh Org $N\",\"kind\":\"ngo\"}") ;;
	*'{fresh_u_np}'*) v=$(as_hq POST /api/v1/users "{\"login\":\"fu$N\",\"role\":\"officer\",\"mission\":\"EMB-NP\",\"password\":\"long-password-$N\"}") ;;
	*'{fresh_u_fr}'*) v=$(as_hq POST /api/v1/users "{\"login\":\"fu$N\",\"role\":\"officer\",\"mission\":\"EMB-FR\",\"password\":\"long-password-$N\"}") ;;
	*) v= ;;
	esac
	printf '%s' "$s" | sed -e "s/{fresh_[a-z_]*}/$v/g"
}

roles="none citizen officer mission-head hq auditor"
tab=$(printf '\t')
bad=0 cells=0
grep -v '^#' "$MATRIX" | grep -v '^$' > rows
while IFS="$tab" read -r method path body opts s_none s_cit s_off s_head s_hq s_aud; do
	set -- $s_none $s_cit $s_off $s_head $s_hq $s_aud
	for role in $roles; do
		want=$1; shift
		N=$((N + 1))
		p=$(fill "$path")
		token_of "$role" "$opts"
		if [ "$body" = - ]; then
			call "$method" "$p"
		else
			call "$method" "$p" "$(fill "$body")"
		fi
		cells=$((cells + 1))
		if [ "$STATUS" != "$want" ]; then
			bad=$((bad + 1))
			echo "MISMATCH $method $path as $role: got $STATUS, expected $want: $(head -c 300 body)"
		fi
	done
done < rows
echo "matrix: $cells cells, $bad mismatches"
[ "$bad" = 0 ] || fail "the role x route matrix does not hold"

# Every route has a row (paths compared with their {params} and query
# strings taken out).
hw test-routes | awk '{print $1, $2}' | sed 's/{[^}]*}/{}/g' | sort -u > routes
cut -f1,2 rows | sed -e 's/\t/ /' -e 's/?.*//' -e 's/{[^}]*}/{}/g' \
	-e 's#/api/v1/missions/EMB-FR#/api/v1/missions/{}#' | sort -u > covered
missing=$(comm -23 routes covered)
[ -z "$missing" ] || fail "routes without a row in the matrix: $missing"
extra=$(comm -13 routes covered)
[ -z "$extra" ] || fail "matrix rows for routes that do not exist: $extra"

# Jurisdiction through every listing and search: the NP officer never
# sees the FR-only person, while hq does.
TOKEN=$OFF
all_ids() {   # every id of a paged list
	_after=
	: > ids
	while :; do
		call GET "$1${_after:+&after=$_after}"
		[ "$STATUS" = 200 ] || fail "$1 gave $STATUS"
		jq -r '.items[].id' body >> ids
		_after=$(jqb '.next_after // empty')
		[ -n "$_after" ] || break
	done
}
for who in OFF HEAD; do
	eval TOKEN=\$$who
	all_ids "/api/v1/persons?limit=2"
	grep -qx "$P_NP" ids || fail "$who does not see the NP person in the list"
	! grep -qx "$P_FR" ids || fail "$who sees the FR person in the list"
	expect_http 200 GET "/api/v1/persons?name=Dupont"
	expect_eq "$(jqb '.items | length')" 0 "$who: search by the FR person's name"
	expect_http 200 GET "/api/v1/persons?name=Sherpa"
	expect_eq "$(jqb '.items[0].id')" "$P_NP" "$who: search by the NP person's name"
	expect_http 200 GET "/api/v1/persons?passport=F7654321"
	expect_eq "$(jqb '.items | length')" 0 "$who: search by the FR person's passport"
	expect_http 200 GET "/api/v1/persons?phone=%2B33612345678"
	expect_eq "$(jqb '.items | length')" 0 "$who: search by the FR person's phone"
	all_ids "/api/v1/parties?limit=100"
	! grep -qx "$PA_FR" ids || fail "$who sees the FR person's party"
	expect_http 200 GET "/api/v1/query?country=FR&format=count"
	expect_eq "$(jqb .count)" 0 "$who: count in FR"
	expect_http 200 GET "/api/v1/query?circle=48.8566,2.3522,100&format=ids"
	expect_eq "$(jqb '.ids | length')" 0 "$who: ids around Paris"
	expect_http 200 GET "/api/v1/query?circle=48.8566,2.3522,100&format=geojson"
	expect_eq "$(jqb '.features | length')" 0 "$who: GeoJSON around Paris"
	expect_http 200 POST "/api/v1/query?format=ids" '{"type":"Polygon","coordinates":[[[2,48],[3,48],[3,49],[2,49],[2,48]]]}'
	expect_eq "$(jqb '.ids | length')" 0 "$who: polygon around Paris"
	expect_http 200 GET "/api/v1/query/countries"
	expect_eq "$(jqb '[.items[] | select(.country == "FR")] | length')" 0 "$who: FR in the aggregates"
	expect_http 200 GET "/api/v1/query/cells?cell=1"
	expect_eq "$(jqb '[.items[] | select(.lat == 48 and .lon == 2)] | length')" 0 "$who: the Paris cell"
	expect_http 200 GET "/api/v1/query?country=NP&format=ids"
	expect_in body "$P_NP"
done
TOKEN=$HQ
expect_http 200 GET "/api/v1/persons?name=Dupont"
expect_eq "$(jqb '.items[0].id')" "$P_FR" "hq: search by the FR person's name"
expect_http 200 GET "/api/v1/query?circle=48.8566,2.3522,100&format=ids"
expect_in body "$P_FR"
echo ok
