-- 1 when `ratings` is still a table of its own, as in files made before it became the newest
-- snapshot's rows of ratings_history (sql/schema.sql).
SELECT count(*) AS tables
FROM duckdb_tables()
WHERE table_name = 'ratings' AND schema_name = 'main' AND database_name = current_database();
