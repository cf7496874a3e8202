# Missions, users and the audit log over HTTP: who may manage which
# accounts, what a password change or a disabled account does to
# sessions, bad input and conflicts, and the audit log's routes, including
# a tampered entry found by /audit/verify.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw mission add --db t.db --code EMB-NP --name "Embassy in Kathmandu" --countries NP >/dev/null
echo "hq-password-1" | hw user add --login hq1 --role hq --password-stdin --db t.db >/dev/null
serve_start --db t.db

# ---- Missions, as hq ----
sign_in hq1 hq-password-1
HQ=$TOKEN
expect_http 201 POST /api/v1/missions '{"code":"EMB-IN","name":"Embassy in New Delhi","kind":"embassy","countries":["IN"],"city":"New Delhi"}'
expect_eq "$(jqb .code)" EMB-IN "new mission"
expect_eq "$(jqb '.countries | join(",")')" IN "new mission's countries"
expect_eq "$(jqb .city)" "New Delhi" "new mission's city"
expect_http 200 GET /api/v1/missions
expect_eq "$(jqb '[.items[].code] | join(",")')" EMB-NP,EMB-IN "missions listed"
expect_eq "$(jqb '.items[0].countries | join(",")')" NP "listed countries"
expect_eq "$(jqb .next_after)" null "one page"
expect_http 200 GET '/api/v1/missions?limit=1'
expect_eq "$(jqb '.items | length')" 1 "page of one"
after=$(jqb .next_after)
expect_http 200 GET "/api/v1/missions?limit=1&after=$after"
expect_eq "$(jqb '.items[0].code')" EMB-IN "second page"
expect_http 200 PATCH /api/v1/missions/EMB-IN '{"name":"Embassy of India and Bhutan","countries":["in","BT"]}'
expect_eq "$(jqb .name)" "Embassy of India and Bhutan" "renamed"
expect_eq "$(jqb '.countries | join(",")')" BT,IN "jurisdiction replaced"
expect_http 200 GET /api/v1/missions/EMB-IN
expect_eq "$(jqb '.countries | join(",")')" BT,IN "jurisdiction stored"
expect_eq "$(sqlite3 t.db "SELECT group_concat(c) FROM (SELECT mc.country AS c FROM mission_country mc JOIN mission m ON m.id = mc.mission_id WHERE m.code = 'EMB-IN' ORDER BY c)")" BT,IN "jurisdiction rows"
expect_http 404 GET /api/v1/missions/EMB-XX
expect_http 404 PATCH /api/v1/missions/EMB-XX '{"name":"x"}'

# The audit entry names the API user and its address.
expect_eq "$(sqlite3 t.db "SELECT actor || ' ' || address FROM audit WHERE action = 'mission-add' AND object = 'EMB-IN'")" \
	"user:hq1 127.0.0.1" "mission-add audited as the API user"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'mission-update' AND object = 'EMB-IN'")" 1 "mission-update audited"

# Bad missions: 422 naming the field, 409 for a code taken; nothing written.
n=$(sqlite3 t.db "SELECT count(*) FROM mission")
expect_http 409 POST /api/v1/missions '{"code":"EMB-IN","name":"Again","countries":["IN"]}'
expect_eq "$(jqb .error.field)" code "duplicate code field"
expect_http 422 POST /api/v1/missions '{"code":"EMB-X","name":"X","countries":["XX"]}'
expect_eq "$(jqb .error.field)" countries "bad country field"
expect_in body "'XX' is not an ISO 3166-1"
expect_http 422 POST /api/v1/missions '{"code":"EMB-X","name":"X","countries":["FRA"]}'
expect_eq "$(jqb .error.field)" countries "three-letter country"
expect_http 422 POST /api/v1/missions '{"code":"EMB-X","name":"X","countries":[]}'
expect_eq "$(jqb .error.field)" countries "no country"
expect_http 422 POST /api/v1/missions '{"code":"bad code","name":"X","countries":["FR"]}'
expect_eq "$(jqb .error.field)" code "bad code field"
expect_http 422 POST /api/v1/missions '{"code":"EMB-X","name":"X","countries":["FR"],"kind":"palace"}'
expect_eq "$(jqb .error.field)" kind "bad kind field"
expect_http 422 PATCH /api/v1/missions/EMB-IN '{"countries":["IN","in"]}'
expect_in body "given twice"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM mission")" "$n" "no mission written"

# ---- Users, as hq ----
expect_http 201 POST /api/v1/users '{"login":"head.np","password":"head-password-1","role":"mission-head","mission":"EMB-NP"}'
HEAD_ID=$(jqb .id)
expect_eq "$(jqb .mission)" EMB-NP "mission head's mission"
expect_not_in body password
expect_http 201 POST /api/v1/users '{"login":"off.in","password":"officer-password-1","role":"officer","mission":"EMB-IN"}'
OFF_IN=$(jqb .id)
expect_http 201 POST /api/v1/users '{"login":"aud1","password":"auditor-password-1","role":"auditor"}'
expect_http 200 GET /api/v1/users
expect_eq "$(jqb '[.items[].login] | join(",")')" hq1,head.np,off.in,aud1 "users listed"
expect_not_in body password
expect_not_in body argon2
expect_http 200 GET '/api/v1/users?role=officer'
expect_eq "$(jqb '[.items[].login] | join(",")')" off.in "filtered by role"
expect_http 200 GET "/api/v1/users/$HEAD_ID"
expect_eq "$(jqb .login)" head.np "one user"
expect_eq "$(jqb .disabled)" false "enabled"
expect_not_in body password
expect_http 404 GET /api/v1/users/9999
expect_eq "$(sqlite3 t.db "SELECT actor FROM audit WHERE action = 'user-add' AND object = 'head.np'")" user:hq1 "user-add audited as the API user"

