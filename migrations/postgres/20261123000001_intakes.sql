-- Submitted intakes (schema version 1). One row per submission.
CREATE TABLE intakes (
    id             BIGSERIAL PRIMARY KEY,
    reference      TEXT      NOT NULL UNIQUE,  -- 8 Crockford base32 characters, no dash
    schema_version BIGINT    NOT NULL,         -- of the answers JSON
    locale         TEXT      NOT NULL,         -- en | es: the patient's language
    answers        TEXT      NOT NULL,         -- IntakeAnswers as JSON (PHI)
    status         TEXT      NOT NULL DEFAULT 'new', -- staff workflow status
    created_at     TEXT      NOT NULL,         -- RFC 3339 UTC (text, as on SQLite)
    updated_at     TEXT      NOT NULL
);
CREATE INDEX intakes_created_at ON intakes (created_at);

-- The screening evaluation stored with each intake, in the same transaction.
CREATE TABLE screening_results (
    id            BIGSERIAL PRIMARY KEY,
    intake_id     BIGINT    NOT NULL REFERENCES intakes (id),
    rules_version TEXT      NOT NULL,
    outcome       TEXT      NOT NULL,
    safety_alert  BIGINT    NOT NULL CHECK (safety_alert IN (0, 1)),
    reasons       TEXT      NOT NULL,          -- JSON array of {code, outcome}
    scores        TEXT      NOT NULL,          -- JSON object of the scores
    evaluated_on  TEXT      NOT NULL,
    created_at    TEXT      NOT NULL
);
CREATE INDEX screening_results_intake ON screening_results (intake_id);
CREATE INDEX screening_results_outcome ON screening_results (outcome);

-- Fixed-window request counters per client and endpoint, shared by every app instance.
CREATE TABLE rate_limits (
    bucket       TEXT   NOT NULL,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
