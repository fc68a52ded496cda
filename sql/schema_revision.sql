-- One row per committed write transaction (Store.transaction adds it in the same commit), so
-- that a process that had the file closed can tell cheaply whether anyone wrote meanwhile and
-- keep the results it read before (skills/readcache.py). Rows, not one updated row: two
-- transactions that overlap within a process must not conflict on it. The first row's random
-- id makes the revision of a rebuilt file differ from the old file's.
CREATE TABLE IF NOT EXISTS store_writes AS SELECT uuid()::VARCHAR AS write_id;
