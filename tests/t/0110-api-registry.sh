# The registry over HTTP: persons, contacts, emergency contacts, parties
# and organisations; search by name, phone and passport; paging; who sees
# whom (officer by jurisdiction, citizen by household); bad values refused
# with the field named and nothing written; strings back exactly as sent.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
echo 'hq password 12345' | hw user add --db t.db --login hq1 --role hq --password-stdin >/dev/null
echo 'officer password 1' | hw user add --db t.db --login ram --role officer --mission EMB-NP --password-stdin >/dev/null
echo 'auditor password 1' | hw user add --db t.db --login aud --role auditor --password-stdin >/dev/null
echo 'citizen password 1' | hw user add --db t.db --login cit --role citizen --password-stdin >/dev/null

# A few hundred generated people for paging and search, and a handful
# placed by hand: one only in France, one in Nepal, a citizen without a
# household and a household of two others.
hw gen --people 150 --seed 7 --out gen.csv >/dev/null
hw import registrants gen.csv --db t.db >/dev/null
cat >few.csv <<'EOF'
external_id,family_name,given_name,native_name,sex,date_of_birth,nationality,passport_no,phone,email,language,country,city,lat,lon,arrival,departure,purpose,organisation,party_id,needs
S-FR,Durand,Paul,,M,1970-01-01,FR,FR7654321,+33612340000,,fr,FR,Paris,48.8566,2.3522,2020-01-01,,resident,Acme SA,,
S-NP,Sharma,Ram,,M,1980-01-01,FR,,+9771234567,,,NP,Kathmandu,27.7172,85.324,2020-01-01,,work,,,
C-1,Citizen,Claire,,F,1985-01-01,FR,,,,,FR,Lyon,45.764,4.8357,2020-01-01,,resident,,,
C-OTHER,Other,Olga,,F,1986-01-01,FR,,,,,FR,Lyon,45.764,4.8357,2020-01-01,,resident,,H-OTHER,
C-OTHER2,Other,Oleg,,M,1986-01-01,FR,,,,,FR,Lyon,45.764,4.8357,2020-01-01,,resident,,H-OTHER,
EOF
hw import registrants few.csv --db t.db >/dev/null
pid() { sqlite3 t.db "SELECT id FROM person WHERE external_id = '$1'"; }
FR=$(pid S-FR); NP=$(pid S-NP); C1=$(pid C-1); OTHER=$(pid C-OTHER)
sqlite3 t.db "UPDATE app_user SET person_id = $C1 WHERE login = 'cit'"

# Row counts of every registry table and of the audit log, to show that
# a refused request wrote nothing.
rows() {
	sqlite3 t.db "SELECT (SELECT count(*) FROM person) || ' ' || (SELECT count(*) FROM contact)
	  || ' ' || (SELECT count(*) FROM emergency_contact) || ' ' || (SELECT count(*) FROM party)
	  || ' ' || (SELECT count(*) FROM organisation) || ' ' || (SELECT count(*) FROM audit)"
}
# refused STATUS FIELD METHOD PATH [BODY]: refused with that field named,
# and nothing written.
refused() {
	_st=$1 _field=$2; shift 2
	_before=$(rows)
	expect_http "$_st" "$@"
	expect_eq "$(jqb .error.field)" "$_field" "field of the refusal of $1 $2 $(printf '%.120s' "${3:-}")"
	expect_eq "$(rows)" "$_before" "rows after the refused $1 $2"
}
# ids_of PATH: every id of a paged list, all pages, one per line.
ids_of() {
	_after=0
	: >ids
	while :; do
		case $1 in *\?*) _sep='&' ;; *) _sep='?' ;; esac
		expect_http 200 GET "$1${_sep}limit=1000&after=$_after"
		jqb '.items[].id' >>ids
		_after=$(jqb .next_after)
		[ "$_after" != null ] || break
	done
}
has_id() { grep -qx "$2" ids || fail "$1: $2 is not listed"; }
lacks_id() { ! grep -qx "$2" ids || fail "$1: $2 is listed"; }

serve_start --db t.db
sign_in hq1 'hq password 12345'

