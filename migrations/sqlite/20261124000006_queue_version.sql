-- A number that changes whenever anything the staff queue shows changes (issue 8).
-- The server keeps recent queue pages in memory under the number they were read with
-- and reuses one only while the number is unchanged, so every instance, and every
-- process writing the file, sees each change on its next page view.
CREATE TABLE queue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO queue_version (id, n) VALUES (1, 0);
CREATE TRIGGER intakes_queue_version_insert AFTER INSERT ON intakes
BEGIN UPDATE queue_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER intakes_queue_version_update AFTER UPDATE ON intakes
BEGIN UPDATE queue_version SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER intakes_queue_version_delete AFTER DELETE ON intakes
BEGIN UPDATE queue_version SET n = n + 1 WHERE id = 1; END;
-- The assignee column shows staff names.
CREATE TRIGGER users_queue_version AFTER UPDATE OF name ON users
BEGIN UPDATE queue_version SET n = n + 1 WHERE id = 1; END;
