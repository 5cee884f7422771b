-- The queue's two date orders as indexes (issue 8: the staff queue with 10,000
-- submissions). The first key is the queue's pin: open emergencies, urgent cases and
-- safety alerts on top. With these, a page of 50 reads 50 index entries instead of
-- sorting every submission; the expression must stay exactly as in staff::queue::order_of.
CREATE INDEX intakes_queue_newest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at DESC, id DESC);
CREATE INDEX intakes_queue_oldest ON intakes ((CASE WHEN status IN ('new', 'in_review') THEN pin_rank ELSE 3 END), created_at, id);
-- Superseded by the two above (nothing orders by the raw pin_rank).
DROP INDEX intakes_pin_created;
