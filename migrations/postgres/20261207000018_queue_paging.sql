-- Deep queue pages and filtered views without reading the rows they skip (operations
-- issue: a million submissions). A page picks its 50 ids first, from one of these
-- indexes alone, then reads those 50 rows (staff::queue::page_sql). Each index leads with
-- the queue's pin and follows one sort's order exactly (the expression must stay as in
-- staff::queue::order_of); INCLUDE holds every other column the list filters and the pin
-- test read (status, pin_rank, outcome, plan, verification_status, created_at), so
-- a page is an index-only scan that tests its filter and skips to page 2,000 in the index
-- (the heap only where the visibility map is not yet set): with the indexes of migration
-- 20261124000005, page 2,000 fetched the 99,950 rows it skipped and looked up each one's
-- consult.
DROP INDEX intakes_queue_newest;
DROP INDEX intakes_queue_oldest;
CREATE INDEX intakes_queue_newest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at DESC, id DESC)
    INCLUDE (status, pin_rank, outcome, plan, verification_status);
CREATE INDEX intakes_queue_oldest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at, id)
    INCLUDE (status, pin_rank, outcome, plan, verification_status);
-- The name and status sorts had no index: every view of them read and sorted every row.
CREATE INDEX intakes_queue_name ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), last_name, first_name, id)
    INCLUDE (status, pin_rank, outcome, plan, verification_status, created_at);
CREATE INDEX intakes_queue_status ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), status, created_at DESC, id DESC)
    INCLUDE (pin_rank, outcome, plan, verification_status);
-- A status filter: seeks the status, in the newest-first order; replaces (status,
-- created_at), which read every row of the status to sort them.
DROP INDEX intakes_status_created;
CREATE INDEX intakes_queue_of_status ON intakes (status, (CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at DESC, id DESC)
    INCLUDE (pin_rank, outcome, plan, verification_status, last_name, first_name);
