-- Deep queue pages and filtered views without reading the rows they skip (operations
-- issue: a million submissions). A page picks its 50 ids first, from one of these
-- indexes alone, then reads those 50 rows (staff::queue::page_sql). Each index leads with
-- the queue's pin and follows one sort's order exactly (the expression must stay as in
-- staff::queue::order_of), then holds every column the list filters and the pin test
-- read (status, pin_rank, outcome, plan, verification_status, created_at), so the
-- engine tests a filter and skips to page 2,000 in the index (a covering index): with
-- the row-reading indexes of migration 20261124000005, page 2,000 read 99,950 rows of
-- about 4.5 KB each only for OFFSET to drop them. SQLite has no INCLUDE: the extra
-- columns trail the key.
DROP INDEX intakes_queue_newest;
DROP INDEX intakes_queue_oldest;
CREATE INDEX intakes_queue_newest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at DESC, id DESC,
    status, pin_rank, outcome, plan, verification_status);
CREATE INDEX intakes_queue_oldest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at, id,
    status, pin_rank, outcome, plan, verification_status);
-- The name and status sorts had no index: every view of them read and sorted every row.
CREATE INDEX intakes_queue_name ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), last_name, first_name, id,
    status, pin_rank, outcome, plan, verification_status, created_at);
CREATE INDEX intakes_queue_status ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), status, created_at DESC, id DESC,
    pin_rank, outcome, plan, verification_status);
-- A status filter: SQLite keeps no statistics (the app never runs ANALYZE), so it seeks
-- an index on the filtered status whenever there is one. This one replaces (status,
-- created_at), which read every row of the status to sort them: the newest-first order
-- comes from the index; other orders sort the status's index entries, never its rows.
DROP INDEX intakes_status_created;
CREATE INDEX intakes_queue_of_status ON intakes (status, (CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at DESC, id DESC,
    pin_rank, outcome, plan, verification_status, last_name, first_name);
