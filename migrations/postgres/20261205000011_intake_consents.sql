-- What each patient agreed to (content round 2): the consent wording's version, the
-- language it was shown in, and the SHA-256 of that text, written in the intake's own
-- transaction. The wording of every version is kept in the code (shared/consent.rs);
-- intakes stored before this table have no row.
CREATE TABLE intake_consents (
    intake_id  BIGINT  NOT NULL UNIQUE REFERENCES intakes (id),
    version    TEXT    NOT NULL,
    locale     TEXT    NOT NULL CHECK (locale IN ('en', 'es')),
    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
    created_at TEXT    NOT NULL
);
