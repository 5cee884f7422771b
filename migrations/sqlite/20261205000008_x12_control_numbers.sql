-- Control numbers for the 270s we write (issue 15). Each 270 takes one row, and the
-- row's id is its ISA13/IEA02 interchange control number, its GS06/GE02 group control
-- number and the number in its BHT03. Clearinghouses refuse an interchange whose ISA13
-- they have seen before; numbers taken from the clock repeated within a second, and
-- SQLite has one server process, so the database is what makes them unique.
-- AUTOINCREMENT: an id is never handed out twice, even after the newest row is deleted.
-- A draw that ends without a 270 leaves a gap, which X12 allows (unique, not consecutive).
-- The 270s of earlier versions used the seconds since 2020 (about 2.2e8 by now), far
-- above the numbers this table will reach.
CREATE TABLE x12_control_numbers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- the control number, 1..=999999999 (ISA13 is 9 digits)
    created_at TEXT    NOT NULL                    -- when it was drawn, RFC 3339 UTC
);
