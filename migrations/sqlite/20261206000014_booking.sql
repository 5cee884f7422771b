-- Consult hours and bookings (booking.md).

-- The weekly hours: one row per weekday (0 = Monday … 6 = Sunday); `ranges` is the
-- domain's text ("09:00-12:00,13:00-17:00", '' = closed). A weekday without a row is closed.
CREATE TABLE consult_days (
    weekday    INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
    ranges     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);
-- Slot length and capacity, for every slot (the API answers one `slot_minutes`).
CREATE TABLE consult_config (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 240),
    capacity     INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    updated_at   TEXT    NOT NULL
);
INSERT INTO consult_config (id, slot_minutes, capacity, updated_at) VALUES (1, 30, 1, '1970-01-01T00:00:00Z');
-- Closed dates (holidays), civil dates in the clinic's zone.
CREATE TABLE consult_closed (
    day        TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
-- One-off extra ranges on a date.
CREATE TABLE consult_extra (
    day        TEXT NOT NULL,
    range_text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (day, range_text)
);

-- A submission the patient may book for: its booking tokens (the API's `booking_token`,
-- the e-mailed links), stored only as SHA-256. `channel` 'api' is the 201's token (a
-- replayed 201 replaces it); 'email' tokens are made when a link is sent.
CREATE TABLE booking_tokens (
    token_hash TEXT    PRIMARY KEY,
    intake_id  INTEGER NOT NULL REFERENCES intakes (id),
    channel    TEXT    NOT NULL CHECK (channel IN ('api', 'email')),
    expires_at TEXT    NOT NULL
);
CREATE INDEX booking_tokens_intake ON booking_tokens (intake_id);
-- A clinician approved self-booking for a `clinician_review` submission.
CREATE TABLE booking_approvals (
    intake_id   INTEGER PRIMARY KEY REFERENCES intakes (id),
    approved_by INTEGER NOT NULL REFERENCES users (id),
    approved_at TEXT    NOT NULL
);

-- Consults. A slot's capacity is its seats: (start_at, seat) is unique among the consults
-- not cancelled, and a seat is only ever 1..capacity, so no race can overbook on either
-- engine. One upcoming (booked) consult per submission; rescheduling moves the row
-- (same uid, sequence + 1).
CREATE TABLE bookings (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id         INTEGER NOT NULL REFERENCES intakes (id),
    uid               TEXT    NOT NULL UNIQUE,   -- the calendar UID, random
    start_at          TEXT    NOT NULL,          -- RFC 3339 UTC, whole seconds
    end_at            TEXT    NOT NULL,
    seat              INTEGER NOT NULL CHECK (seat >= 1),
    status            TEXT    NOT NULL CHECK (status IN ('booked', 'attended', 'no_show', 'cancelled')),
    manage_token_hash TEXT    NOT NULL UNIQUE,   -- SHA-256 of the manage token
    sequence          INTEGER NOT NULL DEFAULT 0,
    booked_by         INTEGER REFERENCES users (id), -- NULL: the patient
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX bookings_seat ON bookings (start_at, seat) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX bookings_upcoming ON bookings (intake_id) WHERE status = 'booked';
CREATE INDEX bookings_intake ON bookings (intake_id);
-- The manage links e-mailed to the patient, each a fresh secret made when its e-mail is
-- sent (so no secret waits in the outbox); the booking's own `manage_token_hash` is the
-- one its booker (the API client) was given.
CREATE TABLE manage_links (
    token_hash TEXT    PRIMARY KEY,
    booking_id INTEGER NOT NULL REFERENCES bookings (id),
    created_at TEXT    NOT NULL
);
CREATE INDEX manage_links_booking ON manage_links (booking_id);

-- The patient's e-mails (booking.md), and the clinic's copy (NOTIFY_TO) of each booking change
-- (`clinic_*`: reference and time only), an outbox like `notifications`: written with the
-- change they tell of, sent by any instance's worker once (`dedupe` is unique; a row is
-- claimed before it is sent). No address or secret is stored here: the address is read
-- from the sealed answers and each link made fresh when the e-mail is sent.
CREATE TABLE patient_mails (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('resume', 'receipt', 'confirmation', 'rescheduled', 'cancelled', 'reminder', 'approved',
                                                 'clinic_booked', 'clinic_rescheduled', 'clinic_cancelled')),
    intake_id       INTEGER REFERENCES intakes (id),
    draft_id        INTEGER,                -- a 'resume' e-mail's draft; no REFERENCES: drafts are purged
    booking_id      INTEGER REFERENCES bookings (id),
    sequence        INTEGER,                -- the consult's SEQUENCE for its .ics
    start_at        TEXT,                   -- the consult as it was at this change
    end_at          TEXT,
    dedupe          TEXT    NOT NULL UNIQUE, -- e.g. receipt:12, consult:7:2, reminder:7:<start>:48
    created_at      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claimed_until   TEXT,
    sent_at         TEXT,
    last_error      TEXT,
    CHECK ((intake_id IS NULL) <> (draft_id IS NULL))
);
CREATE INDEX patient_mails_due ON patient_mails (sent_at, next_attempt_at);

-- "E-mail me this link" on the saved page: a resume link made when its e-mail is sent
-- (stored as SHA-256), used once: it moves the draft to a fresh secret, like the link the
-- page shows. Purged with the drafts' expiry.
CREATE TABLE draft_links (
    token_hash TEXT    PRIMARY KEY,
    draft_id   INTEGER NOT NULL,
    expires_at TEXT    NOT NULL
);

-- A workflow change made by the patient (booking, cancelling) has no staff account.
-- SQLite cannot drop a NOT NULL: status_history is rebuilt, ids kept.
CREATE TABLE status_history_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id   INTEGER NOT NULL REFERENCES intakes (id),
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    user_id     INTEGER REFERENCES users (id),   -- NULL: the patient
    at          TEXT    NOT NULL
);
INSERT INTO status_history_new (id, intake_id, from_status, to_status, user_id, at)
    SELECT id, intake_id, from_status, to_status, user_id, at FROM status_history;
DROP TABLE status_history;
ALTER TABLE status_history_new RENAME TO status_history;
CREATE INDEX status_history_intake ON status_history (intake_id);
