-- How many submissions each combination of the queue's list filters holds (operations
-- issue: a million submissions). Every queue view shows the number of matching
-- submissions; `COUNT(*)` over the matches read every index entry, and with an outcome
-- or plan filter every row. With these counts, kept by triggers in the same transaction
-- as the change, the number for the list filters (outcome, plan, status, verification)
-- is a sum over at most 750 rows; a view that also filters by date or name still counts
-- its matches (staff::queue::count_sql).
CREATE TABLE queue_counts (
    outcome             TEXT   NOT NULL,
    plan                TEXT   NOT NULL,
    status              TEXT   NOT NULL,
    verification_status TEXT   NOT NULL,
    n                   BIGINT NOT NULL,
    PRIMARY KEY (outcome, plan, status, verification_status)
);
INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
    SELECT outcome, plan, status, verification_status, COUNT(*) FROM intakes
    GROUP BY outcome, plan, status, verification_status;

-- Once per statement, from the statement's old and new rows grouped, in key order: a
-- batch of intakes touches each count row once, and two transactions always lock count
-- rows in the same order, so they cannot deadlock on them.
CREATE FUNCTION queue_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
            SELECT outcome, plan, status, verification_status, COUNT(*) FROM new_rows
            GROUP BY outcome, plan, status, verification_status
            ORDER BY outcome, plan, status, verification_status
            ON CONFLICT (outcome, plan, status, verification_status) DO UPDATE SET n = queue_counts.n + excluded.n;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Old rows leave their counts, new rows join theirs; an update that changes none
        -- of the four columns (sealing the answers, an assignee) nets to nothing and
        -- touches no count.
        INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
            SELECT outcome, plan, status, verification_status, SUM(k) FROM (
                SELECT outcome, plan, status, verification_status, -1 AS k FROM old_rows
                UNION ALL
                SELECT outcome, plan, status, verification_status, 1 AS k FROM new_rows
            ) d
            GROUP BY outcome, plan, status, verification_status
            HAVING SUM(k) <> 0
            ORDER BY outcome, plan, status, verification_status
            ON CONFLICT (outcome, plan, status, verification_status) DO UPDATE SET n = queue_counts.n + excluded.n;
    ELSE
        INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
            SELECT outcome, plan, status, verification_status, -COUNT(*) FROM old_rows
            GROUP BY outcome, plan, status, verification_status
            ORDER BY outcome, plan, status, verification_status
            ON CONFLICT (outcome, plan, status, verification_status) DO UPDATE SET n = queue_counts.n + excluded.n;
    END IF;
    RETURN NULL;
END; $$;
-- A trigger with transition tables takes one event; UPDATE OF columns is not allowed with them.
CREATE TRIGGER intakes_queue_counts_insert AFTER INSERT ON intakes
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_change();
CREATE TRIGGER intakes_queue_counts_update AFTER UPDATE ON intakes
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_change();
CREATE TRIGGER intakes_queue_counts_delete AFTER DELETE ON intakes
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_change();
CREATE FUNCTION queue_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN DELETE FROM queue_counts; RETURN NULL; END; $$;
CREATE TRIGGER intakes_queue_counts_truncate AFTER TRUNCATE ON intakes
FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_truncate();