# Bad users: each names the field; nothing written.
n=$(sqlite3 t.db "SELECT count(*) FROM app_user")
expect_http 422 POST /api/v1/users '{"login":"shorty","password":"short","role":"hq"}'
expect_eq "$(jqb .error.field)" password "short password field"
expect_http 422 POST /api/v1/users '{"login":"Bad Login","password":"long-enough-pw","role":"hq"}'
expect_eq "$(jqb .error.field)" login "bad login field"
expect_http 422 POST /api/v1/users '{"login":"off2","password":"long-enough-pw","role":"officer","mission":"EMB-ZZ"}'
expect_eq "$(jqb .error.field)" mission "unknown mission field"
expect_in body "'EMB-ZZ' does not exist"
expect_http 422 POST /api/v1/users '{"login":"off2","password":"long-enough-pw","role":"officer"}'
expect_eq "$(jqb .error.field)" mission "missing mission field"
expect_http 422 POST /api/v1/users '{"login":"off2","password":"long-enough-pw","role":"king"}'
expect_eq "$(jqb .error.field)" role "bad role field"
expect_http 409 POST /api/v1/users '{"login":"head.np","password":"long-enough-pw","role":"hq"}'
expect_eq "$(jqb .error.field)" login "duplicate login field"
expect_in body "'head.np' is taken"
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM app_user")" "$n" "no user written"

# ---- A mission head manages its own mission's officers, nothing else ----
sign_in head.np head-password-1
HEAD=$TOKEN
expect_http 201 POST /api/v1/users '{"login":"off.np","password":"officer-password-2","role":"officer"}'
OFF_NP=$(jqb .id)
expect_eq "$(jqb .mission)" EMB-NP "own mission by default"
expect_http 201 POST /api/v1/users '{"login":"off.np2","password":"officer-password-3","role":"officer","mission":"EMB-NP"}'
expect_http 403 POST /api/v1/users '{"login":"off.x","password":"officer-password-4","role":"officer","mission":"EMB-IN"}'
expect_eq "$(jqb .error.field)" mission "other mission refused"
expect_http 403 POST /api/v1/users '{"login":"hq.x","password":"hq-password-x1","role":"hq"}'
expect_eq "$(jqb .error.field)" role "hq role refused"
expect_http 403 POST /api/v1/users '{"login":"aud.x","password":"aud-password-x1","role":"auditor"}'
expect_http 200 GET /api/v1/users
expect_eq "$(jqb '[.items[].login] | join(",")')" head.np,off.np,off.np2 "a mission head sees its own mission"
expect_http 404 GET "/api/v1/users/$OFF_IN"
expect_http 404 PATCH "/api/v1/users/$OFF_IN" '{"password":"new-password-123"}'
expect_http 404 DELETE "/api/v1/users/$OFF_IN"
expect_http 403 PATCH "/api/v1/users/$OFF_NP" '{"role":"hq"}'
expect_http 403 PATCH "/api/v1/users/$OFF_NP" '{"mission":"EMB-IN"}'
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"role":"mission-head"}'
expect_eq "$(jqb .role)" mission-head "promoted within the mission"
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"role":"officer"}'
expect_http 403 DELETE "/api/v1/users/$HEAD_ID"
expect_in body "cannot delete or disable itself"
expect_http 403 PATCH "/api/v1/users/$HEAD_ID" '{"disabled":true}'
expect_eq "$(jqb .error.field)" disabled "cannot disable itself"

# ---- An officer manages no accounts ----
sign_in off.np officer-password-2
OFF=$TOKEN
expect_http 403 GET /api/v1/users
expect_http 403 POST /api/v1/users '{"login":"x.y","password":"long-enough-pw","role":"officer"}'
expect_http 403 GET /api/v1/audit
expect_http 403 POST /api/v1/missions '{"code":"EMB-Y","name":"Y","countries":["FR"]}'
expect_http 200 GET /api/v1/missions

# ---- A new password ends the sessions; the new one works ----
TOKEN=$HEAD
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"password":"officer-password-new"}'
TOKEN=$OFF
expect_http 401 GET /api/v1/session
call POST /api/v1/session '{"login":"off.np","password":"officer-password-2"}'
expect_eq "$STATUS" 401 "old password refused"
sign_in off.np officer-password-new
OFF=$TOKEN
expect_eq "$(sqlite3 t.db "SELECT detail FROM audit WHERE action = 'user-update' ORDER BY id DESC LIMIT 1")" "password changed" "password change audited"
expect_not_in t.db officer-password-new

