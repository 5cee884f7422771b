-- Unfinished intakes, saved after every wizard step and found again by a resume token.
CREATE TABLE drafts (
    id           BIGSERIAL PRIMARY KEY,
    token_hash   TEXT   NOT NULL UNIQUE,   -- SHA-256 (hex) of the resume token; the token itself is never stored
    answers      TEXT   NOT NULL,          -- partial IntakeAnswers JSON (PHI); emptied once submitted
    errors_step  TEXT,                     -- the step whose errors are saved below
    errors       TEXT   NOT NULL DEFAULT '[]', -- JSON [{field, en, es}] from the last post of that step
    intake_id    BIGINT REFERENCES intakes (id), -- set when the draft was submitted
    created_at   TEXT   NOT NULL,
    updated_at   TEXT   NOT NULL,
    expires_at   TEXT   NOT NULL           -- 30 days after creation; purged after that
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
