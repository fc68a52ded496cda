-- Per skill: its practitioners (the bus factor), head count at each level, people interested.
-- $teams / $disciplines: lists to keep, or NULL for all.
WITH scope AS (
    SELECT person_id FROM people
    WHERE $teams::VARCHAR[] IS NULL OR list_contains($teams::VARCHAR[], team)
),
scoped AS (
    SELECT r.* FROM ratings r JOIN scope USING (person_id)
)
SELECT
    s.skill_id,
    s.name,
    s.discipline,
    s.critical,
    count(r.person_id) FILTER (WHERE r.level >= $practitioner_level)::INTEGER         AS holders,
    ((SELECT count(*) FROM scope) - count(r.person_id) FILTER (WHERE r.level >= 1))::INTEGER
                                                                                   AS level_0,
    count(r.person_id) FILTER (WHERE r.level = 1)::INTEGER                         AS level_1,
    count(r.person_id) FILTER (WHERE r.level = 2)::INTEGER                         AS level_2,
    count(r.person_id) FILTER (WHERE r.level = 3)::INTEGER                         AS level_3,
    count(r.person_id) FILTER (WHERE r.level = 4)::INTEGER                         AS level_4,
    count(r.person_id) FILTER (WHERE r.interest >= 1)::INTEGER                     AS interested
FROM skills s
LEFT JOIN scoped r USING (skill_id)
WHERE $disciplines::VARCHAR[] IS NULL OR list_contains($disciplines::VARCHAR[], s.discipline)
GROUP BY ALL
ORDER BY s.discipline, s.name;
