-- Insurance verification: the payer directory, every verification as history, and
-- insurance-card photos (encrypted at rest).

-- Payers the clinic verifies with. `plan` links a row to the wizard's plan choice; payer
-- IDs differ between clearinghouses, so admins can edit them.
CREATE TABLE payers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    plan       TEXT    NOT NULL UNIQUE,         -- bcbs_tx | uhc | cigna
    name       TEXT    NOT NULL,                -- as sent in the 270 (NM1*PR)
    payer_id   TEXT    NOT NULL,                -- NM1*PR ... PI*<payer_id>
    in_network INTEGER NOT NULL CHECK (in_network IN (0, 1)),
    notes      TEXT    NOT NULL DEFAULT '',
    updated_at TEXT    NOT NULL
);
INSERT INTO payers (plan, name, payer_id, in_network, notes, updated_at) VALUES
    ('bcbs_tx', 'BLUE CROSS BLUE SHIELD OF TEXAS', '84980', 1, 'Medicare Advantage plans use 66006. The card''s network code (BCA, HMO Blue Essentials, BAV, HMH) tells the network.', '2026-11-23T00:00:00.000Z'),
    ('uhc', 'UNITEDHEALTHCARE', '87726', 1, 'UMR, Oxford, Community Plan and Medicare Advantage use other payer IDs.', '2026-11-23T00:00:00.000Z'),
    ('cigna', 'CIGNA', '62308', 1, 'Cigna states network status in a MSG line of the active-coverage benefit.', '2026-11-23T00:00:00.000Z');

-- Every verification saved by staff; the newest row per intake is the current one, and
-- intakes.verification_status mirrors its status for the queue.
CREATE TABLE verifications (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    intake_id            INTEGER NOT NULL REFERENCES intakes (id),
    status               TEXT    NOT NULL CHECK (status IN ('unverified', 'active', 'inactive', 'not_found', 'self_pay')),
    plan_name            TEXT    NOT NULL DEFAULT '',
    network              TEXT    NOT NULL DEFAULT '',   -- in | out | unknown | ''
    copay                TEXT    NOT NULL DEFAULT '',   -- as staff read it, e.g. "$40 per visit"
    coinsurance          TEXT    NOT NULL DEFAULT '',
    deductible_remaining TEXT    NOT NULL DEFAULT '',
    oop_remaining        TEXT    NOT NULL DEFAULT '',
    prior_auth           TEXT    NOT NULL DEFAULT '',   -- yes | no | unknown | ''
    notes                TEXT    NOT NULL DEFAULT '',
    method               TEXT    NOT NULL,              -- x12_271 | phone | portal | other
    user_id              INTEGER NOT NULL REFERENCES users (id),
    created_at           TEXT    NOT NULL
);
CREATE INDEX verifications_intake ON verifications (intake_id);

-- Insurance-card photos. `data` is sealed (AES-256-GCM) when a key is configured; the
-- image had its metadata removed before sealing. Attached to a draft until the patient
-- submits, then to the intake.
CREATE TABLE card_images (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    draft_id   INTEGER REFERENCES drafts (id),
    intake_id  INTEGER REFERENCES intakes (id),
    side       TEXT    NOT NULL CHECK (side IN ('front', 'back')),
    mime       TEXT    NOT NULL,
    bytes      INTEGER NOT NULL,
    data       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX card_images_draft ON card_images (draft_id);
CREATE INDEX card_images_intake ON card_images (intake_id);
