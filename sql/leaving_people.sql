-- Stored people an incoming matrix (registered as incoming_people) no longer has.
SELECT person_id, name, team
FROM people
WHERE person_id NOT IN (SELECT person_id FROM incoming_people)
ORDER BY person_id;
