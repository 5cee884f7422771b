-- Name search without reading every submission (operations issue: a million
-- submissions). The queue's search matches any part of `search_name` (the lower-cased
-- "first last") with `LIKE '%…%'`, which read the whole table. pg_trgm's GIN index
-- answers that same LIKE from the index (the three-character runs of each name), so the
-- query and its meaning are unchanged. pg_trgm ships with PostgreSQL (contrib) and is a
-- trusted extension since PostgreSQL 13: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- Built from the submissions already stored.
CREATE INDEX intakes_search_name_trgm ON intakes USING gin (search_name gin_trgm_ops);