# Changing one's own password keeps the session that did it.
TOKEN=$HQ
expect_http 200 PATCH /api/v1/users/1 '{"password":"hq-password-new"}'
expect_http 200 GET /api/v1/session

# ---- Disabling ends the sessions; enabling lets the user back ----
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"disabled":true}'
expect_eq "$(jqb .disabled)" true "disabled"
TOKEN=$OFF
expect_http 401 GET /api/v1/session
call POST /api/v1/session '{"login":"off.np","password":"officer-password-new"}'
expect_eq "$STATUS" 401 "disabled user cannot sign in"
TOKEN=$HQ
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"disabled":false}'
sign_in off.np officer-password-new
TOKEN=$HQ

# Role and mission must agree; citizens stay citizens.
expect_http 422 PATCH "/api/v1/users/$OFF_NP" '{"role":"officer","mission":null}'
expect_eq "$(jqb .error.field)" mission "officer without a mission"
expect_http 422 PATCH "/api/v1/users/$OFF_NP" '{"role":"citizen"}'
expect_eq "$(jqb .error.field)" role "officer to citizen"
expect_http 422 PATCH "/api/v1/users/$OFF_NP" '{"password":"short"}'
expect_eq "$(jqb .error.field)" password "short new password"
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"role":"auditor"}'
expect_eq "$(jqb .mission)" null "an auditor has no mission"
expect_http 200 PATCH "/api/v1/users/$OFF_NP" '{"role":"officer","mission":"EMB-IN"}'
expect_eq "$(jqb .mission)" EMB-IN "moved to another mission"

# ---- Disable, then delete ----
expect_http 204 DELETE "/api/v1/users/$OFF_NP"
expect_http 200 GET "/api/v1/users/$OFF_NP"
expect_eq "$(jqb .disabled)" true "DELETE disables by default"
expect_http 400 DELETE "/api/v1/users/$OFF_NP?mode=shred"
expect_http 204 DELETE "/api/v1/users/$OFF_NP?mode=delete"
expect_http 404 GET "/api/v1/users/$OFF_NP"
expect_http 403 DELETE /api/v1/users/1
expect_eq "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action IN ('user-disable', 'user-delete') AND object = 'user:$OFF_NP'")" 2 "removal audited"

# ---- The audit log, as an auditor ----
sign_in aud1 auditor-password-1
expect_http 200 GET /api/v1/audit
total=$(sqlite3 t.db "SELECT count(*) FROM audit")
expect_eq "$(jqb '.items | length')" "$total" "every entry"
expect_eq "$(jqb '.items[0].id')" "$total" "newest first"
expect_eq "$(jqb '.items[0].action')" sign-in "the auditor's own sign-in last"
expect_http 200 GET '/api/v1/audit?limit=2'
expect_eq "$(jqb '[.items[].id] | join(",")')" "$total,$((total - 1))" "first page"
before=$(jqb .next_before)
expect_http 200 GET "/api/v1/audit?limit=2&before=$before"
expect_eq "$(jqb '.items[0].id')" "$((total - 2))" "second page"
expect_http 200 GET '/api/v1/audit?action=user-add'
expect_eq "$(jqb '.items | length')" "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'user-add'")" "filtered by action"
expect_eq "$(jqb '[.items[].action] | unique | join(",")')" user-add "only user-add"
expect_http 200 GET '/api/v1/audit?actor=user:head.np&action=user-add'
expect_eq "$(jqb '[.items[].object] | join(",")')" off.np2,off.np "filtered by actor"
expect_http 200 GET '/api/v1/audit?object=EMB-IN'
expect_eq "$(jqb '[.items[].action] | join(",")')" mission-update,mission-add "filtered by object"
expect_http 400 GET '/api/v1/audit?limit=0'
expect_http 403 POST /api/v1/users '{"login":"x.y","password":"long-enough-pw","role":"hq"}'

expect_http 200 GET /api/v1/audit/verify
expect_eq "$(jqb .intact)" true "intact"
expect_eq "$(jqb .bad_id)" null "no bad entry"
expect_eq "$(jqb .entries)" "$(sqlite3 t.db "SELECT count(*) FROM audit")" "entries verified"
sqlite3 t.db "UPDATE audit SET detail='x' WHERE id=2"
expect_http 200 GET /api/v1/audit/verify
expect_eq "$(jqb .intact)" false "tampering found"
expect_eq "$(jqb .bad_id)" 2 "the altered entry"
expect_in body "altered"
TOKEN=$HQ
expect_http 200 GET /api/v1/audit/verify
expect_eq "$(jqb .intact)" false "hq sees it too"

# The OpenAPI document lists the routes.
expect_http 200 GET /api/openapi.json
for p in /api/v1/missions /api/v1/users/{id} /api/v1/audit/verify; do
	[ "$(jq --arg p "$p" '.paths | has($p)' body)" = true ] || fail "OpenAPI lacks $p"
done

serve_stop
! grep -q "ERROR: AddressSanitizer\|runtime error" serve.err || { cat serve.err; fail "sanitizer report"; }
