-- A recorded call or message is a "create": the form carries a key made when the page was
-- shown, so a double click or a retried post records the attempt once (UNIQUE; NULL for
-- attempts recorded before).
ALTER TABLE follow_up_attempts ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX follow_up_attempts_request ON follow_up_attempts (request_key);
