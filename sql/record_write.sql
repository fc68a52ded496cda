-- A write transaction is about to commit: the revisions of the tables it wrote move with it
-- ($tables NULL: it may have written any).
INSERT INTO store_writes (write_id, tables) VALUES (uuid()::VARCHAR, $tables);
