-- 0004: crisis response: incidents, their rosters of affected persons
-- with the history of every status change, and check-in links.
--
-- An incident's area is kept as the request that made it (area_kind and
-- area_text: a CAP message, a GeoJSON text, "lat,lon,km", or "NP,BT"), so
-- that the roster can be computed again when the area changes.

CREATE TABLE incident (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    type           TEXT NOT NULL DEFAULT 'other'
                   CHECK (type IN ('earthquake', 'conflict', 'terrorism', 'kidnapping',
                                   'epidemic', 'storm', 'unrest', 'other')),
    severity       TEXT,
    status         TEXT NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'closed', 'cancelled')),
    -- Exercise and Test incidents never message real contacts.
    exercise       INTEGER NOT NULL DEFAULT 0,
    area_kind      TEXT NOT NULL CHECK (area_kind IN ('cap', 'geojson', 'circle', 'countries')),
    area_text      TEXT NOT NULL,
    -- The CAP alert that declared it, for msgType Update and Cancel.
    cap_sender     TEXT,
    cap_identifier TEXT,
    cap_sent       TEXT,
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    closed_at      TEXT
);
CREATE UNIQUE INDEX incident_cap_alert ON incident(cap_sender, cap_identifier)
    WHERE cap_identifier IS NOT NULL;
CREATE INDEX incident_status ON incident(status);

-- The missions concerned: those whose jurisdiction the area touches.
CREATE TABLE incident_mission (
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    mission_id  INTEGER NOT NULL REFERENCES mission(id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, mission_id)
);

-- Every CAP message applied to an incident (the alert, its updates and
-- cancel), so that a message seen twice is applied once.
CREATE TABLE incident_cap (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    sender      TEXT NOT NULL,
    identifier  TEXT NOT NULL,
    sent        TEXT NOT NULL,
    msg_type    TEXT NOT NULL,
    cap_status  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (sender, identifier)
);

-- Who is affected and how they are. in_area = 0 for persons the area no
-- longer covers after it was narrowed: they keep their status and history
-- but no longer count as affected.
CREATE TABLE roster (
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    status      TEXT NOT NULL DEFAULT 'unknown'
                CHECK (status IN ('unknown', 'notified', 'safe', 'needs-help',
                                  'wants-evacuation', 'evacuated', 'missing',
                                  'injured', 'deceased')),
    in_area     INTEGER NOT NULL DEFAULT 1,
    party_size  INTEGER,
    note        TEXT,
    lat         REAL,
    lon         REAL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (incident_id, person_id)
) WITHOUT ROWID;
CREATE INDEX roster_status ON roster(incident_id, status);
CREATE INDEX roster_person ON roster(person_id);

-- Every change of a roster entry's status: when, from where, by whom.
CREATE TABLE roster_event (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    source      TEXT NOT NULL
                CHECK (source IN ('system', 'checkin', 'sms', 'call', 'officer', 'import', 'email')),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    detail      TEXT
);
CREATE INDEX roster_event_entry ON roster_event(incident_id, person_id);
CREATE INDEX roster_event_at ON roster_event(incident_id, id);

-- The check-in link of a person for an incident: /c/TOKEN. The token is
-- 22 characters of base64url (128 random bits).
CREATE TABLE checkin_token (
    token       TEXT PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    UNIQUE (incident_id, person_id)
) WITHOUT ROWID;
