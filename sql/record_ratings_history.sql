INSERT INTO ratings_history
SELECT $snapshot, person_id, skill_id, level, interest, assessed_on FROM ratings;
