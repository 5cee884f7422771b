-- Safety follow-up (safety-followup.md): every emergency, safety-alert and urgent-care
-- submission opens one, in the intake's own transaction, with a deadline from the
-- settings. One per submission (UNIQUE). Times are RFC 3339 UTC text, as elsewhere.
CREATE TABLE follow_ups (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id         INTEGER NOT NULL UNIQUE REFERENCES intakes (id),
    priority          TEXT    NOT NULL CHECK (priority IN ('emergency', 'safety', 'urgent')),
    opened_at         TEXT    NOT NULL,
    deadline          TEXT    NOT NULL,
    acknowledged_at   TEXT,                               -- "I am on it": holds off escalation
    acknowledged_by   INTEGER REFERENCES users (id),
    last_escalated_at TEXT,                               -- the last escalation e-mail's step
    escalations       INTEGER NOT NULL DEFAULT 0,
    closed_at         TEXT,
    closed_by         INTEGER REFERENCES users (id),
    outcome           TEXT CHECK (outcome IN ('reached_safe_plan', 'sent_to_emergency_care', 'referred',
                                              'unable_to_reach', 'not_needed')),
    note              TEXT                                -- sealed: the clinician's words (PHI)
);
-- The open ones, most overdue first: the Follow-ups page and the escalation worker.
CREATE INDEX follow_ups_open ON follow_ups (deadline) WHERE closed_at IS NULL;

-- Each call or message tried.
CREATE TABLE follow_up_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_up_id  INTEGER NOT NULL REFERENCES follow_ups (id),
    at            TEXT    NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users (id),
    method        TEXT    NOT NULL CHECK (method IN ('phone', 'text', 'email')),
    result        TEXT    NOT NULL CHECK (result IN ('reached', 'left_message', 'no_answer', 'wrong_number')),
    note          TEXT    NOT NULL DEFAULT ''             -- sealed when not empty
);
CREATE INDEX follow_up_attempts_follow_up ON follow_up_attempts (follow_up_id);
