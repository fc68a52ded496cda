INSERT INTO targets_history
SELECT $snapshot, team, skill_id, min_level, min_people, origin FROM targets;
