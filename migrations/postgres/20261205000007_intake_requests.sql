-- What made each intake, so the same request never makes two (a double click, a retry):
-- a wizard draft ('draft:<id>', kept for good: a draft is submitted once) or an API
-- client's Idempotency-Key ('key:<SHA-256 of the key>', forgotten after 24 hours).
-- Written in the intake's own transaction; the primary key refuses a second intake.
CREATE TABLE intake_requests (
    request_key  TEXT    PRIMARY KEY,
    fingerprint  TEXT    NOT NULL,          -- SHA-256 of the API body's canonical JSON; 'draft' for drafts
    intake_id    BIGINT  NOT NULL REFERENCES intakes (id),
    created_at   TEXT    NOT NULL
);
CREATE INDEX intake_requests_created_at ON intake_requests (created_at);
