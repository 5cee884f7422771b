-- Name search by the start of a name's words, from a B-tree (operations issue: a million
-- submissions). The pg_trgm index of migration 20261207000016 found any part of a name,
-- but every search read the posting lists of all its three-letter runs, the commonest
-- ("mar", "ía ") hundreds of thousands long, and at a million submissions a search cost
-- more than the rest of the page. Each submission now has its name keys
-- (staff::queue::name_keys): the lower-cased words of "first last" from each word on,
-- and "last first" ("maría garcía lópez": "maría garcía lópez", "garcía lópez",
-- "lópez", "garcía lópez maría"). A search is one range of this table, the keys that
-- start with its words: "gar", "maría gar", "lópez", "garcía lópez, maría". The app
-- writes the keys with the submission, in its transaction. COLLATE "C": the range is
-- by code point, whatever the database's collation.
DROP INDEX intakes_search_name_trgm;

CREATE TABLE intake_name_keys (
    key       TEXT COLLATE "C" NOT NULL,
    intake_id BIGINT NOT NULL REFERENCES intakes (id) ON DELETE CASCADE,
    PRIMARY KEY (key, intake_id)
);
CREATE INDEX intake_name_keys_intake ON intake_name_keys (intake_id);

-- The submissions stored before: their names split on spaces, hyphens, apostrophes,
-- periods and commas (the app splits on anything but letters and digits; names hold
-- nothing else in practice). `search_name` is already lower-cased, so the last name is
-- read from it.
INSERT INTO intake_name_keys (key, intake_id)
SELECT array_to_string(words[k:], ' '), id
FROM (SELECT id, regexp_split_to_array(trim(regexp_replace(search_name, '[-''., ]+', ' ', 'g')), ' ') AS words
      FROM intakes) AS names,
     generate_subscripts(words, 1) AS k
WHERE array_to_string(words[k:], ' ') <> ''
UNION
SELECT trim(regexp_replace(substr(search_name, length(first_name) + 2) || ' ' || substr(search_name, 1, length(first_name)),
                           '[-''., ]+', ' ', 'g')), id
FROM intakes
ON CONFLICT DO NOTHING;
