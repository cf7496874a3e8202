# Citizen self-service over HTTP: signing up with consent, seeing and
# exporting what the registry holds on oneself and one's household (and
# nothing of anyone else), and erasure on withdrawal of consent, which
# leaves the audit chain intact and free of the erased person's data.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
echo "hq-password-1" | hw user add --login hq1 --role hq --password-stdin --db t.db >/dev/null
serve_start --db t.db

signup_body() { # LOGIN FAMILY GIVEN EMAIL [EXTRA]
	printf '{"login":"%s","password":"a long secret 1","family_name":"%s","given_name":"%s","native_name":"Ásha","sex":"f","date_of_birth":"1990-04-01","nationality":"in","language":"hi","email":"%s","phone":"+91 98765 43210","consent_version":"2026-01"%s}' \
		"$1" "$2" "$3" "$4" "${5:-}"
}

# ---- Bad sign-ups: 422 naming the field, nothing written ----
persons=$(sqlite3 t.db "SELECT count(*) FROM person")
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/,"consent_version":"2026-01"//')"
expect_eq "$(jqb .error.field)" consent_version "missing consent"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/"2026-01"/"  "/')"
expect_eq "$(jqb .error.field)" consent_version "blank consent"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/"nationality":"in"/"nationality":"XX"/')"
expect_eq "$(jqb .error.field)" nationality "bad nationality"
expect_in body "'XX' is not an ISO 3166-1"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/a long secret 1/short/')"
expect_eq "$(jqb .error.field)" password "weak password"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha not-an-email)"
expect_eq "$(jqb .error.field)" email "bad email"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/+91 98765 43210/12345/')"
expect_eq "$(jqb .error.field)" phone "bad phone"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org | sed 's/1990-04-01/2990-04-01/')"
expect_eq "$(jqb .error.field)" date_of_birth "birth in the future"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha '' '' asha@example.org)"
expect_eq "$(jqb .error.field)" family_name "no name"
expect_http 422 POST /api/v1/signup "$(signup_body 'Asha K' Karki Asha asha@example.org)"
expect_eq "$(jqb .error.field)" login "bad login"
expect_http 422 POST /api/v1/signup "$(signup_body c.alpha Karki Asha asha@example.org ',"role":"hq"')"
expect_eq "$(jqb .error.field)" role "no role to choose"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM person")" "$persons" "nothing written"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM app_user")" 1 "no account written"

# ---- Sign up, sign in ----
expect_http 201 POST /api/v1/signup "$(signup_body c.alpha Karki Asha Asha@Example.ORG)"
expect_eq "$(jqb .user.role)" citizen "a citizen's account"
expect_eq "$(jqb .user.login)" c.alpha "login"
ASHA_PERSON=$(jqb .person_id)
ASHA_USER=$(jqb .user.id)
expect_eq "$(jqb .user.person_id)" "$ASHA_PERSON" "account points at the person"
expect_not_in body password
expect_eq "$(sqlite3 t.db "SELECT consent_version, consent_at IS NOT NULL, nationality, sex, external_id LIKE 'self-%' FROM person WHERE id = $ASHA_PERSON")" \
	"2026-01|1|IN|F|1" "person stored, normalised, with consent"
expect_eq "$(sqlite3 t.db "SELECT group_concat(kind || '=' || value, ' ') FROM (SELECT * FROM contact WHERE person_id = $ASHA_PERSON ORDER BY kind)")" \
	"email=Asha@example.org phone=+919876543210" "contacts stored, normalised"
expect_http 409 POST /api/v1/signup "$(signup_body c.alpha Other Person other@example.org)"
expect_eq "$(jqb .error.field)" login "duplicate login"
expect_http 201 POST /api/v1/signup "$(signup_body c.beta Stranger Bob bob.stranger@example.net)"
BOB_PERSON=$(jqb .person_id)

sign_in c.alpha "a long secret 1"
ASHA=$TOKEN
expect_http 200 GET /api/v1/me
expect_eq "$(jqb .user.login)" c.alpha "me: user"
expect_eq "$(jqb .user.person_id)" "$ASHA_PERSON" "me: person id"
expect_eq "$(jqb '.household | length')" 0 "me: no household yet"
expect_not_in body password_hash

# A citizen has no staff routes.
expect_http 403 GET /api/v1/users
expect_http 403 GET /api/v1/audit
# Staff have /me too, without a person.
TOKEN=
sign_in hq1 hq-password-1
HQ=$TOKEN
expect_http 200 GET /api/v1/me
expect_eq "$(jqb .user.role)" hq "hq's me"
expect_eq "$(jqb .person)" null "no person for staff"
expect_http 403 GET /api/v1/me/export
expect_http 403 DELETE /api/v1/me

# ---- A household member, with a passport (another module's route) ----
TOKEN=$ASHA
call POST /api/v1/persons '{"family_name":"Karki","given_name":"Ravi","nationality":"IN","date_of_birth":"2015-06-01","passport_no":"Z9876543"}'
if [ "$STATUS" != 201 ]; then
	echo "--- body"; head -c 2000 body; echo
	fail "POST /api/v1/persons as a citizen gave $STATUS (the registry routes are needed)"
