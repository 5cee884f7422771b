-- A patient stopped at the emergency page (a 911 red flag) who left a name and phone
-- number (safety-followup.md): the clinic calls them too. One per draft (UNIQUE), so a
-- double click asks once. Name and phone are sealed like the answers; `red_flags` holds
-- the codes of the red flags answered yes, for the clinician who calls. `reference` is
-- drawn like a submission's and shown to the patient.
CREATE TABLE callbacks (
    id         BIGSERIAL PRIMARY KEY,
    reference  TEXT    NOT NULL UNIQUE,
    draft_id   BIGINT  NOT NULL UNIQUE,  -- no REFERENCES: expired drafts are purged, the request stays
    locale     TEXT    NOT NULL CHECK (locale IN ('en', 'es')),
    name       TEXT    NOT NULL,         -- sealed
    phone      TEXT    NOT NULL,         -- sealed
    red_flags  TEXT    NOT NULL,         -- JSON array of red-flag codes
    created_at TEXT    NOT NULL
);

-- A follow-up is now about a submission or a callback request, exactly one of them.
ALTER TABLE follow_ups ALTER COLUMN intake_id DROP NOT NULL;
ALTER TABLE follow_ups ADD COLUMN callback_id BIGINT UNIQUE REFERENCES callbacks (id);
ALTER TABLE follow_ups ADD CONSTRAINT follow_ups_one_subject CHECK ((intake_id IS NULL) <> (callback_id IS NULL));

-- `kind` says which staff page the escalation e-mail links to.
ALTER TABLE escalations ADD COLUMN kind TEXT NOT NULL DEFAULT 'submission' CHECK (kind IN ('submission', 'callback'));
