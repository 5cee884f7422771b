-- Escalation e-mails of overdue follow-ups (safety-followup.md), an outbox like
-- `notifications`: a row is added in the same transaction that moves the follow-up to its
-- next escalation step, and the notify worker claims and sends it. UNIQUE (follow_up_id,
-- step): one e-mail per step, whichever app instance notices the step first.
CREATE TABLE escalations (
    id              BIGSERIAL PRIMARY KEY,
    follow_up_id    BIGINT  NOT NULL REFERENCES follow_ups (id),
    step            BIGINT  NOT NULL,          -- 1 for the first e-mail, then 2, 3, ...
    reference       TEXT    NOT NULL,
    priority        TEXT    NOT NULL,          -- emergency | safety | urgent: no health details
    overdue_minutes BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    UNIQUE (follow_up_id, step)
);
CREATE INDEX escalations_due ON escalations (sent_at, next_attempt_at);
