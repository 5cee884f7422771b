-- Name search without reading every submission (operations issue: a million
-- submissions). The queue's search matches any part of `search_name` (the lower-cased
-- "first last"); `LIKE '%…%'` on the column read the whole table for every search. An
-- FTS5 table with the trigram tokenizer indexes every three-character run of each name,
-- so a search of three characters or more reads only the index entries of the names
-- that contain it, and keeps the substring meaning (a trigram phrase matches anywhere,
-- across the space too); shorter searches still use the LIKE (staff::queue::where_of).
-- External content: the names stay only in `intakes`, and these triggers keep the
-- index in step with them (rowid = intakes.id).
CREATE VIRTUAL TABLE intakes_search USING fts5 (
    search_name,
    content = 'intakes',
    content_rowid = 'id',
    tokenize = 'trigram'
);
-- The submissions stored before this migration.
INSERT INTO intakes_search (intakes_search) VALUES ('rebuild');

CREATE TRIGGER intakes_search_insert AFTER INSERT ON intakes
BEGIN INSERT INTO intakes_search (rowid, search_name) VALUES (new.id, new.search_name); END;
CREATE TRIGGER intakes_search_delete AFTER DELETE ON intakes
BEGIN INSERT INTO intakes_search (intakes_search, rowid, search_name) VALUES ('delete', old.id, old.search_name); END;
CREATE TRIGGER intakes_search_update AFTER UPDATE OF search_name ON intakes
BEGIN
    INSERT INTO intakes_search (intakes_search, rowid, search_name) VALUES ('delete', old.id, old.search_name);
    INSERT INTO intakes_search (rowid, search_name) VALUES (new.id, new.search_name);
END;
