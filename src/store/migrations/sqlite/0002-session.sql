-- 0002: sign-in sessions.
--
-- A session is found by the hash of its token (hex BLAKE2b-256): the token
-- itself is only ever in the client's hands, so a copy of the database
-- gives no one a way in. csrf is the token a browser signed in by cookie
-- must echo in X-CSRF-Token on unsafe methods.
CREATE TABLE session (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    address    TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX session_user ON session(user_id);
CREATE INDEX session_expires ON session(expires_at);
