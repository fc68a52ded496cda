-- Changes with every committed write and differs between files (see schema_revision.sql).
SELECT count(*)::VARCHAR || ':' || min(write_id) AS revision FROM store_writes;