fi
RAVI=$(jqb .id)
# A member with an account of her own (made by hq for that person).
expect_http 201 POST /api/v1/persons '{"family_name":"Karki","given_name":"Mina","nationality":"IN"}'
MINA=$(jqb .id)
TOKEN=$HQ
expect_http 201 POST /api/v1/users '{"login":"c.gamma","password":"mina password 1","role":"citizen","person_id":'"$MINA"'}'
expect_http 409 POST /api/v1/users '{"login":"c.gamma2","password":"mina password 1","role":"citizen","person_id":'"$MINA"'}'
expect_eq "$(jqb .error.field)" person_id "one account per person"
TOKEN=$ASHA
expect_http 200 GET /api/v1/me
expect_eq "$(jqb '.household | join(",")')" "$RAVI,$MINA" "me: household members"
expect_eq "$(jqb .person.id)" "$ASHA_PERSON" "me: own person"
expect_not_in body Z9876543
# Where they are, in the geo engine too (another module's route).
expect_http 201 POST "/api/v1/persons/$ASHA_PERSON/presences" '{"country":"NP","city":"Pokhara","lat":28.2096,"lon":83.9856,"purpose":"work"}'
expect_http 201 POST "/api/v1/persons/$RAVI/presences" '{"country":"NP","city":"Pokhara","lat":28.2096,"lon":83.9856,"purpose":"family"}'
expect_http 200 GET /healthz
expect_eq "$(jqb .locations)" 2 "two locations indexed"

# ---- Export: everything of the household, nothing of anyone else ----
expect_http 200 GET /api/v1/me/export
cp body export.json
expect_eq "$(jq '.persons | length' export.json)" 3 "the household exported"
expect_in export.json Z9876543
expect_in export.json Asha@example.org
expect_in export.json Karki
expect_in export.json Pokhara
expect_eq "$(jq -r '.persons[] | select(.id == '"$ASHA_PERSON"') | .passport_no' export.json)" null "no passport, none shown"
expect_eq "$(jq -r '.persons[] | select(.id == '"$RAVI"') | .passport_no' export.json)" Z9876543 "the member's passport"
expect_not_in export.json Stranger
expect_not_in export.json bob.stranger
expect_not_in export.json argon2
expect_eq "$(jq -r '.user.login' export.json)" c.alpha "export: user"
[ "$(jq '[.audit[].object] | index("person:'"$ASHA_PERSON"'") != null' export.json)" = true ] ||
	fail "export lacks the audit entries about the person"
[ "$(jq '[.audit[].object] | map(select(. == "person:'"$BOB_PERSON"'" or . == "c.beta")) | length' export.json)" = 0 ] ||
	fail "export has another person's audit entries"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'self-export' AND object = 'user:$ASHA_USER'")" 1 "export audited"

# ---- Erasure ----
expect_http 204 DELETE /api/v1/me
expect_http 401 GET /api/v1/me
TOKEN=
call POST /api/v1/session '{"login":"c.alpha","password":"a long secret 1"}'
expect_eq "$STATUS" 401 "the erased citizen cannot sign in"
TOKEN=$HQ
expect_http 404 GET "/api/v1/persons/$ASHA_PERSON"
expect_http 404 GET "/api/v1/persons/$RAVI"
expect_http 200 GET "/api/v1/persons/$BOB_PERSON"
expect_http 200 GET "/api/v1/persons/$MINA"
expect_http 200 GET /healthz
expect_eq "$(jqb .locations)" 0 "their locations left the geo engine"
for t in person contact emergency_contact presence; do
	col=person_id; [ $t = person ] && col=id
	expect_eq "$(sqlite3 t.db "SELECT count(*) FROM $t WHERE $col IN ($ASHA_PERSON, $RAVI)")" 0 "$t rows erased"
done
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM app_user WHERE id = $ASHA_USER")" 0 "account erased"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM session WHERE user_id = $ASHA_USER")" 0 "sessions erased"
expect_eq "$(sqlite3 t.db "SELECT detail FROM audit WHERE action = 'erase' AND object = 'user:$ASHA_USER'")" \
	"consent withdrawn: 2 persons erased" "erasure audited"
# Mina decides for herself; when she goes, the household goes with her.
sign_in c.gamma "mina password 1"
expect_http 200 GET /api/v1/me
expect_eq "$(jqb '.household | length')" 0 "the household is Mina alone"
expect_http 204 DELETE /api/v1/me
expect_eq "$(sqlite3 t.db "SELECT detail FROM audit WHERE action = 'erase' ORDER BY id DESC LIMIT 1")" \
	"consent withdrawn: 1 person erased, household removed" "second erasure audited"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM party")" 0 "no empty party left"
TOKEN=$HQ
expect_status 0 hw audit verify --db t.db
sqlite3 t.db "SELECT * FROM audit" >audit.txt
# The log names accounts by their logins (pseudonyms the citizens chose)
# and records by their ids: none of the erased values is in it.
for secret in karki asha ravi mina z9876543 98765 1990-04-01 pokhara 28.2096 83.9856; do
	! grep -qi -- "$secret" audit.txt || fail "the audit log still holds '$secret'"
done

# ---- Sign-ups are throttled per address ----
# Three counted so far (two accounts and one taken login); the server
# allows 50 per address in 15 minutes.
TOKEN=
i=0
while [ $i -lt 60 ]; do
	i=$((i + 1))
	call POST /api/v1/signup "$(signup_body "bulk.$i" Bulk "B$i" "bulk$i@example.org")"
	[ "$STATUS" = 201 ] || break
done
expect_eq "$STATUS" 429 "bulk sign-ups stopped"
expect_eq "$i" 48 "sign-ups allowed from one address"
expect_eq "$(jqb .error.code)" rate_limited "throttled"
curl -s -D headers -o /dev/null -H 'Content-Type: application/json' --data-binary "$(signup_body bulk.x Bulk X bx@example.org)" "$BASE/api/v1/signup"
expect_in headers "Retry-After: "
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM app_user WHERE login IN ('bulk.48', 'bulk.x')")" 0 "no account when throttled"
# Signing in from the same address is not affected.
sign_in hq1 hq-password-1

serve_stop
! grep -q "ERROR: AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }
