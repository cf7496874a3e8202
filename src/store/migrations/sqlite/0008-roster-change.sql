-- 0008: joining a roster is recorded once per change of the roster, not
-- once per person.
--
-- Declaring an incident over a million people wrote a million
-- roster_event rows that all said the same thing ("joined: declared", by
-- the same actor, at the same second): more than half the cost of the
-- declaration, and a million "changes" in the board's timeline and in the
-- live stream, where officers look for answers. Now each roster change
-- (a declaration, an area change, a CAP update, an arrival, an import) is
-- one roster_change row with its counts, and each roster entry names the
-- change that brought the person in (change_id). roster_event keeps every
-- change of a person's status.
CREATE TABLE roster_change (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incident(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    -- declared, area changed, CAP update, arrived, imported
    reason      TEXT NOT NULL,
    joined      INTEGER NOT NULL DEFAULT 0,  -- new on the roster
    rejoined    INTEGER NOT NULL DEFAULT 0,  -- back inside the area
    left_area   INTEGER NOT NULL DEFAULT 0   -- no longer inside it
);
CREATE INDEX roster_change_incident ON roster_change(incident_id, id);

ALTER TABLE roster ADD COLUMN change_id INTEGER REFERENCES roster_change(id);

-- The joins recorded so far, one change per incident, second, actor and
-- reason.
INSERT INTO roster_change (incident_id, at, actor, reason, joined)
    SELECT incident_id, at, actor, substr(detail, 9), count(*)
    FROM roster_event WHERE source = 'system' AND detail LIKE 'joined: %'
    GROUP BY incident_id, at, actor, detail ORDER BY min(id);
UPDATE roster SET change_id = (
    SELECT c.id FROM roster_event e JOIN roster_change c ON
        c.incident_id = e.incident_id AND c.at = e.at AND c.actor = e.actor
        AND c.reason = substr(e.detail, 9)
    WHERE e.incident_id = roster.incident_id AND e.person_id = roster.person_id
        AND e.source = 'system' AND e.detail LIKE 'joined: %'
    ORDER BY e.id DESC LIMIT 1);
DELETE FROM roster_event WHERE source = 'system' AND detail LIKE 'joined: %';

-- Everyone joins as 'unknown', and most stay so for a while: the index
-- by status leaves them out, so that joining writes no index entry for
-- it. Queries for an answered status add "status <> 'unknown'" to use it.
DROP INDEX roster_status;
CREATE INDEX roster_answered ON roster(incident_id, status)
    WHERE status <> 'unknown';
