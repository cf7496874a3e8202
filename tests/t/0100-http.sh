# The server's core over real HTTP: sign-in and sessions (token and
# cookie with CSRF), the sign-in throttle, expiry, error shapes and
# statuses for bad requests, body limits, security headers, /healthz,
# /metrics, the OpenAPI document and HTTPS.
. "$TESTS/t/lib.sh"

hw init --db t.db >/dev/null
hw gen --people 300 --seed 11 --out p.csv >/dev/null
hw import registrants p.csv --db t.db >/dev/null
echo "hq-password-1" | hw user add --login hq1 --role hq --password-stdin --db t.db >/dev/null
echo "hq-password-2" | hw user add --login hq2 --role hq --password-stdin --db t.db >/dev/null
serve_start --db t.db --max-body 4096

# Health and headers on every response, errors included.
expect_http 200 GET /healthz
expect_eq "$(jqb .status)" ok "healthz status"
expect_eq "$(jqb .locations)" "$(hw stats --db t.db --json | jq .presences)" "locations indexed"
curl -s -D headers -o /dev/null "$BASE/api/v1/nothing-here"
for h in "Content-Security-Policy: " "frame-ancestors 'none'" "X-Content-Type-Options: nosniff" \
	 "Referrer-Policy: no-referrer" "X-Frame-Options: DENY"; do
	expect_in headers "$h"
done
expect_in headers "HTTP/1.1 404"

# Unknown paths and methods.
expect_http 404 GET /api/v1/nothing-here
expect_eq "$(jqb .error.code)" not_found "404 code"
expect_http 405 PUT /api/v1/session
expect_eq "$(jqb .error.code)" method_not_allowed "405 code"

# Not signed in.
expect_http 401 GET /api/v1/session
expect_eq "$(jqb .error.code)" unauthorized "401 code"
TOKEN=not-a-token expect_http 401 GET /api/v1/session
TOKEN=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA expect_http 401 GET /api/v1/session

# Bad sign-in bodies: each a clear error naming the field, nothing written.
before=$(sqlite3 t.db "SELECT count(*) FROM audit")
expect_http 400 POST /api/v1/session '{"login":"hq1",'
expect_eq "$(jqb .error.code)" bad_json "malformed JSON"
expect_in body "line 1"
expect_http 400 POST /api/v1/session '{"login":"hq1","login":"hq2","password":"x"}'
expect_eq "$(jqb .error.code)" bad_json "duplicate key"
expect_http 422 POST /api/v1/session '{"login":"hq1","password":"hq-password-1","remember":true}'
expect_eq "$(jqb .error.code)" unknown_field "unknown field"
expect_eq "$(jqb .error.field)" remember "unknown field named"
expect_http 422 POST /api/v1/session '{"login":42,"password":"x"}'
expect_eq "$(jqb .error.field)" login "wrong type field"
expect_in body "must be a string"
expect_http 422 POST /api/v1/session '{"login":"hq1"}'
expect_eq "$(jqb .error.field)" password "missing field"
expect_http 422 POST /api/v1/session '[1,2]'
expect_in body "must be a JSON object"
expect_http 400 POST /api/v1/session ''
expect_eq "$(jqb .error.code)" missing_body "empty body"
CT=text/plain expect_http 415 POST /api/v1/session '{"login":"hq1","password":"hq-password-1"}'
expect_eq "$(jqb .error.code)" unsupported_media_type "415 code"
expect_http 400 GET '/healthz?verbose=1'
expect_eq "$(jqb .error.field)" verbose "unknown query parameter"
expect_http 400 GET /healthz '{"a":1}'
expect_eq "$(jqb .error.code)" unexpected_body "body on a GET"

# Oversize bodies: announced (Content-Length) and chunked.
head -c 5000 /dev/zero | tr '\0' 'a' > big
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @big "$BASE/api/v1/session")
expect_eq "$STATUS" 413 "oversize body"
expect_eq "$(jqb .error.code)" too_large "413 code"
STATUS=$(curl -s -o body -w '%{http_code}' -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @big "$BASE/api/v1/session")
expect_eq "$STATUS" 413 "oversize chunked body"
after=$(sqlite3 t.db "SELECT count(*) FROM audit")
expect_eq "$after" "$before" "audit entries after refused requests"

