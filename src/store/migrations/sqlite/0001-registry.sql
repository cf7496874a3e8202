-- 0001: the registry, missions, users and the audit log.
--
-- Conventions for every migration: tables are named by the singular noun;
-- times are UTC text 'YYYY-MM-DDTHH:MM:SSZ'; dates 'YYYY-MM-DD'; country
-- codes ISO 3166-1 alpha-2; rows carry created_at/updated_at where they can
-- change. Sensitive fields are stored sealed (libsodium) in *_enc columns,
-- with a keyed hash in *_hash where exact lookup is needed: the first 64
-- bits of a keyed BLAKE2b as a signed integer, which indexes small and
-- fast; a lookup unseals its few candidates to confirm.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organisation (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL DEFAULT 'company'
                  CHECK (kind IN ('company', 'school', 'ngo', 'government', 'other')),
    country       TEXT,
    contact_name  TEXT,
    contact_phone TEXT,
    contact_email TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A household or group that travels together.
CREATE TABLE party (
    id          INTEGER PRIMARY KEY,
    external_id TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL DEFAULT 'household'
                CHECK (kind IN ('household', 'group')),
    created_at  TEXT NOT NULL
);

CREATE TABLE person (
    id              INTEGER PRIMARY KEY,
    external_id     TEXT NOT NULL UNIQUE,
    family_name     TEXT,
    given_name      TEXT,
    native_name     TEXT,
    sex             TEXT CHECK (sex IN ('F', 'M', 'X')),
    date_of_birth   TEXT,
    nationality     TEXT NOT NULL,
    passport_enc    BLOB,
    passport_hash   INTEGER,
    language        TEXT,
    needs           TEXT,
    party_id        INTEGER REFERENCES party(id),
    consent_version TEXT,
    consent_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX person_passport_hash ON person(passport_hash) WHERE passport_hash IS NOT NULL;
CREATE INDEX person_party ON person(party_id) WHERE party_id IS NOT NULL;

CREATE TABLE contact (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'messaging')),
    value     TEXT NOT NULL,
    verified  INTEGER NOT NULL DEFAULT 0,
    preferred INTEGER NOT NULL DEFAULT 0
);
-- A person has at most one preferred contact of each kind (the one the
-- registrant CSV carries); the code that sets preferred keeps it so.
-- Officers look people up by phone number; e-mail addresses are not a
-- search key, so only phones are indexed by value.
CREATE INDEX contact_person ON contact(person_id);
CREATE INDEX contact_phone ON contact(value) WHERE kind = 'phone';

CREATE TABLE emergency_contact (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    relation  TEXT,
    phone     TEXT,
    email     TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX emergency_contact_person ON emergency_contact(person_id);

-- Where a person is, was or will be. seq keeps a person's presences in the
-- order they were given.
CREATE TABLE presence (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    country         TEXT NOT NULL,
    city            TEXT,
    lat             REAL,
    lon             REAL,
    arrival         TEXT,
    departure       TEXT,
    purpose         TEXT,
    organisation_id INTEGER REFERENCES organisation(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK ((lat IS NULL) = (lon IS NULL)),
    CHECK (departure IS NULL OR arrival IS NULL OR departure >= arrival)
);
CREATE INDEX presence_person ON presence(person_id);
CREATE INDEX presence_country ON presence(country);
CREATE INDEX presence_organisation ON presence(organisation_id) WHERE organisation_id IS NOT NULL;

CREATE TABLE mission (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'embassy'
               CHECK (kind IN ('embassy', 'consulate', 'consulate-general', 'honorary', 'hq')),
    country    TEXT,
    city       TEXT,
    lat        REAL,
    lon        REAL,
    created_at TEXT NOT NULL
);

-- A mission's jurisdiction: whole countries, and optionally areas inside
-- countries shared between missions (GeoJSON geometry).
CREATE TABLE mission_country (
    mission_id INTEGER NOT NULL REFERENCES mission(id) ON DELETE CASCADE,
    country    TEXT NOT NULL,
    PRIMARY KEY (mission_id, country)
);
CREATE INDEX mission_country_country ON mission_country(country);

CREATE TABLE mission_area (
    id         INTEGER PRIMARY KEY,
    mission_id INTEGER NOT NULL REFERENCES mission(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    geojson    TEXT NOT NULL
);

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL
                  CHECK (role IN ('citizen', 'officer', 'mission-head', 'hq', 'auditor')),
    mission_id    INTEGER REFERENCES mission(id),
    person_id     INTEGER REFERENCES person(id) ON DELETE SET NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Hash-chained: hash = H(prev_hash || the row's fields), so altering or
-- removing any row breaks every later link.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT,
    detail    TEXT,
    address   TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
