-- How many submissions each combination of the queue's list filters holds (operations
-- issue: a million submissions). Every queue view shows the number of matching
-- submissions; `COUNT(*)` over the matches read every index entry, and with an outcome
-- or plan filter every row. With these counts, kept by triggers in the same transaction
-- as the change, the number for the list filters (outcome, plan, status, verification)
-- is a sum over at most 750 rows; a view that also filters by date or name still counts
-- its matches (staff::queue::count_sql).
CREATE TABLE queue_counts (
    outcome             TEXT    NOT NULL,
    plan                TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    verification_status TEXT    NOT NULL,
    n                   INTEGER NOT NULL,
    PRIMARY KEY (outcome, plan, status, verification_status)
);
INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
    SELECT outcome, plan, status, verification_status, COUNT(*) FROM intakes
    GROUP BY outcome, plan, status, verification_status;

CREATE TRIGGER intakes_queue_counts_insert AFTER INSERT ON intakes
BEGIN
    INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
        VALUES (new.outcome, new.plan, new.status, new.verification_status, 1)
        ON CONFLICT (outcome, plan, status, verification_status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER intakes_queue_counts_delete AFTER DELETE ON intakes
BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE outcome = old.outcome AND plan = old.plan
        AND status = old.status AND verification_status = old.verification_status;
END;
CREATE TRIGGER intakes_queue_counts_update AFTER UPDATE OF outcome, plan, status, verification_status ON intakes
BEGIN
    UPDATE queue_counts SET n = n - 1 WHERE outcome = old.outcome AND plan = old.plan
        AND status = old.status AND verification_status = old.verification_status;
    INSERT INTO queue_counts (outcome, plan, status, verification_status, n)
        VALUES (new.outcome, new.plan, new.status, new.verification_status, 1)
        ON CONFLICT (outcome, plan, status, verification_status) DO UPDATE SET n = n + 1;
END;
