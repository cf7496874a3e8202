-- 0005: the outbox of crisis notification, and the escalation ladder.
--
-- Every message to send is a row, written in the same transaction as the
-- decision to send it (homeward notify, POST /api/v1/incidents/ID/notify,
-- an escalation step), with its text rendered then, so what was decided
-- is what goes out. Dispatchers claim due rows for a while (a lease),
-- send them and record the outcome; see src/outbox.h.
--
-- Scheduling columns (next_attempt_at, claimed_until, due_at) are integer
-- milliseconds since the Unix epoch, not text: they are computed (backoff,
-- leases) and compared on every claim, below the second. The other times
-- follow the usual 'YYYY-MM-DDTHH:MM:SSZ'.

CREATE TABLE message (
    id              INTEGER PRIMARY KEY,
    incident_id     INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    template        TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    -- 0 for a message to the person; for one to an emergency contact of
    -- theirs (escalation), that contact's id.
    kin_id          INTEGER NOT NULL DEFAULT 0,
    language        TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT,
    body            TEXT NOT NULL,
    -- queued -> sending -> sent -> delivered (a delivery receipt);
    -- sending -> failed (waits for its next attempt) -> sending...;
    -- dead after the last attempt or a permanent refusal; suppressed:
    -- never to be sent (an exercise incident, a cancelled one).
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sending', 'sent', 'delivered',
                                     'failed', 'dead', 'suppressed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- When the row is next due: its first or next attempt, or, while
    -- 'sending', the end of its claim (claimed_until), after which another
    -- dispatcher may take it back.
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    claimed_until   INTEGER,
    provider_id     TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    delivered_at    TEXT
);
-- The idempotency key: one message per incident, person, template,
-- channel (and emergency contact), ever. It leads with person_id so that
-- erasing a person cascades through an index, and so that notify, which
-- writes in person order, appends to it.
CREATE UNIQUE INDEX message_idem ON message(person_id, incident_id, template, channel, kin_id);
-- What dispatchers claim, per channel, oldest due first. Rows leave this
-- index once sent, dead or suppressed.
CREATE INDEX message_due ON message(channel, next_attempt_at)
    WHERE state IN ('queued', 'sending', 'failed');
-- An incident's messages, their counts per state, and its cascade.
CREATE INDEX message_incident ON message(incident_id, state);
-- Delivery receipts name the provider's id.
CREATE INDEX message_provider ON message(provider_id) WHERE provider_id IS NOT NULL;

-- The escalation ladder of a person in an incident, from the first
-- message sent to them: when no answer comes within the delay, the alert
-- goes out on the channels not yet used ('next-channel'), then to their
-- emergency contacts ('kin'), then they are put on the officers' call
-- list ('call-list', the last stage). An answer (a roster status other
-- than 'notified') stops the ladder where it is.
CREATE TABLE escalation (
    incident_id  INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    stage        TEXT NOT NULL DEFAULT 'contacted'
                 CHECK (stage IN ('contacted', 'next-channel', 'kin', 'call-list')),
    due_at       INTEGER NOT NULL,
    call_list_at TEXT,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (incident_id, person_id)
) WITHOUT ROWID;
CREATE INDEX escalation_due ON escalation(due_at) WHERE stage <> 'call-list';
CREATE INDEX escalation_person ON escalation(person_id);
