-- Real-time eligibility checks (eligibility-realtime.md, phase 2): an outbox like
-- `notifications`, written with the intake (or before a consult, or by "Check now"), sent
-- by any instance's worker once (a row is claimed before its 270 goes out).

-- One check: a 270 to send until it gets an answer worth keeping. `dedupe` makes each
-- reason happen once: `intake:<intake id>`, `recheck:<booking id>:<start>`,
-- `manual:<intake id>:<the last check the staff member saw>` (a double click is one check).
CREATE TABLE eligibility_checks (
    id              BIGSERIAL PRIMARY KEY,
    intake_id       BIGINT NOT NULL REFERENCES intakes (id),
    reason          TEXT   NOT NULL CHECK (reason IN ('intake', 'recheck', 'manual')),
    booking_id      BIGINT REFERENCES bookings (id),
    dedupe          TEXT   NOT NULL UNIQUE,
    created_at      TEXT   NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TEXT   NOT NULL,
    claimed_until   TEXT,
    done_at         TEXT,
    -- saved | needs_person | failed | gave_up (8 tries); NULL while it waits
    outcome         TEXT   CHECK (outcome IN ('saved', 'needs_person', 'failed', 'gave_up')),
    last_error      TEXT   -- a fixed code (timeout, connect, http-401, error-code, rejected-999, …)
);
CREATE INDEX eligibility_checks_due ON eligibility_checks (done_at, next_attempt_at);
CREATE INDEX eligibility_checks_intake ON eligibility_checks (intake_id);

-- Each exchange of a check, recorded with its PayloadID before the 270 is sent. No
-- payload, no credential: the reason is in words of this app (or the payer's AAA action).
CREATE TABLE eligibility_attempts (
    id          BIGSERIAL PRIMARY KEY,
    check_id    BIGINT NOT NULL REFERENCES eligibility_checks (id),
    payload_id  TEXT   NOT NULL UNIQUE,
    envelope    TEXT   NOT NULL CHECK (envelope IN ('mime', 'soap')),
    http_status BIGINT,
    error_code  TEXT,
    duration_ms BIGINT,
    -- saved | retry | needs_person | failed; NULL while the exchange runs (or was cut short)
    disposition TEXT   CHECK (disposition IN ('saved', 'retry', 'needs_person', 'failed')),
    reason      TEXT   NOT NULL DEFAULT '',
    at          TEXT   NOT NULL
);
CREATE INDEX eligibility_attempts_check ON eligibility_attempts (check_id);

-- A verification saved by a real-time check has no staff account (user_id NULL: system).
ALTER TABLE verifications ALTER COLUMN user_id DROP NOT NULL;
