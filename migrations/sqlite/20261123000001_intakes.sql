-- Submitted intakes (schema version 1). One row per submission.
CREATE TABLE intakes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    reference      TEXT    NOT NULL UNIQUE,  -- 8 Crockford base32 characters, no dash
    schema_version INTEGER NOT NULL,         -- of the answers JSON
    locale         TEXT    NOT NULL,         -- en | es: the patient's language
    answers        TEXT    NOT NULL,         -- IntakeAnswers as JSON (PHI)
    status         TEXT    NOT NULL DEFAULT 'new', -- staff workflow status
    created_at     TEXT    NOT NULL,         -- RFC 3339 UTC
    updated_at     TEXT    NOT NULL
);
CREATE INDEX intakes_created_at ON intakes (created_at);

-- The screening evaluation stored with each intake, in the same transaction.
CREATE TABLE screening_results (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id     INTEGER NOT NULL REFERENCES intakes (id),
    rules_version TEXT    NOT NULL,          -- screening.md rules version
    outcome       TEXT    NOT NULL,          -- emergency | urgent_care | clinician_review | not_yet | consult_recommended
    safety_alert  INTEGER NOT NULL CHECK (safety_alert IN (0, 1)),
    reasons       TEXT    NOT NULL,          -- JSON array of {code, outcome}
    scores        TEXT    NOT NULL,          -- JSON object of the scores
    evaluated_on  TEXT    NOT NULL,          -- the clinic date the rules were evaluated for
    created_at    TEXT    NOT NULL
);
CREATE INDEX screening_results_intake ON screening_results (intake_id);
CREATE INDEX screening_results_outcome ON screening_results (outcome);

-- Fixed-window request counters per client and endpoint, shared by every app instance.
CREATE TABLE rate_limits (
    bucket       TEXT    NOT NULL,           -- endpoint and client address
    window_start INTEGER NOT NULL,           -- unix seconds at the window's start
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
