-- 0007: check-ins by SMS. Every reply that the SMS gateway's inbound hook
-- delivers is kept, read or not, so that officers can see what people
-- wrote, and so that a delivery the gateway retries (same gateway_id) is
-- recorded once.
CREATE TABLE sms_inbound (
    id          INTEGER PRIMARY KEY,
    gateway_id  TEXT UNIQUE,
    sender      TEXT NOT NULL,
    text        TEXT NOT NULL,
    -- What the reply was read as (a roster status), NULL when it was not
    -- one of the known answers and was kept as a note.
    status      TEXT,
    -- The roster entries it reached (one per open incident and person
    -- with that phone number).
    entries     INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL
);
CREATE INDEX sms_inbound_sender ON sms_inbound(sender);
