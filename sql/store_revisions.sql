-- How many committed writes touched each table ('*': writes that may have touched any), and
-- the file's identity, the first row's random id (see schema_revision.sql).
SELECT coalesce(touched, '*') AS relation, count(*) AS writes,
       (SELECT write_id FROM store_writes ORDER BY rowid LIMIT 1) AS file_id
FROM (SELECT unnest(CASE WHEN tables IS NULL THEN [NULL::VARCHAR] ELSE tables END) AS touched
      FROM store_writes)
GROUP BY ALL;
