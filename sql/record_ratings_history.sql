-- The new snapshot's ratings, which are then what `ratings` shows (sql/schema.sql).
INSERT INTO ratings_history
SELECT $snapshot, person_id, skill_id, level, interest, assessed_on FROM incoming_ratings;
