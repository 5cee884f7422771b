-- Name search by the start of a name's words, from a B-tree (operations issue: a million
-- submissions). The trigram index of migration 20261207000016 found any part of a name,
-- but every search read the posting lists of all its three-letter runs, the commonest
-- ("mar", "ía ") hundreds of thousands long, and at a million submissions a search cost
-- more than the rest of the page. Each submission now has its name keys
-- (staff::queue::name_keys): the lower-cased words of "first last" from each word on,
-- and "last first" ("maría garcía lópez": "maría garcía lópez", "garcía lópez",
-- "lópez", "garcía lópez maría"). A search is one range of this table, the keys that
-- start with its words: "gar", "maría gar", "lópez", "garcía lópez, maría". The app
-- writes the keys with the submission, in its transaction.
DROP TRIGGER intakes_search_insert;
DROP TRIGGER intakes_search_delete;
DROP TRIGGER intakes_search_update;
DROP TABLE intakes_search;

CREATE TABLE intake_name_keys (
    key       TEXT    NOT NULL,
    intake_id INTEGER NOT NULL REFERENCES intakes (id) ON DELETE CASCADE,
    PRIMARY KEY (key, intake_id)
) WITHOUT ROWID;
CREATE INDEX intake_name_keys_intake ON intake_name_keys (intake_id);

-- The submissions stored before: their names split on spaces, hyphens, apostrophes,
-- periods and commas (the app splits on anything but letters and digits; names hold
-- nothing else in practice). `search_name` is already lower-cased (in full Unicode,
-- which SQL's lower() is not), so the last name is read from it.
WITH RECURSIVE
    names (id, words) AS (
        SELECT id, trim(replace(replace(replace(replace(replace(replace(replace(search_name,
            '-', ' '), '''', ' '), '.', ' '), ',', ' '), '  ', ' '), '  ', ' '), '  ', ' '))
        FROM intakes
    ),
    suffixes (id, rest) AS (
        SELECT id, words FROM names
        UNION ALL
        SELECT id, substr(rest, instr(rest, ' ') + 1) FROM suffixes WHERE instr(rest, ' ') > 0
    )
INSERT OR IGNORE INTO intake_name_keys (key, intake_id) SELECT rest, id FROM suffixes WHERE rest <> '';
WITH turned (id, words) AS (
    SELECT id, trim(replace(replace(replace(replace(replace(replace(replace(
        substr(search_name, length(first_name) + 2) || ' ' || substr(search_name, 1, length(first_name)),
        '-', ' '), '''', ' '), '.', ' '), ',', ' '), '  ', ' '), '  ', ' '), '  ', ' '))
    FROM intakes
)
INSERT OR IGNORE INTO intake_name_keys (key, intake_id) SELECT words, id FROM turned WHERE words <> '';
