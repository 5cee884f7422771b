-- A number that changes whenever anything the staff queue shows changes (issue 8).
-- The server keeps recent queue pages in memory under the number they were read with
-- and reuses one only while the number is unchanged, so every instance sees each change
-- on its next page view. A row, not a sequence: it is transactional, so a page read
-- together with the number never pairs old rows with a newer number.
CREATE TABLE queue_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT  NOT NULL
);
INSERT INTO queue_version (id, n) VALUES (1, 0);
CREATE FUNCTION queue_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE queue_version SET n = n + 1 WHERE id = 1; RETURN NULL; END; $$;
-- Once per statement: a batch of intakes takes the row's lock once.
CREATE TRIGGER intakes_queue_version AFTER INSERT OR UPDATE OR DELETE ON intakes
FOR EACH STATEMENT EXECUTE FUNCTION queue_version_bump();
CREATE TRIGGER intakes_queue_version_truncate AFTER TRUNCATE ON intakes
FOR EACH STATEMENT EXECUTE FUNCTION queue_version_bump();
-- The assignee column shows staff names.
CREATE TRIGGER users_queue_version AFTER UPDATE OF name ON users
FOR EACH STATEMENT EXECUTE FUNCTION queue_version_bump();
