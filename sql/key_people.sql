-- The sole practitioner of a critical skill, organisation-wide: one resignation from a gap.
WITH holders AS (
    SELECT r.skill_id, r.person_id, r.level
    FROM ratings r JOIN skills s USING (skill_id)
    WHERE s.critical AND r.level >= $practitioner_level
),
sole AS (
    SELECT skill_id FROM holders GROUP BY skill_id HAVING count(*) = 1
)
SELECT h.person_id, p.name, p.team, p.discipline, h.skill_id, s.name AS skill_name,
       s.discipline AS skill_discipline, h.level
FROM holders h
JOIN sole USING (skill_id)
JOIN people p USING (person_id)
JOIN skills s USING (skill_id)
WHERE ($teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], p.team))
  AND ($disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], s.discipline))
ORDER BY p.name, s.name;
