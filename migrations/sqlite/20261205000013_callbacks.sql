-- A patient stopped at the emergency page (a 911 red flag) who left a name and phone
-- number (safety-followup.md): the clinic calls them too. One per draft (UNIQUE), so a
-- double click asks once. Name and phone are sealed like the answers; `red_flags` holds
-- the codes of the red flags answered yes, for the clinician who calls. `reference` is
-- drawn like a submission's and shown to the patient.
CREATE TABLE callbacks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    reference  TEXT    NOT NULL UNIQUE,
    draft_id   INTEGER NOT NULL UNIQUE,  -- no REFERENCES: expired drafts are purged, the request stays
    locale     TEXT    NOT NULL CHECK (locale IN ('en', 'es')),
    name       TEXT    NOT NULL,         -- sealed
    phone      TEXT    NOT NULL,         -- sealed
    red_flags  TEXT    NOT NULL,         -- JSON array of red-flag codes
    created_at TEXT    NOT NULL
);

-- A follow-up is now about a submission or a callback request, exactly one of them.
-- SQLite cannot drop a NOT NULL, so follow_ups is rebuilt; the two tables that refer to
-- it are rebuilt with it (a migration runs in a transaction with foreign keys on, and a
-- parent table cannot be dropped while rows refer to it). Ids are kept.
CREATE TABLE follow_ups_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id         INTEGER UNIQUE REFERENCES intakes (id),
    callback_id       INTEGER UNIQUE REFERENCES callbacks (id),
    priority          TEXT    NOT NULL CHECK (priority IN ('emergency', 'safety', 'urgent')),
    opened_at         TEXT    NOT NULL,
    deadline          TEXT    NOT NULL,
    acknowledged_at   TEXT,
    acknowledged_by   INTEGER REFERENCES users (id),
    last_escalated_at TEXT,
    escalations       INTEGER NOT NULL DEFAULT 0,
    closed_at         TEXT,
    closed_by         INTEGER REFERENCES users (id),
    outcome           TEXT CHECK (outcome IN ('reached_safe_plan', 'sent_to_emergency_care', 'referred',
                                              'unable_to_reach', 'not_needed')),
    note              TEXT,
    CHECK ((intake_id IS NULL) <> (callback_id IS NULL))
);
INSERT INTO follow_ups_new (id, intake_id, priority, opened_at, deadline, acknowledged_at, acknowledged_by,
                            last_escalated_at, escalations, closed_at, closed_by, outcome, note)
    SELECT id, intake_id, priority, opened_at, deadline, acknowledged_at, acknowledged_by,
           last_escalated_at, escalations, closed_at, closed_by, outcome, note FROM follow_ups;

CREATE TABLE follow_up_attempts_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_up_id  INTEGER NOT NULL REFERENCES follow_ups_new (id),
    at            TEXT    NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    method        TEXT    NOT NULL CHECK (method IN ('phone', 'text', 'email')),
    result        TEXT    NOT NULL CHECK (result IN ('reached', 'left_message', 'no_answer', 'wrong_number')),
    note          TEXT    NOT NULL DEFAULT '',
    request_key   TEXT
);
INSERT INTO follow_up_attempts_new (id, follow_up_id, at, user_id, method, result, note, request_key)
    SELECT id, follow_up_id, at, user_id, method, result, note, request_key FROM follow_up_attempts;

-- `kind` says which staff page the escalation e-mail links to.
CREATE TABLE escalations_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_up_id    INTEGER NOT NULL REFERENCES follow_ups_new (id),
    step            INTEGER NOT NULL,
    kind            TEXT    NOT NULL DEFAULT 'submission' CHECK (kind IN ('submission', 'callback')),
    reference       TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    overdue_minutes INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (follow_up_id, step)
);
INSERT INTO escalations_new (id, follow_up_id, step, reference, priority, overdue_minutes, attempts,
                             next_attempt_at, claimed_until, sent_at, last_error, created_at)
    SELECT id, follow_up_id, step, reference, priority, overdue_minutes, attempts,
           next_attempt_at, claimed_until, sent_at, last_error, created_at FROM escalations;

DROP TABLE escalations;
DROP TABLE follow_up_attempts;
DROP TABLE follow_ups;
-- Renaming rewrites the references in the two new child tables to the new name.
ALTER TABLE follow_ups_new RENAME TO follow_ups;
ALTER TABLE follow_up_attempts_new RENAME TO follow_up_attempts;
ALTER TABLE escalations_new RENAME TO escalations;

CREATE INDEX follow_ups_open ON follow_ups (deadline) WHERE closed_at IS NULL;
CREATE INDEX follow_up_attempts_follow_up ON follow_up_attempts (follow_up_id);
CREATE UNIQUE INDEX follow_up_attempts_request ON follow_up_attempts (request_key);
CREATE INDEX escalations_due ON escalations (sent_at, next_attempt_at);
