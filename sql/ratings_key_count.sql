-- 1 when the ratings table still has the primary key files made before it was dropped carry.
SELECT count(*) AS keys
FROM duckdb_constraints()
WHERE table_name = 'ratings' AND constraint_type = 'PRIMARY KEY' AND schema_name = 'main';
