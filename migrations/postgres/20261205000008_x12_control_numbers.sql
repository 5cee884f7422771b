-- Control numbers for the 270s we write (issue 15). Each 270 takes one row, and the
-- row's id is its ISA13/IEA02 interchange control number, its GS06/GE02 group control
-- number and the number in its BHT03. Clearinghouses refuse an interchange whose ISA13
-- they have seen before; numbers taken from the clock repeated within a second and
-- between app instances, so the database's sequence, shared by every instance, is what
-- makes them unique. A sequence never hands out a value twice, even when the inserting
-- transaction rolls back; the gaps that leaves are allowed (unique, not consecutive).
-- MAXVALUE: ISA13 is 9 digits, so the sequence stops rather than wrap or overflow.
-- The 270s of earlier versions used the seconds since 2020 (about 2.2e8 by now), far
-- above the numbers this table will reach.
CREATE TABLE x12_control_numbers (
    id         BIGINT GENERATED ALWAYS AS IDENTITY (MAXVALUE 999999999) PRIMARY KEY,  -- the control number
    created_at TEXT   NOT NULL                                                         -- when it was drawn, RFC 3339 UTC
);
