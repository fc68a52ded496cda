-- The database's own views and their text, for the tables behind them.
SELECT view_name, sql FROM duckdb_views()
WHERE database_name = current_database() AND NOT internal AND NOT temporary;
