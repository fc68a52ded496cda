-- Older files, after `ratings` was renamed and the schema made: the table's rows become the
-- newest snapshot's ratings, whatever the history held for it (the table was the truth), and
-- the table goes. Runs in one transaction with the rename and the schema.
DELETE FROM ratings_history
WHERE snapshot = (SELECT coalesce(max(snapshot), 0) FROM snapshots);
INSERT INTO ratings_history
SELECT (SELECT coalesce(max(snapshot), 0) FROM snapshots), person_id, skill_id, level,
       coalesce(interest, 0), assessed_on
FROM ratings_before_history;
DROP TABLE ratings_before_history;
