-- One row per committed write transaction (Store.transaction adds it in the same commit),
-- naming the tables it wrote (NULL: it may have written any), so that a process can tell
-- cheaply whether anyone wrote meanwhile, and to what, and keep the results it read from
-- other tables (skills/readcache.py). Rows, not one updated row: two transactions that
-- overlap within a process must not conflict on it. The first row's random id makes the
-- revisions of a rebuilt file differ from the old file's.
CREATE TABLE IF NOT EXISTS store_writes AS
SELECT uuid()::VARCHAR AS write_id, NULL::VARCHAR[] AS tables;
-- Files from before writes named their tables: their rows stand for "any table".
ALTER TABLE store_writes ADD COLUMN IF NOT EXISTS tables VARCHAR[];