# ---- Persons: create, read, update, with strings that must come back as sent.
QUOTED='O'"'"'Brien "the <b>bold</b>"'
SCRIPT='<script>alert("x")</script> & <img src=x>'
SQL="'; DROP TABLE person; --"
UNI='Łukasz Müller-Ñandú 🚀 ‮'
body=$(jq -nc --arg f "$QUOTED" --arg g "$SCRIPT" --arg n "$SQL" \
	'{family_name:$f, given_name:$g, native_name:$n, nationality:"ie", sex:"M",
	  date_of_birth:"1975-05-06", language:"en", needs:["medical","wheelchair"]}')
expect_http 201 POST /api/v1/persons "$body"
P2=$(jqb .id)
expect_eq "$(jqb .family_name)" "$QUOTED" "family_name back"
expect_eq "$(jqb .given_name)" "$SCRIPT" "given_name back"
expect_eq "$(jqb .native_name)" "$SQL" "native_name back"
expect_eq "$(jqb .nationality)" IE "nationality normalised as the importer does"
expect_eq "$(jqb '.needs | join(",")')" "wheelchair,medical" "needs in canonical order"
case $(jqb .external_id) in api-*) ;; *) fail "no external_id made up: $(jqb .external_id)" ;; esac
expect_eq "$(jqb '.contacts | length'),$(jqb '.presences | length'),$(jqb 'has("passport_no")')" "0,0,false" "sub-lists, no passport"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM person WHERE native_name = '''; DROP TABLE person; --'")" 1 "stored as sent"

body=$(jq -nc --arg u "$UNI" '{external_id:"K-1", family_name:"Kuznetsova", given_name:$u,
	native_name:"Кузнецова Анна", nationality:"FR", passport_no:"ab 123456 7"}')
expect_http 201 POST /api/v1/persons "$body"
P1=$(jqb .id)
expect_eq "$(jqb .given_name)" "$UNI" "Unicode given_name back"
expect_eq "$(jqb .native_name)" "Кузнецова Анна" "Cyrillic back"
expect_http 201 POST /api/v1/persons '{"family_name":"Wang","given_name":"Xiaoming","native_name":"王小明","nationality":"CN"}'
P3=$(jqb .id)
expect_http 409 POST /api/v1/persons '{"external_id":"K-1","family_name":"Dup","nationality":"FR"}'
expect_eq "$(jqb .error.field)" external_id "duplicate external_id"

expect_http 200 GET "/api/v1/persons/$P2"
expect_eq "$(jqb .native_name)" "$SQL" "read back"
expect_eq "$(jqb 'has("passport_no")')" false "no passport without include"
expect_http 400 GET "/api/v1/persons/$P2?include=everything"
expect_http 404 GET /api/v1/persons/999999

body=$(jq -nc --arg s "$SCRIPT$UNI" '{given_name:$s, sex:null, language:"pt-BR"}')
expect_http 200 PATCH "/api/v1/persons/$P2" "$body"
expect_eq "$(jqb .given_name)" "$SCRIPT$UNI" "patched given_name back"
expect_eq "$(jqb .family_name)" "$QUOTED" "untouched field kept"
expect_eq "$(jqb .sex)" null "null clears"
expect_eq "$(jqb .language)" pt-BR "language"
expect_in body '"updated_at"'

# ---- Passport: sealed at rest, shown only when asked, and audited.
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM person WHERE instr(passport_enc, 'AB1234567') OR instr(passport_enc, 'ab 123456 7')")" 0 "passport in clear"
expect_http 200 GET "/api/v1/persons/$P1?include=passport"
expect_eq "$(jqb .passport_no)" AB1234567 "passport unsealed"
expect_http 200 GET "/api/v1/persons?passport=ab1234567"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$P1" "passport search"
expect_http 200 GET "/api/v1/persons?passport=FR7654321"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$FR" "passport search of an imported person"
expect_http 400 GET "/api/v1/persons?passport=x"
hw audit list --db t.db --limit 1000 >audit.txt
expect_in audit.txt person-read-sensitive
expect_in audit.txt person-search-passport
expect_not_in audit.txt AB1234567
expect_not_in audit.txt ab1234567
expect_not_in audit.txt FR7654321
expect_http 200 PATCH "/api/v1/persons/$P1" '{"passport_no":"ZZ99999"}'
expect_http 200 GET "/api/v1/persons?passport=ZZ99999"
expect_eq "$(jqb '.items | length')" 1 "new passport found"
expect_http 200 GET "/api/v1/persons?passport=AB1234567"
expect_eq "$(jqb '.items | length')" 0 "old passport gone"

# ---- Search by name: any case in Latin and Cyrillic, any of the three names.
for q in kuzn KUZN Kuznetsova %D0%9A%D1%83%D0%B7%D0%BD %D0%BA%D1%83%D0%B7%D0%BD; do
	expect_http 200 GET "/api/v1/persons?name=$q"
	jqb '.items[].id' >ids
	has_id "name=$q" "$P1"
done
expect_http 200 GET "/api/v1/persons?name=%E7%8E%8B%E5%B0%8F"   # 王小
jqb '.items[].id' >ids
has_id "name=王小" "$P3"
lacks_id "name=王小" "$P1"
expect_http 200 GET "/api/v1/persons?name=o'b"
jqb '.items[].id' >ids
has_id "name=o'b" "$P2"
lacks_id "name=o'b" "$P1"
expect_http 200 GET "/api/v1/persons?name=%C5%82ukasz"  # łukasz finds Łukasz
jqb '.items[].id' >ids
has_id "name=łukasz" "$P1"
expect_http 400 GET "/api/v1/persons?name="
expect_http 400 GET "/api/v1/persons?colour=red"

# ---- Contacts: create, read, update, delete; one preferred per kind.
expect_http 201 POST "/api/v1/persons/$P1/contacts" '{"kind":"phone","value":"+33 6 12 34 56 78","preferred":true}'
C_A=$(jqb .id)
expect_eq "$(jqb .value)" "+33612345678" "phone normalised to E.164"
expect_http 201 POST "/api/v1/persons/$P1/contacts" '{"kind":"phone","value":"+33 6 99 99 99 99","preferred":true}'
C_B=$(jqb .id)
expect_http 201 POST "/api/v1/persons/$P1/contacts" '{"kind":"email","value":"Anna@Example.ORG"}'
C_E=$(jqb .id)
expect_eq "$(jqb .value)" "Anna@example.org" "email as the importer stores it"
body=$(jq -nc --arg v "$SCRIPT" '{kind:"messaging", value:$v}')
expect_http 201 POST "/api/v1/persons/$P1/contacts" "$body"
expect_eq "$(jqb .value)" "$SCRIPT" "messaging handle back"
expect_http 200 GET "/api/v1/contacts/$C_A"
expect_eq "$(jqb .preferred)" false "the second preferred phone took over"
expect_http 200 GET "/api/v1/persons/$P1/contacts"
expect_eq "$(jqb '[.items[] | select(.preferred)] | length')" 1 "one preferred"
expect_http 200 PATCH "/api/v1/contacts/$C_A" '{"preferred":true,"verified":true}'
expect_eq "$(jqb .preferred),$(jqb .verified)" "true,true" "patched contact"
expect_http 200 GET "/api/v1/contacts/$C_B"
expect_eq "$(jqb .preferred)" false "preference moved back"
expect_http 200 GET "/api/v1/persons?phone=%2B33612345678"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$P1" "phone search"
expect_http 200 GET "/api/v1/persons?phone=%2B33%206%2012%2034%2056%2078&name=kuz"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$P1" "phone and name together"
expect_http 400 GET "/api/v1/persons?phone=12345"
expect_http 200 GET "/api/v1/persons/$P1"
expect_eq "$(jqb '.contacts | length')" 4 "contacts in the person"
expect_http 204 DELETE "/api/v1/contacts/$C_E"
expect_http 404 GET "/api/v1/contacts/$C_E"
expect_http 404 DELETE "/api/v1/contacts/$C_E"

# ---- Emergency contacts.
body=$(jq -nc --arg n "$SQL" --arg rel "$QUOTED" '{name:$n, relation:$rel, phone:"+44 20 7946 0000", email:"mum@example.co.uk"}')
expect_http 201 POST "/api/v1/persons/$P1/emergency-contacts" "$body"
E1=$(jqb .id)
expect_eq "$(jqb .name)" "$SQL" "emergency name back"
expect_eq "$(jqb .relation)" "$QUOTED" "relation back"
expect_eq "$(jqb .phone)" "+442079460000" "emergency phone"
expect_http 200 PATCH "/api/v1/emergency-contacts/$E1" '{"relation":"mother","email":null}'
expect_eq "$(jqb .relation),$(jqb .email)" "mother,null" "patched emergency contact"
expect_http 200 GET "/api/v1/persons/$P1/emergency-contacts"
expect_eq "$(jqb '.items | length')" 1 "listed"
expect_http 200 GET "/api/v1/persons/$P1"
expect_eq "$(jqb '.emergency_contacts[0].name')" "$SQL" "in the person"
expect_http 204 DELETE "/api/v1/emergency-contacts/$E1"
expect_http 404 GET "/api/v1/emergency-contacts/$E1"

# ---- Bad values: 422 naming the field, nothing written.
refused 422 nationality POST /api/v1/persons '{"family_name":"X","nationality":"XX"}'
refused 422 nationality POST /api/v1/persons '{"family_name":"X"}'
refused 422 family_name POST /api/v1/persons '{"native_name":"X","nationality":"FR"}'
refused 422 date_of_birth POST /api/v1/persons '{"family_name":"X","nationality":"FR","date_of_birth":"1990-02-30"}'
refused 422 date_of_birth POST /api/v1/persons '{"family_name":"X","nationality":"FR","date_of_birth":"2190-01-01"}'
refused 422 date_of_birth POST /api/v1/persons '{"family_name":"X","nationality":"FR","date_of_birth":"21/01/1990"}'
refused 422 sex POST /api/v1/persons '{"family_name":"X","nationality":"FR","sex":"Q"}'
refused 422 language POST /api/v1/persons '{"family_name":"X","nationality":"FR","language":"klingon"}'
refused 422 needs POST /api/v1/persons '{"family_name":"X","nationality":"FR","needs":["jetpack"]}'
refused 422 passport_no POST /api/v1/persons '{"family_name":"X","nationality":"FR","passport_no":"12"}'
refused 422 party_id POST /api/v1/persons '{"family_name":"X","nationality":"FR","party_id":999999}'
refused 422 external_id POST /api/v1/persons '{"family_name":"X","nationality":"FR","external_id":"has space"}'
refused 422 family_name POST /api/v1/persons "{\"family_name\":\"$(printf '%0201d' 0)\",\"nationality\":\"FR\"}"
refused 422 family_name POST /api/v1/persons '{"family_name":42,"nationality":"FR"}'
refused 422 needs POST /api/v1/persons '{"family_name":"X","nationality":"FR","needs":"medical"}'
refused 422 colour POST /api/v1/persons '{"family_name":"X","nationality":"FR","colour":"red"}'
expect_eq "$(jqb .error.code)" unknown_field "unknown field code"
refused 422 nationality PATCH "/api/v1/persons/$P2" '{"family_name":"Y","nationality":"XX"}'
refused 422 nationality PATCH "/api/v1/persons/$P2" '{"nationality":null}'
refused 422 external_id PATCH "/api/v1/persons/$P2" '{"external_id":null}'
refused 422 family_name PATCH "/api/v1/persons/$P2" '{"family_name":null,"given_name":null}'
refused 409 external_id PATCH "/api/v1/persons/$P2" '{"external_id":"K-1"}'
refused 422 value POST "/api/v1/persons/$P1/contacts" '{"kind":"phone","value":"12345"}'
refused 422 value POST "/api/v1/persons/$P1/contacts" '{"kind":"email","value":"not-an-address"}'
refused 422 kind POST "/api/v1/persons/$P1/contacts" '{"kind":"pigeon","value":"x"}'
refused 422 preferred POST "/api/v1/persons/$P1/contacts" '{"kind":"phone","value":"+33612345670","preferred":"yes"}'
refused 422 value PATCH "/api/v1/contacts/$C_A" '{"kind":"email"}'
refused 422 phone POST "/api/v1/persons/$P1/emergency-contacts" '{"name":"Mum","phone":"0612345678"}'
refused 422 name POST "/api/v1/persons/$P1/emergency-contacts" '{"name":"   "}'
refused 422 kind POST /api/v1/parties '{"kind":"tribe"}'
refused 422 country POST /api/v1/organisations '{"name":"Nowhere Ltd","country":"XX"}'
refused 422 contact_email POST /api/v1/organisations '{"name":"Nowhere Ltd","contact_email":"@"}'
refused 404 "null" POST /api/v1/persons/999999/contacts '{"kind":"phone","value":"+33612345670"}'

# ---- Parties: create, read with members, join by PATCH /persons.
expect_http 201 POST /api/v1/parties '{"kind":"group","external_id":"TOUR-1"}'
G=$(jqb .id)
expect_eq "$(jqb .kind),$(jqb .external_id)" "group,TOUR-1" "party created"
refused 409 external_id POST /api/v1/parties '{"external_id":"TOUR-1"}'
expect_http 201 POST /api/v1/parties '{}'
expect_eq "$(jqb .kind)" household "default kind"
EMPTY=$(jqb .id)
expect_http 200 PATCH "/api/v1/persons/$P1" "{\"party_id\":$G}"
expect_http 200 PATCH "/api/v1/persons/$P3" "{\"party_id\":$G}"
expect_http 200 GET "/api/v1/parties/$G"
expect_eq "$(jqb '[.members[].id] | join(",")')" "$P1,$P3" "members"
expect_http 404 GET /api/v1/parties/999999
ids_of /api/v1/parties
has_id parties "$G"

# ---- Organisations: create, duplicate, read, update, delete.
body=$(jq -nc --arg n "$QUOTED" '{name:$n, kind:"school", country:"np", contact_name:"Head",
	contact_phone:"+977 1 4412345", contact_email:"office@school.edu.np"}')
expect_http 201 POST /api/v1/organisations "$body"
O1=$(jqb .id)
expect_eq "$(jqb .name),$(jqb .country),$(jqb .contact_phone)" "$QUOTED,NP,+97714412345" "organisation"
refused 409 name POST /api/v1/organisations "$body"
expect_http 200 GET "/api/v1/organisations/$O1"
expect_eq "$(jqb .kind)" school "read"
expect_http 200 PATCH "/api/v1/organisations/$O1" '{"kind":"ngo","contact_name":null}'
expect_eq "$(jqb .kind),$(jqb .contact_name)" "ngo,null" "patched"
ids_of /api/v1/organisations
has_id organisations "$O1"
ACME=$(sqlite3 t.db "SELECT id FROM organisation WHERE name = 'Acme SA'")
refused 409 "null" DELETE "/api/v1/organisations/$ACME"
expect_http 204 DELETE "/api/v1/organisations/$O1"
expect_http 404 GET "/api/v1/organisations/$O1"

# ---- Paging: every person once, in id order, pages of the size asked.
expect_http 200 GET "/api/v1/persons?limit=40"
expect_eq "$(jqb '.items | length')" 40 "page size"
expect_eq "$(jqb .next_after)" "$(jqb '.items[39].id')" "next_after is the last id"
_after=0; : >paged
while :; do
	expect_http 200 GET "/api/v1/persons?limit=40&after=$_after"
	jqb '.items[].id' >>paged
	_after=$(jqb .next_after)
	[ "$_after" != null ] || break
done
expect_eq "$(wc -l <paged | tr -d ' ')" "$(sqlite3 t.db 'SELECT count(*) FROM person')" "every person paged"
sort -n paged | uniq | cmp -s - paged || fail "pages out of order or repeated"
expect_http 400 GET "/api/v1/persons?limit=0"
expect_http 400 GET "/api/v1/persons?limit=1001"

# ---- An officer of a mission covering NP sees persons present in NP only.
sign_in ram 'officer password 1'
expect_http 200 GET "/api/v1/persons/$NP"
expect_http 404 GET "/api/v1/persons/$FR"
expect_http 404 GET "/api/v1/persons/$FR?include=passport"
expect_http 404 GET "/api/v1/persons/$FR/contacts"
expect_http 404 PATCH "/api/v1/persons/$FR" '{"given_name":"Pierre"}'
expect_http 404 DELETE "/api/v1/persons/$FR"
FRC=$(sqlite3 t.db "SELECT id FROM contact WHERE person_id = $FR LIMIT 1")
expect_http 404 GET "/api/v1/contacts/$FRC"
expect_http 404 PATCH "/api/v1/contacts/$FRC" '{"verified":true}'
ids_of /api/v1/persons
has_id "officer list" "$NP"
lacks_id "officer list" "$FR"
lacks_id "officer list" "$P1"
ids_of "/api/v1/persons?name=durand"
lacks_id "officer name search" "$FR"
ids_of "/api/v1/persons?name=sharma"
has_id "officer name search" "$NP"
expect_http 200 GET "/api/v1/persons?passport=FR7654321"
expect_eq "$(jqb '.items | length')" 0 "officer passport search"
expect_http 200 GET "/api/v1/persons?phone=%2B33612340000"
expect_eq "$(jqb '.items | length')" 0 "officer phone search"
expect_http 200 GET "/api/v1/persons?phone=%2B9771234567"
expect_eq "$(jqb '[.items[].id] | join(",")')" "$NP" "officer phone search in view"
expect_eq "$(sqlite3 t.db "SELECT given_name FROM person WHERE id = $FR")" Paul "nothing changed"
# A party shows to those who may see one of its members (an empty one
# tells nothing about anyone); its members are cut to those in view.
FRP=$(sqlite3 t.db "SELECT party_id FROM person WHERE external_id = 'C-OTHER'")
expect_http 404 GET "/api/v1/parties/$G"
expect_http 404 GET "/api/v1/parties/$FRP"
expect_http 200 GET "/api/v1/parties/$EMPTY"
ids_of /api/v1/parties
lacks_id "officer parties" "$G"
has_id "officer parties" "$EMPTY"
refused 422 party_id PATCH "/api/v1/persons/$NP" "{\"party_id\":$G}"

# ---- The auditor reads everything and writes nothing.
sign_in aud 'auditor password 1'
expect_http 200 GET "/api/v1/persons/$FR"
expect_http 200 GET "/api/v1/persons/$P1/contacts"
expect_http 403 POST /api/v1/persons '{"family_name":"X","nationality":"FR"}'
expect_http 403 PATCH "/api/v1/persons/$FR" '{"given_name":"X"}'

# ---- A citizen sees itself and its household; adding a member makes one.
sign_in cit 'citizen password 1'
ids_of /api/v1/persons
expect_eq "$(tr '\n' ' ' <ids)" "$C1 " "a citizen alone sees itself"
expect_http 200 GET /api/v1/parties
expect_eq "$(jqb '.items | length')" 0 "no household yet"
expect_http 201 POST /api/v1/persons '{"given_name":"Kid","family_name":"Citizen","nationality":"FR","date_of_birth":"2015-03-04"}'
KID=$(jqb .id)
HH=$(jqb .party_id)
[ "$HH" != null ] || fail "the new member has no party"
expect_http 200 GET "/api/v1/persons/$C1"
expect_eq "$(jqb .party_id)" "$HH" "the citizen joined its new household"
ids_of /api/v1/persons
expect_eq "$(sort -n ids | tr '\n' ' ')" "$C1 $KID " "the citizen sees its household"
expect_http 200 GET /api/v1/parties
expect_eq "$(jqb '[.items[].id] | join(",")')" "$HH" "its own party"
expect_http 200 GET "/api/v1/parties/$HH"
expect_eq "$(jqb '.members | length')" 2 "household members"
expect_http 404 GET "/api/v1/parties/$G"
expect_http 404 GET "/api/v1/persons/$OTHER"
expect_http 404 PATCH "/api/v1/persons/$OTHER" '{"given_name":"X"}'
ids_of "/api/v1/persons?name=other"
lacks_id "citizen search" "$OTHER"
expect_http 200 PATCH "/api/v1/persons/$KID" '{"given_name":"Kiddo"}'
expect_http 201 POST "/api/v1/persons/$KID/contacts" '{"kind":"email","value":"kid@example.fr"}'
refused 422 party_id PATCH "/api/v1/persons/$KID" "{\"party_id\":$G}"
expect_http 201 POST /api/v1/persons '{"given_name":"Baby","nationality":"FR"}'
expect_eq "$(jqb .party_id)" "$HH" "the second member joins the same household"
expect_http 403 DELETE "/api/v1/persons/$KID"
expect_http 403 GET /api/v1/organisations
expect_http 403 POST /api/v1/parties '{}'

# ---- Deleting a person takes its contacts and presences with it.
sign_in hq1 'hq password 12345'
expect_http 204 DELETE "/api/v1/persons/$P1"
expect_http 404 GET "/api/v1/persons/$P1"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM contact WHERE person_id = $P1")" 0 "contacts gone"
expect_http 204 DELETE "/api/v1/persons/$NP"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM presence WHERE person_id = $NP")" 0 "presences gone"
expect_http 404 DELETE "/api/v1/persons/$NP"

# Every write is in the audit log, and the log is intact.
hw audit list --db t.db --limit 1000 >audit.txt
for a in person-create person-update person-delete contact-create contact-update \
	contact-delete emergency-contact-create emergency-contact-delete party-create \
	organisation-create organisation-update organisation-delete; do
	expect_in audit.txt "	$a	"
done
expect_status 0 hw audit verify --db t.db

serve_stop
! grep -E "AddressSanitizer|runtime error|LeakSanitizer" serve.err || fail "sanitizer report"
exit 0
