SELECT loaded_at, source, people, skills, ratings, warnings
FROM loads
ORDER BY loaded_at DESC
LIMIT 1;
