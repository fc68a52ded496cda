INSERT INTO people_history SELECT $snapshot, person_id, name, team, discipline FROM people;
