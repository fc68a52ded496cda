-- A write transaction is about to commit: the file's revision changes with it.
INSERT INTO store_writes SELECT uuid()::VARCHAR;
