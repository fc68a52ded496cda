-- Runs inside one transaction; incoming_* are the validated frames registered by the store.
-- Only the matrix is replaced: requests, plans and decisions belong to the organisation.
DELETE FROM targets;
DELETE FROM ratings;
DELETE FROM skills;
DELETE FROM people;
INSERT INTO people SELECT person_id, name, team, discipline, role, manager_id, email
    FROM incoming_people;
INSERT INTO skills SELECT skill_id, name, discipline, critical, description FROM incoming_skills;
INSERT INTO ratings SELECT person_id, skill_id, level, interest, assessed_on FROM incoming_ratings;
INSERT INTO targets SELECT team, skill_id, min_level, min_people, origin FROM incoming_targets;
