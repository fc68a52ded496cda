-- The database's own tables (not registered frames), for what a query reads.
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary;
