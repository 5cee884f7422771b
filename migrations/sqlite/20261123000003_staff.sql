-- The clinic's side: staff accounts, the review workflow, the audit trail and the
-- notification outbox. (Sessions live in the table tower-sessions creates.)

-- Staff accounts.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT    NOT NULL UNIQUE,   -- lower-cased
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'clinician', 'front_desk')),
    password_hash   TEXT,                      -- argon2id PHC string; NULL until an invitation is accepted
    totp_secret     TEXT,                      -- base32; NULL until two-factor enrolment is done
    totp_last_step  INTEGER,                   -- the last accepted 30 s step: a code is never accepted twice
    disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    session_epoch   INTEGER NOT NULL DEFAULT 0, -- raised to end every session of the account
    failed_sign_ins INTEGER NOT NULL DEFAULT 0, -- consecutive failures, for the exponential delay
    locked_until    TEXT,                      -- no attempt is checked before this time
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);

-- One-time recovery codes for two-factor sign-in; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT    NOT NULL,
    used_at   TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Invitations: a link an admin hands to new staff to choose a password.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash TEXT    NOT NULL UNIQUE,         -- SHA-256 of the link's token
    user_id    INTEGER NOT NULL REFERENCES users (id),
    expires_at TEXT    NOT NULL,
    used_at    TEXT,
    created_at TEXT    NOT NULL
);

-- Failed sign-ins per account in the last hour (the hourly cap); purged after an hour.
CREATE TABLE sign_in_failures (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    at      TEXT    NOT NULL
);
CREATE INDEX sign_in_failures_user_at ON sign_in_failures (user_id, at);

-- What the queue shows and filters by, copied out of the answers and the screening
-- result at insert time so the queue never parses JSON.
ALTER TABLE intakes ADD COLUMN first_name TEXT NOT NULL DEFAULT '';
ALTER TABLE intakes ADD COLUMN last_name TEXT NOT NULL DEFAULT '';
ALTER TABLE intakes ADD COLUMN search_name TEXT NOT NULL DEFAULT '';  -- lower-cased "first last"
ALTER TABLE intakes ADD COLUMN date_of_birth TEXT NOT NULL DEFAULT '';
ALTER TABLE intakes ADD COLUMN plan TEXT NOT NULL DEFAULT '';
ALTER TABLE intakes ADD COLUMN outcome TEXT NOT NULL DEFAULT 'clinician_review';
ALTER TABLE intakes ADD COLUMN safety_alert INTEGER NOT NULL DEFAULT 0;
ALTER TABLE intakes ADD COLUMN pin_rank INTEGER NOT NULL DEFAULT 3;   -- 0 emergency, 1 urgent care, 2 safety alert, 3 none
ALTER TABLE intakes ADD COLUMN verification_status TEXT NOT NULL DEFAULT 'unverified';
ALTER TABLE intakes ADD COLUMN assignee_id INTEGER REFERENCES users (id);

UPDATE intakes SET
    first_name = COALESCE(json_extract(answers, '$.patient.first_name'), ''),
    last_name = COALESCE(json_extract(answers, '$.patient.last_name'), ''),
    date_of_birth = COALESCE(json_extract(answers, '$.patient.date_of_birth'), ''),
    plan = COALESCE(json_extract(answers, '$.insurance.plan'), '');
UPDATE intakes SET search_name = lower(first_name || ' ' || last_name);
UPDATE intakes SET verification_status = 'self_pay' WHERE plan = 'self_pay';
UPDATE intakes SET
    outcome = COALESCE((SELECT s.outcome FROM screening_results s WHERE s.intake_id = intakes.id ORDER BY s.id DESC LIMIT 1), 'clinician_review'),
    safety_alert = COALESCE((SELECT s.safety_alert FROM screening_results s WHERE s.intake_id = intakes.id ORDER BY s.id DESC LIMIT 1), 0);
UPDATE intakes SET pin_rank = CASE
    WHEN outcome = 'emergency' THEN 0
    WHEN outcome = 'urgent_care' THEN 1
    WHEN safety_alert = 1 THEN 2
    ELSE 3 END;
CREATE INDEX intakes_status_created ON intakes (status, created_at);
CREATE INDEX intakes_pin_created ON intakes (pin_rank, created_at);

-- Every workflow status change: who and when.
CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id   INTEGER NOT NULL REFERENCES intakes (id),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          TEXT    NOT NULL
);
CREATE INDEX status_history_intake ON status_history (intake_id);

-- Staff notes on a submission (PHI).
CREATE TABLE notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id  INTEGER NOT NULL REFERENCES intakes (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX notes_intake ON notes (intake_id);

-- The audit trail: append-only (triggers refuse updates and deletes), each row chained
-- to the one before by a SHA-256 hash, so any edit shows when the chain is verified.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,   -- 1, 2, 3, ... handed out by audit_head: no gaps
    at         TEXT    NOT NULL,
    actor_id   INTEGER,               -- the staff account; NULL for anonymous or the system
    actor      TEXT    NOT NULL,      -- the account's e-mail at the time, 'anonymous' or 'system'
    action     TEXT    NOT NULL,      -- e.g. sign_in, view_submission, change_status
    target     TEXT    NOT NULL,      -- a submission reference or an account e-mail; '' for none
    client     TEXT    NOT NULL,      -- the client address
    request_id TEXT    NOT NULL,
    detail     TEXT    NOT NULL,      -- codes and values, never a patient's answers
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- New-submission e-mails waiting to be sent (written in the intake's transaction).
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id       INTEGER NOT NULL UNIQUE REFERENCES intakes (id),
    reference       TEXT    NOT NULL,
    priority        TEXT    NOT NULL,  -- emergency | urgent | routine: no health details
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,              -- an instance is sending it until then
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX notifications_due ON notifications (sent_at, next_attempt_at);
