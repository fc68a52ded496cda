-- One person's own ratings and interests (every skill, unrated at level 0).
SELECT p.person_id, p.name, p.team, s.skill_id, s.name AS skill_name,
       s.discipline AS skill_discipline, s.critical,
       coalesce(r.level, 0)::INTEGER    AS level,
       coalesce(r.interest, 0)::INTEGER AS interest,
       r.assessed_on
FROM people p
CROSS JOIN skills s
LEFT JOIN ratings r ON r.person_id = p.person_id AND r.skill_id = s.skill_id
WHERE p.person_id = $person_id
ORDER BY s.discipline, s.name;
