INSERT INTO skills_history SELECT $snapshot, skill_id, name, discipline, critical FROM skills;