# Sign in with a token; the password never appears in the log or audit.
sign_in hq1 hq-password-1
expect_eq "$(jqb .user.role)" hq "role"
csrf=$(jqb .csrf)
[ ${#TOKEN} -eq 43 ] || fail "token length ${#TOKEN}"
expect_http 200 GET /api/v1/session
expect_eq "$(jqb .user.login)" hq1 "whoami"
sqlite3 t.db "SELECT count(*) FROM session WHERE token_hash = '$TOKEN'" | grep -qx 0 ||
	fail "the token is stored in clear"
! grep -q hq-password-1 serve.err || fail "password in the server log"
[ "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE detail LIKE '%hq-password%' OR object LIKE '%hq-password%'")" = 0 ] ||
	fail "password in the audit log"
expect_eq "$(sqlite3 t.db "SELECT action || ' ' || actor || ' ' || address FROM audit ORDER BY id DESC LIMIT 1")" \
	"sign-in user:hq1 127.0.0.1" "sign-in audited"

# The browser way: cookie, HttpOnly + SameSite=Strict, CSRF on unsafe methods.
TOKEN=
curl -s -c jar -o body -H 'Content-Type: application/json' \
	-d '{"login":"hq2","password":"hq-password-2"}' "$BASE/api/v1/session"
grep -q "#HttpOnly_127.0.0.1" jar || fail "cookie not HttpOnly"
curl -s -D headers -o /dev/null -H 'Content-Type: application/json' \
	-d '{"login":"hq2","password":"hq-password-2"}' "$BASE/api/v1/session"
expect_in headers "SameSite=Strict"
expect_in headers "HttpOnly"
ccsrf=$(jqb .csrf)
STATUS=$(curl -s -b jar -o body -w '%{http_code}' "$BASE/api/v1/session")
expect_eq "$STATUS" 200 "GET by cookie"
STATUS=$(curl -s -b jar -o body -w '%{http_code}' -X DELETE "$BASE/api/v1/session")
expect_eq "$STATUS" 403 "DELETE by cookie without CSRF"
expect_eq "$(jqb .error.code)" csrf "csrf code"
STATUS=$(curl -s -b jar -o body -w '%{http_code}' -X DELETE -H "X-CSRF-Token: $csrf" "$BASE/api/v1/session")
expect_eq "$STATUS" 403 "DELETE by cookie with another session's CSRF token"
STATUS=$(curl -s -b jar -o body -w '%{http_code}' -X DELETE -H "X-CSRF-Token: $ccsrf" "$BASE/api/v1/session")
expect_eq "$STATUS" 204 "DELETE by cookie with CSRF"
STATUS=$(curl -s -b jar -o body -w '%{http_code}' "$BASE/api/v1/session")
expect_eq "$STATUS" 401 "cookie after sign-out"

# Sign out with the token; the token is dead afterwards.
sign_in hq1 hq-password-1
expect_http 204 DELETE /api/v1/session
expect_http 401 GET /api/v1/session

# Expiry: a session past its time is refused.
sign_in hq1 hq-password-1
sqlite3 t.db "UPDATE session SET expires_at = '2000-01-01T00:00:00Z'"
expect_http 401 GET /api/v1/session
expect_in body "expired"

# Throttle: five failures for a login, then 429 with Retry-After even
# with the right password; another login from the same address still works.
TOKEN=
i=0
while [ $i -lt 5 ]; do
	expect_http 401 POST /api/v1/session '{"login":"hq1","password":"wrong-password"}'
	i=$((i + 1))
done
curl -s -D headers -o body -H 'Content-Type: application/json' \
	-d '{"login":"hq1","password":"hq-password-1"}' "$BASE/api/v1/session"
expect_in headers "HTTP/1.1 429"
expect_in headers "Retry-After: "
expect_eq "$(jqb .error.code)" rate_limited "429 code"
sign_in hq2 hq-password-2
[ "$(sqlite3 t.db "SELECT count(*) FROM audit WHERE action = 'sign-in-failed' AND object = 'hq1'")" = 5 ] ||
	fail "failed sign-ins not audited"
# Unknown logins fail the same way as wrong passwords.
expect_http 401 POST /api/v1/session '{"login":"nobody","password":"whatever-1"}'
expect_in body "the login or the password is wrong"

# Strings that look like markup or SQL are data.
expect_http 401 POST /api/v1/session "{\"login\":\"x'; DROP TABLE app_user; --\",\"password\":\"<script>\\\"\"}"
[ "$(sqlite3 t.db "SELECT count(*) FROM app_user")" = 2 ] || fail "users table changed"

# Metrics: per-route counts by status, latency histogram, registrants, index.
expect_http 200 GET /metrics
expect_in body 'homeward_http_requests_total{method="POST",route="/api/v1/session",status="201"}'
expect_in body 'homeward_http_requests_total{method="POST",route="/api/v1/session",status="429"} 1'
expect_in body 'homeward_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}'
expect_in body "homeward_registrants $(hw stats --db t.db --json | jq .persons)"
expect_in body "homeward_geo_index_points "
expect_in body "homeward_geo_index_bytes "

# OpenAPI: valid JSON, 3.1, every route of the server documented with its
# roles (the route list is cross-checked in tests/unit/test_route.c).
expect_http 200 GET /api/openapi.json
expect_eq "$(jqb .openapi)" 3.1.0 "openapi version"
expect_eq "$(jqb '.paths["/api/v1/session"].post.requestBody.content["application/json"].schema.additionalProperties')" false "closed body schema"
expect_eq "$(jqb '.paths["/api/v1/session"].delete."x-roles" | length')" 5 "roles of sign-out"
expect_eq "$(jqb '.components.schemas.Error.required[0]')" error "Error schema"

serve_stop

# HTTPS with a certificate made here.
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
expect_status 2 hw serve --db t.db --tls-cert cert.pem
expect_in err "give both --tls-cert and --tls-key"
echo "not a pem" > bad.pem
expect_status 2 hw serve --db t.db --tls-cert bad.pem --tls-key key.pem
expect_in err "'bad.pem' is not a PEM file"
serve_start --db t.db --tls-cert cert.pem --tls-key key.pem
case "$BASE" in https://*) ;; *) fail "not https: $BASE" ;; esac
STATUS=$(curl -s --cacert cert.pem -D headers -o body -w '%{http_code}' "$BASE/healthz")
expect_eq "$STATUS" 200 "healthz over TLS"
expect_in headers "Strict-Transport-Security"
STATUS=$(curl -s --cacert cert.pem -D headers -o body -w '%{http_code}' -H 'Content-Type: application/json' \
	-d '{"login":"hq2","password":"hq-password-2"}' "$BASE/api/v1/session")
expect_eq "$STATUS" 201 "sign-in over TLS"
expect_in headers "Secure"
curl -s -o /dev/null "http${BASE#https}/healthz" && fail "plain HTTP answered on the TLS port"
serve_stop

# Bad options.
expect_status 2 hw serve --db t.db --listen nowhere
expect_in err "give ADDRESS:PORT"
expect_status 2 hw serve --db t.db --threads 0x
echo ok
