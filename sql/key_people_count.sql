-- How many people are the sole practitioner of a critical skill (an aggregate, no names).
WITH holders AS (
    SELECT r.skill_id, r.person_id
    FROM ratings r JOIN skills s USING (skill_id)
    WHERE s.critical AND r.level >= $practitioner_level
),
sole AS (SELECT skill_id FROM holders GROUP BY skill_id HAVING count(*) = 1)
SELECT count(DISTINCT person_id)::INTEGER AS key_people FROM holders JOIN sole USING (skill_id);
