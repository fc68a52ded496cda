-- Runs inside one transaction; incoming_* are the validated frames registered by the store.
-- Only the matrix is replaced: requests, plans and decisions belong to the organisation.
-- The ratings are the new snapshot's rows of ratings_history (sql/record_ratings_history.sql).
DELETE FROM targets;
DELETE FROM skills;
DELETE FROM people;
INSERT INTO people SELECT person_id, name, team, discipline, role, manager_id, email
    FROM incoming_people;
INSERT INTO skills SELECT skill_id, name, discipline, critical, description FROM incoming_skills;
INSERT INTO targets SELECT team, skill_id, min_level, min_people, origin FROM incoming_targets;
